"""The action-019 deep dive: are repeats falling in the high-risk groups?

Every measure works on the canonical ``missing_episodes`` table and the comparison windows of
:mod:`perfpack.themes.missing` (``window_months`` long, 12 by default).

- **cohort** (:func:`cohort_of`): every episode is in exactly one, the first that applies:
  children missing from care homes; adults missing from care homes (the Herbert Protocol group);
  other looked-after children; adults missing from hospitals; everyone else. Cohorts are per
  episode, so one person can be in two (:func:`cohort_overlap`);
- within a cohort an **individual** is a person with an episode in it, a **repeat individual**
  one with two or more of its episodes in the window, and **episodes per person** its episodes
  over its individuals (care homes in the demo: 866 / 122 = 7.1, then 494 / 105 = 4.7);
- a cohort's repeat-rate change is tested with **Fisher's exact test**
  (:func:`repeat_rate_test`), and the cohorts' p-values are adjusted for testing them at once by
  **Holm's** step-down method (:func:`holm`).

Every published table of counts goes through :mod:`perfpack.core.disclosure` (counts of 1 to 4 shown
as "<5", secondary suppression against the totals the page publishes), and a rate, ratio, change
or p-value is never shown beside a hidden count. The page's tables share their numbers, so the
notebook suppresses them together (:func:`perfpack.themes.deep_dive_page.protect_page`, passed on as
``page``). Case studies are in :mod:`perfpack.themes.deep_dive_cases`, the places and the
concentration of repeats in :mod:`perfpack.themes.deep_dive_places`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfpack.core import disclosure, stats
from perfpack.core.change import format_pct, pct_change, percent, round_half_up
from perfpack.core.windows import Window, comparison_windows
from perfpack.themes.deep_dive_places import concentration
from perfpack.themes.missing import (
    CHILD_AGE,
    count_or_hidden,
    episode_count,
    episodes_in_window,
    individual_count,
    is_child_episode,
    is_small_count,
    period_label,
    repeat_individual_count,
    repeat_rate,
)

DEEP_DIVE = "missing_repeats"
CARE_HOME_CHILDREN = "Children missing from care homes"
CARE_HOME_ADULTS = "Adults missing from care homes (Herbert Protocol)"
LOOKED_AFTER = "Looked-after children (not from care homes)"
HOSPITAL_ADULTS = "Adults missing from hospitals"
EVERYONE_ELSE = "Everyone else"
#: The deep dive's cohorts: every episode is in exactly one, taken in this order.
COHORTS = (CARE_HOME_CHILDREN, CARE_HOME_ADULTS, LOOKED_AFTER, HOSPITAL_ADULTS, EVERYONE_ELSE)
ALL = "All episodes"
ALPHA = stats.ALPHA


def cohort_of(episodes: pd.DataFrame) -> pd.Series:
    """Each episode's cohort; the first that applies, in :data:`COHORTS` order.

    1. children (under 18 at the report) missing from a care home;
    2. adults (18 and over) missing from a care home: the Herbert Protocol group;
    3. other episodes of looked-after children (under 18, flagged looked after);
    4. adults missing from a hospital;
    5. everyone else (a missing age is never child or adult).

    An episode is placed by its own age, flag and place, so a person can move between cohorts
    (turning 18, or moving from a care home to a foster placement).
    """
    child = is_child_episode(episodes)
    adult = (episodes["age"] >= CHILD_AGE).fillna(False).astype(bool)
    care_home = (episodes["location_type"] == "Care home").fillna(False).astype(bool)
    hospital = (episodes["location_type"] == "Hospital").fillna(False).astype(bool)
    looked_after = episodes["looked_after"].fillna(False).astype(bool)
    cohort = np.select(
        [child & care_home, adult & care_home, child & looked_after, adult & hospital],
        [CARE_HOME_CHILDREN, CARE_HOME_ADULTS, LOOKED_AFTER, HOSPITAL_ADULTS],
        default=EVERYONE_ELSE,
    )
    return pd.Series(cohort, index=episodes.index, name="cohort", dtype="str")


def select_cohort(episodes: pd.DataFrame, cohort: str) -> pd.DataFrame:
    """The episodes of one cohort, or all of them for ``"all"``; a ValueError names the cohorts."""
    if cohort == "all":
        return episodes
    if cohort not in COHORTS:
        raise ValueError(f"unknown cohort {cohort!r}; use 'all' or one of: {', '.join(COHORTS)}")
    return episodes[cohort_of(episodes) == cohort]


def repeat_rate_test(
    previous_repeats: int, previous_individuals: int, current_repeats: int, current_individuals: int
) -> float | None:
    """Two-sided p-value of Fisher's exact test that the repeat rate is the same in both windows.

    The 2x2 table is ``[[repeats, non-repeats] previous, [repeats, non-repeats] current]``
    (Fisher 1935; ``scipy.stats.fisher_exact``). Exact, so it holds for small cohorts. It treats
    the windows' individuals as independent samples although someone missing in both years is
    in both rows; read it as a guide. None when either window has no individuals.
    """
    from scipy import stats as scipy_stats

    if previous_individuals <= 0 or current_individuals <= 0:
        return None
    table = [
        [previous_repeats, previous_individuals - previous_repeats],
        [current_repeats, current_individuals - current_repeats],
    ]
    return float(scipy_stats.fisher_exact(table, alternative="two-sided").pvalue)


def holm(p_values) -> list[float]:
    """Holm's (1979) step-down adjustment of p-values tested together
    (``statsmodels.stats.multitest.multipletests(method="holm")``): the k-th smallest of m is
    multiplied by ``m - k + 1``, capped at 1 and never below the one before it."""
    from statsmodels.stats.multitest import multipletests

    values = [float(p) for p in p_values]
    if not values:
        return []
    return [float(p) for p in multipletests(values, method="holm")[1]]


_COUNT_COLUMNS = [
    "episodes_previous",
    "episodes_current",
    "individuals_previous",
    "individuals_current",
    "repeat_individuals_previous",
    "repeat_individuals_current",
]
_PEOPLE_COLUMNS = _COUNT_COLUMNS[2:]


def _ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def cohort_summary(episodes: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """Episodes, individuals, episodes per person and repeats for each cohort (and everyone) in
    both windows, with each cohort's test and its Holm-adjusted p-value.

    Returns
    -------
    DataFrame
        Index ``cohort`` (:data:`COHORTS` then ``"All episodes"``); columns ``episodes_*``,
        ``individuals_*``, ``repeat_individuals_*`` (``previous``/``current``),
        ``episodes_pct_change``, ``episodes_per_person_*``, ``repeat_rate_*`` (%),
        ``repeat_rate_change_points``, ``repeat_rate_p_value`` (:func:`repeat_rate_test`) and
        ``repeat_rate_p_holm``: Holm's adjustment over the cohorts whose test is published (no
        count behind it hidden, :func:`cohort_hidden`); NaN for the others and for "All
        episodes", which is not one of the cohorts tested together.
    """
    cohorts = cohort_of(episodes)
    groups = [(name, episodes[cohorts == name]) for name in COHORTS]
    groups.append((ALL, episodes))
    rows = []
    for name, part in groups:
        row = {"cohort": name}
        for label, window in (("previous", previous), ("current", current)):
            row[f"episodes_{label}"] = episode_count(part, window)
            row[f"individuals_{label}"] = individual_count(part, window)
            row[f"repeat_individuals_{label}"] = repeat_individual_count(part, window)
            row[f"episodes_per_person_{label}"] = _ratio(
                row[f"episodes_{label}"], row[f"individuals_{label}"]
            )
            row[f"repeat_rate_{label}"] = repeat_rate(part, window)
        row["episodes_pct_change"] = pct_change(row["episodes_previous"], row["episodes_current"])
        before, after = row["repeat_rate_previous"], row["repeat_rate_current"]
        row["repeat_rate_change_points"] = None if None in (before, after) else after - before
        row["repeat_rate_p_value"] = repeat_rate_test(
            row["repeat_individuals_previous"],
            row["individuals_previous"],
            row["repeat_individuals_current"],
            row["individuals_current"],
        )
        rows.append(row)
    summary = pd.DataFrame(rows).set_index("cohort")
    return holm_over_published(summary, cohort_hidden(summary))


def holm_over_published(summary: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with ``repeat_rate_p_holm``: Holm's adjustment over the cohorts whose test is
    published (a p-value and no people count hidden in ``hidden``, :func:`cohort_hidden`)."""
    out = summary.copy()
    tested = [
        c
        for c in COHORTS
        if pd.notna(out.loc[c, "repeat_rate_p_value"]) and not hidden.loc[c, _PEOPLE_COLUMNS].any()
    ]
    out["repeat_rate_p_holm"] = np.nan
    out.loc[tested, "repeat_rate_p_holm"] = holm(out.loc[tested, "repeat_rate_p_value"])
    return out


#: Orderings inside a cohort's row, both windows: repeaters are at most the individuals, and
#: individuals plus repeaters at most the episodes (a repeater has two or more episodes).
COHORT_ORDERINGS = tuple(
    pair
    for w in ("previous", "current")
    for pair in (
        ([f"repeat_individuals_{w}"], [f"individuals_{w}"]),
        ([f"individuals_{w}", f"repeat_individuals_{w}"], [f"episodes_{w}"]),
    )
)


def cohort_counts_shown(summary: pd.DataFrame, page=None) -> pd.DataFrame:
    """The count cells of :func:`cohort_summary` as published (text, small counts hidden).

    With ``page`` (a :class:`perfpack.themes.deep_dive_page.DeepDivePage`), the states chosen for
    the
    whole page, where the cohort table shares its episodes with the cohort x place tables.
    Without, the six count columns go through one :func:`disclosure.protect` call: the
    cohorts' episodes add up to "All episodes"; the people columns are tied by
    :func:`cohort_people_orderings`; inside each row :data:`COHORT_ORDERINGS`.
    """
    if page is not None:
        return disclosure.render(
            summary[_COUNT_COLUMNS], page.cohort_mask(), publication=page.publication
        )
    cohorts = [c for c in summary.index if c != ALL]
    cells = [(r, c) for r in summary.index for c in _COUNT_COLUMNS]
    index = pd.Index(cells, tupleize_cols=False)
    counts = pd.Series([float(summary.loc[r, c]) for r, c in cells], index=index)
    relations, orderings = [], []
    for window in ("previous", "current"):
        column = f"episodes_{window}"
        relations.append(((ALL, column), [(r, column) for r in cohorts]))
        orderings.extend(cohort_people_orderings(ALL, cohorts, window))
        for r in summary.index:
            orderings.extend(
                ([(r, c) for c in lesser], [(r, c) for c in greater])
                for lesser, greater in COHORT_ORDERINGS
            )
    states, publication = disclosure.protect(
        counts,
        relations,
        priority=pd.Series([1.0 if r == ALL else 0.0 for r, _ in cells], index=index),
        name="cohort table",
        inequalities=orderings,
    )
    mask = pd.DataFrame(
        {c: [states[(r, c)] for r in summary.index] for c in _COUNT_COLUMNS}, index=summary.index
    )
    return disclosure.render(summary[_COUNT_COLUMNS], mask, publication=publication)


def cohort_people_orderings(everyone, cohorts, window: str, label=lambda r, c: (r, c)) -> list:
    """The orderings between the cohorts' people and everyone's in ``window``: a person can be
    in two cohorts, so everyone's individuals are at most the cohorts' sum and at least each
    cohort's; a cohort's repeater has two episodes, so is a repeater among everyone (at most
    everyone's repeaters; their sum can be less, a person once in each of two cohorts being a
    repeater in neither). ``label(row, column)`` names the cells."""
    ind, rep = f"individuals_{window}", f"repeat_individuals_{window}"
    out = [([label(everyone, ind)], [label(r, ind) for r in cohorts])]
    out.extend(([label(r, ind)], [label(everyone, ind)]) for r in cohorts)
    out.extend(([label(r, rep)], [label(everyone, rep)]) for r in cohorts)
    return out


def cohort_hidden(summary: pd.DataFrame, page=None) -> pd.DataFrame:
    """Which count cells of :func:`cohort_summary` are hidden when published (True = hidden):
    those :func:`cohort_counts_shown` marks "<5" or "[c]"."""
    shown = cohort_counts_shown(summary, page)
    return shown.isin([disclosure.primary_mark(), disclosure.SECONDARY_MARK])


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


def cohort_overlap(episodes: pd.DataFrame, window: Window) -> tuple[int, int]:
    """``(people in more than one cohort, people)`` among those with an episode in ``window``."""
    rows = episodes_in_window(episodes, window)
    per_person = rows.assign(_c=cohort_of(rows)).groupby("person_id")["_c"].nunique()
    return int((per_person > 1).sum()), int(len(per_person))


#: People in more than one cohort are published rounded to this base (see :func:`overlap_text`).
OVERLAP_ROUNDING = 10


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


def overlap_sentence(episodes: pd.DataFrame, previous: Window, current: Window) -> str:
    """Why the cohorts' individuals add up to more than everyone: how many people were in more
    than one cohort in each window (:func:`overlap_text`)."""
    parts = []
    for window in (current, previous):
        overlap, people = cohort_overlap(episodes, window)
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
    :class:`perfpack.themes.deep_dive_page.DeepDivePage`), the states chosen for the whole page."""
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


def deep_dive_figures(
    episodes: pd.DataFrame,
    period: str,
    cohort: str = "all",
    lag_months: int = 0,
    window_months: int = 12,
    page=None,
) -> pd.DataFrame:
    """The deep dive's published figures (``measure, window, group, value``), hidden ones blank
    (with ``page``, those the page hides: :func:`cohort_counts_shown`).

    Measures, group = cohort: ``cohort_episodes``, ``cohort_individuals``,
    ``cohort_repeat_individuals``, ``cohort_episodes_per_person``, ``cohort_repeat_rate`` (both
    windows), ``cohort_repeat_rate_p_value`` and ``cohort_repeat_rate_p_holm``; for the selected
    ``cohort`` (group "all" or its name): ``concentration_top10_share`` (both windows).
    """
    previous, current = comparison_windows(period, lag_months, window_months)
    summary = cohort_summary(episodes, previous, current) if page is None else page.summary
    hidden = cohort_hidden(summary, page)
    rows = []
    for name, row in summary.iterrows():
        for label, window in (("previous", previous), ("current", current)):
            for measure, column in (
                ("cohort_episodes", f"episodes_{label}"),
                ("cohort_individuals", f"individuals_{label}"),
                ("cohort_repeat_individuals", f"repeat_individuals_{label}"),
            ):
                value = math.nan if hidden.loc[name, column] else row[column]
                rows.append((measure, window.label, name, value))
            for measure, column, behind in (
                ("cohort_episodes_per_person", "episodes_per_person", ("episodes", "individuals")),
                ("cohort_repeat_rate", "repeat_rate", ("individuals", "repeat_individuals")),
            ):
                value = row[f"{column}_{label}"]
                if any(hidden.loc[name, f"{b}_{label}"] for b in behind) or value is None:
                    value = math.nan
                rows.append((measure, window.label, name, value))
        any_hidden = bool(hidden.loc[name, _PEOPLE_COLUMNS].any())
        for measure, column in (
            ("cohort_repeat_rate_p_value", "repeat_rate_p_value"),
            ("cohort_repeat_rate_p_holm", "repeat_rate_p_holm"),
        ):
            value = row[column]
            if any_hidden or value is None or pd.isna(value):
                value = math.nan
            rows.append((measure, current.label, name, value))
    chosen = select_cohort(episodes, cohort)
    for window in (previous, current):
        share = concentration(chosen, window)
        rows.append(
            (
                "concentration_top10_share",
                window.label,
                cohort,
                math.nan if share is None else share,
            )
        )
    return pd.DataFrame(rows, columns=["measure", "window", "group", "value"])


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
