"""Statistical process control for monthly counts: XmR limits and the NHS "Making Data Count"
special-cause rules as NHSRplotthedots applies them, baselines and rebases, and the latest
signal in words (the chart is :mod:`perfpack.present.spc_chart`).

Definitions (NHS England "Making Data Count"; Wheeler's XmR chart; the NHS-R community's
NHSRplotthedots package, ``ptd_spc_standard`` and ``ptd_calculate_point_type``):

- moving range ``MR_t = |x_t - x_(t-1)|``; ``MR̄`` is the mean moving range. Outlying moving
  ranges (``MR_t >= 3.267 × MR̄``) are screened out and ``MR̄`` recomputed (Nelson 1982,
  NHSRplotthedots' default ``screen_outliers = TRUE``);
- process limits ``mean ± 2.66 × MR̄`` (the lower drawn floored at 0 for counts), so one sigma is
  ``2.66 × MR̄ / 3`` and the "close to a limit" lines are ``mean ± 2 sigma``;
- a **baseline** of ``n`` points (``fix_after_n_points``): mean and ``MR̄`` come from the first
  ``n`` points of each rebase segment and are then fixed; later points are judged against them;
- a **rebase** starts a new segment at a dated change (data/reference/interventions.csv): limits
  and rules are computed separately in each segment, and every rebase carries its reason;
- special cause in a segment when any of (first that applies names the point):

  1. **limit**: a point above the upper or below the lower process limit;
  2. **trend**: 7 or more consecutive points each higher (or each lower) than the one before (a
     repeated value breaks the trend);
  3. **two of three**: 2 of 3 consecutive points close to a limit (beyond 2 sigma, inside the
     limit) with all 3 on the same side of the mean; the close points are flagged;
  4. **shift**: 7 or more consecutive points all above, or all below, the mean (a point exactly
     on the mean breaks the run).

A special-cause point is "high" or "low" as NHSRplotthedots 0.2.x has it (``ptd_point_type``;
PR #180 fixing issue #171, as the NHS England Excel tool): a trend point by the trend's
direction (a falling trend is "low" even above the mean), any other by its side of the mean
(0.1.0 used the side for all). With the target direction it is *improvement* (high for
Increase, low for Reduction) or *concern*; other points are *common cause*. The lower lines
are floored at 0 only where drawn (counts; NHSRplotthedots does not floor): the rules use the
unfloored lines, so flooring changes no outcome.

A shift (rule 4) that starts after a segment's first point is a **suggested rebase**
(:func:`suggested_rebases`): NHSRplotthedots' "number of points required" vignette says limits
may be revised from the start of a long run *if the cause is understood*. It is reported, and
applied only where data/reference/spc_settings.csv gives the sourced cause for the theme.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Points in a run (shift) or a trend that make a special cause.
RUN_LENGTH = 7
#: XmR constant: 3 / d2 with d2 = 1.128 for moving ranges of two points.
LIMIT_FACTOR = 2.66
#: Moving ranges at or above this multiple of the mean moving range are screened out
#: (Nelson 1982; the upper limit of a moving-range chart, 3.267 = D4 for n = 2).
MR_SCREEN_FACTOR = 3.267
#: Fewer points than this and the limits are not yet reliable (the chart says so).
MIN_POINTS = 12

IMPROVEMENT = "improvement"
CONCERN = "concern"
COMMON_CAUSE = "common cause"
DIRECTIONS = ("Reduction", "Increase")

_RULE_PRECEDENCE = ("beyond_limit", "trend", "two_of_three", "shift")
_LIMIT_KEYS = ("mean", "mr_mean", "sigma", "ucl", "lcl", "upper_2sigma", "lower_2sigma")


def xmr_limits(
    values,
    floor_at_zero: bool = True,
    baseline: int | None = None,
    screen_outliers: bool = True,
) -> dict:
    """Mean, mean moving range, sigma and process limits of a series.

    Parameters
    ----------
    values : array-like of float
        The points in time order (missing values are not allowed).
    floor_at_zero : bool, default True
        Floor the lower limit at 0 (counts cannot be negative).
    baseline : int, optional
        Compute the limits from the first ``baseline`` points only (NHSRplotthedots'
        ``fix_after_n_points``; default: all points).
    screen_outliers : bool, default True
        Leave moving ranges of at least 3.267 × the mean moving range out of the mean moving
        range (NHSRplotthedots' default; the "Making Data Count" Excel tools do not screen).

    Returns
    -------
    dict
        ``mean``, ``mr_mean``, ``sigma``, ``ucl``, ``lcl``, ``upper_2sigma``, ``lower_2sigma``,
        ``n_points``. With one point the moving range is undefined and the limits equal the mean.
    """
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise ValueError("an XmR chart needs at least one point")
    if np.isnan(array).any():
        raise ValueError("an XmR chart cannot have missing values; fill missing months with 0")
    base = array if baseline is None else array[:baseline]
    mean = float(base.mean())
    ranges = np.abs(np.diff(base))
    mr_mean = float(ranges.mean()) if ranges.size else 0.0
    if screen_outliers and ranges.size:
        kept = ranges[ranges < MR_SCREEN_FACTOR * mr_mean]
        mr_mean = float(kept.mean()) if kept.size else mr_mean
    sigma = LIMIT_FACTOR * mr_mean / 3
    lcl = mean - LIMIT_FACTOR * mr_mean
    lower_2sigma = mean - 2 * sigma
    if floor_at_zero:
        lcl, lower_2sigma = max(lcl, 0.0), max(lower_2sigma, 0.0)
    return {
        "mean": mean,
        "mr_mean": mr_mean,
        "sigma": sigma,
        "ucl": mean + LIMIT_FACTOR * mr_mean,
        "lcl": lcl,
        "upper_2sigma": mean + 2 * sigma,
        "lower_2sigma": lower_2sigma,
        "n_points": int(array.size),
    }


def _runs(signs: np.ndarray, min_length: int) -> np.ndarray:
    """Boolean mask of positions in runs of ``min_length`` or more equal non-zero signs."""
    flagged = np.zeros(signs.size, dtype=bool)
    start = 0
    for i in range(1, signs.size + 1):
        if i == signs.size or signs[i] != signs[start]:
            if signs[start] != 0 and i - start >= min_length:
                flagged[start:i] = True
            start = i
    return flagged


def _run_length_at(signs: np.ndarray, position: int) -> int:
    """Length of the run of equal signs that contains ``position``."""
    value = signs[position]
    left = position
    while left > 0 and signs[left - 1] == value:
        left -= 1
    right = position
    while right + 1 < signs.size and signs[right + 1] == value:
        right += 1
    return right - left + 1


def _segment_rules(array: np.ndarray, limits: dict) -> dict:
    """The four rules on one segment: per rule a (high, low) pair of boolean masks."""
    n = array.size
    side = np.sign(np.round(array - limits["mean"], 12)).astype(int)
    above_limit = array > limits["ucl"]
    below_limit = array < limits["lcl"]
    outside = above_limit | below_limit

    shift = _runs(side, RUN_LENGTH)

    steps = np.sign(np.diff(array)).astype(int)
    in_trend = np.zeros(n, dtype=bool)
    step_runs = _runs(steps, RUN_LENGTH - 1)  # 6 steps join 7 points
    for i, flagged in enumerate(step_runs):
        if flagged:
            in_trend[i] = in_trend[i + 1] = True
    # a trend point is high/low by the trend's direction, not its side of the mean; a point in
    # two trends takes the step to its right (NHSRplotthedots 0.2.x ptd_special_cause_type)
    direction = np.zeros(n, dtype=int)
    for i in np.flatnonzero(in_trend):
        right = i + 1 < n and step_runs[i]
        direction[i] = steps[i] if right else steps[i - 1]

    has_spread = limits["mr_mean"] > 0
    close = (
        ~outside & ((array > limits["upper_2sigma"]) | (array < limits["lower_2sigma"]))
        if has_spread
        else np.zeros(n, dtype=bool)
    )
    two = np.zeros(n, dtype=bool)
    for start in range(max(n - 2, 0)):
        window = slice(start, start + 3)
        if close[window].sum() >= 2 and abs(side[window].sum()) == 3:
            two[window] |= close[window]
    return {
        "beyond_limit": (above_limit, below_limit),
        "trend": (in_trend & (direction > 0), in_trend & (direction < 0)),
        "two_of_three": (two & (side > 0), two & (side < 0)),
        "shift": (shift & (side > 0), shift & (side < 0)),
    }


def _segment_starts(n: int, rebase) -> list[int]:
    starts = sorted({int(p) for p in (rebase or ()) if 0 < int(p) < n})
    return [0, *starts]


def special_causes(
    values,
    improvement: str = "Reduction",
    floor_at_zero: bool = True,
    baseline: int | None = None,
    rebase=(),
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """Apply the four "Making Data Count" rules to a series and class every point.

    Parameters
    ----------
    values : array-like of float
        Points in time order.
    improvement : {"Reduction", "Increase"}
        Which direction is good (the theme's ``target_direction``).
    floor_at_zero : bool, default True
        Report the lower limit and lower 2-sigma line floored at 0 (the rules are judged on
        the unfloored lines either way).
    baseline : int, optional
        Points of each segment the limits are computed from (default: all).
    rebase : sequence of int, optional
        Positions where a new segment starts (positions 0 or past the end are ignored).
    screen_outliers : bool, default True
        Screen outlying moving ranges (:func:`xmr_limits`).

    Returns
    -------
    pandas.DataFrame
        One row per point (positional index): ``value``; ``segment`` (0, 1, ... after each
        rebase); ``in_baseline`` (the point is one the limits come from); the segment's
        ``mean``, ``mr_mean``, ``sigma``, ``ucl``, ``lcl``, ``upper_2sigma``, ``lower_2sigma``;
        ``beyond_limit``, ``trend``, ``two_of_three``, ``shift`` (bool, the rule fired at this
        point); ``high``/``low`` (bool, special cause on the high / low side);
        ``special_cause`` (bool); ``rule`` (the first rule that fired, in the order limit,
        trend, two of three, shift, or ""); ``signal`` ("improvement", "concern" or "common
        cause").
    """
    if improvement not in DIRECTIONS:
        raise ValueError(f"improvement must be one of {DIRECTIONS}, got {improvement!r}")
    array = np.asarray(values, dtype=float)
    n = array.size
    starts = _segment_starts(n, rebase)
    table = pd.DataFrame({"value": array})
    table["segment"] = 0
    table["in_baseline"] = False
    for key in _LIMIT_KEYS:
        table[key] = np.nan
    high = {rule: np.zeros(n, dtype=bool) for rule in _RULE_PRECEDENCE}
    low = {rule: np.zeros(n, dtype=bool) for rule in _RULE_PRECEDENCE}
    for number, (start, stop) in enumerate(zip(starts, [*starts[1:], n], strict=True)):
        part = array[start:stop]
        limits = xmr_limits(part, floor_at_zero, baseline, screen_outliers)
        # the rules use NHSRplotthedots' unfloored lines; the floor is for display only
        unfloored = xmr_limits(part, False, baseline, screen_outliers)
        table.loc[start : stop - 1, "segment"] = number
        fixed = part.size if baseline is None else min(baseline, part.size)
        table.loc[start : start + fixed - 1, "in_baseline"] = True
        for key in _LIMIT_KEYS:
            table.loc[start : stop - 1, key] = limits[key]
        for rule, (up, down) in _segment_rules(part, unfloored).items():
            high[rule][start:stop], low[rule][start:stop] = up, down
    for rule in _RULE_PRECEDENCE:
        table[rule] = high[rule] | low[rule]
    rule_names, highs, lows = [], [], []
    for i in range(n):
        chosen, is_high = "", False
        for rule in _RULE_PRECEDENCE:
            if high[rule][i] or low[rule][i]:
                chosen, is_high = rule, bool(high[rule][i])
                break
        rule_names.append(chosen)
        highs.append(bool(chosen) and is_high)
        lows.append(bool(chosen) and not is_high)
    table["high"] = highs
    table["low"] = lows
    table["special_cause"] = table["high"] | table["low"]
    table["rule"] = rule_names
    good_side = "high" if improvement == "Increase" else "low"
    bad_side = "low" if improvement == "Increase" else "high"
    table["signal"] = np.select(
        [table[good_side], table[bad_side]], [IMPROVEMENT, CONCERN], default=COMMON_CAUSE
    )
    return table


def _positions(index: pd.Index, months) -> list[int]:
    """Positions of ``months`` in ``index`` (a PeriodIndex takes 'YYYY-MM' text or Periods)."""
    found = []
    for month in months:
        key = pd.Period(month, freq="M") if isinstance(index, pd.PeriodIndex) else month
        if key in index:
            found.append(int(index.get_loc(key)))
    return found


def xmr(
    monthly: pd.Series,
    target_direction: str = "Reduction",
    floor_at_zero: bool = True,
    baseline: int | None = None,
    rebase=None,
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """The XmR table for a monthly series: limits, moving ranges and special causes per point.

    Parameters
    ----------
    monthly : pandas.Series
        Counts indexed by month (e.g. from :func:`perfpack.core.counts.monthly_counts`).
    target_direction : {"Reduction", "Increase"}
        The theme's direction of improvement.
    floor_at_zero : bool, default True
        Floor the lower process limit at 0 (counts).
    baseline : int, optional
        Points of each segment the limits are computed from (default: all).
    rebase : mapping of month to reason, optional
        Months (``"YYYY-MM"`` or Period) where the limits start again, each with its reason;
        months outside the series, or its first month, change nothing.
    screen_outliers : bool, default True
        Screen outlying moving ranges (:func:`xmr_limits`).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``monthly``: ``value``, ``moving_range`` (NaN for the first point), the
        columns of :func:`special_causes` (limits per segment and rule flags) and
        ``rebase_reason`` (the reason at the first month of each rebased segment, else "").
    """
    values = monthly.astype(float).to_numpy()
    reasons = dict(rebase or {})
    positions = {}
    for month, reason in reasons.items():
        for position in _positions(monthly.index, [month]):
            if 0 < position:
                positions[position] = str(reason)
    causes = special_causes(
        values, target_direction, floor_at_zero, baseline, list(positions), screen_outliers
    )
    table = pd.DataFrame(index=monthly.index.copy())
    table["value"] = values
    table["moving_range"] = np.concatenate([[np.nan], np.abs(np.diff(values))])
    for column in causes.columns.drop("value"):
        table[column] = causes[column].to_numpy()
    table["rebase_reason"] = [positions.get(i, "") for i in range(len(values))]
    return table


def suggested_rebases(table: pd.DataFrame) -> pd.DataFrame:
    """Sustained shifts the run rule found that a rebase could start from (never applied here).

    A run of :data:`RUN_LENGTH` or more points on one side of its segment's mean that starts
    after the segment's first point suggests the process changed where the run starts
    (NHSRplotthedots, vignette "Number of points required": limits may be revised from the
    start of a long run once its cause is understood).

    Parameters
    ----------
    table : pandas.DataFrame
        An :func:`xmr` table.

    Returns
    -------
    pandas.DataFrame
        One row per suggestion: ``month`` (index label where the run starts), ``position``,
        ``side`` ("above" or "below"), ``length`` (points in the run) and ``text``.
    """
    rows = []
    for _, part in table.groupby("segment", sort=True):
        side = np.sign(np.round(part["value"].to_numpy() - part["mean"].to_numpy(), 12))
        start = 0
        for i in range(1, side.size + 1):
            if i == side.size or side[i] != side[start]:
                if side[start] != 0 and i - start >= RUN_LENGTH and start > 0:
                    month = part.index[start]
                    where = "above" if side[start] > 0 else "below"
                    rows.append(
                        {
                            "month": month,
                            "position": int(table.index.get_loc(month)),
                            "side": where,
                            "length": i - start,
                            "text": f"suggested rebase from {month_text(month)}: {i - start} "
                            f"points in a row {where} the mean",
                        }
                    )
                start = i
    return pd.DataFrame(rows, columns=["month", "position", "side", "length", "text"])


def month_text(label) -> str:
    return f"{label:%B %Y}" if isinstance(label, pd.Period) else f"point {label}"


def summary(table: pd.DataFrame) -> str:
    """The latest point's signal in words, from an :func:`xmr` table.

    Examples: "special cause — concern: 7 points above the mean", "special cause —
    improvement: the latest point is below the lower process limit", "common cause variation:
    no special-cause pattern in the latest point". A warning is appended for every segment
    (baseline or rebase) with fewer than 12 points (:func:`provisional_segments`).
    """
    if table.empty:
        return "no data"
    last = table.iloc[-1]
    segment = table[table["segment"] == last["segment"]] if "segment" in table else table
    n = len(segment)
    if not last["special_cause"]:
        text = "common cause variation: no special-cause pattern in the latest point"
    else:
        rule = last["rule"]
        high = bool(last["high"])
        if rule == "beyond_limit":
            detail = (
                "the latest point is above the upper process limit"
                if high
                else "the latest point is below the lower process limit"
            )
        elif rule == "shift":
            side = np.sign(np.round(segment["value"].to_numpy() - segment["mean"].to_numpy(), 12))
            length = _run_length_at(side, n - 1)
            detail = f"{length} points {'above' if high else 'below'} the mean"
        elif rule == "trend":
            steps = np.sign(np.diff(segment["value"].to_numpy()))
            length = _run_length_at(steps, n - 2) + 1
            detail = f"{length} points {'rising' if high else 'falling'} in a row"
        else:
            detail = (
                f"2 of the last 3 points close to the {'upper' if high else 'lower'} process "
                "limit, all 3 on the same side of the mean"
            )
        text = f"special cause — {last['signal']}: {detail}"
    short = provisional_segments(table)
    if short:
        text += f" (provisional limits: {'; '.join(short)})"
    return text


def provisional_segments(table: pd.DataFrame) -> list[str]:
    """Each segment (the baseline and every rebase segment) with fewer than
    :data:`MIN_POINTS` points, in words: its limits are trial limits (NHSRplotthedots warns
    for every such group, ``ptd_add_short_group_warnings``; vignette "Number of points
    required").

    Returns
    -------
    list of str
        E.g. ["only 6 points from April 2018 to September 2018: fewer than 12, so the limits
        are provisional"]; empty when every segment has enough points.
    """
    if table.empty:
        return []
    groups = table.groupby("segment", sort=True) if "segment" in table else [(0, table)]
    texts = []
    for _, part in groups:
        n = len(part)
        if n < MIN_POINTS:
            span = (
                f"{month_text(part.index[0])} to {month_text(part.index[-1])}"
                if isinstance(part.index, pd.PeriodIndex)
                else f"points {part.index[0]} to {part.index[-1]}"
            )
            texts.append(
                f"only {n} points from {span}: fewer than {MIN_POINTS}, so the limits are "
                "provisional"
            )
    return texts


def rebase_notes(table: pd.DataFrame) -> list[str]:
    """The baseline, each applied rebase with its reason, and each suggested rebase, in words
    (for the chart's caption and the page)."""
    notes = []
    for segment, part in table.groupby("segment", sort=True):
        fixed = int(part["in_baseline"].sum())
        start = month_text(part.index[0])
        reason = part["rebase_reason"].iloc[0] if "rebase_reason" in part else ""
        lead = f"Rebased from {start}: {reason}. " if segment > 0 and reason else ""
        basis = (
            f"limits from all {fixed} points"
            if fixed == len(part)
            else f"limits fixed from the first {fixed} of {len(part)} points"
        )
        notes.append(f"{lead}From {start}: {basis}.")
    for row in suggested_rebases(table).itertuples():
        notes.append(
            f"Suggested rebase (not applied): {row.length} points in a row {row.side} the mean "
            f"from {month_text(row.month)}; the limits could be revised from there once the "
            "cause is understood."
        )
    return notes
