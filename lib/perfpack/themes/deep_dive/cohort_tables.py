"""The action-019 deep dive's cohort tables, findings and chart as published: small counts
hidden (:func:`~.cohorts.cohort_counts_shown`, or the page's states), a change, rate or
p-value never shown beside a hidden count, people in two cohorts only rounded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfpack.core import disclosure, stats
from perfpack.core.change import format_pct, percent, round_half_up
from perfpack.core.windows import Window
from perfpack.themes.deep_dive.cohorts import (
    _COUNT_COLUMNS,
    _PEOPLE_COLUMNS,
    ALPHA,
    COHORTS,
    OVERLAP_ROUNDING,
    cohort_counts_shown,
    cohort_hidden,
    cohort_of,
)
from perfpack.themes.missing.measures import episodes_in_window, is_small_count
from perfpack.themes.missing.words import count_or_hidden, period_label


def _one(value: float) -> str:
    """A ratio to one decimal, rounded half up: 7.05 -> "7.1"."""
    return f"{round_half_up(value, 1):.1f}"


def _pct1(value) -> str:
    return format_pct(value, 1)


def cohort_table(
    summary: pd.DataFrame, previous: Window, current: Window, page=None
) -> pd.DataFrame:
    """:func:`cohort_summary` as published: counts 1-4 shown as "<5" (others hidden with them
    as "[c]"); a change, episodes per person, rate or p-value is "–" when a count behind it is
    hidden. ``page``: as for :func:`cohort_counts_shown`."""
    shown = cohort_counts_shown(summary, page)
    hidden = cohort_hidden(summary, page)
    prev, cur = period_label(previous), period_label(current)
    out = pd.DataFrame(index=summary.index)

    def blank_or(values, masks, fmt):
        return [
            "–" if h or v is None or pd.isna(v) else fmt(v)
            for h, v in zip(masks, values, strict=True)
        ]

    for label, heading in (("previous", prev), ("current", cur)):
        out[f"Episodes, {heading}"] = shown[f"episodes_{label}"]
    out["Change in episodes"] = blank_or(
        summary["episodes_pct_change"],
        hidden["episodes_previous"] | hidden["episodes_current"],
        format_pct,
    )
    for label, heading in (("previous", prev), ("current", cur)):
        out[f"Individuals, {heading}"] = shown[f"individuals_{label}"]
    for label, heading in (("previous", prev), ("current", cur)):
        out[f"Episodes per person, {heading}"] = blank_or(
            summary[f"episodes_per_person_{label}"],
            hidden[f"episodes_{label}"] | hidden[f"individuals_{label}"],
            _one,
        )
    for label, heading in (("previous", prev), ("current", cur)):
        out[f"Repeat individuals, {heading}"] = shown[f"repeat_individuals_{label}"]
    rate_hidden = {
        label: hidden[f"individuals_{label}"] | hidden[f"repeat_individuals_{label}"]
        for label in ("previous", "current")
    }
    for label, heading in (("previous", prev), ("current", cur)):
        out[f"Repeat rate, {heading}"] = blank_or(
            summary[f"repeat_rate_{label}"], rate_hidden[label], _pct1
        )
    any_hidden = rate_hidden["previous"] | rate_hidden["current"]
    out["Change in repeat rate"] = blank_or(
        summary["repeat_rate_change_points"],
        any_hidden,
        lambda v: f"{round_half_up(v, 1):+.1f} points",
    )
    out["Fisher's exact test"] = blank_or(
        summary["repeat_rate_p_value"], any_hidden, stats.format_p_value
    )
    out["Holm-adjusted"] = blank_or(summary["repeat_rate_p_holm"], any_hidden, stats.format_p_value)
    out.index.name = "Cohort"
    return disclosure.carry(out.reset_index(), shown)


def cohort_findings(summary: pd.DataFrame, alpha: float = ALPHA, page=None) -> str:
    """One markdown bullet per cohort: did its repeat rate and episodes per person change, and
    is the change beyond what chance alone would give once the cohorts tested together are
    allowed for (Holm)? A cohort with a hidden count says only that it is too small.
    ``page``: as for :func:`cohort_counts_shown`."""
    hidden = cohort_hidden(summary, page)
    tested = int(summary.loc[list(COHORTS), "repeat_rate_p_holm"].notna().sum())
    lines = []
    for cohort in COHORTS:
        row = summary.loc[cohort]
        if hidden.loc[cohort, _PEOPLE_COLUMNS].any():
            lines.append(f"- **{cohort}**: too few people to publish repeat rates.")
            continue
        p_raw, p_holm = row["repeat_rate_p_value"], row["repeat_rate_p_holm"]
        if p_raw is None or pd.isna(p_raw) or pd.isna(p_holm):
            none = row["individuals_previous"] == 0 and row["individuals_current"] == 0
            lines.append(
                f"- **{cohort}**: no episodes in either period."
                if none
                else f"- **{cohort}**: no individuals in one of the periods, no comparison."
            )
            continue
        points = row["repeat_rate_change_points"]
        direction = "fell" if points < 0 else ("rose" if points > 0 else "did not change")
        per_person = ""
        if not hidden.loc[cohort, _COUNT_COLUMNS].any():
            per_person = (
                f" Episodes per person went from {_one(row['episodes_per_person_previous'])} to "
                f"{_one(row['episodes_per_person_current'])}."
            )
        family = (
            f"once the {tested} cohorts tested together are allowed for"
            if tested > 1
            else "(the only cohort tested, so Holm's adjustment changes nothing)"
        )
        if p_holm < alpha:
            verdict = (
                f"a change this size would be unusual by chance alone {family} "
                f"(Holm-adjusted {stats.format_p_value(p_holm)})"
            )
        else:
            verdict = (
                f"no evidence of a change at the {alpha:.0%} level {family} "
                f"(Holm-adjusted {stats.format_p_value(p_holm)})"
            )
        lines.append(
            f"- **{cohort}**: the repeat rate {direction} from {_pct1(row['repeat_rate_previous'])}"
            f" to {_pct1(row['repeat_rate_current'])} of individuals "
            f"({round_half_up(points, 1):+.1f} points); {verdict}; Fisher's exact test before "
            f"adjustment {stats.format_p_value(p_raw)}.{per_person}"
        )
    return "\n".join(lines)


def overlap_text(overlap: int, people: int) -> str:
    """People in more than one cohort, as published: ``"no one"``, ``"fewer than 5"`` (1 to 4)
    or ``"about 70 (4%)"``: rounded to the nearest 10, its share from the rounded count.

    Never exact: the cohort table publishes each cohort's individuals and everyone, so their
    difference (the extra cohort memberships) is known, and with the exact count of people in
    more than one cohort a reader could count the handful in three or more (in the demo's
    2018: 91 extra memberships of 87 people, so 2 to 4 people in three cohorts). Rounded to 10
    the count leaves that number anywhere in a range of at least ten values.
    """
    if overlap == 0:
        return "no one"
    if is_small_count(overlap):
        return count_or_hidden(overlap)
    rounded = int(round_half_up(overlap / OVERLAP_ROUNDING) * OVERLAP_ROUNDING)
    return f"about {rounded:,} ({round_half_up(percent(rounded, people)):.0f}%)"


def overlap_sentence(overlaps, previous: Window, current: Window) -> str:
    """Why the cohorts' individuals add up to more than everyone: how many people were in more
    than one cohort in each window (:func:`overlap_text`). ``overlaps``: each window's
    :func:`~.cohorts.cohort_overlap`, by window label."""
    parts = []
    for window in (current, previous):
        overlap, people = overlaps[window.label]
        if people == 0:
            parts.append(f"no one went missing in {period_label(window)}")
            continue
        parts.append(
            f"{overlap_text(overlap, people)} of the {people:,} people missing in "
            f"{period_label(window)}"
        )
    return (
        "Cohorts are given per episode, so a person can be in more than one (turning 18, or "
        f"moving from a care home to a foster placement): {parts[0]} were in more than one "
        f"cohort, and {parts[1]}. Each such person counts once in every cohort they were in, so "
        "the cohorts' individuals add up to more than everyone. These counts are rounded to the "
        "nearest 10 so that they cannot be set against the cohort table."
    )


def cohort_location_table(episodes: pd.DataFrame, window: Window, page=None) -> pd.DataFrame:
    """Episodes of ``window`` by cohort and the type of place gone missing from, with totals
    (:func:`disclosure.suppressed_crosstab`); with ``page`` (a
    :class:`perfpack.themes.deep_dive.page.DeepDivePage`), the states chosen for the whole page."""
    from perfpack.data.contracts import LOCATION_TYPES

    if page is not None:
        return page.cohort_location_table(window)

    rows = episodes_in_window(episodes, window)
    frame = pd.DataFrame(
        {"cohort": cohort_of(rows), "location_type": rows["location_type"].astype("str")}
    )
    present = [t for t in frame["location_type"].unique() if t not in LOCATION_TYPES]
    table = disclosure.suppressed_crosstab(
        frame,
        "cohort",
        "location_type",
        row_order=list(COHORTS),
        column_order=list(LOCATION_TYPES) + sorted(present),
    )
    table.index.name = "Cohort"
    table.columns.name = None
    return table.reset_index()


def cohort_repeat_chart(summary: pd.DataFrame, previous: Window, current: Window, page=None):
    """Bars of each cohort's episodes per person in both windows (cohorts with a hidden count
    left out; ``page`` as for :func:`cohort_counts_shown`).

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The chart and its alt text.
    """
    from perfpack.present import charts

    hidden = cohort_hidden(summary, page)
    keep = [
        c
        for c in summary.index
        if not hidden.loc[c, _COUNT_COLUMNS].any()
        and pd.notna(summary.loc[c, "episodes_per_person_previous"])
        and pd.notna(summary.loc[c, "episodes_per_person_current"])
    ]
    fig, ax = charts.new_figure()
    positions = np.arange(len(keep))
    width = 0.38
    prev = [float(summary.loc[c, "episodes_per_person_previous"]) for c in keep]
    cur = [float(summary.loc[c, "episodes_per_person_current"]) for c in keep]
    ax.barh(
        positions - width / 2,
        prev,
        width,
        color=charts.NEUTRAL_COLOUR,
        label=period_label(previous),
    )
    ax.barh(
        positions + width / 2,
        cur,
        width,
        color=charts.IMPROVEMENT_COLOUR,
        label=period_label(current),
    )
    ax.set_yticks(positions, keep)
    ax.invert_yaxis()
    ax.set_xlabel("Episodes per person")
    ax.set_title("Episodes per person by cohort")
    ax.legend(loc="lower right", frameon=False, fontsize="small")
    fig.tight_layout()
    described = "; ".join(
        f"{c}: {_one(p)} then {_one(q)}" for c, p, q in zip(keep, prev, cur, strict=True)
    )
    alt = (
        f"Horizontal bar chart of missing episodes per person, by cohort, "
        f"{period_label(previous)} then {period_label(current)}. {described}."
    )
    return fig, alt
