"""Reporting periods and 12-month windows.

A *period* is the last month of a report, written ``YYYY-MM`` (``2019-12`` is the report for the
year to 31 December 2019). A theme's windows end ``lag_months`` before the period: stop search
runs one month behind, so for 2019-12 its current window is Dec 2018 - Nov 2019.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_period(period: str) -> pd.Period:
    """``'2019-12'`` -> ``Period('2019-12', 'M')``; anything else: a ValueError naming the form."""
    text = str(period).strip()
    if not _PERIOD_PATTERN.match(text):
        raise ValueError(f"period {period!r} is not a month written YYYY-MM (e.g. 2019-12)")
    return pd.Period(text, freq="M")


def ordinal(day: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    if 10 <= day % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@dataclass(frozen=True)
class Window:
    """An inclusive run of whole months, ``start`` to ``end``."""

    start: pd.Period
    end: pd.Period

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @property
    def label(self) -> str:
        """Machine-readable form used in figures.csv: ``2019-01/2019-12``."""
        return f"{self.start}/{self.end}"

    @property
    def n_months(self) -> int:
        return (self.end - self.start).n + 1

    def months(self) -> pd.PeriodIndex:
        return pd.period_range(self.start, self.end, freq="M")

    @property
    def first_day(self) -> pd.Timestamp:
        return self.start.start_time

    @property
    def last_day(self) -> pd.Timestamp:
        return self.end.end_time.normalize()

    def describe(self) -> str:
        """The report's wording: '1st January 2019 to 31st December 2019'."""
        first, last = self.first_day, self.last_day
        return f"{ordinal(first.day)} {first:%B %Y} to {ordinal(last.day)} {last:%B %Y}"

    def contains(self, timestamps: pd.Series) -> pd.Series:
        """Boolean mask: which datetimes fall on or after the first day and before the day after
        the last day (so any time on the last day counts)."""
        end_exclusive = (self.end + 1).start_time
        return (timestamps >= self.first_day) & (timestamps < end_exclusive)

    def shift(self, months: int) -> Window:
        return Window(self.start + months, self.end + months)


def window_ending(end: pd.Period | str, n_months: int = 12) -> Window:
    """The ``n_months`` months ending with ``end`` (inclusive)."""
    end = parse_period(end) if isinstance(end, str) else end
    if n_months < 1:
        raise ValueError("a window needs at least one month")
    return Window(end - (n_months - 1), end)


def comparison_windows(
    period: str, lag_months: int = 0, n_months: int = 12
) -> tuple[Window, Window]:
    """``(previous, current)``: the ``n_months`` ending ``lag_months`` before ``period``, and the
    ``n_months`` before that. For 2019-12 with no lag: 2018-01/2018-12 and 2019-01/2019-12."""
    if lag_months < 0:
        raise ValueError("lag_months cannot be negative")
    current = window_ending(parse_period(period) - lag_months, n_months)
    return current.shift(-n_months), current


def last_months(period: str, n_months: int, lag_months: int = 0) -> Window:
    """The last ``n_months`` of a theme's current window (e.g. the 'last three months')."""
    return window_ending(parse_period(period) - lag_months, n_months)


@dataclass(frozen=True)
class ThemeWindows:
    """The windows a theme reports on (the one place they are worked out).

    ``previous`` and ``current`` are the two windows compared (``window_months`` each, ending
    ``lag_months`` before the period); ``national`` is the window of the force's rate beside a
    national rate; ``recent`` the last three months of the current window.
    """

    previous: Window
    current: Window
    national: Window
    recent: Window


def theme_windows(
    period: str,
    lag_months: int = 0,
    window_months: int = 12,
    rate_window_lag_months: int | None = None,
) -> ThemeWindows:
    """A theme's windows for ``period``.

    Parameters
    ----------
    period : str
        ``YYYY-MM``, the report's last month.
    lag_months : int, default 0
        How many months the theme runs behind the period (stop search: 1).
    window_months : int, default 12
        Length of the previous and current windows.
    rate_window_lag_months : int, optional
        The national rate's window: the 12 months ending this many months before the period
        (a published national rate's span, kept at 12 whatever ``window_months`` is, so the
        force's rate stays comparable with it). None: the current window (a comparator computed
        from the same download over the same months).

    Examples
    --------
    >>> w = theme_windows("2019-12", rate_window_lag_months=3)
    >>> w.previous.label, w.current.label, w.national.label, w.recent.label
    ('2018-01/2018-12', '2019-01/2019-12', '2018-10/2019-09', '2019-10/2019-12')
    """
    previous, current = comparison_windows(period, lag_months, window_months)
    if rate_window_lag_months is None or pd.isna(rate_window_lag_months):
        national = current
    else:
        national = window_ending(parse_period(period) - int(rate_window_lag_months), 12)
    recent = last_months(period, min(3, window_months), lag_months)
    return ThemeWindows(previous, current, national, recent)
