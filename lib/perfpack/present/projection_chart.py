"""The projection chart (the calculation is :mod:`perfpack.core.projections`): history, the
report's 3-, 6- and 12-month trend lines carried forward and the model forecast with its band,
and the chart's alt text."""

from __future__ import annotations

import pandas as pd

from perfpack.core import projections
from perfpack.present import charts


def _x(index):
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index


def projection_chart(
    monthly: pd.Series,
    title: str,
    horizon: int = 12,
    ets: projections.EtsForecast | None = None,
    ylabel: str = "Count per month",
    model_flagged: bool = False,
):
    """History, the 3-, 6- and 12-month trend lines carried forward, and the model forecast
    with its 95% monthly band (the report's figures 2, 6 and 9). ``model_flagged``: the model's
    fit is degenerate (:func:`perfpack.core.backtest.degenerate_reasons`); legend and alt text say
    so.

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and its alt text.
    """
    ets = projections.ets_forecast(monthly, horizon) if ets is None else ets
    fig, ax = charts.new_figure()
    ax.plot(
        _x(monthly.index),
        monthly.to_numpy(dtype=float),
        color="black",
        linewidth=1.4,
        label="Recorded",
    )
    styles = {
        3: ("-", charts.PALETTE[1]),
        6: ("--", charts.PALETTE[2]),
        12: ("-.", charts.PALETTE[4]),
    }
    described = []
    for n_months in projections.REPORT_WINDOWS:
        if len(monthly) < n_months:
            continue
        projection = projections.linear_projection(monthly, n_months, horizon)
        line = pd.concat([projection.fitted, projection.monthly])
        style, colour = styles[n_months]
        ax.plot(
            _x(line.index),
            line.to_numpy(),
            linestyle=style,
            color=colour,
            linewidth=1.6,
            label=f"{n_months}-month trend ({_pct_text(projection.pct_change)})",
        )
        described.append(
            f"{n_months}-month trend projects {projection.projected_total:,.0f} "
            f"({_pct_text(projection.pct_change)})"
        )
    future = _x(ets.monthly.index)
    ax.fill_between(
        future,
        ets.monthly_lower_95.to_numpy(),
        ets.monthly_upper_95.to_numpy(),
        color=charts.PALETTE[0],
        alpha=0.18,
        label="Model 95% interval",
    )
    ax.plot(
        future,
        ets.monthly.to_numpy(),
        color=charts.PALETTE[0],
        linewidth=1.6,
        label=f"Model forecast ({_pct_text(ets.pct_change)}"
        + (", degenerate fit)" if model_flagged else ")"),
    )
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    alt = (
        f"{title}: line chart of {len(monthly)} recorded months and the next {horizon} months "
        f"projected. {'; '.join(described)}. The model ({ets.model}) forecasts "
        f"{ets.total:,.0f} ({_pct_text(ets.pct_change)}), 95% interval {ets.lower_95:,.0f} to "
        f"{ets.upper_95:,.0f}."
        + (" Its fit is degenerate, so it is not the headline projection." if model_flagged else "")
    )
    return fig, alt


def _pct_text(value: float | None) -> str:
    from perfpack.core.change import round_half_up

    if value is None or pd.isna(value):
        return "n/a"
    return f"{round_half_up(value):+.0f}%"
