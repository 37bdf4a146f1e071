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

The windows are ``window_months`` long (12 by default, as the report); the sentences and headers
say how long. Public data.police.uk searches (theme ``stop_search_public``) carry no officer's
team, so the team section is replaced by :data:`NO_TEAM_NOTE`, and their areas are the local
authorities the reader placed them in (:func:`perfpack.areas.processed_areas`).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from perfpack import areas, charts, counts, disclosure, reference, stats
from perfpack.areas import months_text
from perfpack.change import change_sentence, format_count, format_pct, pct_change
from perfpack.contracts import AGE_RANGES
from perfpack.figures import FigureBook
from perfpack.windows import Window, comparison_windows, last_months

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


def percent(part: float, whole: float) -> float | None:
    """``part / whole * 100``; None when ``whole`` is 0 (no searches, no rate)."""
    if whole is None or whole == 0 or pd.isna(whole):
        return None
    return float(part) / float(whole) * 100.0


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


def object_table(shares: pd.DataFrame) -> pd.DataFrame:
    """:func:`object_shares` formatted to publish."""
    return pd.DataFrame(
        {
            "Object of search": shares["object"],
            "Searches": [format_count(n) for n in shares["searches"]],
            "Share of searches": [format_pct(v, 1) for v in shares["share"]],
        }
    )


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


def team_breakdown(
    searches: pd.DataFrame, grouping: str = "report", teams=REPORT_TEAMS, threshold: int = 5
) -> pd.DataFrame:
    """Searches and positive outcomes by team and ethnic group, with small counts marked.

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
        Counts from 1 to ``threshold - 1`` are marked for suppression (see
        :mod:`perfpack.disclosure`), and so are the rates and shares built on them.

    Returns
    -------
    DataFrame
        One row per team and group, group "All" first: ``team``, ``group``, ``searches``,
        ``positive``, ``share`` (percent of the team's searches), ``positive_rate`` (percent),
        ``suppressed`` ("" shown, "primary" or "secondary": the count and everything built on
        it) and ``rate_suppressed`` (the rate is hidden: its count is, or it rests on 1 to
        ``threshold - 1`` positive outcomes, which the rate and the count would give away).
    """
    if grouping == "report":
        group_of = report_ethnic_group(searches["self_defined_ethnicity"])
        additive = list(REPORT_GROUPS)
        nested = {NOT_RECORDED: is_ethnicity_not_recorded(searches["self_defined_ethnicity"])}
    elif grouping == "five":
        group_of = ethnic_group(searches["self_defined_ethnicity"])
        additive = [*FIVE_GROUPS, NOT_STATED]
        nested = {}
    else:
        raise ValueError("grouping is 'report' or 'five'")

    rows_of = team_row(searches["team"], teams)
    row_order = list(teams)
    if (rows_of == OTHER_TEAMS).any():
        row_order.append(OTHER_TEAMS)
    positive = is_positive_outcome(searches["outcome"]).to_numpy()

    frame = pd.DataFrame(
        {"team": rows_of.to_numpy(), "group": group_of.to_numpy(), "positive": positive}
    )
    for name, flag in nested.items():
        frame[name] = flag.to_numpy()

    def count_table(values: pd.DataFrame) -> pd.DataFrame:
        by_team = pd.DataFrame(index=row_order)
        by_team[ALL] = values.groupby("team").size().reindex(row_order, fill_value=0)
        for group in additive:
            chosen = values[values["group"] == group]
            by_team[group] = chosen.groupby("team").size().reindex(row_order, fill_value=0)
        for name in nested:
            chosen = values[values[name]]
            by_team[name] = chosen.groupby("team").size().reindex(row_order, fill_value=0)
        by_team.loc[FORCE_TOTAL] = by_team.sum(axis=0)
        return by_team.astype(int)

    searched = count_table(frame)
    positives = count_table(frame[frame["positive"]])

    mask = disclosure.suppression_mask(
        searched, [ALL, *additive], threshold, total_row=FORCE_TOTAL, total_column=ALL
    )
    for name in nested:
        mask[name] = disclosure.suppression_mask(
            searched, [name], threshold, total_row=FORCE_TOTAL
        )[name]

    rows = []
    for team in searched.index:
        team_total = searched.loc[team, ALL]
        for group in [ALL, *additive, *nested]:
            n = int(searched.loc[team, group])
            rows.append(
                {
                    "team": team,
                    "group": group,
                    "searches": n,
                    "positive": int(positives.loc[team, group]),
                    "share": percent(n, team_total),
                    "positive_rate": percent(positives.loc[team, group], n),
                    "suppressed": mask.loc[team, group],
                    "rate_suppressed": bool(mask.loc[team, group])
                    or 1 <= positives.loc[team, group] < threshold,
                }
            )
    return pd.DataFrame(rows)


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
        Hidden counts show as "<5" or "[c]" (:mod:`perfpack.disclosure`); a rate resting on a
        hidden count or on 1 to 4 positive outcomes shows as "[c]" (or the count's mark).
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
    return pd.DataFrame(rows)


def team_table_note(threshold: int = 5) -> str:
    """The footnote of the team tables: how small counts and the rates on them are hidden."""
    return (
        f"{disclosure.suppression_note(threshold)} A positive outcome rate is hidden with its "
        f'count, and shown as "{disclosure.SECONDARY_MARK}" when it rests on 1 to '
        f"{threshold - 1} positive outcomes."
    )


def team_sentence(breakdown: pd.DataFrame) -> str:
    """Which team made the most searches, and its positive outcome rate."""
    teams = breakdown[(breakdown["group"] == ALL) & ~breakdown["team"].isin([FORCE_TOTAL])]
    teams = teams[teams["team"] != OTHER_TEAMS]
    if teams.empty or teams["searches"].max() == 0:
        return "No searches were recorded for the teams shown in the last three months."
    top = teams.sort_values("searches", ascending=False).iloc[0]
    total = breakdown[(breakdown["team"] == FORCE_TOTAL) & (breakdown["group"] == ALL)].iloc[0]
    return (
        f"{top['team']} made the most searches in the last three months "
        f"({format_count(top['searches'])} of {format_count(total['searches'])}), with a "
        f"{format_pct(top['positive_rate'], 1)} positive outcome rate."
    )


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
    :func:`perfpack.areas.change_by_area`. ``populations``: residents per area (default the NPTs
    of ``data/reference/npts.csv``; :func:`perfpack.areas.area_populations` for any processed
    data). Searches with no area are in no row (:func:`perfpack.areas.unplaced_count`)."""
    return areas.change_by_area(
        counts.counts_by(previous_searches, DATE_COLUMN, previous, "npt"),
        counts.counts_by(current_searches, DATE_COLUMN, current, "npt"),
        areas.npt_populations() if populations is None else populations,
    )


def has_teams(searches: pd.DataFrame) -> bool:
    """Whether any search records the searching officer's team (public data never does)."""
    return bool(_blank_to_na(searches["team"]).notna().any()) if len(searches) else False


def census_area(force_name: str) -> str:
    """The Census table's name for a force as a data manifest names it.

    The longest police force area whose name begins the force's name wins, ignoring case,
    "&" versus "and" and anything in brackets: "Staffordshire Police (synthetic demonstration
    force)" -> "Staffordshire"; "Avon and Somerset Constabulary" -> "Avon & Somerset";
    "Metropolitan Police Service" -> "Metropolitan". A KeyError when none matches.
    """

    def normal(text: str) -> str:
        text = re.sub(r"\(.*?\)", " ", str(text)).lower().replace("&", " and ")
        return " ".join(text.split())

    wanted = normal(force_name)
    names = reference.table("census2011_ethnicity_by_pfa")["Police force"]
    matches = [
        name for name in names if wanted == normal(name) or wanted.startswith(normal(name) + " ")
    ]
    if not matches:
        raise KeyError(f"{force_name!r} is not a police force area in the Census table")
    return max(matches, key=len)


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
    """Census residents by five groups for a force named as in the data manifest."""
    return census_populations(census_area(force_name))


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


def disproportionality(searches: pd.DataFrame, populations: pd.Series) -> pd.DataFrame:
    """Searches per 1,000 residents by ethnic group and the disparity ratio against White.

    Parameters
    ----------
    searches : DataFrame
        The searches (normally the current 12 months).
    populations : Series
        Residents by group (:func:`census_populations`).

    Returns
    -------
    DataFrame
        One row per group of :data:`FIVE_GROUPS`, then "Not stated" and "All":
        ``group``, ``searches``, ``share`` (percent of all searches, so the not-stated share is
        shown, never dropped), ``population``, ``rate_per_1000``, ``disparity_ratio``,
        ``ci_low``, ``ci_high`` (95%). White's ratio is 1 by definition (no interval); Not
        stated has no population and so no rate. "All" uses every search over every resident.
    """
    groups = ethnic_group(searches["self_defined_ethnicity"])
    n_by_group = groups.value_counts().reindex([*FIVE_GROUPS, NOT_STATED], fill_value=0)
    n_all = len(searches)
    white_n = int(n_by_group[WHITE])
    white_pop = float(populations[WHITE])
    rows = []
    for group in FIVE_GROUPS:
        n = int(n_by_group[group])
        pop = float(populations[group])
        if group == WHITE:
            ratio, low, high = (1.0, None, None) if white_n > 0 else (None, None, None)
        else:
            ratio, low, high = rate_ratio_ci(n, pop, white_n, white_pop)
        rows.append(
            {
                "group": group,
                "searches": n,
                "share": percent(n, n_all),
                "population": int(pop),
                "rate_per_1000": n / pop * 1000 if pop > 0 else None,
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
    total_pop = float(populations[list(FIVE_GROUPS)].sum())
    rows.append(
        {
            "group": ALL,
            "searches": n_all,
            "share": percent(n_all, n_all),
            "population": int(total_pop),
            "rate_per_1000": n_all / total_pop * 1000,
            "disparity_ratio": None,
            "ci_low": None,
            "ci_high": None,
        }
    )
    return pd.DataFrame(rows)


def disproportionality_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`disproportionality` formatted to publish (force-level counts over 12 months)."""

    def number(value, digits):
        return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"

    out = pd.DataFrame(
        {
            "Ethnic group (self-defined)": table["group"],
            "Searches": [format_count(n) for n in table["searches"]],
            "Share of searches": [format_pct(s, 1) for s in table["share"]],
            "Residents (2011 Census)": [
                "–" if pd.isna(p) else format_count(p) for p in table["population"]
            ],
            "Searches per 1,000 residents": [number(r, 2) for r in table["rate_per_1000"]],
            "Disparity ratio vs White": [number(r, 2) for r in table["disparity_ratio"]],
            "95% interval": [
                "–" if pd.isna(lo) or pd.isna(hi) else f"{lo:.2f} to {hi:.2f}"
                for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
            ],
        }
    )
    return out


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
    parts = [f"{row.object} ({format_pct(row.share)})" for row in shares.head(top).itertuples()]
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
    searches is drawn without a bar and labelled "<5" (see :mod:`perfpack.disclosure`).
    Returns ``(fig, alt)``."""
    span = months_text(n_months)
    shown = disclosure.suppress_small(ages, ["searches"], threshold)["searches"]
    hidden = shown.isin([disclosure.primary_mark(threshold), disclosure.SECONDARY_MARK])
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
        change, force and per area); ``monthly_count`` and
        ``monthly_offensive_weapon_searches`` (window = one month); ``age_count``,
        ``age_share`` (group = age range); ``hour_count`` (group = hour, date-only left out);
        ``date_only_count``, ``date_only_share``; for the last three months ``team_searches``,
        ``team_share``, ``team_positive_outcome_rate`` (group = team or team|group, both
        groupings; a suppressed cell's value is blank; none when no search has a team);
        ``searches_by_ethnicity``,
        ``share_by_ethnicity``, ``rate_per_1000_by_ethnicity``, ``disparity_ratio``,
        ``disparity_ratio_ci_low``, ``disparity_ratio_ci_high`` (group = ethnic group),
        ``not_stated_share``; ``count_previous``, ``count_current``, ``pct_change``,
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
    age_mask = disclosure.suppression_mask(ages, ["searches"])["searches"]
    for row, state in zip(ages.itertuples(), age_mask, strict=True):
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
            state = row.suppressed
            book.add("team_searches", _suppressed_value(row.searches, state), last_three, group)
            if row.group != ALL:
                book.add("team_share", _suppressed_value(row.share, state), last_three, group)
            book.add(
                "team_positive_outcome_rate",
                _suppressed_value(row.positive_rate, "rate" if row.rate_suppressed else ""),
                last_three,
                group,
            )

    by_npt = npt_change(previous_searches, current_searches, previous, current, area_populations)
    for row in by_npt.itertuples():
        book.add("count_previous", row.previous, window=previous, group=row.area)
        book.add("count_current", row.current, window=current, group=row.area)
        book.add("pct_change", row.pct_change, window=current, group=row.area)
        book.add("rate_per_1000", row.rate_per_1000, window=current, group=row.area)
        book.add("change_p_value", row.p_value, window=current, group=row.area)
    book.add("npts_decreased", areas.n_decreased(by_npt), window=current)
    no_area = (
        areas.unplaced_count(searches, DATE_COLUMN, previous),
        areas.unplaced_count(searches, DATE_COLUMN, current),
    )
    if any(no_area):
        book.add("no_area_count_previous", no_area[0], window=previous)
        book.add("no_area_count_current", no_area[1], window=current)

    table = disproportionality(current_searches, populations)
    for row in table.itertuples():
        book.add("searches_by_ethnicity", row.searches, window=current, group=row.group)
        book.add("share_by_ethnicity", row.share, window=current, group=row.group)
        if row.group in FIVE_GROUPS or row.group == ALL:
            book.add("rate_per_1000_by_ethnicity", row.rate_per_1000, current, row.group)
        if row.group in FIVE_GROUPS:
            book.add("disparity_ratio", row.disparity_ratio, window=current, group=row.group)
            book.add("disparity_ratio_ci_low", row.ci_low, window=current, group=row.group)
            book.add("disparity_ratio_ci_high", row.ci_high, window=current, group=row.group)
    not_stated = table.loc[table["group"] == NOT_STATED, "share"].iloc[0]
    book.add("not_stated_share", not_stated, window=current)
    return book
