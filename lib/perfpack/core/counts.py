"""Counting events in windows and months: the one place every theme counts from."""

from __future__ import annotations

import pandas as pd

from perfpack.core.windows import Window


def in_window(frame: pd.DataFrame, date_column: str, window: Window) -> pd.DataFrame:
    """The rows whose ``date_column`` falls inside ``window``."""
    return frame[window.contains(frame[date_column])]


def count_in_window(frame: pd.DataFrame, date_column: str, window: Window) -> int:
    """How many rows fall inside ``window``."""
    return int(window.contains(frame[date_column]).sum())


def monthly_counts(frame: pd.DataFrame, date_column: str, window: Window) -> pd.Series:
    """Rows per month across ``window``, months with no rows given 0, indexed by ``Period``."""
    rows = in_window(frame, date_column, window)
    months = rows[date_column].dt.to_period("M")
    counts = months.value_counts().reindex(window.months(), fill_value=0).sort_index()
    counts.index.name = "month"
    counts.name = "count"
    return counts.astype(int)


def counts_by(
    frame: pd.DataFrame, date_column: str, window: Window, by: str, categories=None
) -> pd.Series:
    """Rows per value of ``by`` inside ``window``; ``categories`` (if given) fixes the index so a
    group with no rows shows 0 instead of vanishing."""
    rows = in_window(frame, date_column, window)
    counts = rows[by].value_counts(dropna=False)
    if categories is not None:
        counts = counts.reindex(list(categories), fill_value=0)
    counts.name = "count"
    return counts.astype(int)
