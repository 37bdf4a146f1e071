"""The XmR chart of a monthly series (the calculation is :mod:`perfpack.core.spc`): the monthly
line, mean and process limits per segment, rebases and suggested rebases, points coloured and
shaped by signal, and the chart's alt text."""

from __future__ import annotations

import pandas as pd

from perfpack.core import spc
from perfpack.present import charts


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
    """An XmR chart: the monthly line, mean and process limits per segment, each rebase as a
    vertical line labelled with its reason's name (the text before its first ":"; the whole
    reason is in the alt text and :func:`perfpack.core.spc.rebase_notes`), suggested rebases as
    dotted lines, and points coloured and shaped by signal (improvement: blue circle; concern:
    orange triangle; common cause: grey).

    Parameters
    ----------
    monthly : pandas.Series
        Counts indexed by month.
    title : str
        The report's figure title, e.g. "Figure 1. Monthly volume of Personal Robbery".
    target_direction : {"Reduction", "Increase"}
    ylabel : str
    table : pandas.DataFrame, optional
        A precomputed :func:`perfpack.core.spc.xmr` or
        :func:`perfpack.themes.spc_themes.theme_xmr` table (computed when not given).

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and its alt text (what the chart shows, in words). When any segment has
        fewer than 12 points a warning is written on the chart.
    """
    table = spc.xmr(monthly, target_direction) if table is None else table
    fig, ax = charts.new_figure()
    x = _month_labels(table.index)
    ax.plot(x, table["value"], color=charts.NEUTRAL_COLOUR, linewidth=1.2, zorder=1)
    last = table.iloc[-1]
    for segment, part in table.groupby("segment", sort=True):
        px = _month_labels(part.index)
        final = segment == last["segment"]
        ax.plot(
            px,
            part["mean"],
            color="black",
            linewidth=1,
            label=f"Mean ({last['mean']:.0f})" if final else None,
        )
        ax.plot(
            px,
            part["ucl"],
            color="black",
            linestyle="--",
            linewidth=0.9,
            label=f"Process limits ({last['lcl']:.0f} to {last['ucl']:.0f})" if final else None,
        )
        ax.plot(px, part["lcl"], color="black", linestyle="--", linewidth=0.9)
        reason = part["rebase_reason"].iloc[0] if "rebase_reason" in part else ""
        if segment > 0:
            ax.axvline(px[0], color=charts.IMPROVEMENT_COLOUR, linewidth=1.2, label=None)
            ax.annotate(
                f"Rebased: {reason.split(':')[0]}" if reason else "Rebased",
                (px[0], 0.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, 3),
                textcoords="offset points",
                va="bottom",
                ha="left",
                rotation=90,
                fontsize="x-small",
            )
    for row in spc.suggested_rebases(table).itertuples():
        at = _month_labels(table.index[[row.position]])[0]
        ax.axvline(at, color=charts.CONCERN_COLOUR, linestyle=":", linewidth=1.2)
        ax.annotate(
            "Suggested rebase (not applied)",
            (at, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(-2, 3),
            textcoords="offset points",
            va="bottom",
            ha="right",
            rotation=90,
            fontsize="x-small",
            color=charts.CONCERN_COLOUR,
        )
    styles = {
        spc.COMMON_CAUSE: {"color": charts.NEUTRAL_COLOUR, "marker": "o", "s": 22},
        spc.IMPROVEMENT: {"color": charts.IMPROVEMENT_COLOUR, "marker": "o", "s": 55},
        spc.CONCERN: {"color": charts.CONCERN_COLOUR, "marker": "^", "s": 65},
    }
    labels = {
        spc.COMMON_CAUSE: "Common cause",
        spc.IMPROVEMENT: "Special cause: improvement",
        spc.CONCERN: "Special cause: concern",
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
                edgecolor="black" if signal != spc.COMMON_CAUSE else "none",
                linewidth=0.5,
            )
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    sizes = table.groupby("segment").size()
    if (sizes < spc.MIN_POINTS).any():
        short = ", ".join(str(int(n)) for n in sizes[sizes < spc.MIN_POINTS])
        ax.text(
            0.5,
            0.04,
            f"Warning: provisional limits (segments of {short} points; "
            f"limits need at least {spc.MIN_POINTS}).",
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
    final = table.iloc[-1]
    return (
        f"{title}: XmR chart of {len(table)} monthly values {span}. Mean "
        f"{final['mean']:.0f}, process limits {final['lcl']:.0f} to "
        f"{final['ucl']:.0f}. {last}: {final['value']:.0f}. "
        f"Target direction: {target_direction.lower()}. Special-cause points: "
        f"{int(counts.get(spc.IMPROVEMENT, 0))} improvement, "
        f"{int(counts.get(spc.CONCERN, 0))} concern. "
        f"Latest signal: {spc.summary(table)}. " + " ".join(spc.rebase_notes(table))
    ).rstrip()
