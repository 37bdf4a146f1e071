"""Missing persons: repeats. A **repeat individual** has 2 or more episodes reported in the
window; the **repeat episode share** is the episodes of repeat individuals over all episodes;
**episodes per individual** is episodes over individuals. Only episodes in the window count.
"""

from __future__ import annotations

import pandas as pd

from perfpack.core.change import percent
from perfpack.core.windows import Window
from perfpack.themes.missing.measures import (
    REPEAT_MIN_EPISODES,
    episode_count,
    episodes_in_window,
    individual_count,
)

# repeats


def episodes_per_person(episodes: pd.DataFrame, window: Window) -> pd.Series:
    """Episodes in ``window`` per person, most first (internal: never publish the index)."""
    rows = episodes_in_window(episodes, window)
    return rows["person_id"].value_counts(dropna=True).sort_values(ascending=False)


def repeat_individual_count(
    episodes: pd.DataFrame, window: Window, min_episodes: int = REPEAT_MIN_EPISODES
) -> int:
    """Individuals with ``min_episodes`` (2) or more episodes reported in ``window``.

    Only episodes in the window count: one episode in each of two windows is not a repeat in
    either.
    """
    return int((episodes_per_person(episodes, window) >= min_episodes).sum())


def repeat_rate(episodes: pd.DataFrame, window: Window) -> float | None:
    """Repeat individuals as a percentage of individuals in ``window``; None with no one."""
    individuals = individual_count(episodes, window)
    if individuals == 0:
        return None
    return percent(repeat_individual_count(episodes, window), individuals)


def repeat_episode_share(episodes: pd.DataFrame, window: Window) -> float | None:
    """Episodes belonging to repeat individuals, as a percentage of all episodes in ``window``.

    A repeat individual's every episode in the window counts (their first included).
    """
    per_person = episodes_per_person(episodes, window)
    total = int(per_person.sum())
    if total == 0:
        return None
    return percent(int(per_person[per_person >= REPEAT_MIN_EPISODES].sum()), total)


def episodes_per_individual(episodes: pd.DataFrame, window: Window) -> float | None:
    """Episodes divided by individuals in ``window``; None with no one."""
    individuals = individual_count(episodes, window)
    if individuals == 0:
        return None
    return episode_count(episodes, window) / individuals
