"""The headline projection and the back-test in words and as published tables (the numbers
come from :mod:`perfpack.core.backtest`)."""

from __future__ import annotations

import pandas as pd

from perfpack.core.backtest import (
    MAX_ORIGINS,
    MIN_TRAINING_MONTHS,
    MODEL,
    REPORT_METHOD,
    SAME_AS_LAST_YEAR,
    Selection,
)
from perfpack.core.change import pct_change, round_half_up, signed_pct


def _pct1(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{round_half_up(value, 1):.1f}%"


def _month(label) -> str:
    return f"{label:%B %Y}" if isinstance(label, pd.Period) else str(label)


def design_note(errors: pd.DataFrame, horizon: int = 12) -> str:
    """How the back-test was run, with its source (markdown)."""
    source = (
        "time-series cross-validation on a rolling origin (Hyndman and Athanasopoulos, "
        "*Forecasting: Principles and Practice*, 3rd edition, section 5.10)"
    )
    lead = (
        f"**How the back-test works.** It is {source}: each method is fitted again on the "
        "months up to an origin, and its projected total for the next "
        f"{horizon} months is compared with what then happened. The error is the absolute "
        f"percentage error of that {horizon}-month total, averaged over the origins. Origins are "
        f"the months with at least {MIN_TRAINING_MONTHS} months up to them (the seasonal model "
        f"needs two years) and {horizon} after them, the latest {MAX_ORIGINS} at most."
    )
    if MODEL not in set(errors["method"]) and not errors.empty:
        lead += (
            " These data are too short to back-test the seasonal model, so only the other "
            "methods are tested, from origins with 12 months up to them."
        )
    if errors.empty:
        return lead + " These data are too short for any origin, so there is no back-test."
    first, last = errors["origin"].iloc[0], errors["origin"].iloc[-1]
    n = errors["origin"].nunique()
    if n == 1:
        held = f" These data allow one origin, {_month(first)}: a single year's test."
    else:
        held = f" These data allow {n} origins, {_month(first)} to {_month(last)}."
    return (
        lead + held + " The method with the lowest error is the headline projection, unless it "
        "is a model whose fit is degenerate; ties go to the simpler method."
    )


def selection_sentence(selection: Selection, noun: str = "offences") -> str:
    """The headline projection in words, with the report's own method beside it and why a
    flagged model is not used (markdown)."""
    total = "n/a" if selection.projected_total is None else f"{selection.projected_total:,.0f}"
    what = selection.method[0].lower() + selection.method[1:]
    if selection.chosen_by_record:
        text = (
            f"**Headline projection: {what}**, {total} {noun} over the next 12 months "
            f"({signed_pct(selection.pct_change)}): the method with the lowest back-test error "
            f"({_pct1(selection.mean_abs_pct_error)})."
        )
    else:
        text = (
            f"**Headline projection: the report's {what}**, {total} {noun} over the next 12 "
            f"months ({signed_pct(selection.pct_change)}): with no back-test there is no record to "
            "choose by."
        )
    if selection.method != REPORT_METHOD and selection.report_total is not None:
        text += (
            f" The report's own method, the {REPORT_METHOD}, projects "
            f"{selection.report_total:,.0f} ({signed_pct(selection.report_pct)})."
        )
    if selection.flags:
        text += (
            " The exponential smoothing model is flagged and never the headline: its fit is "
            "degenerate (" + "; ".join(selection.flags) + ")."
        )
    return text


def with_same_as_last_year(table: pd.DataFrame, monthly: pd.Series) -> pd.DataFrame:
    """A projection table (``method``, ``projected_total``, ``pct_change``, ...) with a "Same as
    last year" row after the trends: the last 12 months' total, 0% change (when there are 12
    months)."""
    if len(monthly) < 12:
        return table
    base = float(monthly.iloc[-12:].sum())
    row = pd.DataFrame(
        [
            {
                "method": SAME_AS_LAST_YEAR,
                "projected_total": base,
                "pct_change": pct_change(base, base),
            }
        ]
    )
    trends = table["method"].str.endswith("trend")
    return pd.concat([table[trends], row, table[~trends]], ignore_index=True)


def used_as(method: str, selection: Selection | None) -> str:
    """ "headline", "the report's method", "flagged: degenerate fit" or "–" for a table row."""
    if selection is None:
        return "–"
    is_model = method.startswith("Model: ")
    parts = []
    if method == selection.method or (is_model and selection.method == MODEL):
        parts.append("headline")
    if method == REPORT_METHOD:
        parts.append("the report's method")
    if is_model and selection.flags:
        parts.append("flagged: degenerate fit")
    return "; ".join(parts) or "–"


def display_table(
    summary: pd.DataFrame, selection: Selection | None = None, model_name: str | None = None
) -> pd.DataFrame:
    """The back-test as a publishable table: each method's error, the latest origin's
    projection and actual, whether the actual fell inside the model's 95% interval, and which
    method is the headline (or flagged)."""
    n = int(summary["origins"].max()) if len(summary) else 0
    origins_text = "1 origin" if n == 1 else f"mean of {n} origins"
    rows = []
    for row in summary.itertuples(index=False):
        name = row.method
        if name == MODEL and model_name:
            name = f"Model: {model_name}"
        if row.method == MODEL and n > 1 and not pd.isna(row.coverage_95):
            inside = f"{_pct1(row.coverage_95)} of origins"
        elif pd.isna(row.inside_95):
            inside = "–"
        else:
            inside = "yes" if row.inside_95 else "no"
        status = ""
        if selection is not None:
            if row.method == selection.method and selection.chosen_by_record:
                status = "headline (lowest error)"
            elif row.method == MODEL and selection.flags:
                status = "flagged: degenerate fit"
            if row.method == REPORT_METHOD:
                status = (status + "; " if status else "") + "the report's method"
        rows.append(
            {
                "Method": name,
                f"Absolute % error ({origins_text})": _pct1(row.mean_abs_pct_error),
                "Projected (latest origin)": f"{row.projected_total:,.0f}",
                "Actual": f"{row.actual_total:,.0f}",
                "Error": f"{row.error:+,.0f}",
                "Actual inside 95% interval?": inside,
                "Used as": status or "–",
            }
        )
    return pd.DataFrame(rows)
