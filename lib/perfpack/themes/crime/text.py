"""A crime appendix in words: the national comparison, the change by area and its verdicts, which
window each rate is for, the northern share and how the profile counts."""

from __future__ import annotations

import math

import pandas as pd

from perfpack.core import stats
from perfpack.core.change import format_pct, round_half_up
from perfpack.present.markup import escape_markdown
from perfpack.themes import areas
from perfpack.themes.areas import NPT_NAMES, AreaNames, months_text
from perfpack.themes.crime.analysis import CrimeTheme
from perfpack.themes.crime.measures import NationalRate


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
    change table, with the same marks: :func:`perfpack.themes.areas.suppressed_counts`; an area with
    a hidden count has no verdict); ``area_label`` heads the first column.

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
