"""The crime themes (Personal Robbery, Theft from and of a Motor Vehicle, and any theme added
by reference rows): ``analyse(tables, spec, period, window_months) -> CrimeTheme``.

Modules: :mod:`.analysis` (:func:`analyse`, the :class:`CrimeTheme` result and its figures),
:mod:`.measures` (the theme's offences, monthly series, headline change, rate beside the
national rate, change by area), :mod:`.sections` (the extra sections: victim and offender
profile, knife crime, northern share), :mod:`.projections` and :mod:`.text` (the appendix's
projection tables and sentences).
"""

from __future__ import annotations

from perfpack.themes.crime.analysis import CrimeTheme, analyse, hand_areas

__all__ = ["CrimeTheme", "analyse", "hand_areas"]
