"""Case studies for the action-019 deep dive: one summary row per person, never a timeline.

The meeting asked to see whether repeats fell "via case studies". A case study here is one
person's episodes per quarter over the two comparison windows, **banded**, and their average per
quarter before and after the force's intervention (the Missing Person Investigation Team, a dated
row of ``data/reference/interventions.csv``), so each case shows whether that person's repeats
fell. Nothing else about the person is published: no episode order, no dates, no age, place,
risk or looked-after status (an attribute that changes between episodes would date an event such
as an 18th birthday).

Disclosure, by construction (checked by :func:`row_ranges` and the tests):

- a quarter's count is published as a band (:data:`QUARTER_BANDS`): ``0``, ``1-2``, ``3-5``,
  ``6-9``, ``10 or more``; every non-zero band holds at least two values;
- the before and after averages and the verdict are worked out from the published bands alone
  (:func:`band_range`), never from the exact counts, so they tell a reader nothing the quarter
  bands do not;
- a case is a person with at least :data:`CASE_MIN_EPISODES` (3) episodes. No total of band
  upper limits (2, 5, 9, ... : 2, 4, 5, 6, 7, ...) equals 3, so the rule never pins a total or a
  quarter to one value (a minimum of 5 would: a single "3-5" quarter would then be exactly 5);
- cases are shown in an order that says nothing about their counts (by verdict, then a fixed
  pseudo-random order), so "Case A had more episodes than Case B" cannot be used to narrow bands.
- no other figure on the page is one person's exact total: cases come from a group of at least
  :data:`CASE_POOL_MIN` people who qualify, a place is listed only when 5 or more people stand
  behind its count (:func:`perfpack.themes.deep_dive.places.top_locations`), the concentration share
  only for a top tenth of 10 people or more, and people in two cohorts only rounded to 10.

The published row therefore leaves the two-year total, the before and after totals and every
non-zero quarter with at least two possible values; :func:`row_ranges` works those ranges out
from a published row, as a reader would, and the tests check them.
"""

from __future__ import annotations

import hashlib
import math
import string
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfpack.core import counts
from perfpack.core.windows import Window
from perfpack.data import reference

#: Episodes of one person in one quarter, as published: (lowest, highest or None, label).
QUARTER_BANDS = (
    (0, 0, "0"),
    (1, 2, "1-2"),
    (3, 5, "3-5"),
    (6, 9, "6-9"),
    (10, None, "10 or more"),
)
#: A case study is a person with at least this many episodes over the two windows (see the
#: module note for why 3 and not 5).
CASE_MIN_EPISODES = 3
#: Case studies are drawn only from a group with at least this many such people, so that no
#: published total of the group can be split among the cases shown.
CASE_POOL_MIN = 20
FELL, NO_CLEAR_CHANGE, ROSE = "fell", "no clear change", "rose"
#: The verdicts, in the order cases are chosen and shown.
VERDICTS = (FELL, NO_CLEAR_CHANGE, ROSE)
MONTHS_PER_QUARTER = 3


@dataclass(frozen=True)
class Intervention:
    """A dated change in how the force works (a row of ``data/reference/interventions.csv``)."""

    start: pd.Period
    name: str
    reason: str


def intervention(theme: str, reference_dir=None) -> Intervention:
    """The theme's intervention from ``data/reference/interventions.csv`` (for missing persons:
    MPIT, starting 2018-07). A KeyError names the file when the theme has none."""
    args = () if reference_dir is None else (reference_dir,)
    table = reference.table("interventions", *args)
    rows = table[table["theme"] == theme]
    if rows.empty:
        raise KeyError(f"data/reference/interventions.csv has no row for theme {theme!r}")
    row = rows.iloc[0]
    return Intervention(pd.Period(row["start_month"], freq="M"), row["name"], row["reason"])


# ---------------------------------------------------------------------------------------------
# quarters and bands


def quarters(span: Window, block_months: int = MONTHS_PER_QUARTER) -> list[Window]:
    """Blocks of ``block_months`` (3) months counted back from the span's last month (calendar
    quarters for a span ending in December); the first block is shorter when the span is not
    whole blocks."""
    blocks = []
    end = span.end
    while end >= span.start:
        start = max(end - (block_months - 1), span.start)
        blocks.append(Window(start, end))
        end = start - 1
    return blocks[::-1]


def block_label(block: Window) -> str:
    """``"Jan-Mar 2018"``; ``"Dec 2018-Feb 2019"`` across a year; ``"Mar 2018"`` for one month."""
    if block.n_months == 1:
        return f"{block.start:%b %Y}"
    if block.start.year == block.end.year:
        return f"{block.start:%b}-{block.end:%b %Y}"
    return f"{block.start:%b %Y}-{block.end:%b %Y}"


def quarter_band(n: int) -> str:
    """A quarter's episode count as published (:data:`QUARTER_BANDS`)."""
    for low, high, label in QUARTER_BANDS:
        if n >= low and (high is None or n <= high):
            return label
    raise ValueError(f"an episode count cannot be {n}")


def band_limits(label: str) -> tuple[int, float]:
    """The lowest and highest count a published band allows (``inf`` for "10 or more")."""
    for low, high, text in QUARTER_BANDS:
        if text == label:
            return low, math.inf if high is None else high
    raise ValueError(f"not a published band: {label!r}")


@dataclass(frozen=True)
class Split:
    """Which blocks count as before and after the turning point, and what it is called."""

    before: tuple[int, ...]
    after: tuple[int, ...]
    name: str  # what starts at the split: "MPIT", "the current window"
    before_label: str
    after_label: str
    verdict_label: str  # the heading of the verdict column
    note: str  # what the split is, for the caption


def split_blocks(blocks: list[Window], start: pd.Period, name: str, note: str = "") -> Split | None:
    """Blocks wholly before ``start`` and blocks from ``start`` on; a block with ``start``
    inside it belongs to neither. None when either side has no block (the turning point is
    outside the span)."""
    before = tuple(i for i, b in enumerate(blocks) if b.end < start)
    after = tuple(i for i, b in enumerate(blocks) if b.start >= start)
    if not before or not after:
        return None
    first, last = blocks[before[0]].start, blocks[before[-1]].end
    after_first, after_last = blocks[after[0]].start, blocks[after[-1]].end
    return Split(
        before,
        after,
        name,
        f"Before {name} ({_months(first, last)})",
        f"After {name} ({_months(after_first, after_last)})",
        f"Repeats after {name}",
        note,
    )


def _months(first: pd.Period, last: pd.Period) -> str:
    """``"Jan-Jun 2018"``, ``"Jul 2018-Dec 2019"`` or ``"Mar 2019"``."""
    return block_label(Window(first, last))


def comparison_split(
    blocks: list[Window], previous: Window, current: Window, turning_point: Intervention
) -> Split:
    """Before and after the intervention when it falls inside the two windows; otherwise
    (a shorter ``window_months`` that starts after it) the previous window against the current
    one, named as such."""
    split = split_blocks(
        blocks, turning_point.start, turning_point.name, f"{turning_point.reason}."
    )
    if split is not None:
        return split
    split = split_blocks(blocks, current.start, "the current window")
    if split is None:
        raise ValueError("the two windows are too short to compare quarters")
    return Split(
        split.before,
        split.after,
        "the current window",
        f"Previous window ({_months(previous.start, previous.end)})",
        f"Current window ({_months(current.start, current.end)})",
        "Repeats, current against previous window",
        f"The periods start after {turning_point.name} ({turning_point.start:%B %Y}), so the "
        "previous period is compared with the last.",
    )


def band_range(bands: list[str], blocks: list[Window], chosen) -> tuple[float, float]:
    """The least and greatest average episodes per quarter (three months) over the ``chosen``
    blocks that the published ``bands`` allow: worked out from the bands alone."""
    months = sum(blocks[i].n_months for i in chosen)
    low = sum(band_limits(bands[i])[0] for i in chosen)
    high = sum(band_limits(bands[i])[1] for i in chosen)
    return low * MONTHS_PER_QUARTER / months, high * MONTHS_PER_QUARTER / months


def verdict(before: tuple[float, float], after: tuple[float, float]) -> str:
    """``"fell"`` when every average the bands allow after is below every one allowed before;
    ``"rose"`` the other way; otherwise ``"no clear change"``."""
    if after[1] < before[0]:
        return FELL
    if after[0] > before[1]:
        return ROSE
    return NO_CLEAR_CHANGE


def range_text(low: float, high: float) -> str:
    """An average range for the table: ``"0.5 to 1.0"``, ``"0"``, ``"3.3 or more"``."""
    if math.isinf(high):
        return f"{low:.1f} or more"
    if low == high:
        return f"{low:.1f}".removesuffix(".0")
    return f"{low:.1f} to {high:.1f}"


def row_ranges(bands: list[str], groups: dict, minimum: int = CASE_MIN_EPISODES) -> dict:
    """What a reader can work out from one published case row: for each named group of quarter
    positions (``{"total": [...], "before": [...], ...}``) the least and greatest total episodes
    consistent with the bands and the case rule (at least ``minimum`` episodes in all).

    The quarters are separate unknowns, each within its band, tied only by the total's minimum,
    so a group's least total is ``max(sum of its lows, minimum - sum of the others' highs)`` and
    its greatest the sum of its highs (every whole number between is possible).
    """
    lows = [band_limits(b)[0] for b in bands]
    highs = [band_limits(b)[1] for b in bands]
    out = {}
    for name, members in groups.items():
        members = list(members)
        others = [i for i in range(len(bands)) if i not in members]
        low = max(sum(lows[i] for i in members), minimum - sum(highs[i] for i in others))
        out[name] = (low, sum(highs[i] for i in members))
    return out


# ---------------------------------------------------------------------------------------------
# the cases


def _case_label(i: int) -> str:
    letters = string.ascii_uppercase
    return "Case " + (letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26])


def _fixed_order(person) -> str:
    """A pseudo-random order that is the same on every run and says nothing about the person."""
    return hashlib.sha256(str(person).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CaseStudies:
    """The published case studies (:func:`case_studies`)."""

    table: pd.DataFrame  # one row per case: case, a band per block, before, after, verdict
    blocks: list[Window]
    split: Split
    eligible: int  # people with CASE_MIN_EPISODES or more episodes in the span
    verdict_counts: dict  # verdict -> how many eligible people have it (not published)


def case_studies(
    episodes: pd.DataFrame,
    previous: Window,
    current: Window,
    turning_point: Intervention,
    n: int = 5,
) -> CaseStudies:
    """Per-person summaries of the people chosen to show the range of what happened.

    Parameters
    ----------
    episodes : DataFrame
        The canonical ``missing_episodes`` table, or one cohort's episodes.
    previous, current : Window
        The comparison windows; the cases cover both.
    turning_point : Intervention
        The intervention whose start splits before from after (:func:`comparison_split`).
    n : int, default 5
        How many cases at most.

    Returns
    -------
    CaseStudies
        ``table`` has one row per case: ``case``, one column per block (:func:`block_label`)
        holding its band, ``before`` and ``after`` (the average per quarter the bands allow,
        :func:`range_text`) and ``verdict``. Empty when fewer than :data:`CASE_POOL_MIN` people
        qualify. The blocks are quarters counted back from the last month when the windows are
        whole quarters, else single months, so no block straddles the two windows.

    Notes
    -----
    The rule that chooses the cases: people with :data:`CASE_MIN_EPISODES` or more episodes in
    the two windows get a verdict from their published bands (:func:`verdict`); cases are then
    taken in turn from "fell", "no clear change" and "rose" (skipping an empty one), within each
    the person with most episodes over the two windows first (ties in a fixed pseudo-random
    order). Cases are shown by verdict, then in that fixed order, never by episode count.
    """
    span = Window(previous.start, current.end)
    blocks = quarters(span, MONTHS_PER_QUARTER if current.n_months % MONTHS_PER_QUARTER == 0 else 1)
    split = comparison_split(blocks, previous, current, turning_point)
    rows = counts.in_window(episodes, "reported_at", span)
    block_of = np.full(len(rows), -1)
    for i, block in enumerate(blocks):
        block_of[block.contains(rows["reported_at"]).to_numpy()] = i
    per_block = (
        pd.crosstab(rows["person_id"].to_numpy(), block_of)
        .reindex(columns=range(len(blocks)), fill_value=0)
        .astype(int)
    )
    per_block = per_block[per_block.sum(axis=1) >= CASE_MIN_EPISODES]
    labels = [block_label(b) for b in blocks]
    columns = ["case", *labels, "before", "after", "verdict"]
    people = []
    for person, row in per_block.iterrows():
        bands = [quarter_band(int(v)) for v in row]
        before = band_range(bands, blocks, split.before)
        after = band_range(bands, blocks, split.after)
        people.append(
            {
                "person": person,
                "total": int(row.sum()),
                "order": _fixed_order(person),
                "bands": bands,
                "before": before,
                "after": after,
                "verdict": verdict(before, after),
            }
        )
    tally = {v: sum(p["verdict"] == v for p in people) for v in VERDICTS}
    if len(people) < CASE_POOL_MIN:
        return CaseStudies(pd.DataFrame(columns=columns), blocks, split, len(people), tally)
    queues = {
        v: sorted((p for p in people if p["verdict"] == v), key=lambda p: (-p["total"], p["order"]))
        for v in VERDICTS
    }
    chosen = []
    while len(chosen) < max(int(n), 0) and any(queues.values()):
        for v in VERDICTS:
            if queues[v] and len(chosen) < n:
                chosen.append(queues[v].pop(0))
    chosen.sort(key=lambda p: (VERDICTS.index(p["verdict"]), p["order"]))
    records = [
        {
            "case": _case_label(i),
            **dict(zip(labels, p["bands"], strict=True)),
            "before": range_text(*p["before"]),
            "after": range_text(*p["after"]),
            "verdict": p["verdict"],
        }
        for i, p in enumerate(chosen)
    ]
    return CaseStudies(pd.DataFrame(records, columns=columns), blocks, split, len(people), tally)


def display_cases(cases: CaseStudies) -> pd.DataFrame:
    """The case table as published, with readable headings."""
    return cases.table.rename(
        columns={
            "case": "Case",
            "before": f"{cases.split.before_label}: episodes per quarter",
            "after": f"{cases.split.after_label}: episodes per quarter",
            "verdict": cases.split.verdict_label,
        }
    )


def cases_sentence(cases: CaseStudies) -> str:
    """How the cases were chosen and what each verdict means, in words."""
    if cases.table.empty:
        return (
            f"No case studies: fewer than {CASE_POOL_MIN} people went missing "
            f"{CASE_MIN_EPISODES} times or more in the two periods, too few to choose from "
            "without pointing at someone."
        )
    return (
        f"Each case is one person who went missing {CASE_MIN_EPISODES} times or more in the two "
        "periods. Episodes in each quarter are shown as a band (0, 1-2, 3-5, 6-9, 10 or more), "
        "never as an exact count, order or date. The averages per quarter before and after are "
        "the least and greatest the bands allow. Repeats *fell* when every average the bands "
        "allow after is below every one allowed before, *rose* the other way, and otherwise "
        "show *no clear change* (a band of 10 or more has no upper limit, so a quarter in it "
        "leaves the average open). Cases are taken in turn from people whose repeats fell, showed "
        "no clear change and rose, within each the person with most episodes first, so the "
        "cases show the range of what happened rather than only the most frequently missing; "
        "they are listed by verdict, not by how often they went missing."
    )


def case_chart(cases: CaseStudies):
    """A grid of cases (rows) by quarter (columns), each cell shaded by its band and labelled
    with it, a line where the comparison splits before from after.

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The chart and its alt text.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from perfpack.present import charts

    charts.setup_style()
    table = cases.table
    labels = [block_label(b) for b in cases.blocks]
    n_cases = max(len(table), 1)
    fig, ax = plt.subplots(figsize=(9, 0.55 * n_cases + 1.8), layout="constrained")
    if table.empty:
        ax.text(0.5, 0.5, "No case studies", transform=ax.transAxes, ha="center")
        ax.set_axis_off()
        return fig, "No case studies: too few people went missing three times or more."
    names = [b[2] for b in QUARTER_BANDS]
    grid = np.array([[names.index(v) for v in table[labels].loc[i]] for i in table.index])
    colours = ["#f7f7f7", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5)
    for (r, c), value in np.ndenumerate(grid):
        colour = "white" if value >= 3 else "black"
        ax.text(c, r, names[value], ha="center", va="center", fontsize="small", color=colour)
    first_after = cases.split.after[0]
    ax.axvline(first_after - 0.5, color=charts.CONCERN_COLOUR, linewidth=2)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize="small")
    ax.set_yticks(range(len(table)), table["case"])
    ax.set_title(
        f"Episodes per quarter (banded); the line marks the start of {cases.split.name}",
        loc="left",
        fontsize="small",
    )
    ax.grid(False)
    described = "; ".join(
        f"{row['case']}: " + ", ".join(row[labels]) + f"; repeats {row['verdict']}"
        for _, row in table.iterrows()
    )
    alt = (
        f"Grid of case studies by quarter, {labels[0]} to {labels[-1]}, each cell the band of "
        f"that person's episodes in the quarter (0, 1-2, 3-5, 6-9, 10 or more), a line before "
        f"{labels[first_after]} where {cases.split.name} starts. {described}."
    )
    return fig, alt
