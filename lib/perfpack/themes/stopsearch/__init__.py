"""Stop and search (the report's pages 12-16, a force extract or a data.police.uk download):
``analyse(tables, spec, period, window_months) -> StopSearchResult``.

Modules: :mod:`.analysis` (:func:`analyse`, the result and its figures), :mod:`.measures`
(outcomes, objects, months, age, time of day, areas), :mod:`.ethnicity` (groupings, Census
residents, disproportionality), :mod:`.teams` (the team x ethnicity table of figure 15),
:mod:`.page` (tables, sentences, charts and captions as published) and :mod:`.public` (what
applies to a force from public data, and its peers).
"""

from __future__ import annotations

from perfpack.themes.stopsearch.analysis import StopSearchResult, analyse, team_window

__all__ = ["StopSearchResult", "analyse", "team_window"]
