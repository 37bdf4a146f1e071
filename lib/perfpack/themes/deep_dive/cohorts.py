"""The action-019 deep dive's cohorts: which cohort each episode is in, each cohort's
episodes, individuals and repeats in both windows, whether its repeat rate changed (Fisher's
exact test, Holm's adjustment over the cohorts published), and which of its counts are hidden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfpack.core import disclosure, stats
from perfpack.core.change import pct_change
from perfpack.core.windows import Window
from perfpack.themes.missing.measures import (
    CHILD_AGE,
    episode_count,
    episodes_in_window,
    individual_count,
    is_child_episode,
)
from perfpack.themes.missing.repeats import repeat_individual_count, repeat_rate

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
    if previous_individuals <= 0 or current_individuals <= 0:
        return None
    table = [
        [previous_repeats, previous_individuals - previous_repeats],
        [current_repeats, current_individuals - current_repeats],
    ]
    from scipy import stats as scipy_stats  # imported when a test is run (notebook load)

    return float(scipy_stats.fisher_exact(table, alternative="two-sided").pvalue)


def holm(p_values) -> list[float]:
    """Holm's (1979) step-down adjustment of p-values tested together: the k-th smallest of m
    is multiplied by ``m - k + 1``, capped at 1 and never below the one before it. The same
    values as ``statsmodels.stats.multitest.multipletests(method="holm")`` (tested against it),
    without its full garbage collection on every call (0.15-0.3 s in a notebook's kernel)."""
    values = np.asarray([float(p) for p in p_values], dtype=float)
    if not len(values):
        return []
    order = np.argsort(values, kind="stable")
    steps = np.arange(len(values), 0, -1)  # m - k + 1 for the k-th smallest
    adjusted = np.minimum(np.maximum.accumulate(values[order] * steps), 1.0)
    result = np.empty_like(adjusted)
    result[order] = adjusted
    return [float(p) for p in result]


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

    With ``page`` (a :class:`perfpack.themes.deep_dive.page.DeepDivePage`), the states chosen for
    the whole page, where the cohort table shares its episodes with the cohort x place tables.
    Without, the six count columns go through one :func:`disclosure.protect` call: the cohorts'
    episodes add up to "All episodes"; the people columns are tied by
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


def cohort_overlap(episodes: pd.DataFrame, window: Window) -> tuple[int, int]:
    """``(people in more than one cohort, people)`` among those with an episode in ``window``."""
    rows = episodes_in_window(episodes, window)
    per_person = rows.assign(_c=cohort_of(rows)).groupby("person_id")["_c"].nunique()
    return int((per_person > 1).sum()), int(len(per_person))


#: People in more than one cohort are published rounded to this base (see :func:`overlap_text`).
OVERLAP_ROUNDING = 10
