"""Missing persons: the demand forecast made in 2018 beside the episodes recorded in each
complete calendar year (report page 19). This year's projections are
:func:`perfpack.core.projections.report_projections`, the model forecast and its back-test
(:mod:`perfpack.core.backtest`), worked out in :func:`perfpack.themes.missing.analysis.analyse`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from perfpack.core.windows import Window, parse_period
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR
from perfpack.themes.missing.measures import episode_count


def forecast_2018(reference_dir: Path = REFERENCE_DIR) -> pd.Series:
    """The demand forecast made in 2018: episodes per calendar year (int index 2019..2022)."""
    table = reference.missing_persons_constants(Path(reference_dir))
    rows = table[table["item"] == "forecast"]
    series = pd.Series(rows["value"].to_numpy(), index=rows["year"].astype(int).to_numpy())
    series.index.name = "year"
    series.name = "forecast_2018"
    return series


def forecast_vs_actual(
    episodes: pd.DataFrame, period: str, reference_dir: Path = REFERENCE_DIR
) -> pd.DataFrame:
    """The 2018 forecast per year beside actual episodes for each whole calendar year that the
    data covers up to ``period`` (actual blank for years not yet complete).

    Returns
    -------
    DataFrame
        Index ``year``; columns ``forecast_2018``, ``actual`` (nullable Int64), ``difference``
        (actual - forecast) and ``pct_of_forecast`` (actual as % of forecast).
    """
    forecast = forecast_2018(reference_dir)
    last = parse_period(period)
    actual = []
    for year in forecast.index:
        december = pd.Period(f"{year}-12", freq="M")
        if december <= last:
            actual.append(episode_count(episodes, Window(pd.Period(f"{year}-01", "M"), december)))
        else:
            actual.append(pd.NA)
    table = pd.DataFrame({"forecast_2018": forecast.astype(int)}, index=forecast.index)
    table["actual"] = pd.array(actual, dtype="Int64")
    table["difference"] = table["actual"] - table["forecast_2018"]
    table["pct_of_forecast"] = table["actual"].astype("Float64") * 100.0 / table["forecast_2018"]
    return table
