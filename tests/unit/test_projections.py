"""The report's linear projections on exact lines, flooring at 0, the model forecast's
fallbacks, and the back-test on a line whose errors are known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from perfpack.core import projections


def _line(n, intercept=10.0, slope=2.0, start="2019-01"):
    t = np.arange(1, n + 1)
    return pd.Series(intercept + slope * t, index=pd.period_range(start, periods=n, freq="M"))


@pytest.mark.parametrize("n_months", [3, 6, 12])
def test_exact_line_is_continued(n_months):
    # y = 10 + 2t for t = 1..12: 12, 14, ..., 34. The next twelve are 36 .. 58, summing to
    # 12 * (36 + 58) / 2 = 564; the last twelve sum to 12 * (12 + 34) / 2 = 276.
    projection = projections.linear_projection(_line(12), n_months)
    assert projection.slope == pytest.approx(2.0)
    assert projection.monthly.tolist() == pytest.approx(list(range(36, 60, 2)))
    assert projection.projected_total == pytest.approx(564.0)
    assert projection.base_total == pytest.approx(276.0)
    assert projection.pct_change == pytest.approx((564 - 276) / 276 * 100)
    assert projection.label == f"{n_months}-month trend"


def test_projection_months_follow_the_series():
    projection = projections.linear_projection(_line(12), 3)
    assert str(projection.monthly.index[0]) == "2020-01"
    assert str(projection.monthly.index[-1]) == "2020-12"
    assert list(projection.fitted.index.astype(str)) == ["2019-10", "2019-11", "2019-12"]


@pytest.mark.parametrize(
    ("values", "n_months", "total", "pct"),
    [
        # line 70 - 10t through 60, 50, 40: next 30, 20, 10, then 0 (floored) -> 60; no base year
        ([60, 50, 40], 3, 60.0, None),
        # the same trend at the end of a year of 40s: base = 9 * 40 + 150 = 510
        ([40] * 9 + [60, 50, 40], 3, 60.0, (60 - 510) / 510 * 100),
        # not a line: 1, 2, 4 -> slope 1.5, intercept -2/3; sum over t = 4..15 is
        # 12 * (-2/3) + 1.5 * 114 = 163
        ([1, 2, 4], 3, 163.0, None),
        # flat: projects the same total, 0% change
        ([5] * 12, 12, 60.0, 0.0),
        # falling to zero over 6 points: 0 forever after
        ([50, 40, 30, 20, 10, 0], 6, 0.0, None),
    ],
)
def test_projection_hand_values_and_floor(values, n_months, total, pct):
    projection = projections.linear_projection(pd.Series(values, dtype=float), n_months)
    assert projection.projected_total == pytest.approx(total)
    assert (projection.monthly >= 0).all()
    if pct is None:
        assert projection.pct_change is None
    else:
        assert projection.pct_change == pytest.approx(pct)


@pytest.mark.parametrize(("values", "n_months"), [([1, 2], 3), ([1, 2, 3], 1)])
def test_projection_needs_enough_points(values, n_months):
    with pytest.raises(ValueError):
        projections.linear_projection(pd.Series(values, dtype=float), n_months)


def test_report_projections_table():
    table = projections.report_projections(_line(12))
    assert table["method"].tolist() == ["3-month trend", "6-month trend", "12-month trend"]
    assert table["projected_total"].tolist() == pytest.approx([564.0] * 3)
    assert table["current_total"].tolist() == pytest.approx([276.0] * 3)
    short = projections.report_projections(_line(5))
    assert short["n_months"].tolist() == [3]


def _seasonal(n, seed=3):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 100 - 0.5 * t + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 4, n)
    return pd.Series(values.round(), index=pd.period_range("2017-01", periods=n, freq="M"))


@pytest.mark.parametrize(
    ("n", "model_start"),
    [(36, "ETS(A,Ad,A)"), (15, "Holt's damped trend"), (6, "mean of the last 6 months")],
)
def test_ets_model_by_length(n, model_start):
    forecast = projections.ets_forecast(_seasonal(n), n_sims=300)
    assert forecast.model.startswith(model_start)
    assert len(forecast.monthly) == 12
    assert str(forecast.monthly.index[0]) == str(_seasonal(n).index[-1] + 1)
    assert forecast.lower_95 <= forecast.lower_80 <= forecast.upper_80 <= forecast.upper_95
    assert (forecast.monthly >= 0).all()
    assert forecast.total == pytest.approx(forecast.monthly.sum())


def test_ets_follows_the_season():
    # 100 - 0.5t + 15 sin(2 pi t / 12) + noise(sd 4), t = 0..47: the peak of the sine is at
    # t = 3 (April of each year) and its trough at t = 9 (October), with March/May and
    # September/November only 13% of the amplitude away. Three years in, the model's next year
    # peaks in March-May and bottoms in September-November, its total within 10% of the truth.
    series = _seasonal(48)
    forecast = projections.ets_forecast(series.iloc[:36], n_sims=500)
    assert forecast.model.startswith("ETS(A,Ad,A)")
    assert forecast.monthly.idxmax().month in (3, 4, 5)
    assert forecast.monthly.idxmin().month in (9, 10, 11)
    actual = series.iloc[36:].sum()
    assert abs(forecast.total - actual) / actual < 0.10


def test_ets_is_repeatable():
    first = projections.ets_forecast(_seasonal(36), n_sims=200)
    second = projections.ets_forecast(_seasonal(36), n_sims=200)
    assert first.lower_95 == second.lower_95 and first.total == second.total


def test_ets_falls_back_when_fitting_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("did not converge")

    monkeypatch.setattr(projections, "_simulate_ets", broken)
    forecast = projections.ets_forecast(_seasonal(36), n_sims=200)
    assert forecast.model == "mean of the last 12 months"
    assert len(forecast.fallback_reasons) == 2
    assert "did not converge" in forecast.fallback_reasons[0]
    # the mean model forecasts 12 x the mean of the last 12 months
    assert forecast.total == pytest.approx(_seasonal(36).iloc[-12:].sum())


def test_projection_table():
    series = _seasonal(36)
    forecast = projections.ets_forecast(series, n_sims=200)
    table = projections.projection_table(series, ets=forecast)
    assert table["method"].iloc[-1].startswith("Model: ETS")
    assert table["lower_95"].iloc[-1] == pytest.approx(forecast.lower_95)
