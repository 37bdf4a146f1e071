"""What every theme offers the notebooks and the report: one route from data to each figure.

A theme module exposes ``analyse(tables, spec, period, window_months) -> result`` where
``tables`` are the processed tables (:mod:`perfpack.data.tables`), ``spec`` the theme's
:class:`perfpack.data.reference.ThemeSpec` and ``result`` an immutable object holding every
measure of the theme for the period. The notebook shows the result (tables, charts, prose from
:mod:`perfpack.present`) and saves ``result.figures()`` for figures.csv, so each published
figure has exactly one route: data -> ``analyse`` -> result -> page and figures.csv.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from perfpack.core.figures import FigureBook
from perfpack.core.windows import Window


@runtime_checkable
class ThemeResult(Protocol):
    """Every measure of one theme for one period."""

    def figures(self) -> FigureBook:
        """Every figure the theme publishes, for figures.csv (and nothing it does not)."""
        ...


class ComparedWindows:
    """For a theme result holding its ``windows`` (:class:`perfpack.core.windows.ThemeWindows`):
    the two windows it compares, by name."""

    @property
    def previous(self) -> Window:
        return self.windows.previous

    @property
    def current(self) -> Window:
        return self.windows.current
