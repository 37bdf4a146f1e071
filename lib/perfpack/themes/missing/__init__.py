"""Missing persons: the definitions behind the report's pages 17-19, and the theme's one
route from data to page: ``analyse(tables, spec, period, window_months) -> MissingPersons``.

Every measure works on the canonical ``missing_episodes`` table (one row per episode:
``episode_id, person_id, reported_at, found_at, month, age, risk_grade, looked_after,
location_type, location_id, npt, rhi_date``) and a :class:`~perfpack.core.windows.Window`.

Definitions (each one function of :mod:`.measures`, :mod:`.repeats` or :mod:`.costs`):

- **episode in a window**: an episode belongs to the window its ``reported_at`` falls in, even
  when it ends in the next one (:func:`.measures.episodes_in_window`);
- **individual**: a distinct ``person_id`` with at least one episode in the window;
- **child episode**: the person was under 18 when reported missing (``age < 18``). The report's
  "68% of Missing Episodes are of people aged 18 or under" is 2,599 / 3,812 = 68.2%, i.e. the
  under-18 share: this module reports that share and calls it "under 18";
- **repeat individual**: an individual with 2 or more episodes in the window; the **repeat
  episode share** is the episodes of repeat individuals over all episodes; **episodes per
  individual** is episodes over individuals;
- **duration**: ``found_at - reported_at`` in hours. An episode with no ``found_at`` in the
  extract is **open**: still open at the window's end and when the data was taken. It is counted
  (in the episodes and in the open count), never dropped and never given a made-up duration. The
  mean and median are of found episodes only; the share found within 24 hours is over *all*
  episodes of the window, so an open episode counts as not found within 24 hours. An episode
  reported in the window and found after it ended keeps its real duration (the report's
  evaluation measured whole episodes); ``censor_at_window_end=True`` treats it as open instead;
- **return-home interview within 72 hours**: of child episodes with a ``found_at`` (returned
  children), the share interviewed no later than ``found_at + 72 hours``. The extract records
  the interview's date only, so an interview counts only when the whole of its day ends by
  ``found_at + 72 hours`` (an interview on the last, partly-eligible day may have been held
  after the 72 hours and is not counted): a conservative count (:func:`.measures.rhi_within_72h`).
  An interview dated before the return is a recording error and does not count;
- **cost avoided**: ``(previous episodes - current episodes) x unit cost``, shown as a range
  from the low to the high end of the sourced unit cost (:func:`.costs.unit_cost_range`), the
  report's own figure being the high end.

Published counts of 1-4 are hidden with :mod:`perfpack.core.disclosure`, and a change or rate is
never shown beside a hidden count; the appendix's linked count tables are suppressed together
(:mod:`.page`). The action-019 deep dive is :mod:`perfpack.themes.deep_dive`.

Modules: :mod:`.measures` (one window's measures), :mod:`.repeats`, :mod:`.costs` (cost v
benefit), :mod:`.forecast` (the 2018 forecast), :mod:`.analysis` (:func:`analyse`, the result
and its figures), :mod:`.page` (one suppression for the linked tables), :mod:`.words` and
:mod:`.display` (the appendix's sentences and published tables).
"""

from __future__ import annotations

from perfpack.themes.missing.analysis import MissingPersons, analyse

__all__ = ["MissingPersons", "analyse"]
