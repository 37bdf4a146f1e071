"""Shared statistics: whether a change between two counts is beyond chance, how a p-value and
its verdict are written, rates per 1,000, and the limits of a funnel plot for rates.

Every theme uses these one definitions:

- :func:`format_p_value` / :func:`format_p_number` -- the one p-value convention;
- :func:`significance_phrase`, :func:`significance_sentence`, :func:`significance_label`,
  :func:`significance_cell` -- the one wording of a verdict ("would be unusual by chance alone"
  below 5%, "no evidence of a change at the 5% level" otherwise);

- :func:`poisson_change_test` -- the exact (conditional binomial) test for two Poisson counts over
  equal exposure, with a plain-English verdict.
- :func:`rate_per_1000` -- a count per 1,000 residents.
- :func:`funnel_limits` -- Poisson control limits for rates per 1,000 around an overall rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

#: The significance level behind every verdict ("unusual by chance alone" below it).
ALPHA = 0.05
#: Significant figures a p-value is shown to (more only where rounding would cross ``ALPHA``).
P_SIGNIFICANT_FIGURES = 2
#: Below this a p-value is shown as "p < 0.001".
P_FLOOR = 0.001


def format_p_number(p_value: float, alpha: float = ALPHA) -> str:
    """A p-value as a number for a table cell: ``'0.025'``, ``'0.0496'``, ``'<0.001'``.

    The one convention every page uses (:func:`format_p_value` adds the "p ="):

    - below 0.001: ``'<0.001'`` (more digits say nothing the model can support);
    - otherwise two significant figures, rounded half up (0.02527 -> 0.025, 0.2176 -> 0.22,
      0.0625 -> 0.063, 1 -> 1.0), the precision recommended for p-values by CTSpedia's
      "Avoiding insufficient or excessive precision";
    - but never rounded across ``alpha``: where two figures would put a value on the other side
      of the threshold (0.0496 -> 0.050), one more figure at a time until it does not
      (0.0496, 0.04996), as JMIR's instructions to authors allow ("P=.049 instead of .05").

    Parameters
    ----------
    p_value : float
        A probability between 0 and 1.
    alpha : float, default 0.05
        The threshold a shown value must stay on the right side of.

    Returns
    -------
    str
        The number as text (no "p =").
    """
    p_value = float(p_value)
    if math.isnan(p_value) or not 0.0 <= p_value <= 1.0:
        raise ValueError(f"a p-value must be between 0 and 1, got {p_value!r}")
    if p_value < P_FLOOR:
        return f"<{P_FLOOR:g}"
    exact = Decimal(repr(p_value))
    threshold = Decimal(repr(float(alpha)))
    figures = P_SIGNIFICANT_FIGURES
    while True:
        # exponent of the last figure kept: 0.02527 has its first figure at 10^-2
        quantum = Decimal(1).scaleb(exact.adjusted() - figures + 1)
        shown = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        if shown.adjusted() > exact.adjusted():  # 0.0996 -> 0.100: still two figures, 0.10
            shown = shown.quantize(quantum.scaleb(1), rounding=ROUND_HALF_UP)
        if (shown < threshold) == (exact < threshold) or figures >= 15:
            break
        figures += 1
    return f"{shown:f}"


def format_p_value(p_value: float, alpha: float = ALPHA) -> str:
    """A p-value for prose: ``'p = 0.025'``, ``'p = 0.22'``, ``'p < 0.001'``.

    One formatter for every page (the overview and the appendices print the same p); the
    convention is :func:`format_p_number`'s.

    Parameters
    ----------
    p_value : float
        A probability between 0 and 1.
    alpha : float, default 0.05

    Returns
    -------
    str
    """
    number = format_p_number(p_value, alpha)
    return f"p < {number[1:]}" if number.startswith("<") else f"p = {number}"


def _level(alpha: float) -> str:
    return f"{float(alpha) * 100:g}%"


def significance_phrase(
    p_value: float, alpha: float = ALPHA, test: str | None = None, change: str = "change"
) -> str:
    """The verdict on a change as a clause, worded honestly.

    ``p < alpha``: "a change this size would be unusual by chance alone (p = 0.01)";
    otherwise "no evidence of a change at the 5% level (p = 0.06)". A p-value at or above the
    level is absence of evidence, never evidence that the change *is* chance.

    Parameters
    ----------
    p_value : float
    alpha : float, default 0.05
    test : str, optional
        The test's name, shown beside the p ("Fisher's exact test, p = 0.03").
    change : str, default "change"
        The movement named in the significant case ("fall", "rise").

    Returns
    -------
    str
        A clause starting in lower case, with no full stop.
    """
    shown = format_p_value(p_value, alpha)
    bracket = f"({test}, {shown})" if test else f"({shown})"
    if p_value < alpha:
        return f"a {change} this size would be unusual by chance alone {bracket}"
    return f"no evidence of a change at the {_level(alpha)} level {bracket}"


def significance_sentence(
    p_value: float, alpha: float = ALPHA, test: str | None = None, change: str = "change"
) -> str:
    """:func:`significance_phrase` as a sentence: "A fall this size would be unusual by
    chance alone (p = 0.025)." or "There is no evidence of a change at the 5% level
    (p = 0.22)."."""
    phrase = significance_phrase(p_value, alpha, test, change)
    if p_value >= alpha:
        phrase = "there is " + phrase
    return phrase[0].upper() + phrase[1:] + "."


def significance_label(p_value: float, alpha: float = ALPHA) -> str:
    """The verdict for a table cell: "Unusual by chance alone" or "No evidence of a change"
    (the column header names the level); "–" when there is no p-value."""
    if p_value is None or pd.isna(p_value):
        return "–"
    return "Unusual by chance alone" if p_value < alpha else "No evidence of a change"


def significance_cell(p_value: float, alpha: float = ALPHA) -> str:
    """Verdict and p for one table cell: "No evidence of a change (p = 0.22)"; "–" when there
    is no p-value."""
    if p_value is None or pd.isna(p_value):
        return "–"
    return f"{significance_label(p_value, alpha)} ({format_p_value(p_value, alpha)})"


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
        One plain-English sentence (:func:`significance_sentence`), e.g. "A fall this size
        would be unusual by chance alone (p = 0.025)." or "There is no evidence of a change at
        the 5% level (p = 0.22)."
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
        The level below which a change is called unusual by chance alone.

    Returns
    -------
    PoissonTest
        Counts, p-value, ``significant`` and a one-sentence verdict. With no events in either
        window the p-value is 1 and the verdict says there is nothing to test.

    Examples
    --------
    0 then 5: ``P = 2 * 0.5**5 = 0.0625`` -- five against none is no evidence of a change at the
    5% level.
    """
    from scipy import stats as scipy_stats

    previous, current = _whole_count(previous, "previous"), _whole_count(current, "current")
    total = previous + current
    if total == 0:
        return PoissonTest(previous, current, 1.0, False, change_verdict(0, 0, 1.0, alpha))
    p_value = float(scipy_stats.binomtest(current, total, 0.5).pvalue)
    p_value = min(1.0, p_value)
    significant = p_value < alpha
    verdict = change_verdict(previous, current, p_value, alpha)
    return PoissonTest(previous, current, p_value, significant, verdict)


def change_verdict(
    previous: int, current: int, p_value: float, alpha: float = ALPHA, test: str | None = None
) -> str:
    """The one-sentence verdict on a change from ``previous`` to ``current`` given its p-value.

    "There were no events in either period." (both 0), "The two periods have the same count
    (p = 1.0).", otherwise :func:`significance_sentence` with the movement ("A fall of this
    size would be unusual by chance alone (p = 0.025)." or "There is no evidence of a change at
    the 5% level (p = 0.22).").
    """
    if previous == 0 and current == 0:
        return "There were no events in either period."
    if current == previous:
        return f"The two periods have the same count ({format_p_value(p_value, alpha)})."
    movement = "fall" if current < previous else "rise"
    return significance_sentence(p_value, alpha, test, change=movement)


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
    from scipy import stats as scipy_stats

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
    from scipy import stats as scipy_stats

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
    from scipy import stats as scipy_stats

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
