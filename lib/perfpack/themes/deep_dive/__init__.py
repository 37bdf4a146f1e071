"""The action-019 deep dive: are repeats falling in the high-risk groups?

Every measure works on the canonical ``missing_episodes`` table and the comparison windows of
the missing-persons theme (its :class:`~perfpack.data.reference.ThemeSpec` windows,
``window_months`` long, 12 by default).

- **cohort** (:func:`.cohorts.cohort_of`): every episode is in exactly one, the first that applies:
  children missing from care homes; adults missing from care homes (the Herbert Protocol group);
  other looked-after children; adults missing from hospitals; everyone else. Cohorts are per
  episode, so one person can be in two (:func:`.cohorts.cohort_overlap`);
- within a cohort an **individual** is a person with an episode in it, a **repeat individual**
  one with two or more of its episodes in the window, and **episodes per person** its episodes
  over its individuals (care homes in the demo: 866 / 122 = 7.1, then 494 / 105 = 4.7);
- a cohort's repeat-rate change is tested with **Fisher's exact test**
  (:func:`.cohorts.repeat_rate_test`), and the cohorts' p-values are adjusted for testing
  them at once by **Holm's** step-down method (:func:`.cohorts.holm`).

Every published table of counts goes through :mod:`perfpack.core.disclosure` (counts of 1 to 4 shown
as "<5", secondary suppression against the totals the page publishes), and a rate, ratio, change
or p-value is never shown beside a hidden count. The page's tables share their numbers, so the
notebook suppresses them together (:func:`.page.protect_page`, passed on as ``page``).

Modules: :mod:`.cohorts` (the cohorts and their measures), :mod:`.cohort_tables` (their tables,
findings and chart as published), :mod:`.places` (repeat places and the concentration of
repeats), :mod:`.cases` (case studies), :mod:`.page` (one suppression for the page) and
:mod:`.analysis` (:func:`analyse`: one route from the data to the page and its figures).
"""

from __future__ import annotations

from perfpack.themes.deep_dive.analysis import DEEP_DIVE, THEME, DeepDive, analyse

__all__ = ["DEEP_DIVE", "THEME", "DeepDive", "analyse"]
