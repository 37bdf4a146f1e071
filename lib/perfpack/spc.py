"""Statistical process control for monthly counts: XmR limits and the NHS "Making Data Count"
special-cause rules, a chart, and the latest signal in words.

Definitions (NHS England / NHS Improvement, "Making Data Count", and Wheeler's XmR chart):

- moving range ``MR_t = |x_t - x_(t-1)|``; ``MR̄`` is the mean moving range;
- process limits ``mean ± 2.66 × MR̄`` (the lower floored at 0 for counts);
- sigma ``= MR̄ / 1.128`` (so the limits are mean ± 3 sigma);
- special cause when any of:

  1. **limit**: a point above the upper or below the lower process limit;
  2. **shift**: 7 or more consecutive points all above, or all below, the mean (a point exactly
     on the mean breaks the run);
  3. **trend**: 7 or more consecutive points each higher (or each lower) than the one before (a
     repeated value breaks the trend);
  4. **two of three**: 2 of any 3 consecutive points beyond mean ± 2 sigma on the same side (the
     points beyond 2 sigma are flagged).

Each special-cause point is "high" (above the mean / rising) or "low"; with the theme's target
direction it becomes *improvement* (high for Increase, low for Reduction) or *concern*. All
other points are *common cause*.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfpack import charts

#: Points in a run (shift) or a trend that make a special cause.
RUN_LENGTH = 7
#: XmR constants: 3 / d2 with d2 = 1.128 for moving ranges of two points.
LIMIT_FACTOR = 2.66
D2 = 1.128
#: Fewer points than this and the limits are not yet reliable (the chart says so).
MIN_POINTS = 12

IMPROVEMENT = "improvement"
CONCERN = "concern"
COMMON_CAUSE = "common cause"
DIRECTIONS = ("Reduction", "Increase")

_RULE_PRECEDENCE = ("beyond_limit", "two_of_three", "shift", "trend")
_RULE_WORDS = {
    "beyond_limit": "beyond a process limit",
    "two_of_three": "two of three points near a limit",
    "shift": "a run on one side of the mean",
    "trend": "a run rising or falling",
}


def xmr_limits(values, floor_at_zero: bool = True, baseline: int | None = None) -> dict:
    """Mean, mean moving range, sigma and process limits of a series.

    Parameters
    ----------
    values : array-like of float
        The points in time order (missing values are not allowed).
    floor_at_zero : bool, default True
        Floor the lower limit at 0 (counts cannot be negative).
    baseline : int, optional
        Compute the limits from the first ``baseline`` points only (default: all points).

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
    mr_mean = float(np.abs(np.diff(base)).mean()) if base.size > 1 else 0.0
    sigma = mr_mean / D2
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


def special_causes(
    values,
    improvement: str = "Reduction",
    floor_at_zero: bool = True,
    baseline: int | None = None,
) -> pd.DataFrame:
    """Apply the four "Making Data Count" rules to a series and class every point.

    Parameters
    ----------
    values : array-like of float
        Points in time order.
    improvement : {"Reduction", "Increase"}
        Which direction is good (the theme's ``target_direction``).
    floor_at_zero : bool, default True
        Floor the lower limit at 0.
    baseline : int, optional
        Points the limits are computed from (default: all).

    Returns
    -------
    pandas.DataFrame
        One row per point (positional index): ``value``; ``beyond_limit``, ``shift``,
        ``trend``, ``two_of_three`` (bool, the rule fired at this point); ``high``/``low``
        (bool, special cause on the high / low side); ``special_cause`` (bool); ``rule``
        (the first rule that fired, in the order limit, two of three, shift, trend, or "");
        ``signal`` ("improvement", "concern" or "common cause").
    """
    if improvement not in DIRECTIONS:
        raise ValueError(f"improvement must be one of {DIRECTIONS}, got {improvement!r}")
    array = np.asarray(values, dtype=float)
    limits = xmr_limits(array, floor_at_zero=floor_at_zero, baseline=baseline)
    mean = limits["mean"]
    n = array.size
    has_spread = limits["mr_mean"] > 0

    above_limit = array > limits["ucl"]
    below_limit = array < limits["lcl"]

    side = np.sign(np.round(array - mean, 12)).astype(int)
    shift = _runs(side, RUN_LENGTH)

    steps = np.sign(np.diff(array)).astype(int)
    trend_up = np.zeros(n, dtype=bool)
    trend_down = np.zeros(n, dtype=bool)
    step_runs = _runs(steps, RUN_LENGTH - 1)  # 6 steps join 7 points
    for i, flagged in enumerate(step_runs):
        if flagged:
            target = trend_up if steps[i] > 0 else trend_down
            target[i] = target[i + 1] = True

    near_high = (array > limits["upper_2sigma"]) if has_spread else np.zeros(n, dtype=bool)
    near_low = (array < limits["lower_2sigma"]) if has_spread else np.zeros(n, dtype=bool)
    two_high = np.zeros(n, dtype=bool)
    two_low = np.zeros(n, dtype=bool)
    for start in range(max(n - 2, 0)):
        window = slice(start, start + 3)
        if near_high[window].sum() >= 2:
            two_high[window] |= near_high[window]
        if near_low[window].sum() >= 2:
            two_low[window] |= near_low[window]

    rules_high = {
        "beyond_limit": above_limit,
        "two_of_three": two_high,
        "shift": shift & (side > 0),
        "trend": trend_up,
    }
    rules_low = {
        "beyond_limit": below_limit,
        "two_of_three": two_low,
        "shift": shift & (side < 0),
        "trend": trend_down,
    }
    table = pd.DataFrame({"value": array})
    for rule in _RULE_PRECEDENCE:
        table[rule] = rules_high[rule] | rules_low[rule]
    rule_names = []
    highs, lows = [], []
    for i in range(n):
        chosen, is_high = "", False
        for rule in _RULE_PRECEDENCE:
            if rules_high[rule][i] or rules_low[rule][i]:
                chosen, is_high = rule, bool(rules_high[rule][i])
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


def xmr(
    monthly: pd.Series,
    target_direction: str = "Reduction",
    floor_at_zero: bool = True,
    baseline: int | None = None,
) -> pd.DataFrame:
    """The XmR table for a monthly series: limits, moving ranges and special causes per point.

    Parameters
    ----------
    monthly : pandas.Series
        Counts indexed by month (e.g. from :func:`perfpack.counts.monthly_counts`).
    target_direction : {"Reduction", "Increase"}
        The theme's direction of improvement.
    floor_at_zero : bool, default True
        Floor the lower process limit at 0 (counts).
    baseline : int, optional
        Points the limits are computed from (default: all).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``monthly``: ``value``, ``mean``, ``moving_range`` (NaN for the first
        point), ``mr_mean``, ``sigma``, ``ucl``, ``lcl``, ``upper_2sigma``, ``lower_2sigma`` and
        the rule columns of :func:`special_causes` (``beyond_limit``, ``two_of_three``,
        ``shift``, ``trend``, ``high``, ``low``, ``special_cause``, ``rule``, ``signal``).
    """
    values = monthly.astype(float).to_numpy()
    limits = xmr_limits(values, floor_at_zero=floor_at_zero, baseline=baseline)
    causes = special_causes(values, target_direction, floor_at_zero, baseline)
    table = pd.DataFrame(index=monthly.index.copy())
    table["value"] = values
    for key in ("mean",):
        table[key] = limits[key]
    table["moving_range"] = np.concatenate([[np.nan], np.abs(np.diff(values))])
    for key in ("mr_mean", "sigma", "ucl", "lcl", "upper_2sigma", "lower_2sigma"):
        table[key] = limits[key]
    for column in causes.columns.drop("value"):
        table[column] = causes[column].to_numpy()
    return table


def summary(table: pd.DataFrame) -> str:
    """The latest point's signal in words, from an :func:`xmr` table.

    Examples: "special cause — concern: 7 points above the mean", "special cause —
    improvement: the latest point is below the lower process limit", "common cause variation:
    no special-cause pattern in the latest point". A warning is appended when there are fewer
    than 12 points.
    """
    if table.empty:
        return "no data"
    last = table.iloc[-1]
    n = len(table)
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
            side = np.sign(np.round(table["value"].to_numpy() - table["mean"].to_numpy(), 12))
            length = _run_length_at(side, n - 1)
            detail = f"{length} points {'above' if high else 'below'} the mean"
        elif rule == "trend":
            steps = np.sign(np.diff(table["value"].to_numpy()))
            length = _run_length_at(steps, n - 2) + 1
            detail = f"{length} points {'rising' if high else 'falling'} in a row"
        else:
            detail = (
                f"2 of the last 3 points close to the {'upper' if high else 'lower'} process limit"
            )
        text = f"special cause — {last['signal']}: {detail}"
    if n < MIN_POINTS:
        text += f" (only {n} points: fewer than {MIN_POINTS}, so the limits are provisional)"
    return text


def _month_labels(index) -> list:
    if isinstance(index, pd.PeriodIndex):
        return list(index.to_timestamp())
    return list(index)


def spc_chart(
    monthly: pd.Series,
    title: str,
    target_direction: str = "Reduction",
    ylabel: str = "Count per month",
    table: pd.DataFrame | None = None,
):
    """An XmR chart: the monthly line, mean, process limits and points coloured and shaped by
    signal (improvement: blue circle; concern: orange triangle; common cause: grey dot).

    Parameters
    ----------
    monthly : pandas.Series
        Counts indexed by month.
    title : str
        The report's figure title, e.g. "Figure 1. Monthly volume of Personal Robbery".
    target_direction : {"Reduction", "Increase"}
    ylabel : str
    table : pandas.DataFrame, optional
        A precomputed :func:`xmr` table (computed when not given).

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and its alt text (what the chart shows, in words). With fewer than 12 points
        a warning is written on the chart.
    """
    table = xmr(monthly, target_direction) if table is None else table
    fig, ax = charts.new_figure()
    x = _month_labels(table.index)
    ax.plot(x, table["value"], color=charts.NEUTRAL_COLOUR, linewidth=1.2, zorder=1)
    ax.plot(
        x, table["mean"], color="black", linewidth=1, label=f"Mean ({table['mean'].iloc[0]:.0f})"
    )
    ax.plot(
        x,
        table["ucl"],
        color="black",
        linestyle="--",
        linewidth=0.9,
        label=f"Process limits ({table['lcl'].iloc[0]:.0f} to {table['ucl'].iloc[0]:.0f})",
    )
    ax.plot(x, table["lcl"], color="black", linestyle="--", linewidth=0.9)
    styles = {
        COMMON_CAUSE: {"color": charts.NEUTRAL_COLOUR, "marker": "o", "s": 22},
        IMPROVEMENT: {"color": charts.IMPROVEMENT_COLOUR, "marker": "o", "s": 55},
        CONCERN: {"color": charts.CONCERN_COLOUR, "marker": "^", "s": 65},
    }
    labels = {
        COMMON_CAUSE: "Common cause",
        IMPROVEMENT: "Special cause: improvement",
        CONCERN: "Special cause: concern",
    }
    for signal, style in styles.items():
        mask = (table["signal"] == signal).to_numpy()
        if mask.any():
            ax.scatter(
                [xi for xi, m in zip(x, mask, strict=True) if m],
                table["value"][mask],
                color=style["color"],
                marker=style["marker"],
                s=style["s"],
                zorder=3,
                label=labels[signal],
                edgecolor="black" if signal != COMMON_CAUSE else "none",
                linewidth=0.5,
            )
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    n = len(table)
    if n < MIN_POINTS:
        ax.text(
            0.5,
            0.04,
            f"Warning: only {n} points; process limits need at least {MIN_POINTS}.",
            transform=ax.transAxes,
            ha="center",
            color=charts.CONCERN_COLOUR,
            fontweight="bold",
        )
    fig.autofmt_xdate()
    fig.tight_layout()
    alt = _alt_text(table, title, target_direction)
    return fig, alt


def _alt_text(table: pd.DataFrame, title: str, target_direction: str) -> str:
    index = table.index
    if isinstance(index, pd.PeriodIndex):
        span = f"from {index[0]:%B %Y} to {index[-1]:%B %Y}"
        last = f"{index[-1]:%B %Y}"
    else:
        span = f"over {len(table)} points"
        last = "the latest point"
    counts = table["signal"].value_counts()
    return (
        f"{title}: XmR chart of {len(table)} monthly values {span}. Mean "
        f"{table['mean'].iloc[0]:.0f}, process limits {table['lcl'].iloc[0]:.0f} to "
        f"{table['ucl'].iloc[0]:.0f}. {last}: {table['value'].iloc[-1]:.0f}. "
        f"Target direction: {target_direction.lower()}. Special-cause points: "
        f"{int(counts.get(IMPROVEMENT, 0))} improvement, {int(counts.get(CONCERN, 0))} concern. "
        f"Latest signal: {summary(table)}."
    )
