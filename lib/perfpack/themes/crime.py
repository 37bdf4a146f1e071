"""Crime-theme measures: one theme's offences, its windows and headline sentence, the national
rate comparison, change by NPT, projections, the significance of the change, and the extra
sections personal robbery carries (victim and offender profile, knife-related robbery, the
northern NPTs' share).

A theme is the rows of the canonical ``crimes`` table whose ``theme`` column is the theme's slug
(``data/reference/offence_themes.csv`` maps offence codes to themes at ingest). Which extra
sections a theme shows is the ``extra_sections`` column of ``data/reference/themes.csv``.
Populations are a parameter (a Series indexed by area), never hard-wired, so the public-data
themes (``robbery_all``, ``vehicle_crime_all``) run through the same functions with whatever
areas their ``npt`` column holds (:func:`perfpack.themes.areas.processed_areas`).

The windows are ``window_months`` long (12 by default, as the report). Public-data themes rate
the force over the current window and compare it with the same window's rate over every force
in the download (:func:`national_comparator`); force-extract themes keep the 12 months the
published England & Wales rate covers. Projections need history: a trend over N months needs N
months and the seasonal model :data:`MODEL_MIN_MONTHS`; what the data cannot support is left out
and :func:`projection_note` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfpack.core import backtest, counts, projections, stats
from perfpack.core.change import (
    change_sentence,
    format_pct,
    pct_change,
    percent,
    round_half_up,
    signed_pct,
)
from perfpack.core.figures import FigureBook
from perfpack.core.windows import Window, comparison_windows, parse_period, window_ending
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR
from perfpack.present import charts, projection_text
from perfpack.present.markup import escape_markdown
from perfpack.themes import areas, spc_themes
from perfpack.themes.areas import NPT_NAMES, AreaNames, months_text

DATE_COLUMN = "recorded_date"
AREA_COLUMN = "npt"
#: Age bands for the victim and offender profile (figure 3); "Not known" when age is missing.
AGE_BANDS = ("Under 18", "18-24", "25-34", "35-49", "50+")
NOT_KNOWN = "Not known"
#: Sex as the profile shows it ("Other" in the records is grouped with not recorded).
PROFILE_SEXES = ("Male", "Female", "Other or not known")
#: The NPTs the report calls "the north of the county" for robbery ("SOT North, SOT South and
#: Newcastle ... 61%"). Used when ``data/reference/npts.csv`` has no ``northern_share`` column.
NORTHERN_COLUMN = "northern_share"
#: The printed report's figure numbers (February 2020 layout). A theme or chart not listed gets
#: an unnumbered caption.
REPORT_FIGURE_NUMBERS = {
    "personal_robbery": {"monthly": 1, "projections": 2, "profile": 3},
    "theft_from_vehicle": {"monthly": 4, "npt_change": 5, "projections": 6},
    "theft_of_vehicle": {"monthly": 7, "npt_change": 8, "projections": 9},
}
_CAPTIONS = {
    "monthly": "Monthly volume of {title}",
    "npt_change": "Volume change by {area_chart} of {title} over a {months} month period",
    "funnel": "Rate per 1,000 residents of {title} by {area_caption} against the force rate",
    "projections": "Three, six and twelve month projections for {title}",
    "profile": "Victim and Offender Profile for {title}",
}
_TABLE_CAPTIONS = {
    "areas": "{title} by {area_caption}, previous and current {span} "
    "(rate per 1,000 mid-2019 residents, current {span})",
    "significance": "Change by {area_caption}, previous against current {span}: {judged}",
}
#: Months of history the seasonal model (ETS with 12-month seasonality) needs; with fewer, the
#: model forecast and the back-test are left out.
MODEL_MIN_MONTHS = 2 * projections.SEASONAL_PERIODS
#: What the public files cannot do, shown at the top of a public-data crime appendix.
PUBLIC_DATA_NOTE = (
    "data.police.uk publishes all robbery together, personal and business, and all vehicle "
    "crime together (theft from, theft of and interference with a vehicle), so these figures "
    "cannot be compared with the report's Personal Robbery, Theft from a Motor Vehicle or Theft "
    "of a Motor Vehicle. The public files give the month of each crime, not the day."
)


# --------------------------------------------------------------------------------------------
# Selection and windows


def theme_crimes(crimes: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The offences of one theme: rows whose ``theme`` column equals the slug.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The canonical ``crimes`` table.
    theme : str
        A theme slug, e.g. ``"personal_robbery"``.

    Returns
    -------
    pandas.DataFrame
        A new frame (possibly empty) with the same columns.
    """
    if "theme" not in crimes:
        raise KeyError("the crimes table has no 'theme' column: is it the canonical table?")
    return crimes[crimes["theme"].eq(theme).fillna(False).astype(bool)].copy()


@dataclass(frozen=True)
class ThemeWindows:
    """The windows a crime theme reports on.

    ``previous`` and ``current`` are the two windows compared (12 months each by default);
    ``national`` is the window of the force's rate per 1,000: for a force-extract theme the
    12 months ending ``rate_window_lag_months`` before the period (Oct 2018 - Sep 2019 for
    2019-12), the window of the published national rate; for a public-data theme the current
    window (the national rate is computed over the same months).
    """

    previous: Window
    current: Window
    national: Window


def theme_windows(
    theme: str, period: str, reference_dir=REFERENCE_DIR, window_months: int = 12
) -> ThemeWindows:
    """The theme's windows for ``period`` from its reference row.

    Parameters
    ----------
    theme, period : str
    reference_dir : path
    window_months : int, default 12
        Length of the previous and current windows
        (``comparison_windows(period, lag, n_months=window_months)``).

    Returns
    -------
    ThemeWindows
        The rate window is the current window when the theme's ``rate_window_lag_months`` is
        blank (the public-data themes, whose comparator is computed from the same download over
        the same months); otherwise the 12 months
        ending that many months before the period (the published national rate's span, kept
        at 12 whatever ``window_months`` is, so the force's rate stays comparable with it).
    """
    row = reference.theme(theme, reference_dir)
    previous, current = comparison_windows(period, int(row["lag_months"]), n_months=window_months)
    rate_lag = row["rate_window_lag_months"]
    if pd.isna(rate_lag):
        national = current
    else:
        national = window_ending(parse_period(period) - int(rate_lag), 12)
    return ThemeWindows(previous, current, national)


def monthly_series(
    crimes: pd.DataFrame, theme: str, period: str, first_month=None, lag_months: int = 0
) -> pd.Series:
    """A theme's monthly counts from the first month of the data to the end of the current
    window, months without offences as 0 (the SPC chart's and the projections' points).

    Parameters
    ----------
    crimes : pandas.DataFrame
        The canonical crimes table (all themes: its first month is where the data starts, even if
        this theme had no offence that month).
    theme, period : str
    first_month : str or pandas.Period, optional
        Start here instead of at the data's first month.
    lag_months : int, default 0
        The theme's lag (the series ends ``lag_months`` before the period).
    """
    end = parse_period(period) - lag_months
    if first_month is None:
        if crimes.empty:
            first = end
        else:
            first = crimes[DATE_COLUMN].min().to_period("M")
    else:
        first = parse_period(first_month) if isinstance(first_month, str) else first_month
    first = min(first, end)
    return counts.monthly_counts(theme_crimes(crimes, theme), DATE_COLUMN, Window(first, end))


# --------------------------------------------------------------------------------------------
# Headline and rate


@dataclass(frozen=True)
class Headline:
    """Counts in the two windows, their % change and the exact test of the change."""

    previous: int
    current: int
    pct_change: float | None
    test: stats.PoissonTest
    sentence: str


def headline(
    offences: pd.DataFrame, windows: ThemeWindows, title: str, place: str = "Staffordshire"
) -> Headline:
    """The report's headline for one theme's offences.

    Parameters
    ----------
    offences : pandas.DataFrame
        One theme's offences (:func:`theme_crimes`).
    windows : ThemeWindows
    title : str
        The theme's title as the report writes it ("Personal Robbery").
    place : str
        The force area named in the sentence.

    Returns
    -------
    Headline
        E.g. ``sentence``: "The number of Personal Robbery offences in Staffordshire has
        decreased by 11% from 855 offences in the period 1st January 2018 to 31st December 2018
        compared to 764 in the period 1st January 2019 to 31st December 2019."
    """
    previous = counts.count_in_window(offences, DATE_COLUMN, windows.previous)
    current = counts.count_in_window(offences, DATE_COLUMN, windows.current)
    sentence = change_sentence(
        title, previous, current, windows.previous, windows.current, place=place
    )
    return Headline(
        previous,
        current,
        pct_change(previous, current),
        stats.poisson_change_test(previous, current),
        sentence,
    )


@dataclass(frozen=True)
class NationalRate:
    """The force's rate per 1,000 residents in the rate window beside the national rate.

    ``national_rate_per_1000`` is the reference table's England & Wales figure for a
    force-extract theme, or (``computed``) the rate over every force in a data.police.uk
    download for the same window (:func:`national_comparator`), with ``forces_counted`` and
    ``note`` stating its coverage (or why there is none).
    """

    count: int
    population: float
    rate_per_1000: float
    national_rate_per_1000: float | None
    window: Window
    computed: bool = False
    forces_counted: int = 0
    note: str = ""

    @property
    def decimals(self) -> int:
        """Decimals shown: 1 for a year (the report's), 2 for a shorter window's small rates."""
        return 1 if self.window.n_months >= 12 else 2

    def _shown(self, value: float) -> float:
        return round_half_up(value, self.decimals)

    @property
    def below_national(self) -> bool | None:
        if self.national_rate_per_1000 is None or math.isnan(self.rate_per_1000):
            return None
        return self._shown(self.rate_per_1000) < self._shown(self.national_rate_per_1000)


def national_rate(
    offences: pd.DataFrame,
    theme: str,
    window: Window,
    population: float,
    reference_dir=REFERENCE_DIR,
    national=None,
) -> NationalRate:
    """Offences per 1,000 residents in ``window`` and the theme's national comparator.

    Parameters
    ----------
    offences : pandas.DataFrame
        One theme's offences.
    theme : str
    window : Window
        The rate window (:attr:`ThemeWindows.national`).
    population : float
        The force area's residents.
    reference_dir : path
    national : perfpack.data.public_tables.NationalRates, optional
        The comparator computed over a download's forces for the same window
        (:func:`national_comparator`). Without it, the reference table's
        (``data/reference/national_comparators.csv``, measure ``rate_per_1000``; None if not
        held).

    Returns
    -------
    NationalRate
    """
    count = counts.count_in_window(offences, DATE_COLUMN, window)
    if national is None:
        comparator = reference.national_comparator(theme, "rate_per_1000", reference_dir)
        extra = {}
    else:
        comparator = national.rate(theme)
        extra = {
            "computed": True,
            "forces_counted": len(national.forces) if comparator is not None else 0,
            "note": national.note,
        }
    return NationalRate(
        count=count,
        population=float(population),
        rate_per_1000=stats.rate_per_1000(count, population),
        national_rate_per_1000=comparator,
        window=window,
        **extra,
    )


def national_comparator(theme: str, period: str, processed_dir=None, window_months: int = 12):
    """The national comparator of a processed data.police.uk download for ``theme``'s rate
    window (:func:`perfpack.data.public_tables.stored_national_rates`), or None for a force
    extract
    (whose national figures are the reference table's)."""
    from perfpack.data import public_tables as police_uk

    window = theme_windows(theme, period, window_months=window_months).national
    return police_uk.stored_national_rates(processed_dir, window, groups=[theme])


def national_sentence(title: str, rate: NationalRate, place: str = "Staffordshire") -> str:
    """The report's national comparison: "Staffordshire is below the recorded national average
    ... Staffordshire experienced 0.7 crimes per 1,000 residents compared to 1.4 for every 1,000
    residents in England & Wales." Rates are shown to one decimal (two for a window shorter
    than a year), rounded half up. A comparator computed from a download is named as the
    forces in it, with its coverage."""
    digits = rate.decimals
    window = rate.window.describe()
    if math.isnan(rate.rate_per_1000):
        return (
            f"No population is held for {place}'s area, so no rate per 1,000 residents is shown "
            f"for {title} in the period {window}."
        )
    ours = f"{round_half_up(rate.rate_per_1000, digits):.{digits}f}"
    if rate.national_rate_per_1000 is None:
        why = rate.note if rate.computed else "No national rate is held for this theme."
        return (
            f"{place} experienced {ours} {title} offences per 1,000 residents in the period "
            f"{window}. {why}"
        )
    theirs = f"{round_half_up(rate.national_rate_per_1000, digits):.{digits}f}"
    if rate.below_national:
        position = "below"
    elif rate._shown(rate.rate_per_1000) > rate._shown(rate.national_rate_per_1000):
        position = "above"
    else:
        position = "level with"
    if rate.computed:
        span = months_text(rate.window.n_months)
        return (
            f"{place} is {position} the rate across the {rate.forces_counted} forces in the "
            f"data.police.uk download in relation to the number of {title} offences per 1,000 "
            f"residents in the period {window} ({span}, not annualised). {place} experienced "
            f"{ours} crimes per 1,000 residents compared to {theirs} for every 1,000 residents "
            f"across those forces. {rate.note}"
        )
    return (
        f"{place} is {position} the recorded national average in relation to the number of "
        f"{title} offences per 1,000 residents (which is based on the period {window}). "
        f"{place} experienced {ours} crimes per 1,000 residents compared to {theirs} for every "
        "1,000 residents in England & Wales."
    )


# --------------------------------------------------------------------------------------------
# Areas


def change_by_npt(
    offences: pd.DataFrame, windows: ThemeWindows, populations: pd.Series | None = None
) -> pd.DataFrame:
    """Counts per NPT (or whatever areas ``npt`` holds) in the two windows, with change, rate
    per 1,000 and significance: :func:`perfpack.themes.areas.change_by_area`."""
    previous = counts.counts_by(offences, DATE_COLUMN, windows.previous, AREA_COLUMN)
    current = counts.counts_by(offences, DATE_COLUMN, windows.current, AREA_COLUMN)
    return areas.change_by_area(previous, current, populations)


def npt_sentence(
    title: str,
    table: pd.DataFrame,
    place: str = "Staffordshire Police",
    names: AreaNames = NPT_NAMES,
) -> str:
    """ "Theft from a Motor vehicle has decreased in four of Staffordshire Police's ten
    Neighbourhood Policing Teams", naming every area that rose with its change (``names``:
    what the areas are, e.g. local authorities for public data)."""
    fell = areas.n_decreased(table)
    total = len(table)
    text = (
        f"{title} has decreased in {areas.number_word(fell)} of {place}'s "
        f"{areas.number_word(total)} {names.plural}."
    )
    rises = table[table["change"] > 0].sort_values("change", ascending=False)
    if len(rises):
        parts = []
        for row in rises.itertuples():
            pct = "" if pd.isna(row.pct_change) else f", {format_pct(row.pct_change)}"
            parts.append(f"{escape_markdown(row.area)} (+{row.change}{pct})")
        text += f" It rose in {', '.join(parts)}."
    return text


def npt_significance_table(table: pd.DataFrame, area_label: str = "NPT") -> pd.DataFrame:
    """Per-area verdicts, ready to publish (counts are the windows' area totals, also in the
    change table, with the same marks: :func:`perfpack.themes.areas.suppressed_counts`; an area
    with a
    hidden count has no verdict); ``area_label`` heads the first column.

    ``Verdict`` is :func:`perfpack.core.stats.change_verdict` on the exact Poisson test of no change
    (``p_value``); the last column compares the area's change with the change across all
    areas (``judged_p_value``, :func:`perfpack.themes.areas.comparison_header`)."""
    judged = table["judged_p_value"] if "judged_p_value" in table else table["p_value"]
    counts = areas.suppressed_counts(table)  # the change table's marks, cell for cell
    hidden = table["area"].isin(areas.hidden_areas(table)).to_numpy()
    verdicts = [
        "Too few to publish." if h else stats.change_verdict(a, b, p)
        for a, b, p, h in zip(
            table["previous"], table["current"], table["p_value"], hidden, strict=True
        )
    ]
    out = pd.DataFrame(
        {
            area_label: table["area"].to_numpy(),
            "Previous": counts["previous"].to_numpy(),
            "Current": counts["current"].to_numpy(),
            "Verdict": verdicts,
            f"Compared {areas.comparison_header(table, area_label)}": [
                "–" if h else f"{areas.comparison_label(p)} ({stats.format_p_value(p)})"
                for p, h in zip(judged, hidden, strict=True)
            ],
        }
    )
    return areas.disclosure.carry(out, counts)


# --------------------------------------------------------------------------------------------
# Robbery extras


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


# --------------------------------------------------------------------------------------------
# Everything for one theme


@dataclass
class CrimeTheme:
    """Every measure of one crime theme for one period (what the notebook shows and what
    goes into figures.csv). Built by :func:`analyse_theme`."""

    theme: str
    title: str
    period: str
    target_direction: str
    extra_sections: list[str]
    windows: ThemeWindows
    headline: Headline
    monthly: pd.Series
    xmr: pd.DataFrame
    national: NationalRate
    by_npt: pd.DataFrame
    projections: pd.DataFrame
    ets: projections.EtsForecast | None
    #: Each method's back-test record (:func:`perfpack.core.backtest.backtest_summary`).
    backtest: pd.DataFrame
    knife: KnifeChange | None = None
    northern_share: float | None = None
    northern_npts: list[str] = field(default_factory=list)
    profile: pd.DataFrame | None = None
    #: Every origin's projections (:func:`perfpack.core.backtest.rolling_backtest`).
    backtest_errors: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The headline projection (:func:`perfpack.core.backtest.select_projection`).
    selection: backtest.Selection | None = None

    force_population: float = math.nan
    window_months: int = 12
    area_names: AreaNames = NPT_NAMES
    place: str = "Staffordshire"
    force_name: str = "Staffordshire Police"
    public: bool = False
    #: Offences with no area (blank ``npt``) in the previous and current windows.
    unplaced: tuple[int, int] = (0, 0)

    @property
    def force_rate_per_1000(self) -> float:
        """The force's rate per 1,000 residents in the current window (the funnel's centre)."""
        return stats.rate_per_1000(self.headline.current, self.force_population)

    @property
    def has_populations(self) -> bool:
        return bool(self.by_npt["population"].notna().any())

    def _words(self) -> dict:
        return {
            "title": self.title,
            "window": self.windows.current.describe(),
            "area_chart": self.area_names.chart,
            "area_short": self.area_names.short,
            "area_caption": self.area_names.caption,
            "months": self.window_months,
            "span": months_text(self.window_months),
        }

    def chart_title(self, chart: str) -> str:
        """The chart's own title, e.g. "Monthly volume of Personal Robbery"."""
        return _CAPTIONS[chart].format(**self._words())

    def table_caption(self, table: str) -> str:
        """A table's caption: ``areas`` ("Personal Robbery by NPT, previous and current 12
        months (...)") or ``significance`` (which says how the changes were judged)."""
        used = self.by_npt["change_method"].iloc[0] if len(self.by_npt) else "poisson"
        judged = (
            "exact Poisson tests"
            if used == "poisson"
            else "exact Poisson test; against the change across all areas allowing for their "
            "spread (overdispersion)"
        )
        return _TABLE_CAPTIONS[table].format(**self._words(), judged=judged)

    @property
    def change_note(self) -> str:
        """How the areas' changes were judged: the test for overdispersion in the changes and
        the method (:func:`perfpack.themes.areas.change_note`)."""
        return areas.change_note(self.by_npt, self.area_names)

    @property
    def has_projections(self) -> bool:
        """Whether any projection (a trend or the model) is shown."""
        return len(self.projections) > 0 or self.ets is not None

    @property
    def data_note(self) -> str:
        """What the data cannot do (public-data themes; empty for a force extract)."""
        return PUBLIC_DATA_NOTE if self.public else ""

    @property
    def unplaced_note(self) -> str:
        """How many offences are in no area row, and why (empty when none)."""
        return areas.unplaced_note(*self.unplaced, self.area_names, self.window_months)

    def caption(self, chart: str) -> str:
        """The report's caption: "Figure 1. Monthly volume of Personal Robbery" (numbered as in
        the printed report where it has the chart, see :data:`REPORT_FIGURE_NUMBERS`)."""
        number = REPORT_FIGURE_NUMBERS.get(self.theme, {}).get(chart)
        title = self.chart_title(chart)
        return f"Figure {number}. {title}" if number else title

    def projection_pct(self, n_months: int) -> float | None:
        rows = self.projections[self.projections["n_months"] == n_months]
        if rows.empty or pd.isna(rows["pct_change"].iloc[0]):
            return None
        return float(rows["pct_change"].iloc[0])


def analyse_theme(
    crimes: pd.DataFrame,
    theme: str,
    period: str,
    populations: pd.Series | None = None,
    force_population: float | None = None,
    place: str = "Staffordshire",
    reference_dir=REFERENCE_DIR,
    first_month=None,
    n_sims: int = 2000,
    window_months: int = 12,
    national=None,
    where: areas.ProcessedAreas | None = None,
) -> CrimeTheme:
    """Compute every measure of a crime theme for ``period``.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The canonical crimes table (all themes).
    theme : str
        Theme slug (``data/reference/themes.csv``).
    period : str
        ``YYYY-MM``, the last month of the report.
    populations : pandas.Series, optional
        Resident population per area (indexed like ``npt``), e.g.
        :func:`perfpack.themes.areas.npt_populations`. Without it area rates are missing.
    force_population : float, optional
        The force's population for its rate; default: the sum of ``populations``.
    place : str
        How the headline sentences name the force area.
    reference_dir : path
    first_month : optional
        First month of the monthly series (default: the data's first month).
    n_sims : int
        Simulated paths for the model forecast's intervals.
    window_months : int, default 12
        Length of the previous and current windows (:func:`theme_windows`).
    national : perfpack.data.public_tables.NationalRates, optional
        A comparator computed from a download (:func:`national_comparator`); default the
        reference table's.
    where : perfpack.themes.areas.ProcessedAreas, optional
        The processed folder's areas (:func:`perfpack.themes.areas.processed_areas`): when given,
        its
        populations, force population, place, force name and area names are used instead of
        ``populations``, ``force_population`` and ``place``.

    Returns
    -------
    CrimeTheme
        The extra sections (knife, northern share, profile) are filled only when the theme's
        ``extra_sections`` lists them. ``ets`` is None and ``backtest`` empty when the monthly
        series is shorter than :data:`MODEL_MIN_MONTHS`; a trend over more months than the
        series holds is left out of ``projections`` (:func:`projection_note` says so).
        ``selection`` is the headline projection, chosen by the back-test
        (:mod:`perfpack.core.backtest`).
    """
    row = reference.theme(theme, reference_dir)
    windows = theme_windows(theme, period, reference_dir, window_months)
    offences = theme_crimes(crimes, theme)
    lag = int(row["lag_months"])
    monthly = monthly_series(crimes, theme, period, first_month=first_month, lag_months=lag)
    direction = row["target_direction"]
    names, force_name = NPT_NAMES, f"{place} Police"
    if where is not None:
        populations, force_population = where.populations, where.force_population
        place, force_name, names = where.place, where.force_name, where.names
    if force_population is None:
        force_population = float(populations.sum()) if populations is not None else math.nan
    ets = (
        projections.ets_forecast(monthly, n_sims=n_sims)
        if len(monthly) >= MODEL_MIN_MONTHS
        else None
    )
    assessed = backtest.assess(monthly, ets, n_sims=max(n_sims // 2, 200))
    analysis = CrimeTheme(
        theme=theme,
        title=row["title"],
        period=period,
        target_direction=direction,
        extra_sections=list(row["extra_sections"]),
        windows=windows,
        headline=headline(offences, windows, row["title"], place),
        monthly=monthly,
        xmr=spc_themes.theme_xmr(monthly, theme, direction, reference_dir),
        national=national_rate(
            offences, theme, windows.national, force_population, reference_dir, national
        ),
        by_npt=change_by_npt(offences, windows, populations),
        projections=projections.report_projections(monthly),
        ets=ets,
        backtest=assessed.summary,
        backtest_errors=assessed.errors,
        selection=assessed.selection,
        force_population=force_population,
        window_months=window_months,
        area_names=names,
        place=place,
        force_name=force_name,
        public=row["data_source"] == "police_uk",
        unplaced=(
            areas.unplaced_count(offences, DATE_COLUMN, windows.previous, AREA_COLUMN),
            areas.unplaced_count(offences, DATE_COLUMN, windows.current, AREA_COLUMN),
        ),
    )
    extras = set(analysis.extra_sections)
    if "knife" in extras:
        analysis.knife = knife_change(offences, windows)
    if "northern_share" in extras:
        analysis.northern_npts = northern_npts(reference_dir)
        analysis.northern_share = area_share(offences, windows.current, analysis.northern_npts)
    if "victim_offender_profile" in extras:
        analysis.profile = victim_offender_profile(offences, windows.current)
    return analysis


def projection_sentence(analysis: CrimeTheme) -> str:
    """The projections in words: each trend's projected total and % change against the
    last 12 months, and the model's forecast with its 95% interval (each only when the history
    supports it: :func:`projection_note`)."""
    parts = []
    short = len(analysis.monthly) < 12  # no last 12 months to give a % change against
    for row in analysis.projections.itertuples():
        pct = "n/a" if pd.isna(row.pct_change) else f"{round_half_up(row.pct_change):+.0f}%"
        shown = "" if short else f" ({pct})"
        parts.append(f"the {row.method} projects {row.projected_total:,.0f} offences{shown}")
    if short:
        lead = "With less than 12 months of data there is no year to compare against: "
    elif analysis.window_months == 12:
        lead = f"Against {analysis.headline.current:,} offences in the current 12 months, "
    else:
        last_year = int(analysis.monthly.iloc[-12:].sum())
        lead = f"Against {last_year:,} offences in the last 12 months, "
    text = ""
    if parts:
        text = lead + "over the next 12 months " + "; ".join(parts) + "."
    ets = analysis.ets
    if ets is not None:
        ets_pct = "n/a" if ets.pct_change is None else f"{round_half_up(ets.pct_change):+.0f}%"
        text += (
            f" The seasonal model ({ets.model}) forecasts {ets.total:,.0f} ({ets_pct}), "
            f"with a 95% prediction interval of {ets.lower_95:,.0f} to {ets.upper_95:,.0f}."
        )
        if analysis.selection is not None and analysis.selection.flags:
            text += " Its fit is degenerate, so it is not the headline projection."
    return text.strip() or projection_note(analysis)


def projection_note(analysis: CrimeTheme) -> str:
    """What the history is too short for, in words (empty when every projection is shown).

    The report's N-month trend needs N months; the seasonal model and its back-test need
    :data:`MODEL_MIN_MONTHS` (24); a % change against the last 12 months needs 12.
    """
    n = len(analysis.monthly)
    shown = set(analysis.projections["n_months"])
    missing = [m for m in projections.REPORT_WINDOWS if m not in shown]
    left_out = []
    if missing:
        lengths = [str(m) for m in missing]
        joined = (
            lengths[0] if len(lengths) == 1 else "-, ".join(lengths[:-1]) + "- and " + (lengths[-1])
        )
        left_out.append(f"the {joined}-month trend{'s' if len(missing) > 1 else ''}")
    if analysis.ets is None:
        left_out.append(
            f"the seasonal model with its back-test (which needs {MODEL_MIN_MONTHS} months)"
        )
    if not left_out and n >= 12:
        return ""
    if n:
        first, last = analysis.monthly.index[0], analysis.monthly.index[-1]
        held = f"The data hold {months_text(n)} ({first:%B %Y} to {last:%B %Y})"
    else:
        held = "The data hold no months"
    text = held + "."
    if left_out:
        plural = len(left_out) > 1 or (len(missing) > 1 and analysis.ets is not None)
        text += (
            f" A trend over N months needs N months of history, so {' and '.join(left_out)} "
            f"{'are' if plural else 'is'} left out."
        )
    if n < 12 and len(analysis.projections):
        text += " With less than 12 months there is no % change against the last 12 months."
    return text


def projection_caption(analysis: CrimeTheme) -> str:
    """The projection table's caption, naming only what it shows."""
    if analysis.ets is None:
        return "Projected total for the next 12 months: the report's trends the data allow"
    return (
        "Projected total for the next 12 months: the report's three trends, same as last year "
        "and a seasonal model with its prediction intervals"
    )


def projection_display_table(analysis: CrimeTheme) -> pd.DataFrame:
    """The projections and the model forecast (when the history supports it) as a publishable
    table."""
    if analysis.ets is not None:
        table = projections.projection_table(analysis.monthly, ets=analysis.ets)
    else:
        table = projections.report_projections(analysis.monthly)[
            ["method", "projected_total", "pct_change"]
        ].assign(lower_80=np.nan, upper_80=np.nan, lower_95=np.nan, upper_95=np.nan)

    table = projection_text.with_same_as_last_year(table, analysis.monthly)

    def _fmt(value, pattern="{:,.0f}"):
        return "–" if value is None or pd.isna(value) else pattern.format(value)

    base = "current" if analysis.window_months == 12 else "last"
    return pd.DataFrame(
        {
            "Method": table["method"],
            "Used as": [projection_text.used_as(m, analysis.selection) for m in table["method"]],
            "Projected total, next 12 months": [_fmt(v) for v in table["projected_total"]],
            f"% change vs {base} 12 months": [signed_pct(v) for v in table["pct_change"]],
            "80% interval": [
                "–" if pd.isna(lo) else f"{lo:,.0f} to {hi:,.0f}"
                for lo, hi in zip(table["lower_80"], table["upper_80"], strict=True)
            ],
            "95% interval": [
                "–" if pd.isna(lo) else f"{lo:,.0f} to {hi:,.0f}"
                for lo, hi in zip(table["lower_95"], table["upper_95"], strict=True)
            ],
        }
    )


#: How the back-test is read (shown above its table).
BACKTEST_INTRO = (
    "**Which projection to trust?** Each method was fitted again on the data up to an earlier "
    "month and its projection compared with what then happened. The report's trend lines take "
    "the last 3, 6 or 12 months' straight line and carry it on, so a short run of high or low "
    'months moves them a long way; "same as last year" repeats the last 12 months\' total; the '
    "seasonal model allows for the time of year."
)


def backtest_display_table(analysis: CrimeTheme) -> pd.DataFrame:
    """The back-test as a publishable table
    (:func:`perfpack.present.projection_text.display_table`)."""
    model = analysis.ets.model if analysis.ets is not None else None
    return projection_text.display_table(analysis.backtest, analysis.selection, model)


def backtest_note(analysis: CrimeTheme) -> str:
    """How the back-test was run, with its source
    (:func:`perfpack.present.projection_text.design_note`)."""
    return projection_text.design_note(analysis.backtest_errors)


def headline_projection_sentence(analysis: CrimeTheme) -> str:
    """The headline projection, chosen by its back-test record, with the report's own method
    beside it (:func:`perfpack.present.projection_text.selection_sentence`)."""
    if analysis.selection is None or analysis.selection.projected_total is None:
        return ""
    return projection_text.selection_sentence(analysis.selection, "offences")


def rate_windows_note(analysis: CrimeTheme) -> str:
    """Which window each force rate on the page is for, when they differ: the rate beside the
    national figure uses the national figure's window, the funnel plot and the area table the
    current window (empty when the two windows are the same or there is no population)."""
    national, current = analysis.national.window, analysis.windows.current
    if national == current or math.isnan(analysis.force_rate_per_1000):
        return ""
    digits = analysis.national.decimals
    return (
        f"Two force rates appear on this page. {analysis.place}'s "
        f"{round_half_up(analysis.national.rate_per_1000, digits):.{digits}f} per 1,000 "
        f"residents above is for {national.describe()}, the window of the national figure it is "
        f"compared with. The funnel plot and the area table use the current "
        f"{months_text(analysis.window_months)} ({current.describe()}), the window of the area "
        f"rates: {round_half_up(analysis.force_rate_per_1000, 2):.2f} per 1,000 residents."
    )


def figure_book(analysis: CrimeTheme) -> FigureBook:
    """Every figure of the theme for figures.csv.

    Measures: ``count_previous``, ``count_current``, ``pct_change``, ``change_p_value``,
    ``rate_per_1000``, ``national_rate_per_1000``, ``npts_decreased``, ``projection_3m_pct``,
    ``projection_6m_pct``, ``projection_12m_pct`` (and ``projection_<n>m_total``; each only
    when the history is long enough), ``ets_total``, ``ets_pct``, ``ets_lower_95``/
    ``ets_upper_95``/``ets_lower_80``/``ets_upper_80`` (only with the model forecast), the
    headline projection and back-test (:func:`perfpack.core.backtest.selection_figures`),
    ``national_forces_counted`` (a comparator computed from a download),
    ``no_area_count_previous``/``no_area_count_current`` (offences in no area; only when some
    are), ``monthly_count`` (one per month, window ``YYYY-MM/YYYY-MM``); per NPT
    (group = NPT) ``count_previous``, ``count_current``, ``pct_change``, ``rate_per_1000``,
    ``change_p_value`` (exact Poisson test), ``change_judged_p_value`` (the p the area's verdict
    uses, allowing for overdispersion in the areas' changes when there is any); and for the
    extra sections ``knife_count_previous``, ``knife_count_current``, ``knife_pct_change``,
    ``knife_p_value``, ``northern_share``.
    """
    book = FigureBook(analysis.theme)
    windows = analysis.windows
    head = analysis.headline
    book.add("count_previous", head.previous, windows.previous)
    book.add("count_current", head.current, windows.current)
    book.add("pct_change", head.pct_change, windows.current)
    book.add("change_p_value", head.test.p_value, windows.current)
    book.add("rate_per_1000", analysis.national.rate_per_1000, windows.national)
    book.add("national_rate_per_1000", analysis.national.national_rate_per_1000, windows.national)
    book.add("npts_decreased", areas.n_decreased(analysis.by_npt), windows.current)
    for n_months in projections.REPORT_WINDOWS:
        rows = analysis.projections[analysis.projections["n_months"] == n_months]
        if rows.empty:
            continue
        book.add(f"projection_{n_months}m_pct", rows["pct_change"].iloc[0], windows.current)
        book.add(f"projection_{n_months}m_total", rows["projected_total"].iloc[0], windows.current)
    ets = analysis.ets
    if ets is not None:
        book.add("ets_total", ets.total, windows.current)
        book.add("ets_pct", ets.pct_change, windows.current)
        for name in ("lower_80", "upper_80", "lower_95", "upper_95"):
            book.add(f"ets_{name}", getattr(ets, name), windows.current)
    book.extend(backtest.selection_figures(analysis.selection, analysis.backtest, windows.current))
    if analysis.national.computed and analysis.national.forces_counted:
        book.add("national_forces_counted", analysis.national.forces_counted, windows.national)
    if any(analysis.unplaced):
        book.add(
            "no_area_count_previous", areas.published_count(analysis.unplaced[0]), windows.previous
        )
        book.add(
            "no_area_count_current", areas.published_count(analysis.unplaced[1]), windows.current
        )
    for month, value in analysis.monthly.items():
        book.add("monthly_count", value, f"{month}/{month}")
    for row in areas.published_figures(analysis.by_npt).itertuples():  # hidden ones blank
        book.add("count_previous", row.previous, windows.previous, group=row.area)
        book.add("count_current", row.current, windows.current, group=row.area)
        book.add("pct_change", row.pct_change, windows.current, group=row.area)
        book.add("rate_per_1000", row.rate_per_1000, windows.current, group=row.area)
        book.add("change_p_value", row.p_value, windows.current, group=row.area)
        book.add("change_judged_p_value", row.judged_p_value, windows.current, group=row.area)
    if analysis.knife is not None:
        book.add("knife_count_previous", analysis.knife.previous, windows.previous)
        book.add("knife_count_current", analysis.knife.current, windows.current)
        book.add("knife_pct_change", analysis.knife.pct_change, windows.current)
        book.add("knife_p_value", analysis.knife.test.p_value, windows.current)
    if analysis.northern_share is not None:
        book.add("northern_share", analysis.northern_share, windows.current)
    return book


def theme_figures(
    crimes: pd.DataFrame,
    theme: str,
    period: str,
    populations: pd.Series | None = None,
    **kwargs,
) -> FigureBook:
    """:func:`analyse_theme` then :func:`figure_book`: every figure of one theme."""
    return figure_book(analyse_theme(crimes, theme, period, populations, **kwargs))


def northern_share_sentence(analysis: CrimeTheme) -> str:
    """'Stoke-on-Trent North, Stoke-on-Trent South and Newcastle-under-Lyme make up 61% of all
    Personal Robbery offences across the county in the period ...'."""
    names = analysis.northern_npts
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    share = "n/a" if analysis.northern_share is None else format_pct(analysis.northern_share)
    return (
        f"{joined} make up {share} of all {analysis.title} offences across the county in the "
        f"period {analysis.windows.current.describe()}."
    )


def profile_note() -> str:
    """How the profile counts: one victim and one suspect per offence, small counts hidden."""
    from perfpack.core import disclosure

    return (
        "Each offence counts once for its victim and once for its first-named suspect; an "
        "offence with no suspect identified, or with age or sex not recorded, counts as not "
        "known. " + disclosure.suppression_note()
    )
