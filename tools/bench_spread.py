"""Repeated timings for ``make bench``: the median with its min-max (issue 15: every reported
ratio the median of at least 3 runs, min-max shown), and the ratios of alternating runs."""

from __future__ import annotations

import statistics


def spread(values) -> dict:
    """``{"median", "min", "max"}`` of ``values`` (all None when there are none)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None}
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def paired_ratios(measured, baseline) -> list[float]:
    """The ratio of each measured run to its baseline, runs taken in turn on a shared machine.

    With as many runs on each side, run ``i`` over baseline ``i``. With one more measured run
    than baseline runs (measured, baseline, measured, ..., measured), the mean of the two
    measured runs either side of baseline ``i`` over it, so drifting load affects both alike.
    """
    measured, baseline = list(measured), list(baseline)
    if len(measured) == len(baseline) + 1:
        measured = [(a + b) / 2 for a, b in zip(measured, measured[1:], strict=False)]
    if len(measured) != len(baseline):
        raise ValueError(f"{len(measured)} measured runs cannot pair with {len(baseline)}")
    return [m / b if b > 0 else float("nan") for m, b in zip(measured, baseline, strict=True)]


def spread_text(low, high, unit: str = "x", digits: int = 2) -> str:
    """`` (0.25-0.31x)``: the min-max of a repeated figure, or "" for a single run."""
    if low is None or high is None:
        return ""
    return f" ({low:.{digits}f}-{high:.{digits}f}{unit})"
