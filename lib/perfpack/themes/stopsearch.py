"""Stop and search: the report's pages 12-16 and the Home Office measures it lacks.

Every definition is one function here; the notebook ``04_stop_search`` only calls them.

- **Positive outcome**: any outcome other than "no further action" (the report's and the Home
  Office's definition), read from ``data/reference/stop_search_outcomes.csv``, which holds both
  the current data.police.uk wording and the pre-2019 one.
- **Arrest**, **community resolution**: the outcome's ``category`` in that table.
- **Find rate**: searches whose outcome was linked to the object searched for, over all searches.
- **Ethnic group**: the self-defined ethnicity grouped by ``data/reference/ethnicity_groups.csv``
  into the five 2011 Census groups (Asian, Black, Mixed, Other, White) and "Not stated", and into
  the report's older BAME / White / Not known grouping. A blank (not recorded) self-defined
  ethnicity is "Not stated" / "Not known"; it is never dropped.
- **Date-only records**: a search whose time was not recorded (``time_known`` False, i.e. a time
  of exactly 00:00 in the extract) is counted, and left out of the hour-of-day chart.
- **Disparity ratio**: searches per 1,000 residents of a group over searches per 1,000 White
  residents (2011 Census), with a 95% confidence interval by the log method for a ratio of two
  Poisson rates.

All rates and shares are in percent (29.1, not 0.291) unless named ``per_1000``; a rate with no
searches behind it is None, never 0.

Small counts (1 to 4) are never published, nor anything that gives one back
(:func:`perfpack.core.disclosure.linked_suppression`): the two team tables are suppressed together
(BAME is Asian + Black + Mixed + Other), a positive outcome rate is treated as the count of
positive outcomes it gives with its searches, and the force-level counts by ethnic group and by
age range are suppressed against their published total, their shares, rates, disparity ratios
and intervals hidden with them.

The windows are ``window_months`` long (12 by default, as the report); the sentences and headers
say how long. Public data.police.uk searches (theme ``stop_search_public``) carry no officer's
team, so the team section is replaced by :data:`NO_TEAM_NOTE`, and their areas are the local
authorities the reader placed them in (:func:`perfpack.themes.areas.processed_areas`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfpack.core import counts, disclosure, stats
from perfpack.core.change import change_sentence, format_count, format_pct, pct_change, percent
from perfpack.core.figures import FigureBook
from perfpack.core.windows import Window, comparison_windows, last_months
from perfpack.data import reference
from perfpack.data.contracts import AGE_RANGES
from perfpack.present import charts
from perfpack.present.markup import escape_markdown
from perfpack.themes import areas
from perfpack.themes.areas import census_area, months_text

THEME = "stop_search"
DATE_COLUMN = "datetime"

#: The teams the report shows a table for (figure 15); every other team is "Other teams".
REPORT_TEAMS = ("Response", "Neighbourhood", "Tactical")
OTHER_TEAMS = "Other teams"
FORCE_TOTAL = "Force total"
#: The five 2011 Census ethnic groups, in the Home Office's order, and the unstated group.
FIVE_GROUPS = ("Asian", "Black", "Mixed", "Other", "White")
NOT_STATED = "Not stated"
#: The report's grouping (kept for continuity), and the blank part of its "Not known".
REPORT_GROUPS = ("BAME", "White", "Not known")
NOT_KNOWN = "Not known"
NOT_RECORDED = "Not recorded"
WHITE = "White"
ALL = "All"
AGE_NOT_RECORDED = "Not recorded"
OFFENSIVE_WEAPONS = "Offensive weapons"
#: Two-sided 95% normal quantile, as the brief states it.
Z_95 = 1.96

#: Shown instead of the team tables when the searches carry no team (public data).
NO_TEAM_NOTE = (
    "data.police.uk does not publish the searching officer's team, so the searches by team "
    "(the report's figure 15) cannot be shown for this data."
)
#: What the public files can and cannot do, shown at the top of a public-data appendix.
PUBLIC_DATA_NOTE = (
    "These searches are data.police.uk's public records. They give no area and no team: each "
    "search is placed in the local authority of the street crimes published at the same "
    "anonymised map point, and searches at a point no street crime uses are in no area. No "
    "national figures are held for the public data, so the national columns are blank."
)

#: How the team tables are read (shown above them when the searches carry teams).
TEAM_TABLE_INTRO = (
    "Ethnicity is as the person searched defined it. *Not known* is every search without a "
    "stated ethnicity: those where none was recorded (the *of which not recorded* column, which "
    'the printed report\'s team rows showed as "Ethnicity Not Known") and those where the person '
    'chose "Not stated". *Other teams* are teams the report does not show separately; with them '
    "every row adds up to the force total."
)
FIVE_GROUPS_INTRO = (
    'The same searches by the five ethnic groups the government uses (it no longer uses "BAME"):'
)


def data_note(theme: str = THEME) -> str:
    """:data:`PUBLIC_DATA_NOTE` for a public-data theme (``data_source`` ``police_uk``), else
    empty."""
    return PUBLIC_DATA_NOTE if reference.theme(theme)["data_source"] == "police_uk" else ""


OUTCOME_MEASURES = {
    "positive_outcome_rate": "Positive outcome rate",
    "arrest_rate": "Arrest rate",
    "community_resolution_rate": "Community (local) resolution rate",
    "find_rate": "Find rate (outcome linked to object of search)",
}


# --------------------------------------------------------------------------------------------
# small helpers


def _blank_to_na(values: pd.Series) -> pd.Series:
    """Text with surrounding spaces removed and empty strings as missing."""
    text = pd.Series(values, copy=True).astype("str").str.strip()
    return text.mask(text == "")


def _map_known(values: pd.Series, mapping: dict, what: str) -> pd.Series:
    """Map text through ``mapping``; missing stays missing; an unknown value is a ValueError."""
    text = _blank_to_na(values)
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
    return _map_known(
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
    positive = _map_known(
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


def ethnic_group(self_defined: pd.Series) -> pd.Series:
    """The five 2011 Census groups (Asian, Black, Mixed, Other, White) or "Not stated".

    Parameters
    ----------
    self_defined : Series
        data.police.uk ``Self-defined ethnicity`` text.

    Returns
    -------
    Series of str
        The ``group`` of ``ethnicity_groups.csv``; a blank (not recorded) ethnicity and
        "Other ethnic group - Not stated" are both "Not stated". Chinese is in Asian, as in the
        Home Office's five-group rates. An unknown value is a ValueError.
    """
    table = reference.table("ethnicity_groups")
    groups = _map_known(
        self_defined,
        dict(zip(table["self_defined_ethnicity"], table["group"], strict=True)),
        "ethnicity",
    )
    return groups.fillna(NOT_STATED)


def report_ethnic_group(self_defined: pd.Series) -> pd.Series:
    """The report's grouping: "BAME", "White" or "Not known".

    Returns
    -------
    Series of str
        The ``report_group`` of ``ethnicity_groups.csv``; a blank ethnicity and "Other ethnic
        group - Not stated" are both "Not known". An unknown value is a ValueError.
    """
    table = reference.table("ethnicity_groups")
    groups = _map_known(
        self_defined,
        dict(zip(table["self_defined_ethnicity"], table["report_group"], strict=True)),
        "ethnicity",
    )
    return groups.fillna(NOT_KNOWN)


def is_ethnicity_not_recorded(self_defined: pd.Series) -> pd.Series:
    """True where no self-defined ethnicity was recorded at all (blank), as opposed to the
    person choosing "Other ethnic group - Not stated". Both count as "Not known"."""
    return _blank_to_na(self_defined).isna().astype(bool)


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
    return _map_known(age_range, {a: a for a in AGE_RANGES}, "age range").fillna(AGE_NOT_RECORDED)


def team_row(teams: pd.Series, listed=REPORT_TEAMS) -> pd.Series:
    """The searching officer's team as a row of figure 15: one of ``listed``, or
    "Other teams" (any other team, or none recorded)."""
    text = _blank_to_na(teams)
    return text.where(text.isin(list(listed)), OTHER_TEAMS).astype("str")


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


def outcome_table(comparison: pd.DataFrame, n_months: int = 12) -> pd.DataFrame:
    """:func:`outcome_comparison` formatted to publish (percent to one decimal place;
    ``n_months``: each window's length, for the headers)."""

    def shown(value, digits=1):
        return "–" if value is None or pd.isna(value) else format_pct(value, digits)

    span = months_text(n_months)
    return pd.DataFrame(
        {
            "Measure": comparison["label"],
            f"Previous {span}": [shown(v) for v in comparison["previous"]],
            f"Current {span}": [shown(v) for v in comparison["current"]],
            "National (year to March 2019)": [shown(v, 0) for v in comparison["national"]],
        }
    )


def object_shares(searches: pd.DataFrame) -> pd.DataFrame:
    """Searches by object of search, largest first, with each object's share of all searches.

    Returns
    -------
    DataFrame
        ``object``, ``searches``, ``share`` (percent). A blank object is "Not recorded".
    """
    objects = _blank_to_na(searches["object_of_search"]).fillna("Not recorded")
    table = objects.value_counts().rename_axis("object").reset_index(name="searches")
    table = table.sort_values(["searches", "object"], ascending=[False, True])
    table["share"] = [percent(n, len(searches)) for n in table["searches"]]
    return table.reset_index(drop=True)


def object_table(shares: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """:func:`object_shares` formatted to publish: a count of 1 to ``threshold - 1`` is shown
    as "<5", with whatever the window's total searches (published) would give it away with
    (:func:`perfpack.core.disclosure.suppress_small`); a hidden count's share is hidden with it."""
    frame = pd.DataFrame({"object": list(shares["object"]), "searches": list(shares["searches"])})
    shown = disclosure.suppress_small(frame, ["searches"], threshold, along="columns")
    marks = (disclosure.primary_mark(threshold), disclosure.SECONDARY_MARK)
    hidden = shown["searches"].isin(marks).to_numpy()
    out = pd.DataFrame(
        {
            "Object of search": shares["object"].to_numpy(),
            "Searches": shown["searches"].to_numpy(),
            "Share of searches": [
                text if h else format_pct(v, 1)
                for v, h, text in zip(shares["share"], hidden, shown["searches"], strict=True)
            ],
        }
    )
    return disclosure.carry(out, shown)


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
    chosen = searches[_blank_to_na(searches["object_of_search"]) == object_of_search]
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


def date_only_note(searches: pd.DataFrame, n_months: int = 12) -> str:
    """The note under the hour-of-day chart saying how many records it leaves out."""
    n_date_only = date_only_count(searches)
    n = len(searches)
    if n_date_only == 0:
        return f"Every search in these {months_text(n_months)} has a recorded time of day."
    return (
        f"{format_count(n_date_only)} of {format_count(n)} searches "
        f"({format_pct(percent(n_date_only, n), 1)}) have a date but no time of day (recorded as "
        "00:00 exactly). They are left out of this chart rather than shown as a midnight spike."
    )


# --------------------------------------------------------------------------------------------
# teams by ethnicity (figure 15)

#: The cells of the joint team table: every group of both groupings once ("Not known" and
#: "Not stated" are the same searches), and the searches whose person chose "Not stated",
#: which are never published but tie "Not known" to "of which not recorded".
_JOINT_GROUPS = (ALL, "BAME", WHITE, NOT_KNOWN, "Asian", "Black", "Mixed", "Other", NOT_RECORDED)
_CHOSE_NOT_STATED = "chose not stated"
#: Cost of hiding a cell of each group (lower is hidden first): the five-group detail goes
#: before the report's own columns, which carry its published figures.
_HIDING_COST = {
    "Asian": 0.0,
    "Black": 0.0,
    "Mixed": 0.0,
    "Other": 0.0,
    _CHOSE_NOT_STATED: 0.0,
    NOT_RECORDED: 1.0,
    NOT_KNOWN: 2.0,
    "BAME": 3.0,
    WHITE: 3.0,
    ALL: 4.0,
}


def team_counts(searches: pd.DataFrame, teams=REPORT_TEAMS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Searches and positive outcomes by team and every ethnic group of both groupings.

    Returns
    -------
    (DataFrame, DataFrame)
        Searches and positive outcomes, one row per team of ``teams``, then "Other teams"
        (only when some search is by another team or none), then "Force total"; columns "All",
        "BAME", "White", "Not known" (also the five groups' "Not stated"), "Asian", "Black",
        "Mixed", "Other", "Not recorded" (blank ethnicity) and "chose not stated" (Not known
        less Not recorded: never published).
    """
    ethnicity = searches["self_defined_ethnicity"]
    frame = pd.DataFrame(
        {
            "team": team_row(searches["team"], teams).to_numpy(),
            "five": ethnic_group(ethnicity).to_numpy(),
            "report": report_ethnic_group(ethnicity).to_numpy(),
            "blank": is_ethnicity_not_recorded(ethnicity).to_numpy(),
            "positive": is_positive_outcome(searches["outcome"]).to_numpy(),
        }
    )
    row_order = list(teams)
    if (frame["team"] == OTHER_TEAMS).any():
        row_order.append(OTHER_TEAMS)

    def count_table(values: pd.DataFrame) -> pd.DataFrame:
        chosen = {
            ALL: np.ones(len(values), dtype=bool),
            "BAME": values["report"] == "BAME",
            WHITE: values["report"] == WHITE,
            NOT_KNOWN: values["report"] == NOT_KNOWN,
            **{group: values["five"] == group for group in FIVE_GROUPS if group != WHITE},
            NOT_RECORDED: values["blank"],
            _CHOSE_NOT_STATED: (values["report"] == NOT_KNOWN) & ~values["blank"],
        }
        table = pd.DataFrame(index=row_order)
        for name, flag in chosen.items():
            picked = values[np.asarray(flag, dtype=bool)]
            table[name] = picked.groupby("team").size().reindex(row_order, fill_value=0)
        table.loc[FORCE_TOTAL] = table.sum(axis=0)
        return table.astype(int)

    return count_table(frame), count_table(frame[frame["positive"]])


def _team_relations(rows: list[str]) -> list[tuple]:
    """The sums a reader knows between the team cells: each row's groups add up to its team
    (both groupings), BAME is Asian + Black + Mixed + Other, Not known is Not recorded plus
    those who chose not to state, and every column's teams add up to the force total."""
    teams = [r for r in rows if r != FORCE_TOTAL]
    relations = []
    for team in rows:
        relations.append(((team, ALL), [(team, "BAME"), (team, WHITE), (team, NOT_KNOWN)]))
        relations.append(((team, "BAME"), [(team, g) for g in FIVE_GROUPS if g != WHITE]))
        relations.append(((team, NOT_KNOWN), [(team, NOT_RECORDED), (team, _CHOSE_NOT_STATED)]))
    for group in [*_JOINT_GROUPS, _CHOSE_NOT_STATED]:
        relations.append(((FORCE_TOTAL, group), [(team, group) for team in teams]))
    return relations


def team_suppression(
    searched: pd.DataFrame, positives: pd.DataFrame, threshold: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which team cells and which positive outcome rates to hide, both groupings at once.

    Both team tables are published, and their cells are tied by sums across them (BAME is
    Asian + Black + Mixed + Other; White and Not known are in both), so they are suppressed
    as one set of cells with :func:`perfpack.core.disclosure.linked_suppression`. The positive
    outcomes are a second set with the same sums: a rate shown beside its count gives its
    positive outcomes away (28.27% of 237 is 67), so a rate is published only when the
    positive outcomes it rests on may be; those behind a hidden count are never published.

    Parameters
    ----------
    searched, positives : DataFrame
        From :func:`team_counts`.
    threshold : int
        Counts from 1 to ``threshold - 1`` (searches or positive outcomes) must not be shown or
        worked out.

    Returns
    -------
    (DataFrame, DataFrame)
        The states of the searches and of the positive outcomes, shaped like the inputs:
        ``""`` shown, ``"primary"``, ``"secondary"`` or ``"withheld"`` (never published: the
        "chose not stated" column, and the positive outcomes behind a hidden count).
    """
    key = (
        tuple(searched.index),
        tuple(searched.columns),
        searched.to_numpy().tobytes(),
        positives.to_numpy().tobytes(),
        threshold,
    )
    if key not in _TEAM_STATES:  # both groupings and the figures ask for the same tables
        if len(_TEAM_STATES) >= 8:
            _TEAM_STATES.clear()
        _TEAM_STATES[key] = _team_states(searched, positives, threshold)
    search_states, positive_states = _TEAM_STATES[key]
    return search_states.copy(), positive_states.copy()


_TEAM_STATES: dict = {}


def _team_states(
    searched: pd.DataFrame, positives: pd.DataFrame, threshold: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = list(searched.index)
    columns = [*_JOINT_GROUPS, _CHOSE_NOT_STATED]
    cells = [(team, group) for team in rows for group in columns]
    relations = _team_relations(rows)

    def cost(team, group):
        extra = 5.0 if team == FORCE_TOTAL else (-0.5 if team == OTHER_TEAMS else 0.0)
        return _HIDING_COST[group] + extra

    priority = pd.Series([cost(*c) for c in cells], index=pd.Index(cells, tupleize_cols=False))

    def as_series(table: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [int(table.loc[team, group]) for team, group in cells], index=priority.index
        )

    def as_frame(states: pd.Series) -> pd.DataFrame:
        out = pd.DataFrame(index=rows, columns=columns, dtype="str")
        for (team, group), state in states.items():
            out.loc[team, group] = state
        return out

    unpublished = [(team, _CHOSE_NOT_STATED) for team in rows]
    # the force's searches in the three months are the sum of three published monthly counts
    search_states = disclosure.linked_suppression(
        as_series(searched),
        relations,
        threshold,
        withheld=unpublished,
        priority=priority,
        known=[(FORCE_TOTAL, ALL)],
    )
    hidden = [cell for cell, state in search_states.items() if state]
    searches_n = as_series(searched)
    reader_limit = searches_n.astype("float64").where(search_states == "", np.inf)
    reader_limit[search_states == "primary"] = threshold - 1
    positive_states = disclosure.linked_suppression(
        as_series(positives),
        relations,
        threshold,
        withheld=hidden,
        priority=priority,
        upper=reader_limit,
    )
    searched_out, positives_out = as_frame(search_states), as_frame(positive_states)
    # what the team tables publish, for the audit before they are shown
    disclosure.carry(searched_out, search_states, positive_states)
    disclosure.carry(positives_out, search_states, positive_states)
    return searched_out, positives_out


def team_breakdown(
    searches: pd.DataFrame, grouping: str = "report", teams=REPORT_TEAMS, threshold: int = 5
) -> pd.DataFrame:
    """Searches and positive outcomes by team and ethnic group, with what must be hidden.

    Parameters
    ----------
    searches : DataFrame
        The searches to break down (figure 15: the last three months).
    grouping : {"report", "five"}
        ``report``: BAME / White / Not known, plus "Not recorded" (the blank part of Not known,
        which the report's team rows published as "Ethnicity Not Known").
        ``five``: Asian / Black / Mixed / Other / White / Not stated.
    teams : sequence of str
        The teams shown as rows; any other team is "Other teams" (a row only when it has
        searches). The last row is "Force total".
    threshold : int
        Counts from 1 to ``threshold - 1`` are hidden, and so is whatever would let one be
        worked out, in this grouping or the other (:func:`team_suppression`): the two tables
        are suppressed together, so a cell in both (White, Not known / Not stated, All) has
        the same state in each.

    Returns
    -------
    DataFrame
        One row per team and group, group "All" first: ``team``, ``group``, ``searches``,
        ``positive``, ``share`` (percent of the team's searches), ``positive_rate`` (percent),
        ``suppressed`` ("" shown, "primary" or "secondary": the count and everything built on
        it), ``rate_suppressed`` (the rate is hidden: its count is, or it rests on 1 to
        ``threshold - 1`` positive outcomes, or it would let such a number be worked out) and
        ``share_suppressed`` (the share is hidden: its count is, or the team's total is, which
        a count and its share would give away).
    """
    if grouping == "report":
        groups = {g: g for g in (ALL, *REPORT_GROUPS, NOT_RECORDED)}
    elif grouping == "five":
        groups = {g: g for g in (ALL, *FIVE_GROUPS)} | {NOT_STATED: NOT_KNOWN}
    else:
        raise ValueError("grouping is 'report' or 'five'")

    searched, positives = team_counts(searches, teams)
    search_states, positive_states = team_suppression(searched, positives, threshold)

    rows = []
    for team in searched.index:
        team_total = searched.loc[team, ALL]
        total_hidden = bool(search_states.loc[team, ALL])
        for group, cell in groups.items():
            n = int(searched.loc[team, cell])
            state = search_states.loc[team, cell]
            rows.append(
                {
                    "team": team,
                    "group": group,
                    "searches": n,
                    "positive": int(positives.loc[team, cell]),
                    "share": percent(n, team_total),
                    "positive_rate": percent(positives.loc[team, cell], n),
                    "suppressed": state,
                    "rate_suppressed": bool(state) or bool(positive_states.loc[team, cell]),
                    "share_suppressed": bool(state) or total_hidden,
                }
            )
    return disclosure.carry(pd.DataFrame(rows), search_states)


def _mark(state: str, threshold: int) -> str:
    return disclosure.primary_mark(threshold) if state == "primary" else disclosure.SECONDARY_MARK


def team_table(breakdown: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Figure 15 as a table to publish: one row per team, counts with shares, positive outcome
    rates per group, small counts hidden.

    Parameters
    ----------
    breakdown : DataFrame
        From :func:`team_breakdown`.

    Returns
    -------
    DataFrame
        ``Team``, ``Searches``, then per group ``"<group>"`` as ``"37 / 15.6%"``, then
        ``Positive outcomes`` and ``Positive outcomes <group>`` as ``"28.27%"``. The
        "Not recorded" column (report grouping) is headed "of which not recorded (blank)".
        Hidden counts show as "<5" or "[c]" (:mod:`perfpack.core.disclosure`), and their rates with
        the same mark; a count whose team total is hidden is shown without its share; a rate
        hidden for its positive outcomes (1 to 4, or needed to protect such a number) shows as
        "[c]".
    """

    def label(group: str) -> str:
        return "of which not recorded (blank)" if group == NOT_RECORDED else group

    groups = [g for g in dict.fromkeys(breakdown["group"]) if g != ALL]
    rows = []
    for team, part in breakdown.groupby("team", sort=False):
        cells = part.set_index("group")
        row = {"Team": team}
        everyone = cells.loc[ALL]
        row["Searches"] = (
            _mark(everyone["suppressed"], threshold)
            if everyone["suppressed"]
            else format_count(everyone["searches"])
        )
        for group in groups:
            cell = cells.loc[group]
            if cell["suppressed"]:
                row[label(group)] = _mark(cell["suppressed"], threshold)
            elif cell["share_suppressed"] or pd.isna(cell["share"]):
                row[label(group)] = format_count(cell["searches"])
            else:
                row[label(group)] = (
                    f"{format_count(cell['searches'])} / {format_pct(cell['share'], 1)}"
                )
        for group in [ALL, *[g for g in groups if g != NOT_RECORDED]]:
            cell = cells.loc[group]
            name = "Positive outcomes" if group == ALL else f"Positive outcomes {group}"
            if cell["suppressed"]:
                row[name] = _mark(cell["suppressed"], threshold)
            elif cell["rate_suppressed"]:
                row[name] = disclosure.SECONDARY_MARK
            elif pd.isna(cell["positive_rate"]):
                row[name] = "–"
            else:
                row[name] = format_pct(cell["positive_rate"], 2)
        rows.append(row)
    return disclosure.carry(pd.DataFrame(rows), breakdown)


def team_table_note(threshold: int = 5) -> str:
    """The footnote of the team tables: how small counts and the rates on them are hidden."""
    return (
        f"{disclosure.suppression_note(threshold)} The two team tables are treated as one, since "
        "BAME is Asian, Black, Mixed and Other together. A positive outcome rate is hidden with "
        f'its count, and shown as "{disclosure.SECONDARY_MARK}" when it rests on 1 to '
        f"{threshold - 1} positive outcomes or would let such a number be worked out from the "
        "other rates."
    )


def team_sentence(breakdown: pd.DataFrame) -> str:
    """Which team made the most searches, and its positive outcome rate (each left out when
    the team tables hide it)."""
    teams = breakdown[(breakdown["group"] == ALL) & ~breakdown["team"].isin([FORCE_TOTAL])]
    teams = teams[teams["team"] != OTHER_TEAMS]
    if teams.empty or teams["searches"].max() == 0:
        return "No searches were recorded for the teams shown in the last three months."
    top = teams.sort_values("searches", ascending=False).iloc[0]
    total = breakdown[(breakdown["team"] == FORCE_TOTAL) & (breakdown["group"] == ALL)].iloc[0]
    if top["suppressed"] or total["suppressed"]:
        return (
            f"{top['team']} made the most searches in the last three months (the number is "
            "hidden to protect small counts)."
        )
    text = (
        f"{top['team']} made the most searches in the last three months "
        f"({format_count(top['searches'])} of {format_count(total['searches'])})"
    )
    if top["rate_suppressed"]:
        return text + "."
    return text + f", with a {format_pct(top['positive_rate'], 1)} positive outcome rate."


# --------------------------------------------------------------------------------------------
# disproportionality


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
    NPTs
    of ``data/reference/npts.csv``; :func:`perfpack.themes.areas.area_populations` for any processed
    data). Searches with no area are in no row (:func:`perfpack.themes.areas.unplaced_count`)."""
    return areas.change_by_area(
        counts.counts_by(previous_searches, DATE_COLUMN, previous, "npt"),
        counts.counts_by(current_searches, DATE_COLUMN, current, "npt"),
        areas.npt_populations() if populations is None else populations,
    )


def has_teams(searches: pd.DataFrame) -> bool:
    """Whether any search records the searching officer's team (public data never does)."""
    return bool(_blank_to_na(searches["team"]).notna().any()) if len(searches) else False


def census_populations(force_area: str = "Staffordshire") -> pd.Series:
    """2011 Census usual residents of a police force area by the five groups.

    Asian is "Asian (or Asian British)" plus "Chinese", as in the Home Office's five-group
    rates. Returns a Series of int indexed by :data:`FIVE_GROUPS`.
    """
    table = reference.table("census2011_ethnicity_by_pfa").set_index("Police force")
    if force_area not in table.index:
        raise KeyError(f"{force_area!r} is not a police force area in the Census table")
    row = table.loc[force_area].astype(int)
    return pd.Series(
        {
            "Asian": row["Asian (or Asian British)"] + row["Chinese"],
            "Black": row["Black (or Black British)"],
            "Mixed": row["Mixed"],
            "Other": row["Other"],
            "White": row["White"],
        },
        name="population",
    ).astype(int)


def force_populations(force_name: str) -> pd.Series:
    """Census residents by five groups for a force named as in the data manifest.

    An empty Series when the 2011 Census table (England and Wales police force areas) has no
    row for the force -- British Transport Police (no residents), the Police Service of
    Northern Ireland (its census is not in the table): disproportionality by Census rates does
    not apply (:func:`disproportionality`; the page says why with
    :func:`perfpack.themes.stopsearch_public.census_note`).
    """
    try:
        return census_populations(census_area(force_name))
    except KeyError:
        return pd.Series(dtype="int64", name="population")


def rate_ratio_ci(
    a: int, population_a: float, b: int, population_b: float, z: float = Z_95
) -> tuple[float | None, float | None, float | None]:
    """Ratio of two Poisson rates with its confidence interval (log method).

    ``RR = (a / population_a) / (b / population_b)``;
    interval ``exp(ln RR +/- z * sqrt(1/a + 1/b))``.

    Returns
    -------
    tuple
        ``(ratio, low, high)``. With ``b`` = 0 (or a population of 0) nothing is defined:
        ``(None, None, None)``. With ``a`` = 0 the ratio is 0 but the log interval is not
        defined: ``(0.0, None, None)``.
    """
    if b <= 0 or population_a <= 0 or population_b <= 0:
        return None, None, None
    ratio = (a / population_a) / (b / population_b)
    if a <= 0:
        return 0.0, None, None
    spread = z * math.sqrt(1.0 / a + 1.0 / b)
    return ratio, ratio * math.exp(-spread), ratio * math.exp(spread)


def disproportionality(
    searches: pd.DataFrame, populations: pd.Series, threshold: int = 5
) -> pd.DataFrame:
    """Searches per 1,000 residents by ethnic group and the disparity ratio against White.

    Parameters
    ----------
    searches : DataFrame
        The searches (normally the current 12 months).
    populations : Series
        Residents by group (:func:`census_populations`); empty when Census rates do not apply
        to the force (:func:`force_populations`): then every ``population``, rate, ratio and
        interval is missing and only the counts and shares are given.

    Returns
    -------
    DataFrame
        One row per group of :data:`FIVE_GROUPS`, then "Not stated" and "All":
        ``group``, ``searches``, ``share`` (percent of all searches, so the not-stated share is
        shown, never dropped), ``population``, ``rate_per_1000``, ``disparity_ratio``,
        ``ci_low``, ``ci_high`` (95%), ``suppressed`` and ``ratio_suppressed``. White's ratio is
        1 by definition (no interval); Not stated has no population and so no rate. "All" uses
        every search over every resident. The numbers are never blanked here; what may be
        published is in ``suppressed`` (the count: ``""``, ``"primary"`` for 1 to
        ``threshold - 1``, ``"secondary"`` so that the groups' total, every search, cannot give
        a hidden one away; its share and rate go with it, since either times a published number
        gives the count back) and ``ratio_suppressed`` (the ratio and its interval are hidden
        when the group's count or White's is: the ratio is ``(a / pop_a) / (b / pop_b)`` and
        the interval's width ``sqrt(1/a + 1/b)``, so either would give a hidden count back).
    """
    groups = ethnic_group(searches["self_defined_ethnicity"])
    n_by_group = groups.value_counts().reindex([*FIVE_GROUPS, NOT_STATED], fill_value=0)
    n_all = len(searches)
    white_n = int(n_by_group[WHITE])
    applies = len(populations) > 0
    white_pop = float(populations[WHITE]) if applies else math.nan
    rows = []
    for group in FIVE_GROUPS:
        n = int(n_by_group[group])
        pop = float(populations[group]) if applies else math.nan
        if not applies:
            ratio, low, high = None, None, None
        elif group == WHITE:
            ratio, low, high = (1.0, None, None) if white_n > 0 else (None, None, None)
        else:
            ratio, low, high = rate_ratio_ci(n, pop, white_n, white_pop)
        rows.append(
            {
                "group": group,
                "searches": n,
                "share": percent(n, n_all),
                "population": int(pop) if applies else None,
                "rate_per_1000": n / pop * 1000 if applies and pop > 0 else None,
                "disparity_ratio": ratio,
                "ci_low": low,
                "ci_high": high,
            }
        )
    not_stated = int(n_by_group[NOT_STATED])
    rows.append(
        {
            "group": NOT_STATED,
            "searches": not_stated,
            "share": percent(not_stated, n_all),
            "population": None,
            "rate_per_1000": None,
            "disparity_ratio": None,
            "ci_low": None,
            "ci_high": None,
        }
    )
    total_pop = float(populations[list(FIVE_GROUPS)].sum()) if applies else math.nan
    rows.append(
        {
            "group": ALL,
            "searches": n_all,
            "share": percent(n_all, n_all),
            "population": int(total_pop) if applies else None,
            "rate_per_1000": n_all / total_pop * 1000 if applies else None,
            "disparity_ratio": None,
            "ci_low": None,
            "ci_high": None,
        }
    )
    table = pd.DataFrame(rows)
    # hide Not stated first (it has no rate), then Asian, Black, Mixed or Other, and White
    # (every ratio rests on it) last
    cost = {group: 1.0 for group in FIVE_GROUPS} | {NOT_STATED: 0.0, WHITE: 2.0}
    parts = table[table["group"] != ALL]
    states = suppression_with_total(
        pd.Series(parts["searches"].to_numpy(), index=list(parts["group"])),
        threshold,
        pd.Series(cost),
    )
    table["suppressed"] = [states.get(group, "") for group in table["group"]]
    disclosure.carry(table, states)
    white_hidden = bool(states[WHITE])
    table["ratio_suppressed"] = [  # no ratio without Census rates: nothing to hide
        applies and group in FIVE_GROUPS and (bool(state) or white_hidden)
        for group, state in zip(table["group"], table["suppressed"], strict=True)
    ]
    return table


def disproportionality_table(table: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """:func:`disproportionality` formatted to publish (force-level counts over 12 months).

    A hidden count shows as "<5" or "[c]" and so do its share and rate; a hidden ratio and its
    interval show as "[c]" (``ratio_suppressed``). "–" is a figure with nothing to show (no
    population, no White searches to compare with).
    """

    def number(value, digits):
        return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"

    def interval(low, high):
        return "–" if pd.isna(low) or pd.isna(high) else f"{low:.2f} to {high:.2f}"

    def shown(text, state):  # a figure that does not exist ("–") has nothing to hide
        return _mark(state, threshold) if state and text != "–" else text

    secret = disclosure.SECONDARY_MARK
    rows = list(table.itertuples(index=False))
    out = pd.DataFrame(
        {
            "Ethnic group (self-defined)": table["group"],
            "Searches": [shown(format_count(r.searches), r.suppressed) for r in rows],
            "Share of searches": [shown(format_pct(r.share, 1), r.suppressed) for r in rows],
            "Residents (2011 Census)": [
                "–" if pd.isna(p) else format_count(p) for p in table["population"]
            ],
            "Searches per 1,000 residents": [
                shown(number(r.rate_per_1000, 2), r.suppressed) for r in rows
            ],
            "Disparity ratio vs White": [
                secret if r.ratio_suppressed else number(r.disparity_ratio, 2) for r in rows
            ],
            "95% interval": [
                secret if r.ratio_suppressed else interval(r.ci_low, r.ci_high) for r in rows
            ],
        }
    )
    return disclosure.carry(out, table)


def disproportionality_note(table: pd.DataFrame, threshold: int = 5) -> str:
    """The footnote of the disproportionality table when it hides anything, else empty."""
    if not table["suppressed"].astype(bool).any():
        return ""
    return (
        f"{disclosure.suppression_note(threshold)} A hidden count's share and rate are hidden "
        "with it, and so is its disparity ratio and interval (all of them when the White count "
        "is hidden, since every ratio is against it)."
    )


# --------------------------------------------------------------------------------------------
# prose


def volume_sentence(
    previous: int,
    current: int,
    previous_window: Window,
    current_window: Window,
    place: str = "Staffordshire",
) -> str:
    """The report's volume sentence ('... has increased by 59% from 3,797 searches ...')."""
    return change_sentence(
        "stop", previous, current, previous_window, current_window, noun="searches", place=place
    )


def national_sentence(theme: str = THEME) -> str:
    """The national comparison from the reference table (empty when none is held)."""
    table = reference.national_comparators(theme).set_index("measure")
    if "searches" not in table.index:
        return ""
    searches = table.loc["searches"]
    text = (
        f"Nationally there were over {format_count(searches['value'])} searches in the "
        f"{searches['window']}"
    )
    if "pct_change" in table.index:
        text += (
            f", an increase of {format_pct(table.loc['pct_change', 'value'])} on the year before"
        )
    return text + " (Home Office, England and Wales)."


def outcome_sentence(comparison: pd.DataFrame, n_months: int = 12) -> str:
    """The report's outcome paragraph from :func:`outcome_comparison` (``n_months``: each
    window's length)."""
    span = months_text(n_months)
    rates = comparison.set_index("measure")

    def pct(measure, column):
        return format_pct(rates.loc[measure, column], 1)

    def national(measure):
        value = rates.loc[measure, "national"]
        return "not published" if value is None or pd.isna(value) else format_pct(value)

    return (
        f"The positive outcome rate (any outcome other than no further action) was "
        f"{pct('positive_outcome_rate', 'previous')} in the previous {span} and "
        f"{pct('positive_outcome_rate', 'current')} in the current {span} (national "
        f"{national('positive_outcome_rate')}). The current arrest rate is "
        f"{pct('arrest_rate', 'current')} (national {national('arrest_rate')}) and community "
        f"(local) resolution {pct('community_resolution_rate', 'current')} (national "
        f"{national('community_resolution_rate')}). In {pct('find_rate', 'current')} of current "
        "searches the outcome was linked to the object searched for (the find rate; searches "
        "with no link recorded count as not found)."
    )


def object_sentence(shares: pd.DataFrame, top: int = 3, n_months: int = 12) -> str:
    """The most common objects of search with their shares."""
    span = months_text(n_months)
    if shares.empty:
        return f"There were no searches in the current {span}."
    parts = [  # objects are read from data: plain text in the sentence
        f"{escape_markdown(row.object)} ({format_pct(row.share)})"
        for row in shares.head(top).itertuples()
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"The most common objects of search in the current {span} were {listed}."


# --------------------------------------------------------------------------------------------
# charts (each returns the figure and its alt text)


def monthly_object_chart(monthly: pd.Series, object_of_search: str = OFFENSIVE_WEAPONS):
    """Figure 12: searches for one object per month, as a line. Returns ``(fig, alt)``."""
    fig, ax = charts.new_figure()
    labels = [f"{p:%b %y}" for p in monthly.index]
    ax.plot(range(len(monthly)), monthly.to_numpy(), marker="o", color=charts.PALETTE[0])
    ax.set_xticks(range(len(monthly)), labels, rotation=90)
    ax.set_ylabel("Searches")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Monthly searches for {object_of_search.lower()}")
    if len(monthly):
        peak = monthly.idxmax()
        alt = (
            f"Line chart of monthly stop searches for {object_of_search.lower()} from "
            f"{monthly.index[0]:%B %Y} to {monthly.index[-1]:%B %Y}: "
            f"{format_count(monthly.iloc[0])} in the first month, "
            f"{format_count(monthly.iloc[-1])} in the last, highest "
            f"{format_count(monthly.max())} in {peak:%B %Y}."
        )
    else:
        alt = f"Line chart of monthly stop searches for {object_of_search.lower()}: no months."
    return fig, alt


def age_chart(ages: pd.DataFrame, threshold: int = 5, n_months: int = 12):
    """Figure 13: searches by age range, as bars; a range with 1 to ``threshold - 1``
    searches is drawn without a bar and labelled "<5", and one hidden so that the total cannot
    give it away is labelled "[c]" (:func:`age_suppression`). Returns ``(fig, alt)``."""
    span = months_text(n_months)
    states = age_suppression(ages, threshold)
    disclosure.audit_frame(states, f"Stop searches by age range, last {span}")
    hidden = states != ""
    shown = pd.Series(
        [
            _mark(state, threshold) if state else format_count(n)
            for n, state in zip(ages["searches"], states, strict=True)
        ],
        index=ages.index,
    )
    heights = ages["searches"].where(~hidden, 0).to_numpy()
    fig, ax = charts.new_figure()
    ax.bar(ages["age_range"], heights, color=charts.PALETTE[0])
    for x, (height, text) in enumerate(zip(heights, shown, strict=True)):
        ax.annotate(text, (x, height), ha="center", va="bottom", fontsize=9)
    ax.set_ylabel("Searches")
    ax.set_xlabel("Age range")
    ax.set_title(f"Stop searches by age range, last {span}")
    described = "; ".join(f"{a}: {t}" for a, t in zip(ages["age_range"], shown, strict=True))
    alt = f"Bar chart of stop searches by age range over the last {span}. {described}."
    return fig, alt


def hour_chart(hours: pd.DataFrame, n_date_only: int, n_months: int = 12):
    """Figure 14: searches by hour of day (date-only records left out). Returns
    ``(fig, alt)``."""
    span = months_text(n_months)
    fig, ax = charts.new_figure()
    ax.bar(hours["hour"], hours["searches"], color=charts.PALETTE[0])
    ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)])
    ax.set_xlabel("Hour of day (00 = 00:00 to 00:59); searches with no recorded time left out")
    ax.set_ylabel("Searches")
    ax.set_title(f"Stop searches by hour of day, last {span}")
    if hours["searches"].sum() > 0:
        busiest = hours.sort_values(["searches", "hour"], ascending=[False, True]).head(3)
        top = ", ".join(
            f"{h:02d}:00 ({format_count(n)})"
            for h, n in zip(busiest["hour"], busiest["searches"], strict=True)
        )
        alt = (
            f"Bar chart of stop searches by hour of day over the last {span}, "
            f"{format_count(hours['searches'].sum())} searches with a recorded time. Busiest "
            f"hours: {top}. {format_count(n_date_only)} date-only searches are not shown."
        )
    else:
        alt = "Bar chart of stop searches by hour of day: no searches with a recorded time."
    return fig, alt


# --------------------------------------------------------------------------------------------
# the theme's figures


def windows_for(
    period: str, theme: str = THEME, window_months: int = 12
) -> tuple[Window, Window, Window]:
    """``(previous, current, last_three_months)`` from the theme's reference row (lag);
    ``window_months`` is the length of the previous and current windows (the last three months
    stay three)."""
    lag = int(reference.theme(theme)["lag_months"])
    previous, current = comparison_windows(period, lag, n_months=window_months)
    return previous, current, last_months(period, 3, lag)


def in_window(searches: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The searches whose date falls inside ``window``."""
    return counts.in_window(searches, DATE_COLUMN, window)


def _suppressed_value(value, state: str):
    return math.nan if state else value


def theme_figures(
    searches: pd.DataFrame,
    period: str,
    theme: str = THEME,
    populations: pd.Series | None = None,
    teams=REPORT_TEAMS,
    window_months: int = 12,
    area_populations: pd.Series | None = None,
) -> FigureBook:
    """Every stop-search figure the appendix publishes, as a :class:`FigureBook`.

    Parameters
    ----------
    searches : DataFrame
        The canonical ``stop_searches`` table (any span; windows are cut here).
    period : str
        The report period ``YYYY-MM``; windows follow the theme's ``lag_months``.
    theme : str
        Theme slug (its reference row gives the lag and the national figures).
    populations : Series, optional
        Residents by five groups; default the Staffordshire 2011 Census.
    teams : sequence of str
        The teams shown in figure 15.
    window_months : int, default 12
        Length of the previous and current windows.
    area_populations : Series, optional
        Residents per area of the ``npt`` column (default the NPTs of ``npts.csv``).

    Returns
    -------
    FigureBook
        Measures (percentages in percent): ``count_previous``, ``count_current``,
        ``pct_change``; ``positive_outcome_rate``, ``arrest_rate``,
        ``community_resolution_rate``, ``find_rate`` (both windows); ``object_count`` and
        ``object_share`` (group = object); ``change_p_value`` (exact Poisson test of the
        change, force and per area) and ``change_judged_p_value`` (per area, the p its verdict
        uses: :func:`perfpack.themes.areas.change_by_area`); ``monthly_count`` and
        ``monthly_offensive_weapon_searches`` (window = one month); ``age_count``,
        ``age_share`` (group = age range); ``hour_count`` (group = hour, date-only left out);
        ``date_only_count``, ``date_only_share``; for the last three months ``team_searches``,
        ``team_share``, ``team_positive_outcome_rate`` (group = team or team|group, both
        groupings; none when no search has a team); ``searches_by_ethnicity``,
        ``share_by_ethnicity``, ``rate_per_1000_by_ethnicity``, ``disparity_ratio``,
        ``disparity_ratio_ci_low``, ``disparity_ratio_ci_high`` (group = ethnic group),
        ``not_stated_share`` (no ``rate_per_1000_by_ethnicity`` or ratio figures when
        ``populations`` is empty: Census rates do not apply); a figure hidden by small-count
        suppression (its count, or one
        that would give a hidden count back) is blank (NaN), as in the published tables;
        ``count_previous``, ``count_current``, ``pct_change``,
        ``rate_per_1000`` (group = NPT, the names every theme uses) and ``npts_decreased``;
        ``no_area_count_previous``/``no_area_count_current`` when some searches have no area.
    """
    if populations is None:
        populations = census_populations()
    previous, current, last_three = windows_for(period, theme, window_months)
    previous_searches = in_window(searches, previous)
    current_searches = in_window(searches, current)
    book = FigureBook(theme)

    n_previous, n_current = len(previous_searches), len(current_searches)
    book.add("count_previous", n_previous, window=previous)
    book.add("count_current", n_current, window=current)
    book.add("pct_change", pct_change(n_previous, n_current), window=current)
    book.add(
        "change_p_value", stats.poisson_change_test(n_previous, n_current).p_value, window=current
    )

    for window, frame in ((previous, previous_searches), (current, current_searches)):
        for row in outcome_rates(frame).itertuples():
            book.add(row.measure, row.rate, window=window)

    for row in object_shares(current_searches).itertuples():
        book.add("object_count", row.searches, window=current, group=row.object)
        book.add("object_share", row.share, window=current, group=row.object)

    monthly = monthly_searches(searches, previous, current)
    weapons = monthly_searches(searches, previous, current, OFFENSIVE_WEAPONS)
    for month in monthly.index:
        label = f"{month}/{month}"
        book.add("monthly_count", monthly[month], window=label)
        book.add("monthly_offensive_weapon_searches", weapons[month], window=label)

    ages = age_breakdown(current_searches)
    for row, state in zip(ages.itertuples(), age_suppression(ages), strict=True):
        book.add("age_count", _suppressed_value(row.searches, state), current, row.age_range)
        book.add("age_share", _suppressed_value(row.share, state), current, row.age_range)

    for row in hour_of_day_counts(current_searches).itertuples():
        book.add("hour_count", row.searches, window=current, group=f"{row.hour:02d}")
    book.add("date_only_count", date_only_count(current_searches), window=current)
    book.add("date_only_share", date_only_share(current_searches), window=current)

    last_three_searches = in_window(searches, last_three)
    seen = set()
    for grouping in ("report", "five") if has_teams(searches) else ():
        breakdown = team_breakdown(last_three_searches, grouping, teams)
        for row in breakdown.itertuples():
            group = row.team if row.group == ALL else f"{row.team}|{row.group}"
            if group in seen:
                continue
            seen.add(group)
            book.add(
                "team_searches", _suppressed_value(row.searches, row.suppressed), last_three, group
            )
            if row.group != ALL:
                share = _suppressed_value(row.share, "share" if row.share_suppressed else "")
                book.add("team_share", share, last_three, group)
            book.add(
                "team_positive_outcome_rate",
                _suppressed_value(row.positive_rate, "rate" if row.rate_suppressed else ""),
                last_three,
                group,
            )

    by_npt = npt_change(previous_searches, current_searches, previous, current, area_populations)
    for row in areas.published_figures(by_npt).itertuples():  # hidden ones blank
        book.add("count_previous", row.previous, window=previous, group=row.area)
        book.add("count_current", row.current, window=current, group=row.area)
        book.add("pct_change", row.pct_change, window=current, group=row.area)
        book.add("rate_per_1000", row.rate_per_1000, window=current, group=row.area)
        book.add("change_p_value", row.p_value, window=current, group=row.area)
        book.add("change_judged_p_value", row.judged_p_value, window=current, group=row.area)
    book.add("npts_decreased", areas.n_decreased(by_npt), window=current)
    no_area = (
        areas.unplaced_count(searches, DATE_COLUMN, previous),
        areas.unplaced_count(searches, DATE_COLUMN, current),
    )
    if any(no_area):
        book.add("no_area_count_previous", areas.published_count(no_area[0]), window=previous)
        book.add("no_area_count_current", areas.published_count(no_area[1]), window=current)

    table = disproportionality(current_searches, populations)
    for row in table.itertuples():
        state, ratio_state = row.suppressed, "ratio" if row.ratio_suppressed else ""
        group = row.group
        book.add("searches_by_ethnicity", _suppressed_value(row.searches, state), current, group)
        book.add("share_by_ethnicity", _suppressed_value(row.share, state), current, group)
        if len(populations) and (group in FIVE_GROUPS or group == ALL):  # Census rates apply
            rate = _suppressed_value(row.rate_per_1000, state)
            book.add("rate_per_1000_by_ethnicity", rate, current, group)
        if len(populations) and group in FIVE_GROUPS:
            for measure, value in (
                ("disparity_ratio", row.disparity_ratio),
                ("disparity_ratio_ci_low", row.ci_low),
                ("disparity_ratio_ci_high", row.ci_high),
            ):
                book.add(measure, _suppressed_value(value, ratio_state), current, group)
    not_stated = table[table["group"] == NOT_STATED].iloc[0]
    book.add(
        "not_stated_share",
        _suppressed_value(not_stated["share"], not_stated["suppressed"]),
        window=current,
    )
    return book
