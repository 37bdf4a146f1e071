"""Shared statistics: whether a change between two counts is beyond chance, rates per 1,000,
and the limits of a funnel plot for rates.

Every theme uses these one definitions:

- :func:`poisson_change_test` -- the exact (conditional binomial) test for two Poisson counts over
  equal exposure, with a plain-English verdict.
- :func:`rate_per_1000` -- a count per 1,000 residents.
- :func:`funnel_limits` -- Poisson control limits for rates per 1,000 around an overall rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

#: The significance level behind every "unlikely to be chance" verdict.
ALPHA = 0.05


def format_p_value(p_value: float) -> str:
    """A p-value for prose: ``'p < 0.001'``, ``'p = 0.004'`` (below 0.01) or ``'p = 0.03'``.

    Parameters
    ----------
    p_value : float
        A probability between 0 and 1.

    Returns
    -------
    str
        The value with the precision a reader needs (two decimals; three below 0.01 and
        within 0.005 of the 0.05 threshold).
    """
    if p_value < 0.001:
        return "p < 0.001"
    if p_value < 0.01 or abs(p_value - ALPHA) < 0.005:
        # three decimals near the threshold, so "p = 0.05" never stands beside a verdict
        return f"p = {p_value:.3f}"
    return f"p = {p_value:.2f}"


@dataclass(frozen=True)
class PoissonTest:
    """The result of :func:`poisson_change_test`.

    Attributes
    ----------
    previous, current : int
        The two counts compared (equal exposure: two 12-month windows).
    p_value : float
        Two-sided exact p-value; 1.0 when both counts are 0.
    significant : bool
        ``p_value < 0.05``.
    verdict : str
        One plain-English sentence, e.g. "A fall of this size is unlikely to be chance
        (p = 0.03)."
    """

    previous: int
    current: int
    p_value: float
    significant: bool
    verdict: str


def poisson_change_test(previous: int, current: int, alpha: float = ALPHA) -> PoissonTest:
    """Exact test of whether ``current`` differs from ``previous`` by more than chance.

    Two counts of independent events over equal exposure (e.g. offences in two 12-month
    windows) are modelled as Poisson. Conditional on their sum ``n = previous + current``, under
    "no change in the underlying rate" ``current ~ Binomial(n, 0.5)``; the two-sided exact p-value
    is ``scipy.stats.binomtest(current, n, 0.5)``. Because the null distribution is symmetric this
    equals ``min(1, 2 * P(X <= min(previous, current)))``.

    Parameters
    ----------
    previous, current : int
        Non-negative whole counts for the earlier and the later window.
    alpha : float, default 0.05
        The level below which a change is called unlikely to be chance.

    Returns
    -------
    PoissonTest
        Counts, p-value, ``significant`` and a one-sentence verdict. With no events in either
        window the p-value is 1 and the verdict says there is nothing to test.

    Examples
    --------
    0 then 5: ``P = 2 * 0.5**5 = 0.0625`` -- five against none is not yet beyond chance.
    """
    previous, current = _whole_count(previous, "previous"), _whole_count(current, "current")
    total = previous + current
    if total == 0:
        return PoissonTest(previous, current, 1.0, False, "There were no events in either period.")
    p_value = float(scipy_stats.binomtest(current, total, 0.5).pvalue)
    p_value = min(1.0, p_value)
    significant = p_value < alpha
    if current == previous:
        verdict = f"The two periods have the same count ({format_p_value(p_value)})."
    else:
        movement = "fall" if current < previous else "rise"
        likely = "unlikely" if significant else "likely"
        verdict = f"A {movement} of this size is {likely} to be chance ({format_p_value(p_value)})."
    return PoissonTest(previous, current, p_value, significant, verdict)


def _whole_count(value, name: str) -> int:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"{name} count is missing")
    if float(value) != int(value) or int(value) < 0:
        raise ValueError(f"{name} count must be a non-negative whole number, got {value!r}")
    return int(value)


def rate_per_1000(count: float, population: float) -> float:
    """``count / population * 1000``; NaN when the population is missing or not positive.

    Parameters
    ----------
    count : float
        Events in the window.
    population : float
        Resident population (the mid-year estimate).

    Returns
    -------
    float
        Events per 1,000 residents, unrounded.
    """
    if population is None or pd.isna(population) or population <= 0:
        return math.nan
    return float(count) / float(population) * 1000.0


def funnel_limits(
    population,
    overall_rate_per_1000: float,
    z: tuple[float, ...] = (1.96, 3.09),
    method: str = "spiegelhalter",
) -> pd.DataFrame:
    """Funnel-plot limits for rates per 1,000 around an overall (force) rate.

    An area of population ``n`` expects ``E = overall_rate_per_1000 * n / 1000`` events when its
    rate is the overall one; its count is taken as Poisson(E). For each ``z`` the tail
    probability each side is ``p = Phi(-z)`` (1.96 -> 2.5%, the 95% limits; 3.09 -> 0.1%, the
    99.8% limits). The limits, as counts, are then converted to rates (``/ n * 1000``):

    - ``method="spiegelhalter"`` (default; Spiegelhalter 2005, "Funnel plots for comparing
      institutional performance", as used by public-health funnel tools): the exact Poisson
      quantile ``r = F^-1(q; E)`` (the smallest count with ``F(r) >= q``, for ``q = p`` and
      ``q = 1 - p``) interpolated to a smooth line:
      ``r - (F(r) - q) / (F(r) - F(r - 1))``.
    - ``method="exact"``: the whole-count quantile ``r`` itself (limits step for small areas).
    - ``method="normal"``: the normal approximation ``E +/- z * sqrt(E)``.

    Every lower limit is floored at 0.

    Parameters
    ----------
    population : scalar or array-like
        Populations at which to give limits (e.g. each NPT's, or a grid for drawing).
    overall_rate_per_1000 : float
        The centre line (the force rate).
    z : tuple of float, default (1.96, 3.09)
        Standard-normal multiples; one pair of limits per value.
    method : {"spiegelhalter", "exact", "normal"}

    Returns
    -------
    pandas.DataFrame
        One row per population: ``population``, ``expected`` (E), ``rate_per_1000`` (the centre),
        then ``lower_<z>`` and ``upper_<z>`` for each z (e.g. ``lower_1.96``), as rates per 1,000.

    Examples
    --------
    E = 4 (population 4,000 at 1 per 1,000), 95%: the upper quantile is 8 (F(7) = 0.9489,
    F(8) = 0.9786), interpolated to ``8 - (0.9786 - 0.975) / (0.9786 - 0.9489) = 7.878`` events,
    a rate of 1.97 per 1,000; the exact method gives 8 events, 2.0 per 1,000.
    """
    if method not in ("spiegelhalter", "exact", "normal"):
        raise ValueError("method must be 'spiegelhalter', 'exact' or 'normal'")
    populations = np.atleast_1d(np.asarray(population, dtype=float))
    if (populations <= 0).any() or np.isnan(populations).any():
        raise ValueError("populations must be positive numbers")
    if overall_rate_per_1000 < 0:
        raise ValueError("the overall rate cannot be negative")
    expected = overall_rate_per_1000 * populations / 1000.0
    frame = pd.DataFrame(
        {
            "population": populations,
            "expected": expected,
            "rate_per_1000": np.full_like(populations, float(overall_rate_per_1000)),
        }
    )
    for multiple in z:
        tail = float(scipy_stats.norm.cdf(-multiple))
        if method == "normal":
            spread = multiple * np.sqrt(expected)
            lower_count, upper_count = expected - spread, expected + spread
        else:
            lower_count = _poisson_limit(tail, expected, method == "spiegelhalter")
            upper_count = _poisson_limit(1.0 - tail, expected, method == "spiegelhalter")
        frame[f"lower_{multiple:g}"] = np.maximum(lower_count, 0.0) / populations * 1000.0
        frame[f"upper_{multiple:g}"] = np.maximum(upper_count, 0.0) / populations * 1000.0
    return frame


def _poisson_limit(q: float, expected: np.ndarray, interpolate: bool) -> np.ndarray:
    """The q-quantile of Poisson(expected) as a count, optionally interpolated (Spiegelhalter)."""
    quantile = np.maximum(scipy_stats.poisson.ppf(q, expected), 0.0)
    if not interpolate:
        return quantile
    at = scipy_stats.poisson.cdf(quantile, expected)
    below = scipy_stats.poisson.cdf(quantile - 1, expected)
    step = at - below
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(step > 0, (at - q) / step, 0.0)
    return quantile - fraction


def funnel_position(
    count: float,
    population: float,
    overall_rate_per_1000: float,
    z: tuple[float, ...] = (1.96, 3.09),
) -> str:
    """Where an area sits on the funnel: ``'within'``, ``'above 95%'``, ``'above 99.8%'``,
    ``'below 95%'`` or ``'below 99.8%'``.

    Judged by exact Poisson tail probabilities of the count given the area's expected count
    (force rate x population): above the 95% limit when P(X >= count) < 0.025, the 99.8% limit
    when it is < 0.001 (likewise below with P(X <= count)). The funnel's drawn lines are the
    smoothed limits of :func:`funnel_limits`, so a point can sit a hair outside a line and still
    be within by this exact test.
    """
    if population is None or pd.isna(population) or population <= 0:
        return "no population"
    expected = overall_rate_per_1000 * population / 1000.0
    upper_tail = float(scipy_stats.poisson.sf(count - 1, expected))  # P(X >= count)
    lower_tail = float(scipy_stats.poisson.cdf(count, expected))  # P(X <= count)
    labels = {1.96: "95%", 3.09: "99.8%"}
    position = "within"
    for multiple in sorted(z):
        label = labels.get(multiple, f"z={multiple:g}")
        tail = float(scipy_stats.norm.sf(multiple))
        if upper_tail < tail:
            position = f"above {label}"
        elif lower_tail < tail:
            position = f"below {label}"
    return position
