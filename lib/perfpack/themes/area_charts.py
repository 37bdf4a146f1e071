"""The area charts of an appendix: the report's horizontal bars of the change per area (figures
5 and 8) and a funnel plot of the areas' rates per 1,000 around the force rate (Spiegelhalter,
2005). An area whose count is hidden on the page (:func:`perfpack.themes.areas.hidden_areas`)
is left out of both."""

from __future__ import annotations

import pandas as pd

from perfpack.core import overdispersion
from perfpack.core.change import round_half_up
from perfpack.present import charts, funnelplot
from perfpack.themes.areas import hidden_areas, months_text, n_decreased, plural_label


def change_chart(
    table: pd.DataFrame,
    title: str,
    target_direction: str = "Reduction",
    area_label: str = "NPT",
    n_months: int = 12,
):
    """Horizontal bars of the change in count per area (the report's figures 5 and 8), each
    labelled with its change and % change; falls and rises in two colour-blind-safe colours
    (blue for the target direction, orange against it). ``n_months``: each window's length.

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and its alt text.
    """
    left_out = hidden_areas(table)  # a change beside a shown count gives a hidden one away
    shown = table[~table["area"].isin(left_out)]
    ordered = shown.sort_values("change", ascending=True).reset_index(drop=True)
    fig, ax = charts.new_figure(figsize=(9, 0.45 * len(ordered) + 1.6))
    good_is_fall = target_direction != "Increase"
    colours = [
        charts.IMPROVEMENT_COLOUR
        if ((c < 0) == good_is_fall and c != 0)
        else (charts.NEUTRAL_COLOUR if c == 0 else charts.CONCERN_COLOUR)
        for c in ordered["change"]
    ]
    ax.barh(ordered["area"], ordered["change"], color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    span = max(ordered["change"].abs().max() if len(ordered) else 0, 1)
    for y, (change, pct) in enumerate(zip(ordered["change"], ordered["pct_change"], strict=True)):
        label = f"{change:+d} ({'n/a' if pd.isna(pct) else f'{round_half_up(pct):+.0f}%'})"
        offset = span * 0.02
        ax.text(
            change + (offset if change >= 0 else -offset),
            y,
            label,
            va="center",
            ha="left" if change >= 0 else "right",
            fontsize="small",
        )
    ax.set_xlim(-span * 1.45, span * 1.45)
    ax.set_title(title)
    ax.set_xlabel(f"Change in count, current vs previous {months_text(n_months)}")
    ax.set_ylabel(area_label)
    fig.tight_layout()
    falls = ordered[ordered["decreased"]]["area"].tolist()
    rises = ordered[ordered["change"] > 0]
    rise_text = "; ".join(
        f"{r.area} {r.change:+d}" for r in rises.sort_values("change", ascending=False).itertuples()
    )
    alt = (
        f"{title}: horizontal bar chart of the change in count for each of {len(ordered)} "
        f"{plural_label(area_label)}. {n_decreased(shown)} decreased "
        f"({', '.join(falls) or 'none'}). "
        f"Increases: {rise_text or 'none'}."
    )
    if left_out:
        alt += f" Left out, too few to publish: {len(left_out)}."
    return fig, alt


def funnel_chart(
    table: pd.DataFrame,
    force_rate: float,
    title: str,
    area_label: str = "NPT",
    method: str = overdispersion.DEFAULT_METHOD,
):
    """Funnel plot: each area's current rate per 1,000 against its population, with the force
    rate and 95% and 99.8% limits, so an area's rate is read against how much it could vary by
    chance -- and, when the areas vary more than that (overdispersion), against the spread
    areas show: the limits are then widened by Spiegelhalter's (2005) method
    (:func:`area_funnel`). The legend and a note on the chart say which limits are drawn.

    Areas without a population are left out (and the alt text says how many).

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and its alt text (which names the limits and the overdispersion test).
    """
    funnel = area_funnel(table, force_rate, method)
    # an area whose count is hidden on the page is not plotted: its rate times its population
    # would give the count back (the limits still allow for every area)
    hidden = [a for a in hidden_areas(table) if a in funnel.units.index]
    fig, alt = funnelplot.funnel_figure(funnel, title, plural_label(area_label), hide=hidden)
    left_out = len(table) - len(funnel.units)
    if left_out:
        alt += f" {left_out} without a population not shown."
    if hidden:
        alt += f" {len(hidden)} with too few offences to publish not shown."
    return fig, alt


def area_funnel(
    table: pd.DataFrame, force_rate: float, method: str = overdispersion.DEFAULT_METHOD
) -> overdispersion.RateFunnel:
    """The funnel of the areas' current rates per 1,000 around ``force_rate``, with
    Spiegelhalter's overdispersion test and adjustment (:func:`perfpack.core.overdispersion.
    rate_funnel`); areas without a population are left out."""
    plotted = table.dropna(subset=["population", "rate_per_1000"])
    plotted = plotted[plotted["population"] > 0]
    if plotted.empty:
        raise ValueError("no area has a population, so there is no funnel plot to draw")
    return overdispersion.rate_funnel(
        plotted["current"].set_axis(plotted["area"]),
        plotted["population"].to_numpy(),
        target=force_rate,
        per=1000.0,
        method=method,
    )
