"""Stop and search: what a search is counted as, and the force-level measures (volume by
month, outcomes, objects of search, age, time of day, change by area).

- **Positive outcome**: any outcome other than "no further action" (the report's and the Home
  Office's definition), read from ``data/reference/stop_search_outcomes.csv``, which holds both
  the current data.police.uk wording and the pre-2019 one.
- **Arrest**, **community resolution**: the outcome's ``category`` in that table.
- **Find rate**: searches whose outcome was linked to the object searched for, over all searches.
- **Date-only records**: a search whose time was not recorded (``time_known`` False, i.e. a time
  of exactly 00:00 in the extract) is counted, and left out of the hour-of-day chart.

All rates and shares are in percent (29.1, not 0.291); a rate with no searches behind it is None,
never 0. Ethnic groups are in :mod:`perfpack.themes.stopsearch.ethnicity`, teams in
:mod:`perfpack.themes.stopsearch.teams`, the theme as a whole in
:mod:`perfpack.themes.stopsearch`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfpack.core import counts, disclosure
from perfpack.core.change import percent
from perfpack.core.windows import Window
from perfpack.data import reference
from perfpack.data.contracts import AGE_RANGES
from perfpack.themes import areas

THEME = "stop_search"
DATE_COLUMN = "datetime"
AGE_NOT_RECORDED = "Not recorded"
OFFENSIVE_WEAPONS = "Offensive weapons"

OUTCOME_MEASURES = {
    "positive_outcome_rate": "Positive outcome rate",
    "arrest_rate": "Arrest rate",
    "community_resolution_rate": "Community (local) resolution rate",
    "find_rate": "Find rate (outcome linked to object of search)",
}


# --------------------------------------------------------------------------------------------
# small helpers


def blank_to_na(values: pd.Series) -> pd.Series:
    """Text with surrounding spaces removed and empty strings as missing."""
    text = pd.Series(values, copy=True).astype("str").str.strip()
    return text.mask(text == "")


def map_known(values: pd.Series, mapping: dict, what: str) -> pd.Series:
    """Map text through ``mapping``; missing stays missing; an unknown value is a ValueError."""
    text = blank_to_na(values)
    unknown = sorted(set(text.dropna()) - set(mapping))
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(repr(v) for v in unknown)}")
    return text.map(mapping).astype("str")


# --------------------------------------------------------------------------------------------
# definitions


def outcome_category(outcomes: pd.Series) -> pd.Series:
    """The category of each search outcome, from ``stop_search_outcomes.csv``.

    Parameters
    ----------
    outcomes : Series
        data.police.uk ``Outcome`` text (current or pre-2019 wording).

    Returns
    -------
    Series of str
        ``no_further_action``, ``arrest``, ``community_resolution`` or ``other_positive``;
        missing where the outcome is blank.

    Raises
    ------
    ValueError
        When an outcome is not in the reference table (named in the message).
    """
    table = reference.table("stop_search_outcomes")
    return map_known(
        outcomes, dict(zip(table["outcome"], table["category"], strict=True)), "outcome"
    )


def is_positive_outcome(outcomes: pd.Series) -> pd.Series:
    """True for any outcome other than no further action.

    Parameters
    ----------
    outcomes : Series
        data.police.uk ``Outcome`` text.

    Returns
    -------
    Series of bool
        True where the reference table marks the outcome ``positive``. A blank outcome is not
        positive (it still counts as a search); the extract contract requires an outcome, so
        ingest never lets a blank through. An unknown outcome is a ValueError.
    """
    table = reference.table("stop_search_outcomes")
    positive = map_known(
        outcomes, dict(zip(table["outcome"], table["positive"], strict=True)), "outcome"
    )
    return (positive == "yes").astype(bool)


def is_arrest(outcomes: pd.Series) -> pd.Series:
    """True where the outcome is an arrest ("Arrest", or the older "Suspect arrested").

    A blank outcome is False; an unknown outcome is a ValueError.
    """
    return (outcome_category(outcomes) == "arrest").astype(bool)


def is_community_resolution(outcomes: pd.Series) -> pd.Series:
    """True where the outcome is a community resolution (older wording: "Local resolution").

    A blank outcome is False; an unknown outcome is a ValueError.
    """
    return (outcome_category(outcomes) == "community_resolution").astype(bool)


def is_find(outcome_linked: pd.Series) -> pd.Series:
    """True where the outcome was linked to the object of search (the search found it).

    Parameters
    ----------
    outcome_linked : Series
        ``outcome_linked`` (boolean, may be missing) or data.police.uk's ``"True"``/``"False"``.

    Returns
    -------
    Series of bool
        True only for True. A blank (data.police.uk leaves it blank for many no-further-action
        searches, and some forces for every search) is not a find, and the search stays in the
        denominator of the find rate, so the rate is never inflated by dropping blanks.
        Anything else is a ValueError.
    """
    values = pd.Series(outcome_linked, copy=False)
    return pd.Series([_is_linked(v) for v in values], index=values.index, dtype=bool)


def _is_linked(value) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip()
    if text in ("", "True", "False"):
        return text == "True"
    raise ValueError(f"unknown outcome-linked value: {value!r} (expected True, False or blank)")


def is_date_only(time_known: pd.Series) -> pd.Series:
    """True where the search's time of day is not known (the extract gave 00:00 exactly).

    A missing ``time_known`` is treated as not known (True): a record is only placed in an
    hour when its time is known to be real.
    """
    known = pd.Series(time_known, copy=True).astype("boolean").fillna(False)
    return (~known).astype(bool)


def age_group(age_range: pd.Series) -> pd.Series:
    """data.police.uk's age range, or "Not recorded" when blank; an unknown range is a
    ValueError."""
    return map_known(age_range, {a: a for a in AGE_RANGES}, "age range").fillna(AGE_NOT_RECORDED)


# --------------------------------------------------------------------------------------------
# measures


def outcome_rates(searches: pd.DataFrame) -> pd.DataFrame:
    """Positive outcome, arrest, community resolution and find rates over all ``searches``.

    Returns
    -------
    DataFrame
        One row per measure (``positive_outcome_rate``, ``arrest_rate``,
        ``community_resolution_rate``, ``find_rate``) with ``count``, ``searches`` and ``rate``
        (percent; None when there are no searches).
    """
    n = len(searches)
    flags = {
        "positive_outcome_rate": is_positive_outcome(searches["outcome"]),
        "arrest_rate": is_arrest(searches["outcome"]),
        "community_resolution_rate": is_community_resolution(searches["outcome"]),
        "find_rate": is_find(searches["outcome_linked"]),
    }
    rows = [
        {"measure": m, "count": int(f.sum()), "searches": n, "rate": percent(f.sum(), n)}
        for m, f in flags.items()
    ]
    return pd.DataFrame(rows, columns=["measure", "count", "searches", "rate"])


def outcome_comparison(
    previous_searches: pd.DataFrame,
    current_searches: pd.DataFrame,
    theme: str = THEME,
) -> pd.DataFrame:
    """Outcome rates for both windows beside the national figure (from the reference table).

    Returns
    -------
    DataFrame
        ``measure`` (slug), ``label``, ``previous``, ``current``, ``national`` (percent; the
        national find rate is not held, so missing).
    """
    previous = outcome_rates(previous_searches).set_index("measure")["rate"]
    current = outcome_rates(current_searches).set_index("measure")["rate"]
    rows = []
    for measure, label in OUTCOME_MEASURES.items():
        rows.append(
            {
                "measure": measure,
                "label": label,
                "previous": previous[measure],
                "current": current[measure],
                "national": reference.national_comparator(theme, measure),
            }
        )
    return pd.DataFrame(rows)


def object_shares(searches: pd.DataFrame) -> pd.DataFrame:
    """Searches by object of search, largest first, with each object's share of all searches.

    Returns
    -------
    DataFrame
        ``object``, ``searches``, ``share`` (percent). A blank object is "Not recorded".
    """
    objects = blank_to_na(searches["object_of_search"]).fillna("Not recorded")
    table = objects.value_counts().rename_axis("object").reset_index(name="searches")
    table = table.sort_values(["searches", "object"], ascending=[False, True])
    table["share"] = [percent(n, len(searches)) for n in table["searches"]]
    return table.reset_index(drop=True)


def monthly_searches(
    searches: pd.DataFrame, previous: Window, current: Window, object_of_search: str | None = None
) -> pd.Series:
    """Searches per month across both windows (24 months; months with none are 0), all of
    them or only those for ``object_of_search`` (figure 12: "Offensive weapons")."""
    both = Window(previous.start, current.end)
    if object_of_search is None:
        return counts.monthly_counts(searches, DATE_COLUMN, both)
    return monthly_object_counts(searches, both, object_of_search)


def monthly_object_counts(
    searches: pd.DataFrame, window: Window, object_of_search: str = OFFENSIVE_WEAPONS
) -> pd.Series:
    """Searches for one object of search per month of ``window`` (months with none are 0).

    Figure 12 uses "Offensive weapons", the data.police.uk object of search; "Anything to
    threaten or harm anyone" and "Firearms" are separate objects and not counted in it.
    """
    chosen = searches[blank_to_na(searches["object_of_search"]) == object_of_search]
    return counts.monthly_counts(chosen, DATE_COLUMN, window)


def age_breakdown(searches: pd.DataFrame) -> pd.DataFrame:
    """Searches by data.police.uk age range (youngest first, then "Not recorded").

    Returns
    -------
    DataFrame
        ``age_range``, ``searches``, ``share`` (percent of all searches); every range is listed,
        with 0 where there were none.
    """
    groups = age_group(searches["age_range"])
    order = [*AGE_RANGES, AGE_NOT_RECORDED]
    table = groups.value_counts().reindex(order, fill_value=0)
    table = table.rename_axis("age_range").reset_index(name="searches")
    table["searches"] = table["searches"].astype(int)
    table["share"] = [percent(n, len(searches)) for n in table["searches"]]
    return table


def suppression_with_total(
    counts: pd.Series, threshold: int = 5, priority: pd.Series | None = None
) -> pd.Series:
    """Which of ``counts`` to hide when their total is published (the breakdown of a window's
    searches, whose count the appendix gives).

    Parameters
    ----------
    counts : Series
        The counts of one breakdown (by age range, by ethnic group), adding up to the total.
    threshold : int
        Counts from 1 to ``threshold - 1`` are hidden, and further counts so that none of them
        can be worked out from the total (:func:`perfpack.core.disclosure.linked_suppression`).
    priority : Series, optional
        Cost of hiding each count (lower is hidden first; default the smallest first).

    Returns
    -------
    Series of str
        ``""``, ``"primary"`` or ``"secondary"`` per count, same index.
    """
    total = "(every search)"  # a label no breakdown uses
    cells = pd.concat([counts, pd.Series({total: int(counts.sum())})])
    cost = pd.Series(0.0, index=cells.index) if priority is None else priority.copy()
    cost[total] = float(cost.max()) + 1.0 if len(cost) else 1.0
    states = disclosure.linked_suppression(
        cells, [(total, list(counts.index))], threshold, priority=cost, known=[total]
    )
    return states.drop(total)


def age_suppression(ages: pd.DataFrame, threshold: int = 5) -> pd.Series:
    """For :func:`age_breakdown`: which age ranges to hide (``""``, ``"primary"`` or
    ``"secondary"``, one per row). The ranges add up to every search in the window, which the
    appendix publishes, so no hidden range can be worked out from the others."""
    counts = pd.Series(ages["searches"].to_numpy(), index=list(ages["age_range"]))
    states = suppression_with_total(counts, threshold)
    out = pd.Series(states.to_numpy(), index=ages.index, dtype="str")
    return disclosure.carry(out, states)


def date_only_count(searches: pd.DataFrame) -> int:
    """How many searches have no time of day (date-only records)."""
    return int(is_date_only(searches["time_known"]).sum())


def date_only_share(searches: pd.DataFrame) -> float | None:
    """Date-only records as a percentage of all searches (None when there are none)."""
    return percent(date_only_count(searches), len(searches))


def hour_of_day_counts(searches: pd.DataFrame) -> pd.DataFrame:
    """Searches by hour of day (0-23), date-only records left out.

    Returns
    -------
    DataFrame
        ``hour`` (0-23, every hour listed) and ``searches``. The date-only records are not in
        any hour: count them with :func:`date_only_count` and say so beside the chart.
    """
    timed = searches[~is_date_only(searches["time_known"]).to_numpy()]
    hours = timed[DATE_COLUMN].dt.hour.value_counts().reindex(range(24), fill_value=0)
    table = hours.rename_axis("hour").reset_index(name="searches")
    table["searches"] = table["searches"].astype(int)
    return table


def in_window(searches: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The searches whose date falls inside ``window``."""
    return counts.in_window(searches, DATE_COLUMN, window)


def npt_change(
    previous_searches: pd.DataFrame,
    current_searches: pd.DataFrame,
    previous: Window,
    current: Window,
    populations: pd.Series | None = None,
) -> pd.DataFrame:
    """Figure 11: searches by NPT (or whatever areas ``npt`` holds) in both windows with change,
    rate per 1,000 (mid-2019 population) and significance, from
    :func:`perfpack.themes.areas.change_by_area`. ``populations``: residents per area (default the
    NPTs of ``data/reference/npts.csv``; :func:`perfpack.themes.areas.area_populations` for any
    processed data). Searches with no area are in no row
    (:func:`perfpack.themes.areas.unplaced_count`)."""
    return areas.change_by_area(
        counts.counts_by(previous_searches, DATE_COLUMN, previous, "npt"),
        counts.counts_by(current_searches, DATE_COLUMN, current, "npt"),
        areas.npt_populations() if populations is None else populations,
    )
