"""Missing persons in words: the appendix's sentences (the report's wording where it has one).

Counts that are small by nature (open episodes) are given as "fewer than 5" from 1 to 4
(:func:`count_or_hidden`).
"""

from __future__ import annotations

import pandas as pd

from perfpack.core.change import (
    change_sentence,
    format_count,
    format_pct,
    movement,
    pct_change,
    percent,
    round_half_up,
)
from perfpack.core.windows import Window
from perfpack.themes.missing.costs import (
    UnitCost,
    UnitCostRange,
    cost_avoided,
    cost_avoided_range,
)
from perfpack.themes.missing.measures import SMALL_COUNT, DurationSummary, is_small_count


def count_or_hidden(n, capital: bool = False) -> str:
    """A count for a sentence: ``"1,234"``, or ``"fewer than 5"`` for 1 to 4."""
    text = f"fewer than {SMALL_COUNT}" if is_small_count(n) else format_count(n)
    return text[:1].upper() + text[1:] if capital else text


def _money(value: float) -> str:
    return f"£{abs(value):,.0f}"


def _hours(value: float | None) -> str:
    return "n/a" if value is None else f"{round_half_up(value, 1):.1f} hours"


def _pct1(value: float | None) -> str:
    return format_pct(value, 1)


def _span(n_months: int) -> str:
    from perfpack.themes.areas import months_text

    return months_text(n_months)


def period_label(window: Window) -> str:
    """A window for table headings: ``'Jan 2019 to Dec 2019'``."""
    return f"{window.start:%b %Y} to {window.end:%b %Y}"


def episodes_sentence(
    previous_count: int, current_count: int, previous: Window, current: Window
) -> str:
    """The report's headline sentence for missing episodes (saying "episodes", where the
    published report slipped into "offences")."""
    return change_sentence(
        "missing", previous_count, current_count, previous, current, noun="episodes"
    )


def individuals_sentence(previous_count: int, current_count: int, n_months: int = 12) -> str:
    """'548 fewer individuals went missing in the last 12 months (1,943) than in the previous 12
    months (2,491), a decrease of 22%.' (``n_months``: each window's length)."""
    span = _span(n_months)
    diff = current_count - previous_count
    change = pct_change(previous_count, current_count)
    if diff == 0:
        return (
            f"The same number of individuals went missing in the last {span} as in the "
            f"previous {span} ({format_count(current_count)})."
        )
    word, direction = ("fewer", "decrease") if diff < 0 else ("more", "increase")
    tail = (
        ""
        if change is None
        else f", {'a' if diff < 0 else 'an'} {direction} of {format_pct(abs(change))}"
    )
    return (
        f"{format_count(abs(diff))} {word} individuals went missing in the last {span} "
        f"({format_count(current_count)}) than in the previous {span} "
        f"({format_count(previous_count)}){tail}."
    )


def children_sentence(
    previous_count: int, current_count: int, previous: Window, current: Window
) -> str:
    """The report's sentence for child episodes: 'The number of missing episodes where the
    missing person is a child or young person under 18 has decreased by 22% from 3,330 in the
    period ... compared to 2,599 in the period ...'."""
    return (
        "The number of missing episodes where the missing person is a child or young person "
        f"under 18 {movement(previous_count, current_count)} from "
        f"{format_count(previous_count)} in the period "
        f"{previous.describe()} compared to {format_count(current_count)} in the period "
        f"{current.describe()}."
    )


def child_share_sentence(child_count: int, total_count: int, n_months: int = 12) -> str:
    """'68% of missing episodes in the last 12 months (2,599 of 3,812) were of children and young
    people under 18.' with a note on the report's wording."""
    span = _span(n_months)
    if total_count == 0:
        return f"There were no missing episodes in the last {span}."
    share = percent(child_count, total_count)
    return (
        f"{format_pct(share)} of missing episodes in the last {span} "
        f"({format_count(child_count)} of {format_count(total_count)}) were of children and young "
        'people under 18. (The published report describes this share as "aged 18 or under"; '
        "its figures, like these, are of under-18s.)"
    )


def duration_sentence(
    previous: DurationSummary, current: DurationSummary, n_months: int = 12
) -> str:
    """How long episodes lasted, both windows, saying how open episodes are counted.

    The counts of open episodes and of episodes found after the window are small by nature:
    from 1 to 4 they are given as "fewer than 5" (:func:`count_or_hidden`).
    """
    span = _span(n_months)
    parts = []
    change = pct_change(previous.mean_hours, current.mean_hours)
    if change is None or current.mean_hours is None:
        parts.append(
            f"The average (mean) time missing was {_hours(current.mean_hours)} in the last {span}."
        )
    else:
        word = "shorter" if change < 0 else "longer"
        parts.append(
            f"The average (mean) time missing was {_hours(current.mean_hours)} in the last "
            f"{span} against {_hours(previous.mean_hours)} in the previous {span}: "
            f"{format_pct(abs(change))} {word}."
        )
    parts.append(
        f"The median was {_hours(current.median_hours)} ({_hours(previous.median_hours)} "
        f"before), and {_pct1(current.share_found_within_24h)} of all episodes were found within "
        f"24 hours ({_pct1(previous.share_found_within_24h)} before)."
    )
    parts.append(
        f"{count_or_hidden(current.open, capital=True)} episodes of the last {span} "
        f"({count_or_hidden(previous.open)} of the previous) had no found time when the data "
        "was taken: they are counted as episodes but are still open, so they are left out of the "
        "mean and median (no duration is made up for them) and counted as not found within 24 "
        f"hours. {count_or_hidden(current.found_after_window, capital=True)} episodes of the "
        f"last {span} ({count_or_hidden(previous.found_after_window)} of the previous) were "
        "reported in the period and found after it ended; they keep their real duration."
    )
    return " ".join(parts)


def repeats_sentence(summary: pd.DataFrame, n_months: int = 12) -> str:
    """The repeat measures of both windows in words, from :func:`.analysis.summary_table`."""
    span = _span(n_months)

    def get(measure):
        return summary.loc[measure, "previous"], summary.loc[measure, "current"]

    people = get("Repeat individuals (2+ episodes)")
    rate = get("Repeat rate (% of individuals)")
    share = get("Repeat episode share (%)")
    per = get("Episodes per individual")
    return (
        f"In the last {span} {format_count(people[1])} individuals went missing twice or more "
        f"({format_count(people[0])} in the previous {span}): {_pct1(rate[1])} of "
        f"individuals ({_pct1(rate[0])} before). Their episodes were {_pct1(share[1])} of all "
        f"episodes ({_pct1(share[0])} before), and individuals went missing "
        f"{per[1]:.2f} times each on average ({per[0]:.2f} before)."
    )


def forecast_sentence(forecast: pd.DataFrame, year: int) -> str:
    """The 2018 forecast against the actual for ``year`` (a row of
    :func:`.forecast.forecast_vs_actual`)."""
    if year not in forecast.index or pd.isna(forecast.loc[year, "actual"]):
        return f"There is no complete year of episodes to compare with the forecast for {year}."
    predicted = int(forecast.loc[year, "forecast_2018"])
    actual = int(forecast.loc[year, "actual"])
    diff = actual - predicted
    side = "below" if diff < 0 else "above"
    return (
        f"The demand forecast made in 2018 expected {format_count(predicted)} missing episodes in "
        f"{year}; the year ended with {format_count(actual)}, {format_count(abs(diff))} "
        f"({format_pct(percent(abs(diff), predicted))}) {side} the forecast."
    )


def cost_sentence(
    previous_count: int,
    current_count: int,
    cost: UnitCost,
    invested: UnitCost,
    costs: UnitCostRange | None = None,
) -> str:
    """Cost v benefit in words (markdown, two paragraphs).

    With ``costs`` (:func:`.costs.unit_cost_range`): episodes reduced x the low and the high unit
    cost, as a range beside the investment, the report's figure (at ``cost``, the high end) named as
    such, then what the unit cost covers and where it comes from. Without it (a unit cost set
    for the run): episodes reduced x ``cost``, with its source and price year.
    """
    if costs is not None:
        return _cost_range_sentence(previous_count, current_count, cost, invested, costs)
    avoided = cost_avoided(previous_count, current_count, cost.value)
    diff = previous_count - current_count
    counts_text = f"({format_count(previous_count)} to {format_count(current_count)})"
    if diff >= 0:
        lead = (
            f"Missing episodes fell by {format_count(diff)} {counts_text}. At "
            f"{_money(cost.value)} per episode that is {_money(avoided)} of non-cashable cost "
            "avoided"
        )
    else:
        lead = (
            f"Missing episodes rose by {format_count(-diff)} {counts_text}. At "
            f"{_money(cost.value)} per episode that is {_money(avoided)} of additional "
            "non-cashable cost"
        )
    price = f" at {cost.price_year} prices, not adjusted for inflation" if cost.price_year else ""
    return (
        f"{lead}, beside the {_money(invested.value)} invested in the Missing Person "
        f"Investigation Team ({invested.source}; {invested.price_year}).\n\n"
        f"Unit cost: {_money(cost.value)} per missing person episode{price}. "
        f"Source: {cost.source}."
    )


def _cost_range_sentence(
    previous_count: int,
    current_count: int,
    cost: UnitCost,
    invested: UnitCost,
    costs: UnitCostRange,
) -> str:
    low, high = cost_avoided_range(previous_count, current_count, costs)
    report = cost_avoided(previous_count, current_count, cost.value)
    diff = previous_count - current_count
    counts_text = f"({format_count(previous_count)} to {format_count(current_count)})"
    per = f"{_money(costs.low.value)} to {_money(costs.high.value)} per episode"
    if diff >= 0:
        lead = (
            f"Missing episodes fell by {format_count(diff)} {counts_text}. At {per} that is "
            f"{_money(low)} to {_money(high)} of non-cashable cost avoided"
        )
    else:
        lead = (
            f"Missing episodes rose by {format_count(-diff)} {counts_text}. At {per} that is "
            f"{_money(low)} to {_money(high)} of additional non-cashable cost"
        )
    price = costs.high.price_year or costs.low.price_year
    return (
        f"{lead}, beside the {_money(invested.value)} invested in the Missing Person "
        f"Investigation Team ({invested.source}; {invested.price_year}). The published report's "
        f"figure, {_money(report)}, applies {_money(cost.value)} to every episode"
        + (" (the upper end of the range)." if cost.value == costs.high.value else ".")
        + "\n\n"
        f"Unit cost: {per} at {price} prices, not adjusted for inflation. "
        f"Source: {costs.basis} Most episodes are found within hours and many are graded low "
        "risk, so the cost of a typical episode may be below this range: read the range as an "
        "order of size, not a saving."
    )
