"""Drawing a funnel plot of rates: any :class:`perfpack.core.overdispersion.RateFunnel`, whether the
areas of one force against the force rate (:func:`perfpack.themes.area_charts.funnel_chart`) or
every force against the national rate. The legend is titled with the kind of limits drawn and
a note under the axes gives the overdispersion test and the adjustment (Spiegelhalter 2005)."""

from __future__ import annotations

import numpy as np

from perfpack.core import overdispersion
from perfpack.present import charts


def funnel_figure(
    funnel: overdispersion.RateFunnel,
    title: str,
    units_label: str,
    centre_label: str = "Force rate",
    xlabel: str = "Resident population",
    ylabel: str = "Rate per 1,000 residents",
    label_points: str | None = None,
    hide=(),
):
    """Draw any :class:`perfpack.core.overdispersion.RateFunnel` (areas of a force, or every force
    against the national rate): points, the centre line, the 95% and 99.8% limits in use, a
    legend titled with the kind of limits and a note under the axes with the overdispersion
    test and the adjustment.

    Parameters
    ----------
    funnel : RateFunnel
        From :func:`perfpack.core.overdispersion.rate_funnel` (units without an exposure are left
        out of the drawing).
    title : str
    units_label : str
        The units in the plural as sentences name them ("NPTs", "forces").
    centre_label : str, default "Force rate"
        The centre line's legend entry ("National rate").
    xlabel, ylabel : str
        Axis titles (the exposure and the rate).
    label_points : {"all", "outside"}, optional
        Which points carry their name; default all up to 15 units, else those outside the 95%
        limits.

    hide : iterable, optional
        Units not drawn (an area whose count is hidden on the page: its rate times its
        population would give the count back); the limits still span them.

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and its alt text.
    """
    units = funnel.units[funnel.units["position"] != "no population"]
    if units.empty:
        raise ValueError("no unit has an exposure, so there is no funnel plot to draw")
    low, high = units["exposure"].min(), units["exposure"].max()
    units = units.drop(index=[u for u in hide if u in units.index])  # limits span them all
    grid = np.linspace(max(low * 0.6, 1.0), high * 1.2, 200)
    limits = funnel.limits(grid)
    kind = funnel.legend_label()
    fig, ax = charts.new_figure()
    ax.plot(grid, limits["rate"], color="black", linewidth=1, label=centre_label)
    ax.plot(
        grid,
        limits["upper_95"],
        color="black",
        linestyle="--",
        linewidth=0.9,
        label="95% limits",
    )
    ax.plot(grid, limits["lower_95"], color="black", linestyle="--", linewidth=0.9)
    ax.plot(
        grid,
        limits["upper_99.8"],
        color="black",
        linestyle=":",
        linewidth=1.1,
        label="99.8% limits",
    )
    ax.plot(grid, limits["lower_99.8"], color="black", linestyle=":", linewidth=1.1)
    outside = (units["position"] != "within").to_numpy()
    ax.scatter(
        units["exposure"][~outside],
        units["rate"][~outside],
        color=charts.PALETTE[0],
        marker="o",
        s=40,
        zorder=3,
        label="Within limits",
    )
    if outside.any():
        ax.scatter(
            units["exposure"][outside],
            units["rate"][outside],
            color=charts.PALETTE[1],
            marker="D",
            s=45,
            zorder=3,
            label="Outside 95% limits",
        )
    if label_points is None:
        label_points = "all" if len(units) <= 15 else "outside"
    named = units if label_points == "all" else units[outside]
    # alternate labels above and below their points so neighbours of similar size stay legible
    for i, (unit, row) in enumerate(named.sort_values("exposure").iterrows()):
        ax.annotate(
            unit,
            (row["exposure"], row["rate"]),
            textcoords="offset points",
            xytext=(4, 4 if i % 2 == 0 else -10),
            fontsize="x-small",
        )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    legend_title = kind.replace(" (", "\n(").replace("for overdispersion", "for\noverdispersion")
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize="small",
        title=legend_title,
        title_fontsize="small",
        alignment="left",
    )
    note = funnel.description(f"the {units_label}' rates")
    limits = (
        "exact Poisson 95% and 99.8% limits"
        if funnel.method == "poisson"
        else "95% and 99.8% " + kind[0].lower() + kind[1:]
    )
    fig.text(0.01, 0.01, note, fontsize="x-small", wrap=True, ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    flagged = [
        f"{unit} ({pos})"
        for unit, pos in zip(units.index, units["position"], strict=True)
        if pos != "within"
    ]
    alt = (
        f"{title}: funnel plot of the {ylabel[0].lower() + ylabel[1:]} for {len(units)} "
        f"{units_label} against {xlabel[0].lower() + xlabel[1:]}, around the "
        f"{centre_label[0].lower() + centre_label[1:]} of {funnel.target:.2f}, with {limits}. "
        f"{note} "
        f"Outside the 95% limits: {', '.join(flagged) or 'none'}."
    )
    return fig, alt
