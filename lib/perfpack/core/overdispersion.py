"""Funnel plots and changes by area with overdispersion (Spiegelhalter 2005).

Poisson limits assume every unit (an NPT, a local authority, a force) differs from the target
only by chance. Crime counts between areas usually vary more than that (areas differ in ways
no count explains), and then Poisson limits flag almost everything. Following

- Spiegelhalter DJ. Funnel plots for comparing institutional performance. *Statistics in
  Medicine* 2005;24:1185-1202 (section 6, over-dispersion), and
- Spiegelhalter DJ. Handling over-dispersion of performance indicators. *Quality and Safety in
  Health Care* 2005;14:347-351,

every unit gets a z-score on a transformed scale, the z-scores are 10% winsorised (the lowest
10% set to the 10th percentile, the highest 10% to the 90th; percentiles by linear
interpolation, numpy's and R's default), and the overdispersion factor is
``phi = sum(z_w**2) / n``. Without overdispersion ``n * phi`` follows a chi-squared
distribution on ``n - 1`` degrees of freedom (the target is the units' pooled value); overdispersion
is *present* when ``P(chi2(n - 1) >= n * phi) < 0.05``. Only then are the limits widened, by

- ``"additive"`` (the default): a random effect -- each unit's true value varies around the
  target with variance ``tau2``, estimated by DerSimonian and Laird's method of moments on the
  winsorised z-scores, ``tau2 = max(0, (n * phi - (n - 1)) / (sum(w) - sum(w**2) / sum(w)))``
  with ``w = 1 / s**2``; limits ``target +/- z * sqrt(s**2 + tau2)``;
- ``"multiplicative"``: every variance times ``phi``; limits ``target +/- z * sqrt(phi) * s``.

The additive model is the default because the reasons areas differ (town centres,
deprivation, road networks) do not shrink as an area grows: with a multiplicative factor the
biggest units' limits still close in on the target, so large units (the Metropolitan Police in
a national funnel) would be flagged for differences every unit has, while small units' limits
widen beyond need. It is also the adjustment the NHS's SHMI and the CQC use, and FunnelPlotR's
default. Without overdispersion (or with ``method="poisson"``) the limits are exact Poisson
(:func:`perfpack.core.stats.funnel_limits`).

Scales (Spiegelhalter 2005, table I; FunnelPlotR's "CQC" and "RC" forms):

- a rate: ``Y = sqrt(count / expected)`` (target 1, ``s = 1 / (2 sqrt(expected))``), so
  ``z = 2 (sqrt(count) - sqrt(expected))`` -- the square root stabilises Poisson variance;
- a change between two windows: ``Y = log((current + 0.5) / (previous + 0.5))``,
  ``s**2 = current / (current + 0.5)**2 + previous / (previous + 0.5)**2`` (the delta-method
  variance), target the units' pooled change ``log((sum(current) + 0.5) / (sum(previous) +
  0.5))`` (the same 0.5 as each unit's). A unit is judged against that pooled change (does it
  differ from the whole's change, beyond chance and the between-unit spread?), not against no
  change: the spread ``tau2`` is estimated around the pooled change, so it only describes how
  units differ from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfpack.core import stats

METHODS = ("additive", "multiplicative", "poisson")
#: The adjustment used when overdispersion is present (see the module docstring for why).
DEFAULT_METHOD = "additive"
#: Fraction of z-scores winsorised at each end (Spiegelhalter's 10%).
WINSOR_FRACTION = 0.1
#: Level of the chi-squared test for overdispersion.
TEST_LEVEL = 0.05
#: Fewest units with which overdispersion is tested (fewer: Poisson limits, said so).
MIN_UNITS = 3
#: The funnel's two pairs of limits: 95% and 99.8% (two-sided).
Z_95 = 1.9599639845400545  # scipy.stats.norm.isf(0.025), typed so importing needs no scipy
Z_998 = 3.090232306167813  # scipy.stats.norm.isf(0.001)
_LIMIT_LABELS = ((Z_95, "95%"), (Z_998, "99.8%"))


@dataclass(frozen=True)
class Dispersion:
    """The overdispersion test of :func:`dispersion`.

    Attributes
    ----------
    n_units : int
        Units whose z-scores were used.
    phi : float
        ``sum(z_winsorised**2) / n``; NaN with fewer than :data:`MIN_UNITS` units.
    statistic : float
        ``n * phi``, compared with chi-squared on ``df`` degrees of freedom.
    df : int
        ``n - 1``.
    p_value : float
        ``P(chi2(df) >= n * phi)``; NaN when not tested.
    overdispersed : bool
        ``p_value < level``.
    tau2 : float
        DerSimonian-Laird between-unit variance on the z-scores' scale (0 when
        ``n * phi <= n - 1``; NaN when not tested).
    """

    n_units: int
    phi: float
    statistic: float
    df: int
    p_value: float
    overdispersed: bool
    tau2: float

    @property
    def tested(self) -> bool:
        return not math.isnan(self.phi)


def winsorise(z, fraction: float = WINSOR_FRACTION) -> np.ndarray:
    """``z`` with values below its ``fraction`` percentile set to that percentile and values
    above its ``1 - fraction`` percentile set to that one (linear interpolation, R's type 7).

    Examples
    --------
    ``[-3, -1, 0, 1, 5]`` at 10%: the 10th percentile is ``-3 + 0.4 * (-1 - -3) = -2.2`` and the
    90th ``1 + 0.6 * (5 - 1) = 3.4``, so ``[-2.2, -1, 0, 1, 3.4]``.
    """
    values = np.asarray(z, dtype=float)
    if values.size == 0:
        return values
    low, high = np.percentile(values, [100 * fraction, 100 * (1 - fraction)])
    return np.clip(values, low, high)


def dispersion(z, s, fraction: float = WINSOR_FRACTION, level: float = TEST_LEVEL) -> Dispersion:
    """Test z-scores for overdispersion and estimate ``phi`` and ``tau2`` (Spiegelhalter 2005).

    Parameters
    ----------
    z : array-like
        Unadjusted z-scores ``(Y - target) / s``, one per unit (NaN units are left out).
    s : array-like
        Each unit's standard error on the same scale (for ``tau2``'s weights ``1 / s**2``).
    fraction : float, default 0.1
        Winsorised at each end.
    level : float, default 0.05
        Overdispersion is present when the chi-squared test's p-value is below this.

    Returns
    -------
    Dispersion
    """
    from scipy import stats as scipy_stats

    z = np.asarray(z, dtype=float)
    s = np.asarray(s, dtype=float)
    keep = ~(np.isnan(z) | np.isnan(s)) & (s > 0)
    z, s = z[keep], s[keep]
    n = int(z.size)
    if n < MIN_UNITS:
        return Dispersion(n, math.nan, math.nan, max(n - 1, 0), math.nan, False, math.nan)
    phi = float(np.sum(winsorise(z, fraction) ** 2) / n)
    statistic = n * phi
    df = n - 1
    p_value = float(scipy_stats.chi2.sf(statistic, df))
    w = 1.0 / s**2
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (statistic - df) / denominator) if denominator > 0 else 0.0
    return Dispersion(n, phi, statistic, df, p_value, p_value < level, tau2)


def _method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    return method


def method_used(requested: str, test: Dispersion) -> str:
    """The adjustment actually applied: the requested one when overdispersion is present,
    otherwise ``"poisson"``."""
    return _method(requested) if test.overdispersed and requested != "poisson" else "poisson"


def dispersion_text(test: Dispersion, what: str) -> str:
    """The test's result in words, e.g. "The areas' rates vary more than chance alone would
    make them (overdispersion factor 9.6; chi-squared 96.0 on 9 degrees of freedom, p < 0.001)"."""
    if not test.tested:
        return (
            f"Too few units ({test.n_units}) to test whether {what} vary more than chance "
            "alone would make them"
        )
    detail = (
        f"overdispersion factor {test.phi:.2f}; chi-squared {test.statistic:.1f} on {test.df} "
        f"degrees of freedom, {stats.format_p_value(test.p_value, TEST_LEVEL)}"
    )
    if test.overdispersed:
        return (
            f"{what[0].upper() + what[1:]} vary more than chance alone would make them ({detail})"
        )
    return (
        f"No evidence that {what} vary more than chance alone would make them at the "
        f"{TEST_LEVEL * 100:g}% level ({detail})"
    )


def _adjustment_text(method: str, test: Dispersion, scale: str) -> str:
    if method == "additive":
        return (
            "additive random effects (between-unit standard deviation "
            f"{math.sqrt(test.tau2):.3f} on the {scale} scale; DerSimonian-Laird estimate from "
            "10% winsorised z-scores, Spiegelhalter 2005)"
        )
    if method == "multiplicative":
        return (
            f"a multiplicative factor (standard errors times the square root of "
            f"{test.phi:.2f}; Spiegelhalter 2005)"
        )
    return "no adjustment"


def _position(z_value: float, thresholds=_LIMIT_LABELS) -> str:
    if math.isnan(z_value):
        return "no population"
    position = "within"
    for multiple, label in thresholds:
        if z_value > multiple:
            position = f"above {label}"
        elif z_value < -multiple:
            position = f"below {label}"
    return position


# --------------------------------------------------------------------------------------------
# funnel plot of rates


@dataclass(frozen=True)
class RateFunnel:
    """A funnel plot of rates with the overdispersion judgement (:func:`rate_funnel`).

    Attributes
    ----------
    units : pandas.DataFrame
        One row per unit, indexed by unit: ``count``, ``exposure``, ``expected`` (target x
        exposure / per), ``rate`` (per ``per``), ``z`` (unadjusted, square-root scale),
        ``z_winsorised``, ``z_adjusted`` (against the limits in use), ``p_value`` (two-sided:
        exact Poisson without adjustment, normal on the adjusted z with it), ``lower_95``,
        ``upper_95``, ``lower_99.8``, ``upper_99.8`` (rates per ``per``) and ``position``
        ("within", "above 95%", "above 99.8%", "below 95%", "below 99.8%", or "no population"
        for a unit without a positive exposure, left out of everything else).
    target : float
        The centre line, a rate per ``per``.
    per : float
        Rates are per this many of the exposure (1,000 residents).
    requested : str
        The adjustment asked for when overdispersion is present.
    method : str
        The one applied: ``"additive"``, ``"multiplicative"`` or ``"poisson"`` (none).
    test : Dispersion
    """

    units: pd.DataFrame
    target: float
    per: float
    requested: str
    method: str
    test: Dispersion

    @property
    def phi(self) -> float:
        return self.test.phi

    @property
    def tau2(self) -> float:
        return self.test.tau2

    def limits(self, exposure) -> pd.DataFrame:
        """Limits at any exposures (a grid to draw the funnel's lines): ``exposure``,
        ``expected``, ``rate`` (the target), ``lower_95``, ``upper_95``, ``lower_99.8``,
        ``upper_99.8`` as rates per ``per``."""
        exposure = np.atleast_1d(np.asarray(exposure, dtype=float))
        return _rate_limits(exposure, self.target, self.per, self.method, self.test)

    def outside(self, label: str = "95%") -> list:
        """The units outside the ``label`` limits (either side), in the units' order."""
        units = self.units
        wanted = {f"above {label}", f"below {label}"}
        if label == "95%":
            wanted |= {"above 99.8%", "below 99.8%"}
        return [u for u, pos in zip(units.index, units["position"], strict=True) if pos in wanted]

    def legend_label(self) -> str:
        """What the limit lines are, for a chart's legend title: "Exact Poisson limits" or
        "Limits widened for overdispersion (additive random effects)"."""
        if self.method == "poisson":
            return "Exact Poisson limits"
        kind = "additive random effects" if self.method == "additive" else "multiplicative"
        return f"Limits widened for overdispersion ({kind})"

    def description(self, what: str = "the areas' rates") -> str:
        """Two sentences for a caption or a note: the overdispersion test and the limits used."""
        first = dispersion_text(self.test, what) + "."
        if self.method == "poisson":
            if self.test.overdispersed:
                return first + " The limits are exact Poisson limits, not adjusted."
            return first + " The limits are exact Poisson limits."
        return (
            first + " So the 95% and 99.8% limits are widened by "
            f"{_adjustment_text(self.method, self.test, 'square-root')}."
        )


def _rate_limits(exposure, target, per, method, test) -> pd.DataFrame:
    expected = target * exposure / per
    frame = pd.DataFrame(
        {"exposure": exposure, "expected": expected, "rate": np.full_like(exposure, target)}
    )
    if method == "poisson":
        exact = stats.funnel_limits(exposure, target * 1000.0 / per, z=(Z_95, Z_998))
        scale = per / 1000.0
        for multiple, label in _LIMIT_LABELS:
            frame[f"lower_{label[:-1]}"] = exact[f"lower_{multiple:g}"].to_numpy() * scale
            frame[f"upper_{label[:-1]}"] = exact[f"upper_{multiple:g}"].to_numpy() * scale
        return frame
    with np.errstate(divide="ignore"):
        s = 1.0 / (2.0 * np.sqrt(expected))
    spread = np.sqrt(s**2 + test.tau2) if method == "additive" else np.sqrt(test.phi) * s
    for multiple, label in _LIMIT_LABELS:
        frame[f"lower_{label[:-1]}"] = target * np.maximum(1.0 - multiple * spread, 0.0) ** 2
        frame[f"upper_{label[:-1]}"] = target * (1.0 + multiple * spread) ** 2
    return frame


def _exact_two_sided(count: float, expected: float) -> float:
    from scipy import stats as scipy_stats

    upper = float(scipy_stats.poisson.sf(count - 1, expected))  # P(X >= count)
    lower = float(scipy_stats.poisson.cdf(count, expected))  # P(X <= count)
    return min(1.0, 2.0 * min(upper, lower))


def rate_funnel(
    counts,
    exposures,
    target: float | None = None,
    per: float = 1000.0,
    method: str = DEFAULT_METHOD,
    fraction: float = WINSOR_FRACTION,
    level: float = TEST_LEVEL,
) -> RateFunnel:
    """Funnel plot of rates with Spiegelhalter's (2005) overdispersion test and adjustment.

    Parameters
    ----------
    counts : pandas.Series or array-like
        Events per unit (whole numbers); a Series' index names the units.
    exposures : pandas.Series or array-like
        Each unit's exposure (residents), aligned with ``counts``; a unit with a missing or
        non-positive exposure is kept with position "no population" and left out of the test.
    target : float, optional
        The centre line as a rate per ``per`` (the force's or the national rate); default the
        units' pooled rate ``sum(counts) / sum(exposures) * per``.
    per : float, default 1000
        Rates per this many of the exposure.
    method : {"additive", "multiplicative", "poisson"}, default "additive"
        How the limits are widened *when overdispersion is present*; "poisson" never widens.
    fraction, level : float
        Winsorising fraction at each end (0.1) and the overdispersion test's level (0.05).

    Returns
    -------
    RateFunnel
        Per-unit z-scores, limits, p-values and positions, and the test (``phi``, ``tau2``,
        ``method`` used). ``RateFunnel.limits(grid)`` gives lines to draw.

    Examples
    --------
    Six areas of 25,000 residents at a target of 1 per 1,000 (expected 25 each) with 4, 9, 16,
    25, 36 and 49 events: ``z = 2 (sqrt(count) - 5)`` = -6, -4, -2, 0, 2, 4; the 10th and 90th
    percentiles are -5 and 3, so the winsorised squares add to 25 + 16 + 4 + 0 + 4 + 9 = 58,
    ``phi = 58 / 6 = 9.67`` and ``P(chi2(5) >= 58) < 0.001``: overdispersed. With ``w = 4 * 25
    = 100`` each, ``tau2 = (58 - 5) / (600 - 100) = 0.106``; the 95% limits widen from about
    15.2-34.8 events (exact Poisson) to ``25 * (1 -/+ 1.96 * sqrt(0.01 + 0.106))**2`` = 2.8-69.5.
    """
    from scipy import stats as scipy_stats

    _method(method)
    if isinstance(counts, pd.Series):
        names = counts.index
    elif isinstance(exposures, pd.Series):
        names = exposures.index
    else:
        names = pd.RangeIndex(len(np.atleast_1d(counts)))
    y = np.atleast_1d(np.asarray(counts, dtype=float))
    n = np.atleast_1d(np.asarray(exposures, dtype=float))
    if y.shape != n.shape:
        raise ValueError("counts and exposures must have one value per unit")
    if np.isnan(y).any() or (y < 0).any():
        raise ValueError("counts must be non-negative numbers")
    valid = ~np.isnan(n) & (n > 0)
    if target is None:
        if not valid.any():
            raise ValueError("no unit has a positive exposure, so there is no pooled rate")
        target = float(y[valid].sum() / n[valid].sum() * per)
    if not target > 0:
        raise ValueError("the target rate must be positive")
    expected = np.where(valid, target * np.where(valid, n, 1.0) / per, np.nan)
    z = 2.0 * (np.sqrt(y) - np.sqrt(expected))
    s = 1.0 / (2.0 * np.sqrt(expected))
    test = dispersion(z[valid], s[valid], fraction, level)
    used = method_used(method, test)
    units = pd.DataFrame(
        {"count": y, "exposure": n, "expected": expected, "rate": y / n * per, "z": z},
        index=names,
    )
    units.loc[~valid, "rate"] = np.nan
    wins = np.full_like(z, np.nan)
    if valid.any():
        wins[valid] = winsorise(z[valid], fraction)
    units["z_winsorised"] = wins
    if used == "poisson":
        units["z_adjusted"] = z
        units["p_value"] = [
            _exact_two_sided(c, e) if ok else np.nan
            for c, e, ok in zip(y, expected, valid, strict=True)
        ]
    else:
        spread = np.sqrt(s**2 + test.tau2) if used == "additive" else np.sqrt(test.phi) * s
        units["z_adjusted"] = (np.sqrt(y / expected) - 1.0) / spread
        units["p_value"] = 2.0 * scipy_stats.norm.sf(np.abs(units["z_adjusted"]))
    limits = _rate_limits(np.where(valid, n, 1.0), target, per, used, test)
    for column in ("lower_95", "upper_95", "lower_99.8", "upper_99.8"):
        units[column] = np.where(valid, limits[column].to_numpy(), np.nan)
    if used == "poisson":
        units["position"] = [
            # expected e as "population e * 1000 at 1 per 1,000": the exact Poisson position
            stats.funnel_position(c, e * 1000.0, 1.0) if ok else "no population"
            for c, e, ok in zip(y, expected, valid, strict=True)
        ]
    else:
        units["position"] = [_position(v) for v in units["z_adjusted"]]
    return RateFunnel(units, float(target), float(per), method, used, test)


# --------------------------------------------------------------------------------------------
# change between two windows, by unit


@dataclass(frozen=True)
class ChangeJudgement:
    """Whether each unit's change between two windows differs from the units' pooled change
    beyond chance, allowing for the spread of the units' changes (:func:`change_judgement`).

    Attributes
    ----------
    units : pandas.DataFrame
        One row per unit: ``previous``, ``current``, ``log_ratio`` (``log((current + 0.5) /
        (previous + 0.5))``), ``s`` (its standard error), ``z`` (against the pooled change),
        ``p_exact`` (exact Poisson test of no change in the unit itself), ``p_value`` (the
        verdict's: the unit's change against the pooled change) and ``significant``
        (``p_value < alpha``).
    pooled_log_ratio : float
        ``log((sum(current) + 0.5) / (sum(previous) + 0.5))`` (NaN when both sums are 0).
    requested, method : str
        The adjustment asked for and the one applied (``"poisson"``: none, the exact test).
    test : Dispersion
    alpha : float
    """

    units: pd.DataFrame
    pooled_log_ratio: float
    requested: str
    method: str
    test: Dispersion
    alpha: float = stats.ALPHA

    @property
    def phi(self) -> float:
        return self.test.phi

    @property
    def tau2(self) -> float:
        return self.test.tau2

    def description(self, units: str = "areas", unit: str = "area") -> str:
        """Sentences for a table's caption or note: the test for overdispersion in the changes
        and how each unit's change was judged (``units``/``unit``: "NPTs"/"NPT")."""
        first = dispersion_text(self.test, f"the {units}' changes") + "."
        if self.method == "poisson":
            how = (
                f" Each {unit}'s change is compared with the {units}' pooled change by the "
                f"exact Poisson test (the {unit}'s current count is Binomial(its total, the "
                f"{units}' current share)): does it differ from the pooled change beyond chance?"
            )
            if self.test.overdispersed:
                how += " It is not adjusted for the overdispersion."
            return first + how
        return (
            first + f" So each {unit}'s change is judged "
            f"against the spread of the {units}' changes, not by the Poisson test alone: the "
            "variance of its log change ratio is widened by "
            f"{_adjustment_text(self.method, self.test, 'log-ratio')}, and a two-sided normal "
            f"test asks whether it differs from the {units}' pooled change by more than chance "
            f"and that spread."
        )


def change_judgement(
    previous,
    current,
    method: str = DEFAULT_METHOD,
    alpha: float = stats.ALPHA,
    fraction: float = WINSOR_FRACTION,
    level: float = TEST_LEVEL,
) -> ChangeJudgement:
    """Judge whether each unit's change between two equal windows differs from the units'
    pooled change, with Spiegelhalter's (2005) overdispersion adjustment of the funnel of change
    ratios.

    Each unit's log change ratio ``Y = log((current + 0.5) / (previous + 0.5))`` has variance
    ``s**2 = current / (current + 0.5)**2 + previous / (previous + 0.5)**2`` (delta method; the
    0.5 keeps zero counts finite; FunnelPlotR's ratio-of-counts form). The centre is the units'
    pooled change with the same 0.5, ``c = log((sum(current) + 0.5) / (sum(previous) + 0.5))``,
    and the z-scores ``(Y - c) / s`` are tested for overdispersion (:func:`dispersion`). The
    null hypothesis of every verdict is that the unit's change equals the pooled one (the
    question Spiegelhalter's funnel answers: does this unit differ from the whole, beyond the
    between-unit spread?), so the spread is estimated and used around the same centre. Where
    overdispersion is present, ``z = (Y - c) / sqrt(s**2 + tau2)`` (additive) or ``(Y - c) /
    (sqrt(phi) s)`` (multiplicative), two-sided normal p-value. Otherwise the exact
    conditional Poisson test of the same null decides: the unit's current count is
    ``Binomial(previous + current, e**c / (1 + e**c))``, two-sided (scipy's ``binomtest``).
    ``p_exact`` is the separate exact test of no change in the unit itself
    (:func:`perfpack.core.stats.poisson_change_test`). Units with no events in either window take
    no part in the test (p = 1).

    Parameters
    ----------
    previous, current : pandas.Series or array-like
        Counts per unit in the two windows (a Series' index names the units).
    method : {"additive", "multiplicative", "poisson"}, default "additive"
    alpha : float, default 0.05
        The verdict's level.
    fraction, level : float
        Winsorising fraction (0.1) and the overdispersion test's level (0.05).

    Returns
    -------
    ChangeJudgement
    """
    from scipy import stats as scipy_stats

    _method(method)
    names = previous.index if isinstance(previous, pd.Series) else None
    x = np.atleast_1d(np.asarray(previous, dtype=float))
    y = np.atleast_1d(np.asarray(current, dtype=float))
    if x.shape != y.shape:
        raise ValueError("previous and current must have one count per unit")
    if names is None:
        names = pd.RangeIndex(len(x))
    log_ratio = np.log((y + 0.5) / (x + 0.5))
    s = np.sqrt(y / (y + 0.5) ** 2 + x / (x + 0.5) ** 2)
    some = (x + y) > 0
    pooled = math.log((y.sum() + 0.5) / (x.sum() + 0.5)) if some.any() else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(some, (log_ratio - pooled) / s, np.nan)
    test = (
        dispersion(z[some], s[some], fraction, level)
        if not math.isnan(pooled)
        else Dispersion(int(some.sum()), math.nan, math.nan, 0, math.nan, False, math.nan)
    )
    used = method_used(method, test)
    p_exact = np.array([stats.poisson_change_test(a, b).p_value for a, b in zip(x, y, strict=True)])
    if used == "poisson":
        share = math.exp(pooled) / (1.0 + math.exp(pooled)) if some.any() else 0.5
        p_value = np.array(
            [
                float(scipy_stats.binomtest(int(b), int(a + b), share).pvalue) if a + b else 1.0
                for a, b in zip(x, y, strict=True)
            ]
        )
    else:
        spread = np.sqrt(s**2 + test.tau2) if used == "additive" else np.sqrt(test.phi) * s
        with np.errstate(divide="ignore", invalid="ignore"):
            p_value = np.where(
                some, 2.0 * scipy_stats.norm.sf(np.abs(log_ratio - pooled) / spread), 1.0
            )
    units = pd.DataFrame(
        {
            "previous": x.astype(int),
            "current": y.astype(int),
            "log_ratio": log_ratio,
            "s": s,
            "z": z,
            "p_exact": p_exact,
            "p_value": p_value,
        },
        index=names,
    )
    units["significant"] = units["p_value"] < alpha
    return ChangeJudgement(units, pooled, method, used, test, alpha)
