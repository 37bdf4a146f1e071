"""Stop and search by the searching officer's team and ethnic group (the report's figure 15):
the counts, positive outcomes and what must be hidden.

The two team tables (the report's grouping and the five groups) are suppressed together
(:func:`perfpack.core.disclosure.linked_suppression`): BAME is Asian + Black + Mixed + Other, and
a positive outcome rate is treated as the count of positive outcomes it gives with its searches.
Public data.police.uk searches carry no team (:func:`has_teams`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfpack.core import disclosure
from perfpack.core.change import percent
from perfpack.themes.stopsearch.ethnicity import (
    ALL,
    FIVE_GROUPS,
    NOT_KNOWN,
    NOT_RECORDED,
    NOT_STATED,
    REPORT_GROUPS,
    WHITE,
    ethnic_group,
    is_ethnicity_not_recorded,
    report_ethnic_group,
)
from perfpack.themes.stopsearch.measures import blank_to_na, is_positive_outcome

#: The teams the report shows a table for (figure 15); every other team is "Other teams".
REPORT_TEAMS = ("Response", "Neighbourhood", "Tactical")
OTHER_TEAMS = "Other teams"
FORCE_TOTAL = "Force total"


def team_row(teams: pd.Series, listed=REPORT_TEAMS) -> pd.Series:
    """The searching officer's team as a row of figure 15: one of ``listed``, or
    "Other teams" (any other team, or none recorded)."""
    text = blank_to_na(teams)
    return text.where(text.isin(list(listed)), OTHER_TEAMS).astype("str")


def has_teams(searches: pd.DataFrame) -> bool:
    """Whether any search records the searching officer's team (public data never does)."""
    return bool(blank_to_na(searches["team"]).notna().any()) if len(searches) else False


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
