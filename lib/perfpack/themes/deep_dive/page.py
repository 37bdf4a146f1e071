"""One suppression for the whole action-019 deep-dive page.

The page's count tables publish the same numbers: a cohort's episodes are the row total of the
cohort x place table of the same window, "All episodes" its grand total, "All care homes" (and
"All hospitals") the Care home (Hospital) column total, or the chosen cohort's cell. Suppressed
one table at a time, each table picks its own "[c]" cells and a number hidden in one is shown
in another (the Herbert Protocol cohort's "<5" was pinned that way). So every count cell of the
page goes through ONE :func:`perfpack.core.disclosure.protect` call: a number published in two
tables is one cell (one label), and every sum and ordering the page publishes is declared:

* each cohort x place table adds up along its rows and columns to its totals;
* within a cohort and window, repeat individuals are at most the individuals, and individuals
  plus repeat individuals at most the episodes (a repeater has two or more);
* the cohorts' people overlap (a person can be in two):
  :func:`.cohorts.cohort_people_orderings`; "All episodes" individuals are
  published
  in the text as well (known), with the number of people in more than one cohort, rounded,
  which bounds how far the cohorts' individuals exceed everyone's (:func:`overlap_bounds`);
* the listed places and "Other" add up to "All" in each episode column; a place's people are at
  most its current episodes, and the places' people overlap like the cohorts'; when all the
  chosen cohort's current episodes are from one type of place, "All" its people are the
  cohort's individuals.

Every table of the page then carries the same :class:`perfpack.core.sdc_audit.Publication`, so the
audit the display path runs on any one of them is the audit of the union of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from perfpack.core import disclosure, sdc_audit
from perfpack.core.change import round_half_up
from perfpack.core.windows import Window
from perfpack.data.contracts import LOCATION_TYPES
from perfpack.themes.deep_dive.cohorts import (
    ALL,
    COHORTS,
    OVERLAP_ROUNDING,
    cohort_hidden,
    cohort_of,
    cohort_overlap,
    cohort_people_orderings,
    cohort_summary,
    holm_over_published,
    select_cohort,
)
from perfpack.themes.deep_dive.places import location_frame, top_locations
from perfpack.themes.missing.measures import SMALL_COUNT, episodes_in_window

TOTAL = "Total"
#: The place types whose top places the page lists.
PLACE_TYPES = ("Care home", "Hospital")
_WINDOWS = ("previous", "current")
_PEOPLE = ("individuals", "repeat_individuals")


def crosstab(episodes: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Episodes of ``window`` by cohort (rows, :data:`COHORTS` then "Total") and type of place
    (columns, the contract's types, any others, then "Total"), as numbers."""
    rows = episodes_in_window(episodes, window)
    frame = pd.DataFrame(
        {"cohort": cohort_of(rows), "location_type": rows["location_type"].astype("str")}
    )
    extra = sorted(t for t in frame["location_type"].unique() if t not in LOCATION_TYPES)
    table = pd.crosstab(frame["cohort"], frame["location_type"])
    table = table.reindex(index=list(COHORTS), columns=[*LOCATION_TYPES, *extra], fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    return table.astype("int64")


def overlap_bounds(overlap: int, people: int = 0) -> tuple[int, int]:
    """What :func:`.cohort_tables.overlap_text` tells a reader about the number of people
    in more than one cohort: the least and greatest counts it is consistent with ("no one":
    0; "fewer than 5": 1 to 4; "about 70": 65 to 74, rounded half up to 10). Each such person
    adds one to four extra cohort memberships (five cohorts), which bounds how far the
    cohorts' individuals exceed everyone's."""
    if overlap == 0:
        return 0, 0
    if overlap < SMALL_COUNT:
        return 1, SMALL_COUNT - 1
    rounded = int(round_half_up(overlap / OVERLAP_ROUNDING) * OVERLAP_ROUNDING)
    half = OVERLAP_ROUNDING // 2
    return max(rounded - half, SMALL_COUNT), rounded + half - 1


@dataclass
class DeepDivePage:
    """The deep-dive page's count tables, their cells' states and the joint publication;
    ``summary`` is :func:`.cohorts.cohort_summary` with Holm's adjustment over the
    cohorts whose test this page publishes."""

    summary: pd.DataFrame
    crosstabs: dict
    places: dict
    states: pd.Series
    publication: sdc_audit.Publication
    labels: dict

    def mask(self, table: str, frame: pd.DataFrame, columns) -> pd.DataFrame:
        """The states of ``frame``'s count ``columns`` (table key as in :attr:`labels`)."""
        names = self.labels[table]
        data = {
            c: [self.states[names[(r, c)]] if (r, c) in names else "" for r in frame.index]
            for c in columns
        }
        return pd.DataFrame(data, index=frame.index)

    def cohort_mask(self) -> pd.DataFrame:
        """States of the cohort table's six count cells (index cohorts then "All episodes")."""
        columns = [f"{m}_{w}" for m in ("episodes", *_PEOPLE) for w in _WINDOWS]
        return self.mask("cohort", self.summary, columns)

    def cohort_location_table(self, window: Window) -> pd.DataFrame:
        """The cohort x place table of ``window`` as published (``"Cohort"`` then the types)."""
        table = self.crosstabs[window.label]
        shown = disclosure.render(
            table, self.mask(("crosstab", window.label), table, table.columns), publication=None
        )
        shown.index.name = "Cohort"
        shown.columns.name = None
        return sdc_audit.carry(shown.reset_index(), self.publication)

    def location_table(self, location_type: str, previous: Window, current: Window, noun: str):
        """The top places of ``location_type`` as published (see
        :func:`perfpack.themes.deep_dive.places.location_table`)."""
        frame = self.places[location_type].set_index("location_id")
        columns = ["episodes_previous", "episodes_current", "people"]
        shown = disclosure.render(frame, self.mask(("places", location_type), frame, columns))
        out = location_frame(frame.index, shown, shown, previous, current, noun)
        return sdc_audit.carry(out, self.publication)


def protect_page(
    episodes: pd.DataFrame, previous: Window, current: Window, cohort: str = "all"
) -> DeepDivePage:
    """Suppress every count cell of the deep-dive page in one :func:`disclosure.protect` call
    (see the module note); ``cohort`` is the one the places tables look at ("all" or a name)."""
    summary = cohort_summary(episodes, previous, current)
    windows = {"previous": previous, "current": current}
    crosstabs = {w.label: crosstab(episodes, w) for w in (previous, current)}
    chosen = select_cohort(episodes, cohort)
    places = {t: top_locations(chosen, previous, current, t) for t in PLACE_TYPES}
    values: dict = {}
    cost: dict = {}
    relations, orderings, known = [], [], []
    labels: dict = {"cohort": {}}

    def cell(label, value, dear=False):
        if label in values and values[label] != value:
            raise ValueError(f"two published figures for {label!r} differ")
        values[label] = float(value)
        cost[label] = max(cost.get(label, 0.0), 1.0 if dear else 0.0)
        return label

    for key, window in windows.items():
        table = crosstabs[window.label]
        names = labels.setdefault(("crosstab", window.label), {})
        for r in table.index:
            for c in table.columns:
                names[(r, c)] = cell(("crosstab", window.label, r, c), table.loc[r, c],
                                     dear=TOTAL in (r, c))  # fmt: skip
        body_r = [r for r in table.index if r != TOTAL]
        body_c = [c for c in table.columns if c != TOTAL]
        for r in table.index:
            relations.append((names[(r, TOTAL)], [names[(r, c)] for c in body_c]))
        for c in body_c:
            relations.append((names[(TOTAL, c)], [names[(r, c)] for r in body_r]))
        # a cohort's episodes are the row total; everyone's the grand total
        for r in summary.index:
            row = TOTAL if r == ALL else r
            labels["cohort"][(r, f"episodes_{key}")] = names[(row, TOTAL)]
            if int(summary.loc[r, f"episodes_{key}"]) != int(table.loc[row, TOTAL]):
                raise ValueError(f"episodes of {r!r} differ between the tables")
        for r in summary.index:
            for m in _PEOPLE:
                names_c = labels["cohort"]
                names_c[(r, f"{m}_{key}")] = cell(
                    ("cohort", r, f"{m}_{key}"), summary.loc[r, f"{m}_{key}"], dear=r == ALL
                )
            ind, rep, eps = (labels["cohort"][(r, f"{m}_{key}")]
                             for m in (*_PEOPLE, "episodes"))  # fmt: skip
            orderings.append(([rep], [ind]))
            orderings.append(([ind, rep], [eps]))
        orderings.extend(
            cohort_people_orderings(ALL, COHORTS, key, lambda r, c: labels["cohort"][(r, c)])
        )
        everyone = labels["cohort"][(ALL, f"individuals_{key}")]
        known.append(everyone)  # in the overlap sentence
        # the sentence's people in more than one cohort bound the extra memberships
        low, high = overlap_bounds(*cohort_overlap(episodes, window))
        floor = cell(("overlap at least", key), low)
        ceiling = cell(("extra memberships at most", key), 4 * high)
        known.extend([floor, ceiling])
        members = [labels["cohort"][(r, f"individuals_{key}")] for r in COHORTS]
        orderings.append(([everyone, floor], members))
        orderings.append((members, [everyone, ceiling]))
    row_of_chosen = TOTAL if cohort == "all" else cohort
    for location_type, frame in places.items():
        frame = frame.set_index("location_id")
        names = labels.setdefault(("places", location_type), {})
        for key, window in windows.items():
            column = f"episodes_{key}"
            total = labels[("crosstab", window.label)][(row_of_chosen, location_type)]
            if int(frame.loc["All", column]) != values[total]:
                raise ValueError(f"All {location_type} episodes differ between the tables")
            names[("All", column)] = total
            for r in frame.index:
                if r != "All":
                    names[(r, column)] = cell(("places", location_type, r, column),
                                              frame.loc[r, column])  # fmt: skip
            relations.append((total, [names[(r, column)] for r in frame.index if r != "All"]))
        # when every current episode of the chosen group is from this type of place, "All"
        # its people are the group's individuals: one cell
        current_row = crosstabs[current.label].loc[row_of_chosen]
        if current_row[location_type] == current_row[TOTAL]:
            whole = labels["cohort"][(ALL if cohort == "all" else cohort, "individuals_current")]
            if values[whole] == float(frame.loc["All", "people"]):
                names[("All", "people")] = whole
        for r in frame.index:
            if (r, "people") in names:
                continue
            names[(r, "people")] = cell(
                ("places", location_type, r, "people"), frame.loc[r, "people"], dear=r == "All"
            )
            orderings.append(([names[(r, "people")]], [names[(r, "episodes_current")]]))
        parts = [names[(r, "people")] for r in frame.index if r != "All"]
        orderings.append(([names[("All", "people")]], parts))
        orderings.extend(([p], [names[("All", "people")]]) for p in parts)
    index = pd.Index(list(values), tupleize_cols=False)
    counts = pd.Series(list(values.values()), index=index, dtype="float64")
    states, publication = disclosure.protect(
        counts,
        relations,
        priority=pd.Series([cost[k] for k in values], index=index, dtype="float64"),
        known=known,
        name="deep dive: cohort, cohort x place and places tables",
        inequalities=orderings,
    )
    page = DeepDivePage(summary, crosstabs, places, states, publication, labels)
    # Holm over the cohorts whose test the page publishes
    page.summary = holm_over_published(summary, cohort_hidden(summary, page))
    return page
