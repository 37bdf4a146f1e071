"""The extra sections of a crime appendix (``extra_sections`` in ``data/reference/themes.csv``;
personal robbery carries all three): the victim and offender profile, knife-related offences
and the northern NPTs' share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfpack.core import counts, stats
from perfpack.core.change import format_pct, pct_change, percent
from perfpack.core.windows import ThemeWindows, Window
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR
from perfpack.present import charts
from perfpack.themes.areas import months_text
from perfpack.themes.crime.measures import AREA_COLUMN, DATE_COLUMN

#: Age bands for the victim and offender profile (figure 3); "Not known" when age is missing.
AGE_BANDS = ("Under 18", "18-24", "25-34", "35-49", "50+")
NOT_KNOWN = "Not known"
#: Sex as the profile shows it ("Other" in the records is grouped with not recorded).
PROFILE_SEXES = ("Male", "Female", "Other or not known")
#: The NPTs the report calls "the north of the county" for robbery ("SOT North, SOT South and
#: Newcastle ... 61%"). Used when ``data/reference/npts.csv`` has no ``northern_share`` column.
NORTHERN_COLUMN = "northern_share"
#: The printed report's figure numbers (February 2020 layout). A theme or chart not listed gets


def age_band(ages: pd.Series) -> pd.Series:
    """Ages in years -> the profile's bands: Under 18, 18-24, 25-34, 35-49, 50+; missing ages
    -> "Not known".

    Parameters
    ----------
    ages : pandas.Series
        Whole years (nullable integers allowed).

    Returns
    -------
    pandas.Series
        Ordered categorical with the five bands and "Not known".
    """
    numbers = pd.to_numeric(ages, errors="coerce").astype("float64")
    bins = [-np.inf, 17, 24, 34, 49, np.inf]
    banded = pd.cut(numbers, bins=bins, labels=list(AGE_BANDS), right=True)
    labels = banded.astype("object").where(banded.notna(), NOT_KNOWN)
    return pd.Series(
        pd.Categorical(labels, categories=[*AGE_BANDS, NOT_KNOWN], ordered=True),
        index=ages.index,
        name="age_band",
    )


def _profile_sex(sexes: pd.Series) -> pd.Series:
    mapped = sexes.astype("object").where(sexes.isin(["Male", "Female"]), PROFILE_SEXES[2])
    return pd.Series(
        pd.Categorical(mapped, categories=list(PROFILE_SEXES)), index=sexes.index, name="sex"
    )


def victim_offender_profile(offences: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Victims and suspects by age band and sex in ``window`` (figure 3).

    Each offence counts once for its victim and once for its suspect (the canonical table holds
    one of each per offence; an unknown suspect counts as "Not known").

    Returns
    -------
    pandas.DataFrame
        Long form, every combination present (zeros included): ``role`` ("Victims",
        "Suspects"), ``age_band``, ``sex``, ``count``.
    """
    rows = counts.in_window(offences, DATE_COLUMN, window)
    frames = []
    for role, prefix in (("Victims", "victim"), ("Suspects", "suspect")):
        bands = age_band(rows[f"{prefix}_age"])
        sexes = _profile_sex(rows[f"{prefix}_sex"])
        tally = (
            pd.crosstab(bands, sexes, dropna=False)
            .reindex(index=[*AGE_BANDS, NOT_KNOWN], columns=list(PROFILE_SEXES), fill_value=0)
            .stack()
            .rename("count")
            .reset_index()
        )
        tally.columns = ["age_band", "sex", "count"]
        tally.insert(0, "role", role)
        frames.append(tally)
    profile = pd.concat(frames, ignore_index=True)
    profile["age_band"] = profile["age_band"].astype(str)
    profile["sex"] = profile["sex"].astype(str)
    profile["count"] = profile["count"].astype(int)
    return profile


def profile_table(profile: pd.DataFrame, role: str) -> pd.DataFrame:
    """One role's profile as an age band x sex table of counts with totals, small counts
    suppressed (:func:`perfpack.core.disclosure.suppress_small`)."""
    from perfpack.core import disclosure

    wide = (
        profile[profile["role"] == role]
        .pivot(index="age_band", columns="sex", values="count")
        .reindex(index=[*AGE_BANDS, NOT_KNOWN], columns=list(PROFILE_SEXES))
    )
    wide["Total"] = wide.sum(axis=1)
    wide.loc["Total"] = wide.sum(axis=0)
    wide = wide.reset_index().rename(columns={"age_band": "Age band"})
    wide.columns.name = None
    return disclosure.suppress_small(
        wide.set_index("Age band"),
        [*PROFILE_SEXES, "Total"],
        total_row="Total",
        total_column="Total",
    ).reset_index()


def profile_chart(profile: pd.DataFrame, title: str, n_months: int = 12):
    """Figure 3: victims and suspects side by side, bars by age band, one colour (and hatch)
    per sex (``n_months``: the current window's length, for the axis).

    Returns
    -------
    (matplotlib.figure.Figure, str)
    """
    import matplotlib.pyplot as plt

    charts.setup_style()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    hatches = ("", "//", "..")
    width = 0.27
    bands = [*AGE_BANDS, NOT_KNOWN]
    x = np.arange(len(bands))
    described = []
    for ax, role in zip(axes, ("Victims", "Suspects"), strict=True):
        part = profile[profile["role"] == role]
        for i, sex in enumerate(PROFILE_SEXES):
            values = (
                part[part["sex"] == sex].set_index("age_band")["count"].reindex(bands, fill_value=0)
            )
            ax.bar(
                x + (i - 1) * width,
                values.to_numpy(),
                width,
                label=sex,
                color=charts.PALETTE[i],
                hatch=hatches[i],
                edgecolor="white",
            )
        ax.set_xticks(x, bands, rotation=30, ha="right")
        ax.set_title(role)
        ax.set_xlabel("Age band")
        by_band = part.groupby("age_band")["count"].sum().reindex(bands, fill_value=0)
        by_sex = part.groupby("sex")["count"].sum().reindex(list(PROFILE_SEXES), fill_value=0)
        total = int(part["count"].sum())
        known = by_band.drop(NOT_KNOWN)
        top = known.idxmax() if known.sum() else NOT_KNOWN
        described.append(
            f"{role}: {total} in all; most often aged {top} ({int(by_band[top])}); "
            + ", ".join(f"{sex} {int(n)}" for sex, n in by_sex.items())
        )
    axes[0].set_ylabel(f"Count, current {months_text(n_months)}")
    axes[1].legend(
        loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small", title="Sex"
    )
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    alt = (
        f"{title}: bar charts of victims and suspects by age band and sex. "
        + ". ".join(described)
        + "."
    )
    return fig, alt


@dataclass(frozen=True)
class KnifeChange:
    """Knife-related offences in the two windows."""

    previous: int
    current: int
    pct_change: float | None
    test: stats.PoissonTest
    n_months: int = 12

    def sentence(self) -> str:
        """'The number of knife related robberies has dropped by 10% (from 120 to 108) in the
        last 12 months.' with the test's verdict."""
        if self.pct_change is None:
            movement = f"went from {self.previous} to {self.current}"
        elif self.current < self.previous:
            movement = (
                f"has dropped by {format_pct(abs(self.pct_change))} (from {self.previous} to "
                f"{self.current})"
            )
        elif self.current > self.previous:
            movement = (
                f"has risen by {format_pct(self.pct_change)} (from {self.previous} to "
                f"{self.current})"
            )
        else:
            movement = f"is unchanged at {self.current}"
        return (
            f"The number of knife related robberies {movement} in the last "
            f"{months_text(self.n_months)}. "
            f"{self.test.verdict}"
        )


def knife_change(offences: pd.DataFrame, windows: ThemeWindows) -> KnifeChange:
    """Offences flagged as knife-related (``knife`` true; missing counts as not) in the previous
    and current windows, their % change and the exact test."""
    flagged = offences[offences["knife"].fillna(False).astype(bool)]
    previous = counts.count_in_window(flagged, DATE_COLUMN, windows.previous)
    current = counts.count_in_window(flagged, DATE_COLUMN, windows.current)
    return KnifeChange(
        previous,
        current,
        pct_change(previous, current),
        stats.poisson_change_test(previous, current),
        windows.current.n_months,
    )


def northern_npts(reference_dir=REFERENCE_DIR) -> list[str]:
    """The NPTs whose offences make the "northern share": those marked ``yes`` in the
    ``northern_share`` column of ``data/reference/npts.csv`` (none when a force's table has no
    such column)."""
    table = reference.table("npts", reference_dir)
    if NORTHERN_COLUMN not in table:
        return []
    marked = table[table[NORTHERN_COLUMN].str.strip().str.lower().isin(["yes", "y", "true"])]
    return marked["npt"].tolist()


def area_share(offences: pd.DataFrame, window: Window, area_names) -> float | None:
    """The percentage of ``window``'s offences that fall in ``area_names`` (None when the window
    has no offences): "SOT North, SOT South and Newcastle ... make up 61% of all personal
    robberies across the county"."""
    rows = counts.in_window(offences, DATE_COLUMN, window)
    if rows.empty:
        return None
    return percent(int(rows[AREA_COLUMN].isin(list(area_names)).sum()), len(rows))
