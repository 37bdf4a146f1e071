"""A crime theme's projections on the page: the sentence, what the history is too short for, the
projection and back-test tables (a trend over N months needs N months, the seasonal model
:data:`perfpack.themes.crime.measures.MODEL_MIN_MONTHS`; what the data cannot support is left
out and :func:`projection_note` says so)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfpack.core import projections
from perfpack.core.change import round_half_up, signed_pct
from perfpack.present import projection_text
from perfpack.themes.areas import months_text
from perfpack.themes.crime.analysis import CrimeTheme
from perfpack.themes.crime.measures import MODEL_MIN_MONTHS


def projection_sentence(analysis: CrimeTheme) -> str:
    """The projections in words: each trend's projected total and % change against the
    last 12 months, and the model's forecast with its 95% interval (each only when the history
    supports it: :func:`projection_note`)."""
    parts = []
    short = len(analysis.monthly) < 12  # no last 12 months to give a % change against
    for row in analysis.projections.itertuples():
        pct = "n/a" if pd.isna(row.pct_change) else f"{round_half_up(row.pct_change):+.0f}%"
        shown = "" if short else f" ({pct})"
        parts.append(f"the {row.method} projects {row.projected_total:,.0f} offences{shown}")
    if short:
        lead = "With less than 12 months of data there is no year to compare against: "
    elif analysis.window_months == 12:
        lead = f"Against {analysis.headline.current:,} offences in the current 12 months, "
    else:
        last_year = int(analysis.monthly.iloc[-12:].sum())
        lead = f"Against {last_year:,} offences in the last 12 months, "
    text = ""
    if parts:
        text = lead + "over the next 12 months " + "; ".join(parts) + "."
    ets = analysis.ets
    if ets is not None:
        ets_pct = "n/a" if ets.pct_change is None else f"{round_half_up(ets.pct_change):+.0f}%"
        text += (
            f" The seasonal model ({ets.model}) forecasts {ets.total:,.0f} ({ets_pct}), "
            f"with a 95% prediction interval of {ets.lower_95:,.0f} to {ets.upper_95:,.0f}."
        )
        if analysis.selection is not None and analysis.selection.flags:
            text += " Its fit is degenerate, so it is not the headline projection."
    return text.strip() or projection_note(analysis)


def projection_note(analysis: CrimeTheme) -> str:
    """What the history is too short for, in words (empty when every projection is shown).

    The report's N-month trend needs N months; the seasonal model and its back-test need
    :data:`MODEL_MIN_MONTHS` (24); a % change against the last 12 months needs 12.
    """
    n = len(analysis.monthly)
    shown = set(analysis.projections["n_months"])
    missing = [m for m in projections.REPORT_WINDOWS if m not in shown]
    left_out = []
    if missing:
        lengths = [str(m) for m in missing]
        joined = (
            lengths[0] if len(lengths) == 1 else "-, ".join(lengths[:-1]) + "- and " + (lengths[-1])
        )
        left_out.append(f"the {joined}-month trend{'s' if len(missing) > 1 else ''}")
    if analysis.ets is None:
        left_out.append(
            f"the seasonal model with its back-test (which needs {MODEL_MIN_MONTHS} months)"
        )
    if not left_out and n >= 12:
        return ""
    if n:
        first, last = analysis.monthly.index[0], analysis.monthly.index[-1]
        held = f"The data hold {months_text(n)} ({first:%B %Y} to {last:%B %Y})"
    else:
        held = "The data hold no months"
    text = held + "."
    if left_out:
        plural = len(left_out) > 1 or (len(missing) > 1 and analysis.ets is not None)
        text += (
            f" A trend over N months needs N months of history, so {' and '.join(left_out)} "
            f"{'are' if plural else 'is'} left out."
        )
    if n < 12 and len(analysis.projections):
        text += " With less than 12 months there is no % change against the last 12 months."
    return text


def projection_caption(analysis: CrimeTheme) -> str:
    """The projection table's caption, naming only what it shows."""
    if analysis.ets is None:
        return "Projected total for the next 12 months: the report's trends the data allow"
    return (
        "Projected total for the next 12 months: the report's three trends, same as last year "
        "and a seasonal model with its prediction intervals"
    )


def projection_display_table(analysis: CrimeTheme) -> pd.DataFrame:
    """The projections and the model forecast (when the history supports it) as a publishable
    table."""
    if analysis.ets is not None:
        table = projections.projection_table(analysis.monthly, ets=analysis.ets)
    else:
        table = projections.report_projections(analysis.monthly)[
            ["method", "projected_total", "pct_change"]
        ].assign(lower_80=np.nan, upper_80=np.nan, lower_95=np.nan, upper_95=np.nan)

    table = projection_text.with_same_as_last_year(table, analysis.monthly)

    def _fmt(value, pattern="{:,.0f}"):
        return "–" if value is None or pd.isna(value) else pattern.format(value)

    base = "current" if analysis.window_months == 12 else "last"
    return pd.DataFrame(
        {
            "Method": table["method"],
            "Used as": [projection_text.used_as(m, analysis.selection) for m in table["method"]],
            "Projected total, next 12 months": [_fmt(v) for v in table["projected_total"]],
            f"% change vs {base} 12 months": [signed_pct(v) for v in table["pct_change"]],
            "80% interval": [
                "–" if pd.isna(lo) else f"{lo:,.0f} to {hi:,.0f}"
                for lo, hi in zip(table["lower_80"], table["upper_80"], strict=True)
            ],
            "95% interval": [
                "–" if pd.isna(lo) else f"{lo:,.0f} to {hi:,.0f}"
                for lo, hi in zip(table["lower_95"], table["upper_95"], strict=True)
            ],
        }
    )


#: How the back-test is read (shown above its table).
BACKTEST_INTRO = (
    "**Which projection to trust?** Each method was fitted again on the data up to an earlier "
    "month and its projection compared with what then happened. The report's trend lines take "
    "the last 3, 6 or 12 months' straight line and carry it on, so a short run of high or low "
    'months moves them a long way; "same as last year" repeats the last 12 months\' total; the '
    "seasonal model allows for the time of year."
)


def backtest_display_table(analysis: CrimeTheme) -> pd.DataFrame:
    """The back-test as a publishable table
    (:func:`perfpack.present.projection_text.display_table`)."""
    model = analysis.ets.model if analysis.ets is not None else None
    return projection_text.display_table(analysis.backtest, analysis.selection, model)


def backtest_note(analysis: CrimeTheme) -> str:
    """How the back-test was run, with its source
    (:func:`perfpack.present.projection_text.design_note`)."""
    return projection_text.design_note(analysis.backtest_errors)


def headline_projection_sentence(analysis: CrimeTheme) -> str:
    """The headline projection, chosen by its back-test record, with the report's own method
    beside it (:func:`perfpack.present.projection_text.selection_sentence`)."""
    if analysis.selection is None or analysis.selection.projected_total is None:
        return ""
    return projection_text.selection_sentence(analysis.selection, "offences")
