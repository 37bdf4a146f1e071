"""Missing persons: the appendix's tables as published (formatted text, small counts hidden
with :mod:`perfpack.core.disclosure`, a change never shown beside a hidden count).
"""

from __future__ import annotations

import pandas as pd

from perfpack.core import disclosure
from perfpack.core.change import format_count, round_half_up, signed_pct
from perfpack.core.windows import Window
from perfpack.themes.missing.measures import SMALL_COUNT, is_small_count
from perfpack.themes.missing.words import _hours, _pct1, period_label

#: Rows of :func:`.analysis.summary_table` that are small by nature, so hidden from 1 to 4 (the
#: other counts are force totals in the thousands).
SUMMARY_SMALL_COUNTS = ("Still open (no found time)",)


def display_summary(summary: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """:func:`.analysis.summary_table` formatted for publication: counts with separators,
    percentages to one decimal (their change in percentage points), hours to one decimal.

    The open-episode count (:data:`SUMMARY_SMALL_COUNTS`) is shown as "<5" from 1 to 4, and its
    change as "–" when either window's count is hidden (a change beside a hidden count gives it
    away: 3 -> 12 is +300%).
    """
    rows = []
    for measure, row in summary.iterrows():
        if measure in SUMMARY_SMALL_COUNTS:

            def fmt(v):
                if v is None or pd.isna(v):
                    return "n/a"
                return (
                    disclosure.primary_mark(SMALL_COUNT) if is_small_count(v) else (format_count(v))
                )

            hidden = is_small_count(row["previous"]) or is_small_count(row["current"])
            change = "–" if hidden or pd.isna(row["pct_change"]) else signed_pct(row["pct_change"])
        elif "(%" in measure:
            fmt = _pct1
            if pd.notna(row["previous"]) and pd.notna(row["current"]):
                change = f"{round_half_up(row['current'] - row['previous'], 1):+.1f} points"
            else:
                change = "–"
        else:
            if "hours" in measure:
                fmt = _hours
            elif "per individual" in measure:

                def fmt(v):
                    return "n/a" if v is None or pd.isna(v) else f"{v:.2f}"
            else:

                def fmt(v):
                    return "n/a" if v is None or pd.isna(v) else format_count(v)

            change = signed_pct(row["pct_change"]) if pd.notna(row["pct_change"]) else "–"
        rows.append(
            {
                "Measure": measure,
                period_label(previous): fmt(row["previous"]),
                period_label(current): fmt(row["current"]),
                "Change": change,
            }
        )
    return pd.DataFrame(rows)


def display_counts(
    table: pd.DataFrame,
    previous: Window,
    current: Window,
    label: str,
    secondary: bool = True,
    linked=None,
    key: str = "",
) -> pd.DataFrame:
    """A :func:`.measures.counts_by_column` table as published: counts 1-4 hidden, shares to one
    decimal (hidden with their count). Each window's categories add up to its episodes, which the
    summary table publishes; the two windows add up to nothing (``along="columns"``).
    ``linked``: the states chosen with the page's other tables
    (:func:`perfpack.themes.missing.page.protect_appendix`), this table's being ``key``."""
    frame = table.reset_index()
    frame = frame.rename(columns={frame.columns[0]: label})
    if linked is not None:
        mask = linked.mask(key, list(table.index)).set_index(frame.index)
        shown = disclosure.render(frame, mask, publication=linked.publication)
    else:
        shown = disclosure.suppress_small(
            frame, ["previous", "current"], along="columns" if secondary else "none"
        )
    out = pd.DataFrame({label: frame[label].astype("str")})
    for name, window in (("previous", previous), ("current", current)):
        hidden = shown[name].isin([disclosure.primary_mark(), disclosure.SECONDARY_MARK])
        share = frame[f"{name}_share"].map(_pct1).where(~hidden, "–")
        out[period_label(window)] = shown[name]
        out[f"Share, {period_label(window)}"] = share
    return disclosure.carry(out, shown)


def display_profile(
    profile: pd.DataFrame, previous: Window, current: Window, linked=None
) -> pd.DataFrame:
    """:func:`.measures.vulnerability_profile` as published: counts 1-4 hidden; the rows overlap
    and add up to nothing published, except that episodes from care homes less those of children are
    the adults', which are protected too (secondary suppression when needed). A row's change
    is "–" when either of its counts is hidden: "<5 | 12 | +300%" would give the hidden count
    (12 / 4 = 3). ``linked``: the states chosen with the page's risk-grade and place-type
    tables, which share rows with this one
    (:func:`perfpack.themes.missing.page.protect_appendix`)."""
    counts_rows = profile.drop(index=[m for m in profile.index if m.endswith("(%)")])
    care = ("Episodes from care homes", "Episodes of children from care homes")
    if linked is not None:
        frame = counts_rows.reset_index()
        mask = linked.mask("profile", list(counts_rows.index)).set_index(frame.index)
        shown = disclosure.render(frame, mask, SMALL_COUNT, publication=linked.publication)
    else:
        shown = _profile_suppressed(counts_rows, care)
    return _profile_out(profile, counts_rows, shown, previous, current)


def _profile_suppressed(counts_rows: pd.DataFrame, care) -> pd.DataFrame:
    return disclosure.suppress_small(
        counts_rows.reset_index(),
        ["previous", "current"],
        threshold=SMALL_COUNT,
        along="none",
        # care homes less their children is the adults: protected though not shown
        column_sums=[(care[0], [care[1], "adults from care homes"])]
        if all(m in counts_rows.index for m in care)
        else (),
    )


def _profile_out(profile, counts_rows, shown, previous, current) -> pd.DataFrame:
    mask = shown[["previous", "current"]].isin(
        [disclosure.primary_mark(SMALL_COUNT), disclosure.SECONDARY_MARK]
    )
    hidden = mask.any(axis=1).to_numpy()
    out = pd.DataFrame(
        {
            "Measure": shown["measure"],
            period_label(previous): shown["previous"],
            period_label(current): shown["current"],
            "Change": [
                "–" if h or pd.isna(v) else signed_pct(v)
                for h, v in zip(hidden, counts_rows["pct_change"], strict=True)
            ],
        }
    )
    for measure in profile.index:
        if measure.endswith("(%)"):
            out.loc[len(out)] = [
                measure,
                _pct1(profile.loc[measure, "previous"]),
                _pct1(profile.loc[measure, "current"]),
                "–",
            ]
    return disclosure.carry(out, shown)


def display_forecast(forecast: pd.DataFrame) -> pd.DataFrame:
    """:func:`.forecast.forecast_vs_actual` as published."""
    return pd.DataFrame(
        {
            "Year": [str(y) for y in forecast.index],
            "Forecast made in 2018": [format_count(v) for v in forecast["forecast_2018"]],
            "Actual episodes": [
                "not yet known" if pd.isna(v) else format_count(v) for v in forecast["actual"]
            ],
            "Actual as % of forecast": [
                "–" if pd.isna(v) else _pct1(float(v)) for v in forecast["pct_of_forecast"]
            ],
        }
    )


def projection_display_table(monthly: pd.Series, ets=None, selection=None) -> pd.DataFrame:
    """The report's 3/6/12-month projections, "same as last year" and the model forecast of
    episodes as a publishable table (:func:`perfpack.core.projections.projection_table`, formatted),
    with which is the headline (``selection``: :func:`perfpack.core.backtest.select_projection`),
    which is the report's method and whether the model is flagged."""
    from perfpack.core import projections
    from perfpack.present import projection_text

    table = projection_text.with_same_as_last_year(
        projections.projection_table(monthly, ets=ets), monthly
    )

    def interval(low, high):
        return "–" if pd.isna(low) else f"{low:,.0f} to {high:,.0f}"

    return pd.DataFrame(
        {
            "Method": table["method"],
            "Used as": [projection_text.used_as(m, selection) for m in table["method"]],
            "Projected episodes, next 12 months": [f"{v:,.0f}" for v in table["projected_total"]],
            "% change vs last 12 months": [
                "–" if pd.isna(v) else signed_pct(v) for v in table["pct_change"]
            ],
            "80% interval": [
                interval(lo, hi)
                for lo, hi in zip(table["lower_80"], table["upper_80"], strict=True)
            ],
            "95% interval": [
                interval(lo, hi)
                for lo, hi in zip(table["lower_95"], table["upper_95"], strict=True)
            ],
        }
    )
