"""Crime-theme measures: one theme's offences and monthly series, the headline change with its
exact test, the rate per 1,000 beside the national rate, and the change by area.

A theme is the rows of the canonical ``crimes`` table whose ``theme`` column is the theme's slug
(``data/reference/offence_themes.csv`` maps offence codes to themes at ingest). Populations are
a parameter (a Series indexed by area), never hard-wired, so the public-data themes
(``robbery_all``, ``vehicle_crime_all``) run through the same functions with whatever areas
their ``npt`` column holds (:func:`perfpack.themes.areas.processed_areas`). The windows are
:class:`perfpack.core.windows.ThemeWindows` (:meth:`perfpack.data.reference.ThemeSpec.windows`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from perfpack.core import counts, projections, stats
from perfpack.core.change import change_sentence, pct_change, round_half_up
from perfpack.core.windows import ThemeWindows, Window, parse_period
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR
from perfpack.themes import areas

DATE_COLUMN = "recorded_date"
AREA_COLUMN = "npt"
#: Months of history the seasonal model (ETS with 12-month seasonality) needs; with fewer, the
#: model forecast and the back-test are left out.
MODEL_MIN_MONTHS = 2 * projections.SEASONAL_PERIODS


# --------------------------------------------------------------------------------------------
# Selection


def theme_crimes(crimes: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The offences of one theme: rows whose ``theme`` column equals the slug.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The canonical ``crimes`` table.
    theme : str
        A theme slug, e.g. ``"personal_robbery"``.

    Returns
    -------
    pandas.DataFrame
        A new frame (possibly empty) with the same columns.
    """
    if "theme" not in crimes:
        raise KeyError("the crimes table has no 'theme' column: is it the canonical table?")
    return crimes[crimes["theme"].eq(theme).fillna(False).astype(bool)].copy()


def monthly_series(
    crimes: pd.DataFrame, theme: str, period: str, first_month=None, lag_months: int = 0
) -> pd.Series:
    """A theme's monthly counts from the first month of the data to the end of the current
    window, months without offences as 0 (the SPC chart's and the projections' points).

    Parameters
    ----------
    crimes : pandas.DataFrame
        The canonical crimes table (all themes: its first month is where the data starts, even if
        this theme had no offence that month).
    theme, period : str
    first_month : str or pandas.Period, optional
        Start here instead of at the data's first month.
    lag_months : int, default 0
        The theme's lag (the series ends ``lag_months`` before the period).
    """
    end = parse_period(period) - lag_months
    if first_month is None:
        if crimes.empty:
            first = end
        else:
            first = crimes[DATE_COLUMN].min().to_period("M")
    else:
        first = parse_period(first_month) if isinstance(first_month, str) else first_month
    first = min(first, end)
    return counts.monthly_counts(theme_crimes(crimes, theme), DATE_COLUMN, Window(first, end))


# --------------------------------------------------------------------------------------------
# Headline and rate


@dataclass(frozen=True)
class Headline:
    """Counts in the two windows, their % change and the exact test of the change."""

    previous: int
    current: int
    pct_change: float | None
    test: stats.PoissonTest
    sentence: str


def headline(
    offences: pd.DataFrame, windows: ThemeWindows, title: str, place: str = "Staffordshire"
) -> Headline:
    """The report's headline for one theme's offences.

    Parameters
    ----------
    offences : pandas.DataFrame
        One theme's offences (:func:`theme_crimes`).
    windows : ThemeWindows
    title : str
        The theme's title as the report writes it ("Personal Robbery").
    place : str
        The force area named in the sentence.

    Returns
    -------
    Headline
        E.g. ``sentence``: "The number of Personal Robbery offences in Staffordshire has
        decreased by 11% from 855 offences in the period 1st January 2018 to 31st December 2018
        compared to 764 in the period 1st January 2019 to 31st December 2019."
    """
    previous = counts.count_in_window(offences, DATE_COLUMN, windows.previous)
    current = counts.count_in_window(offences, DATE_COLUMN, windows.current)
    sentence = change_sentence(
        title, previous, current, windows.previous, windows.current, place=place
    )
    return Headline(
        previous,
        current,
        pct_change(previous, current),
        stats.poisson_change_test(previous, current),
        sentence,
    )


@dataclass(frozen=True)
class NationalRate:
    """The force's rate per 1,000 residents in the rate window beside the national rate.

    ``national_rate_per_1000`` is the reference table's England & Wales figure for a
    force-extract theme, or (``computed``) the rate over every force in a data.police.uk
    download for the same window (:func:`perfpack.data.public_tables.stored_national_rates`),
    with ``forces_counted`` and ``note`` stating its coverage (or why there is none).
    """

    count: int
    population: float
    rate_per_1000: float
    national_rate_per_1000: float | None
    window: Window
    computed: bool = False
    forces_counted: int = 0
    note: str = ""

    @property
    def decimals(self) -> int:
        """Decimals shown: 1 for a year (the report's), 2 for a shorter window's small rates."""
        return 1 if self.window.n_months >= 12 else 2

    def _shown(self, value: float) -> float:
        return round_half_up(value, self.decimals)

    @property
    def below_national(self) -> bool | None:
        if self.national_rate_per_1000 is None or math.isnan(self.rate_per_1000):
            return None
        return self._shown(self.rate_per_1000) < self._shown(self.national_rate_per_1000)


def national_rate(
    offences: pd.DataFrame,
    theme: str,
    window: Window,
    population: float,
    reference_dir=REFERENCE_DIR,
    national=None,
) -> NationalRate:
    """Offences per 1,000 residents in ``window`` and the theme's national comparator.

    Parameters
    ----------
    offences : pandas.DataFrame
        One theme's offences.
    theme : str
    window : Window
        The rate window (:attr:`ThemeWindows.national`).
    population : float
        The force area's residents.
    reference_dir : path
    national : perfpack.data.public_tables.NationalRates, optional
        The comparator computed over a download's forces for the same window
        (:func:`perfpack.data.public_tables.stored_national_rates`). Without it, the
        reference table's (``data/reference/national_comparators.csv``, measure
        ``rate_per_1000``; None if not held).

    Returns
    -------
    NationalRate
    """
    count = counts.count_in_window(offences, DATE_COLUMN, window)
    if national is None:
        comparator = reference.national_comparator(theme, "rate_per_1000", reference_dir)
        extra = {}
    else:
        comparator = national.rate(theme)
        extra = {
            "computed": True,
            "forces_counted": len(national.forces) if comparator is not None else 0,
            "note": national.note,
        }
    return NationalRate(
        count=count,
        population=float(population),
        rate_per_1000=stats.rate_per_1000(count, population),
        national_rate_per_1000=comparator,
        window=window,
        **extra,
    )


# --------------------------------------------------------------------------------------------
# Areas


def change_by_npt(
    offences: pd.DataFrame, windows: ThemeWindows, populations: pd.Series | None = None
) -> pd.DataFrame:
    """Counts per NPT (or whatever areas ``npt`` holds) in the two windows, with change, rate
    per 1,000 and significance: :func:`perfpack.themes.areas.change_by_area`."""
    previous = counts.counts_by(offences, DATE_COLUMN, windows.previous, AREA_COLUMN)
    current = counts.counts_by(offences, DATE_COLUMN, windows.current, AREA_COLUMN)
    return areas.change_by_area(previous, current, populations)
