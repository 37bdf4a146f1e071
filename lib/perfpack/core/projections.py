"""Projections of next year's total: the report's 3/6/12-month linear trends, a seasonal
exponential-smoothing model with prediction intervals, and a back-test of both (the chart is
:mod:`perfpack.present.projection_chart`).

The report's method (ARCHITECTURE.md): for N in 3, 6, 12, fit an ordinary least-squares line
``y = a + b*t`` to the last N monthly counts (t = 1..N), carry it forward over t = N+1..N+12,
floor each projected month at 0, and sum; the projected annual total's % change is against the
sum of the last 12 months.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfpack.core.change import pct_change

#: The report's three trend lengths.
REPORT_WINDOWS = (3, 6, 12)
#: Monthly seasonality for ETS.
SEASONAL_PERIODS = 12


def _future_index(index: pd.Index, horizon: int) -> pd.Index:
    """The ``horizon`` positions after ``index`` (next months for a PeriodIndex)."""
    if isinstance(index, pd.PeriodIndex) and len(index):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq)
    start = len(index)
    return pd.RangeIndex(start, start + horizon)


def _as_values(monthly: pd.Series) -> np.ndarray:
    values = pd.Series(monthly).astype(float).to_numpy()
    if np.isnan(values).any():
        raise ValueError("monthly counts cannot be missing; fill months with no events with 0")
    return values


@dataclass(frozen=True)
class Projection:
    """One linear projection (see :func:`linear_projection`).

    Attributes
    ----------
    n_months : int
        Points the line was fitted to.
    intercept, slope : float
        ``y = intercept + slope * t`` with t = 1..n_months.
    fitted : pandas.Series
        The line over the fitted months.
    monthly : pandas.Series
        Projected months (floored at 0), indexed by the following months.
    projected_total : float
        Sum of ``monthly``.
    base_total : float or None
        Sum of the last ``horizon`` observed months (the current 12 months); None when there are
        fewer observed months than that.
    pct_change : float or None
        ``(projected_total - base_total) / base_total * 100``.
    """

    n_months: int
    intercept: float
    slope: float
    fitted: pd.Series
    monthly: pd.Series
    projected_total: float
    base_total: float | None
    pct_change: float | None

    @property
    def label(self) -> str:
        return f"{self.n_months}-month trend"


def linear_projection(monthly: pd.Series, n_months: int, horizon: int = 12) -> Projection:
    """The report's projection: the OLS line through the last ``n_months`` points carried
    forward ``horizon`` months.

    Parameters
    ----------
    monthly : pandas.Series
        Monthly counts in time order (index: months, e.g. a ``PeriodIndex``), ending with the
        last month of the current window.
    n_months : int
        How many of the latest points the line is fitted to (at least 2).
    horizon : int, default 12
        Months carried forward.

    Returns
    -------
    Projection
        The line, the projected months (each floored at 0, since counts cannot be negative), their
        sum and its % change against the sum of the last ``horizon`` observed months.
    """
    values = _as_values(monthly)
    if n_months < 2:
        raise ValueError("a trend needs at least 2 points")
    if len(values) < n_months:
        raise ValueError(f"need {n_months} months for a {n_months}-month trend, have {len(values)}")
    recent = values[-n_months:]
    t = np.arange(1, n_months + 1, dtype=float)
    slope, intercept = np.polyfit(t, recent, 1)
    future_t = np.arange(n_months + 1, n_months + horizon + 1, dtype=float)
    projected = np.maximum(intercept + slope * future_t, 0.0)
    index = pd.Series(monthly).index
    fitted = pd.Series(intercept + slope * t, index=index[-n_months:], name="fitted")
    future = pd.Series(projected, index=_future_index(index, horizon), name="projected")
    total = float(projected.sum())
    base = float(values[-horizon:].sum()) if len(values) >= horizon else None
    return Projection(
        n_months=n_months,
        intercept=float(intercept),
        slope=float(slope),
        fitted=fitted,
        monthly=future,
        projected_total=total,
        base_total=base,
        pct_change=None if base is None else pct_change(base, total),
    )


def report_projections(monthly: pd.Series, horizon: int = 12) -> pd.DataFrame:
    """The report's 3-, 6- and 12-month projections side by side.

    Returns
    -------
    pandas.DataFrame
        One row per trend length: ``method`` ("3-month trend", ...), ``n_months``, ``slope``
        (change per month), ``projected_total``, ``current_total`` (the last 12 months) and
        ``pct_change``. A trend longer than the series is left out.
    """
    rows = []
    for n_months in REPORT_WINDOWS:
        if len(monthly) < n_months:
            continue
        projection = linear_projection(monthly, n_months, horizon)
        rows.append(
            {
                "method": projection.label,
                "n_months": n_months,
                "slope": projection.slope,
                "projected_total": projection.projected_total,
                "current_total": projection.base_total,
                "pct_change": projection.pct_change,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["method", "n_months", "slope", "projected_total", "current_total", "pct_change"],
    )


@dataclass(frozen=True)
class EtsForecast:
    """A model forecast of the next ``horizon`` months (see :func:`ets_forecast`).

    Attributes
    ----------
    model : str
        Which model was used: "ETS(A,Ad,A): damped additive trend, additive 12-month
        seasonality", "Holt's damped trend, ETS(A,Ad,N)" or "mean of the last 12 months".
    monthly : pandas.Series
        Point forecasts per month (floored at 0).
    total : float
        Forecast annual total (sum of ``monthly``).
    lower_80, upper_80, lower_95, upper_95 : float
        Prediction interval for the annual total, from simulated future paths.
    base_total, pct_change : float or None
        The last 12 observed months' total and the forecast's % change against it.
    fallback_reasons : list of str
        Why richer models were not used (empty when the first choice fitted).
    """

    model: str
    monthly: pd.Series
    total: float
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float
    base_total: float | None
    pct_change: float | None
    monthly_lower_95: pd.Series | None = None
    monthly_upper_95: pd.Series | None = None
    fallback_reasons: list[str] = field(default_factory=list)
    #: The fitted smoothing parameters by statsmodels name (``smoothing_level`` = alpha,
    #: ``smoothing_trend`` = beta, ``smoothing_seasonal`` = gamma, ``damping_trend`` = phi);
    #: empty for the mean fallback. :func:`perfpack.core.backtest.degenerate_reasons` reads them.
    params: dict = field(default_factory=dict)


def _simulate_ets(values: np.ndarray, horizon: int, seasonal: bool, n_sims: int, seed: int):
    """Fit ETS with additive errors and a damped additive trend (seasonal or not) and simulate.

    Returns ``(point forecasts, simulated paths (horizon x n_sims), smoothing parameters)``."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(
        values,
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add" if seasonal else None,
        seasonal_periods=SEASONAL_PERIODS if seasonal else None,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(disp=False)
        point = np.asarray(fit.forecast(horizon), dtype=float)
        paths = np.asarray(
            fit.simulate(
                horizon, anchor="end", repetitions=n_sims, rng=np.random.default_rng(seed)
            ),
            dtype=float,
        ).reshape(horizon, n_sims)
    if not (np.isfinite(point).all() and np.isfinite(paths).all()):
        raise ValueError("the fitted model gave non-finite forecasts")
    params = {
        name: float(value)
        for name, value in zip(model.param_names, np.asarray(fit.params), strict=True)
        if not name.startswith("initial_")
    }
    return point, paths, params


def _simulate_mean(values: np.ndarray, horizon: int, n_sims: int, seed: int):
    recent = values[-SEASONAL_PERIODS:]
    mean = float(recent.mean())
    spread = float(recent.std(ddof=1)) if recent.size > 1 else float(np.sqrt(max(mean, 0.0)))
    spread *= np.sqrt(1.0 + 1.0 / recent.size)
    rng = np.random.default_rng(seed)
    paths = rng.normal(mean, spread, size=(horizon, n_sims))
    return np.full(horizon, mean), paths


def ets_forecast(
    monthly: pd.Series, horizon: int = 12, n_sims: int = 2000, seed: int = 20200227
) -> EtsForecast:
    """A seasonal exponential-smoothing forecast of the next ``horizon`` months, with 80% and
    95% prediction intervals for their total.

    Models, tried in order (the first that fits is used; ``model`` says which):

    1. with 24 or more months: ETS(A,Ad,A) -- additive errors, damped additive trend, additive
       seasonality with period 12 (statsmodels ``ETSModel``);
    2. with 10 or more months: Holt's damped trend, ETS(A,Ad,N);
    3. otherwise, or when both fail: the mean of the last 12 months, with normal errors of the
       months' standard deviation.

    The trend is always damped: an undamped trend carries a short swing on for the whole year
    (on the demo data it missed the back-test year by up to 80%), the damped one levels off.
    Intervals come from ``n_sims`` simulated future paths (``ETSModel.simulate``; seeded, so a
    rerun gives the same numbers), each month floored at 0, then summed: the 10th/90th and
    2.5th/97.5th percentiles of the simulated totals. The paths carry future random shocks
    through the model's states but not the uncertainty in its estimated parameters, so with
    two or three years of data the intervals are on the narrow side: read them beside the
    back-test (:func:`perfpack.core.backtest.rolling_backtest`), which shows whether last year's
    actual fell inside them.

    Parameters
    ----------
    monthly : pandas.Series
        Monthly counts in time order, ending with the last observed month.
    horizon : int, default 12
    n_sims : int, default 2000
    seed : int

    Returns
    -------
    EtsForecast
    """
    values = _as_values(monthly)
    if values.size == 0:
        raise ValueError("no months to forecast from")
    reasons: list[str] = []
    point = paths = None
    params: dict = {}
    model = ""
    candidates = []
    if values.size >= 2 * SEASONAL_PERIODS:
        candidates.append(
            ("ETS(A,Ad,A): damped additive trend, additive 12-month seasonality", True)
        )
    else:
        reasons.append(f"seasonal ETS needs 24 months, have {values.size}")
    if values.size >= 10:
        candidates.append(("Holt's damped trend, ETS(A,Ad,N)", False))
    else:
        reasons.append(f"Holt's trend needs 10 months, have {values.size}")
    for name, seasonal in candidates:
        try:
            point, paths, params = _simulate_ets(values, horizon, seasonal, n_sims, seed)
        except Exception as error:  # noqa: BLE001 - any fitting failure means: try simpler
            reasons.append(f"{name.split(':')[0]} failed: {type(error).__name__}: {error}")
            continue
        model = name
        break
    if point is None:
        point, paths = _simulate_mean(values, horizon, n_sims, seed)
        model = f"mean of the last {min(values.size, SEASONAL_PERIODS)} months"
    point = np.maximum(point, 0.0)
    paths = np.maximum(paths, 0.0)
    totals = paths.sum(axis=0)
    index = _future_index(pd.Series(monthly).index, horizon)
    base = float(values[-horizon:].sum()) if values.size >= horizon else None
    total = float(point.sum())
    return EtsForecast(
        model=model,
        monthly=pd.Series(point, index=index, name="forecast"),
        total=total,
        lower_80=float(np.percentile(totals, 10)),
        upper_80=float(np.percentile(totals, 90)),
        lower_95=float(np.percentile(totals, 2.5)),
        upper_95=float(np.percentile(totals, 97.5)),
        base_total=base,
        pct_change=None if base is None else pct_change(base, total),
        monthly_lower_95=pd.Series(np.percentile(paths, 2.5, axis=1), index=index),
        monthly_upper_95=pd.Series(np.percentile(paths, 97.5, axis=1), index=index),
        fallback_reasons=reasons,
        params=params,
    )


def projection_table(monthly: pd.Series, horizon: int = 12, ets: EtsForecast | None = None):
    """The report's three projections and the ETS forecast in one table.

    Returns
    -------
    pandas.DataFrame
        ``method``, ``projected_total``, ``pct_change``, ``lower_80``, ``upper_80``,
        ``lower_95``, ``upper_95`` (intervals only for the model forecast).
    """
    table = report_projections(monthly, horizon)[["method", "projected_total", "pct_change"]]
    ets = ets_forecast(monthly, horizon) if ets is None else ets
    row = pd.DataFrame(
        [
            {
                "method": f"Model: {ets.model}",
                "projected_total": ets.total,
                "pct_change": ets.pct_change,
                "lower_80": ets.lower_80,
                "upper_80": ets.upper_80,
                "lower_95": ets.lower_95,
                "upper_95": ets.upper_95,
            }
        ]
    )
    return pd.concat([table, row], ignore_index=True)
