"""Which projection to trust: a back-test of every method on a rolling origin, the choice of the
headline projection by that record, and the checks that flag a degenerate model fit.

Back-test design: time-series cross-validation, "evaluation on a rolling forecasting origin"
(R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., OTexts
2021, section 5.10 "Time series cross-validation"):

- **methods**: the report's 3-, 6- and 12-month trend lines
  (:func:`perfpack.core.projections.linear_projection`), "same as last year" (the seasonal naive
  method: next year's total is the last 12 months' total) and the exponential smoothing model
  (:func:`perfpack.core.projections.ets_forecast`);
- **origins**: every month with at least :data:`MIN_TRAINING_MONTHS` (24) months up to and
  including it, so the seasonal model can be fitted, and ``horizon`` (12) months after it; the
  latest :data:`MAX_ORIGINS` (12) at most, one month apart. Each method is fitted again on the
  months up to the origin only. Three years of monthly data give one origin (the year before
  the latest 12 months); each further month of history adds one. A series too short for that
  (24 to 35 months) is back-tested without the model, from origins with at least 12 months up
  to them; every method is always scored on the same origins;
- **error**: the absolute percentage error of the projected 12-month total,
  ``|projected - actual| / actual x 100``, averaged over the origins (the report projects a
  12-month total, so that is what is scored);
- **choice**: the method with the lowest mean error is the headline projection, except a model
  whose current fit is degenerate (:func:`degenerate_reasons`); ties go to the simpler method
  (:data:`CANDIDATES` order). The report's own method is always shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfpack.core import projections
from perfpack.core.change import pct_change

#: The latest month an origin can have needs this many months up to and including it.
MIN_TRAINING_MONTHS = 2 * projections.SEASONAL_PERIODS
#: At most this many origins (the latest ones).
MAX_ORIGINS = 12
SAME_AS_LAST_YEAR = "Same as last year"
MODEL = "Exponential smoothing model"
#: The report's own headline method.
REPORT_METHOD = "12-month trend"
#: Every method, simplest first: the order in which ties are broken.
CANDIDATES = (SAME_AS_LAST_YEAR, "12-month trend", "6-month trend", "3-month trend", MODEL)
#: A smoothing parameter this close to a bound is "at" it.
PARAMETER_TOLERANCE = 0.01
#: statsmodels' default bounds for the damping parameter phi of ``ETSModel``.
DAMPING_BOUNDS = (0.8, 0.98)
#: phi this close to a bound is at it.
DAMPING_TOLERANCE = 0.005

_ERROR_COLUMNS = [
    "origin",
    "method",
    "projected_total",
    "actual_total",
    "error",
    "abs_pct_error",
    "lower_95",
    "upper_95",
    "inside_95",
]


def origins(
    n_months: int,
    horizon: int = 12,
    min_training: int = MIN_TRAINING_MONTHS,
    max_origins: int = MAX_ORIGINS,
) -> list[int]:
    """The training lengths (months up to and including each origin) of the back-test.

    >>> origins(36), origins(40), origins(30)
    ([24], [24, 25, 26, 27, 28], [])
    """
    last = n_months - horizon
    first = max(min_training, last - max_origins + 1)
    return list(range(first, last + 1))


def _projected_total(training: pd.Series, method: str, horizon: int, n_sims: int):
    """``(total, lower_95, upper_95)`` of one method fitted on ``training``."""
    if method == SAME_AS_LAST_YEAR:
        return float(training.iloc[-horizon:].sum()), np.nan, np.nan
    if method == MODEL:
        ets = projections.ets_forecast(training, horizon, n_sims=n_sims)
        return ets.total, ets.lower_95, ets.upper_95
    n_months = int(method.split("-")[0])
    return (
        projections.linear_projection(training, n_months, horizon).projected_total,
        np.nan,
        np.nan,
    )


def rolling_backtest(
    monthly: pd.Series,
    horizon: int = 12,
    min_training: int = MIN_TRAINING_MONTHS,
    max_origins: int = MAX_ORIGINS,
    n_sims: int = 1000,
    methods=CANDIDATES,
) -> pd.DataFrame:
    """Every method's projected total at every origin against what then happened.

    Parameters
    ----------
    monthly : pandas.Series
        Monthly counts in time order (index: months).
    horizon : int, default 12
    min_training, max_origins : int
        See :func:`origins`.
    n_sims : int
        Simulated paths for the model's interval at each origin.
    methods : sequence of str
        Which of :data:`CANDIDATES` to test (all by default).

    Returns
    -------
    pandas.DataFrame
        One row per origin and method: ``origin`` (the last month fitted), ``method``,
        ``projected_total``, ``actual_total`` (the ``horizon`` months after the origin),
        ``error`` (projected - actual), ``abs_pct_error`` (NaN when the actual is 0), and for
        the model its 95% interval and ``inside_95`` (NA for the other methods). Without an
        origin for the model (fewer than ``min_training + horizon`` months) the other methods
        are tested from origins with 12 months up to them; empty when even that is not possible.
    """
    series = pd.Series(monthly).astype(float)
    cuts = origins(len(series), horizon, min_training, max_origins)
    if not cuts and MODEL in methods:
        methods = [m for m in methods if m != MODEL]
        cuts = origins(len(series), horizon, max(horizon, 12), max_origins)
    rows = []
    for cut in cuts:
        training = series.iloc[:cut]
        actual = float(series.iloc[cut : cut + horizon].sum())
        for method in methods:
            total, low, high = _projected_total(training, method, horizon, n_sims)
            error = total - actual
            rows.append(
                {
                    "origin": series.index[cut - 1],
                    "method": method,
                    "projected_total": total,
                    "actual_total": actual,
                    "error": error,
                    "abs_pct_error": abs(error) * 100.0 / actual if actual > 0 else np.nan,
                    "lower_95": low,
                    "upper_95": high,
                    "inside_95": pd.NA if np.isnan(low) else bool(low <= actual <= high),
                }
            )
    table = pd.DataFrame(rows, columns=_ERROR_COLUMNS)
    table["inside_95"] = table["inside_95"].astype("boolean")
    return table


def backtest_summary(errors: pd.DataFrame) -> pd.DataFrame:
    """Each method's record over the origins of :func:`rolling_backtest`.

    Returns
    -------
    pandas.DataFrame
        One row per method in :data:`CANDIDATES` order: ``method``, ``origins``,
        ``mean_abs_pct_error`` (the choice's criterion), and for the latest origin
        ``projected_total``, ``actual_total``, ``error``, ``abs_pct_error``, ``inside_95``;
        ``coverage_95``: the % of origins whose actual fell inside the model's 95% interval
        (NaN for the other methods).
    """
    columns = [
        "method",
        "origins",
        "mean_abs_pct_error",
        "projected_total",
        "actual_total",
        "error",
        "abs_pct_error",
        "inside_95",
        "coverage_95",
    ]
    rows = []
    for method in [m for m in CANDIDATES if m in set(errors["method"])]:
        part = errors[errors["method"] == method]
        latest = part.iloc[-1]
        inside = part["inside_95"].dropna()
        rows.append(
            {
                "method": method,
                "origins": len(part),
                "mean_abs_pct_error": float(part["abs_pct_error"].mean()),
                "projected_total": latest["projected_total"],
                "actual_total": latest["actual_total"],
                "error": latest["error"],
                "abs_pct_error": latest["abs_pct_error"],
                "inside_95": latest["inside_95"],
                "coverage_95": float(inside.astype(bool).mean() * 100) if len(inside) else np.nan,
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    table["inside_95"] = table["inside_95"].astype("boolean")
    return table


def degenerate_reasons(
    params: dict,
    interval: tuple[float, float] | None = None,
    observed: pd.Series | None = None,
    horizon: int = 12,
) -> list[str]:
    """Why a model fit should not be trusted as a headline (empty when none).

    A fit is degenerate when the optimiser has pushed a parameter to the edge of its allowed
    range (the usual constraints, Hyndman and Athanasopoulos section 8.6: 0 < alpha < 1,
    0 < beta < alpha, 0 < gamma < 1 - alpha; statsmodels bounds phi to
    :data:`DAMPING_BOUNDS`), within :data:`PARAMETER_TOLERANCE` (:data:`DAMPING_TOLERANCE` for
    phi), or when its 95% interval for the ``horizon``-month total is wider than the series'
    observed range carried over that many months, ``horizon x (highest month - lowest month)``:
    wider than the gap between a year of the lowest month recorded and a year of the highest.

    Parameters
    ----------
    params : dict
        ``smoothing_level`` (alpha), ``smoothing_trend`` (beta), ``smoothing_seasonal`` (gamma),
        ``damping_trend`` (phi); the ones a model does not have are left out.
    interval : (float, float), optional
        The 95% interval for the total.
    observed : pandas.Series, optional
        The monthly counts the model was fitted to.
    horizon : int, default 12

    Returns
    -------
    list of str
        One reason per problem, in words with the value.
    """
    tol = PARAMETER_TOLERANCE
    reasons = []
    alpha = params.get("smoothing_level")
    if alpha is not None:
        if alpha >= 1 - tol:
            reasons.append(
                f"α = {alpha:.2f}, at its upper bound of 1: the level is just the last month"
            )
        elif alpha <= tol:
            reasons.append(f"α = {alpha:.2f}, at its lower bound of 0: the level never moves")
    beta = params.get("smoothing_trend")
    if beta is not None and alpha is not None:
        if beta <= tol:
            reasons.append(f"β = {beta:.2f}, at its lower bound of 0: the trend never changes")
        elif beta >= alpha - tol:
            reasons.append(f"β = {beta:.2f}, at its upper bound (α)")
    gamma = params.get("smoothing_seasonal")
    if gamma is not None and alpha is not None:
        if gamma <= tol:
            reasons.append(
                f"γ = {gamma:.2f}, at its lower bound of 0: the seasonal pattern never updates"
            )
        elif gamma >= 1 - alpha - tol:
            reasons.append(f"γ = {gamma:.2f}, at its upper bound (1 − α)")
    phi = params.get("damping_trend")
    if phi is not None:
        low, high = DAMPING_BOUNDS
        if phi <= low + DAMPING_TOLERANCE or phi >= high - DAMPING_TOLERANCE:
            bound = low if phi <= low + DAMPING_TOLERANCE else high
            reasons.append(f"φ = {phi:.2f}, at its bound of {bound:g}")
    if interval is not None and observed is not None and len(observed):
        width = float(interval[1] - interval[0])
        spread = horizon * float(observed.max() - observed.min())
        if width > spread:
            reasons.append(
                f"its 95% interval ({interval[0]:,.0f} to {interval[1]:,.0f}) is wider than the "
                f"series' observed range over {horizon} months ({horizon} × "
                f"({observed.max():,.0f} − {observed.min():,.0f}) = {spread:,.0f})"
            )
    return reasons


def model_flags(monthly: pd.Series, ets: projections.EtsForecast | None) -> list[str]:
    """:func:`degenerate_reasons` of the model fitted to the whole series (empty without one)."""
    if ets is None:
        return []
    return degenerate_reasons(ets.params, (ets.lower_95, ets.upper_95), pd.Series(monthly))


def choose_method(summary: pd.DataFrame, exclude=()) -> str | None:
    """The method with the lowest mean absolute % error in ``summary``
    (:func:`backtest_summary`), leaving out ``exclude``; ties go to the earlier method in
    :data:`CANDIDATES`. None when no method has a record."""
    eligible = summary[~summary["method"].isin(list(exclude))].dropna(subset=["mean_abs_pct_error"])
    if eligible.empty:
        return None
    rank = {m: i for i, m in enumerate(CANDIDATES)}
    ordered = eligible.assign(_rank=eligible["method"].map(rank)).sort_values(
        ["mean_abs_pct_error", "_rank"], kind="stable"
    )
    return str(ordered["method"].iloc[0])


@dataclass(frozen=True)
class Selection:
    """The headline projection and how it was chosen (see :func:`select_projection`).

    Attributes
    ----------
    method : str
        The headline method (one of :data:`CANDIDATES`).
    chosen_by_record : bool
        True when chosen by the back-test; False when there was no back-test and the report's
        own method is shown.
    projected_total, pct_change : float or None
        The headline projection of the next 12 months and its % change on the last 12.
    mean_abs_pct_error : float or None
        Its back-test error.
    report_total, report_pct : float or None
        The report's own method (:data:`REPORT_METHOD`) beside it.
    flags : list of str
        Why the model's current fit is degenerate (empty when it is not, or there is no model).
    origins : int
        How many origins the back-test had.
    model_fitted : bool
        Whether a model was fitted to the series at all.
    """

    method: str
    chosen_by_record: bool
    projected_total: float | None
    pct_change: float | None
    mean_abs_pct_error: float | None
    report_total: float | None
    report_pct: float | None
    flags: list[str] = field(default_factory=list)
    origins: int = 0
    model_fitted: bool = False


def select_projection(
    monthly: pd.Series,
    report: pd.DataFrame,
    ets: projections.EtsForecast | None,
    summary: pd.DataFrame,
    horizon: int = 12,
) -> Selection:
    """The headline projection: the best back-test record, a degenerate model never.

    Parameters
    ----------
    monthly : pandas.Series
        The monthly counts projected from.
    report : pandas.DataFrame
        :func:`perfpack.core.projections.report_projections` of ``monthly``.
    ets : EtsForecast or None
        The model fitted to ``monthly``.
    summary : pandas.DataFrame
        :func:`backtest_summary` of ``monthly`` (may be empty).
    """
    series = pd.Series(monthly).astype(float)
    flags = model_flags(series, ets)
    base = float(series.iloc[-horizon:].sum()) if len(series) >= horizon else None
    totals = {
        row.method: (row.projected_total, row.pct_change) for row in report.itertuples(index=False)
    }
    if base is not None:
        totals[SAME_AS_LAST_YEAR] = (base, pct_change(base, base))
    if ets is not None:
        totals[MODEL] = (ets.total, ets.pct_change)
    exclude = [m for m in CANDIDATES if m not in totals] + ([MODEL] if flags else [])
    chosen = choose_method(summary, exclude) if len(summary) else None
    report_total, report_pct = totals.get(REPORT_METHOD, (None, None))
    if chosen is None:
        method, by_record, error = REPORT_METHOD, False, None
    else:
        method, by_record = chosen, True
        error = float(summary.set_index("method").loc[chosen, "mean_abs_pct_error"])
    total, pct = totals.get(method, (None, None))
    return Selection(
        method=method,
        chosen_by_record=by_record,
        projected_total=None if total is None else float(total),
        pct_change=None if pct is None or pd.isna(pct) else float(pct),
        mean_abs_pct_error=error,
        report_total=None if report_total is None else float(report_total),
        report_pct=None if report_pct is None or pd.isna(report_pct) else float(report_pct),
        flags=flags,
        origins=int(summary["origins"].max()) if len(summary) else 0,
        model_fitted=ets is not None,
    )


def selection_figures(selection: Selection | None, summary: pd.DataFrame, window) -> pd.DataFrame:
    """The headline projection and the back-test for figures.csv (``measure, window, group,
    value``; ``window`` a :class:`~perfpack.core.windows.Window` or its label).

    Measures: ``projection_selected_total`` and ``projection_selected_pct`` (group = the
    headline method), ``projection_selected_by_record`` (1 when chosen by the back-test, 0
    when the report's method is shown for want of one; these three only when the headline has
    a total), ``ets_degenerate`` (1 when the model's fit is flagged, 0 when not; only with a
    model), ``backtest_origins``,
    and per method (group = method) ``backtest_abs_pct_error`` (mean over the origins) and,
    for the model,
    ``backtest_coverage_95`` (% of origins whose actual fell inside its 95% interval).
    """
    label = getattr(window, "label", window)
    rows = []
    if selection is not None and selection.projected_total is not None:
        rows += [
            ("projection_selected_total", selection.method, selection.projected_total),
            ("projection_selected_pct", selection.method, selection.pct_change),
            ("projection_selected_by_record", "", int(selection.chosen_by_record)),
        ]
    if selection is not None and selection.model_fitted:
        rows.append(("ets_degenerate", "", int(bool(selection.flags))))
    if len(summary):
        rows.append(("backtest_origins", "", int(summary["origins"].max())))
        for row in summary.itertuples(index=False):
            rows.append(("backtest_abs_pct_error", row.method, row.mean_abs_pct_error))
            if row.method == MODEL:
                rows.append(("backtest_coverage_95", row.method, row.coverage_95))
    return pd.DataFrame(
        [{"measure": m, "window": label, "group": g, "value": v} for m, g, v in rows],
        columns=["measure", "window", "group", "value"],
    )


@dataclass(frozen=True)
class Assessment:
    """A series' back-test and headline projection (see :func:`assess`)."""

    errors: pd.DataFrame
    summary: pd.DataFrame
    selection: Selection


def assess(
    monthly: pd.Series, ets: projections.EtsForecast | None, n_sims: int = 1000
) -> Assessment:
    """:func:`rolling_backtest`, :func:`backtest_summary` and :func:`select_projection` of
    ``monthly`` in one step (``ets``: the model fitted to the whole series, or None)."""
    errors = rolling_backtest(monthly, n_sims=n_sims)
    summary = backtest_summary(errors)
    report = projections.report_projections(monthly)
    return Assessment(errors, summary, select_projection(monthly, report, ets, summary))
