"""Missing persons for one period: :func:`analyse` works out every measure of the appendix once,
and the :class:`MissingPersons` result is what the notebook shows and what figures.csv gets
(:meth:`MissingPersons.figures`), so each published figure has one route from the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

# the package's own modules by full name: `from perfpack.themes.missing import ...` would make
# this module depend on the package that imports it
import perfpack.themes.missing.costs as costs
import perfpack.themes.missing.forecast as forecast
import perfpack.themes.missing.page as page
from perfpack.core import spc, stats
from perfpack.core.change import pct_change
from perfpack.core.figures import FigureBook
from perfpack.core.windows import ThemeWindows, Window
from perfpack.data.contracts import LOCATION_TYPES, RISK_GRADES
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.reference import ThemeSpec
from perfpack.data.tables import ProcessedTables
from perfpack.present import spc_chart as spc_charts
from perfpack.themes import spc_themes
from perfpack.themes.base import ComparedWindows
from perfpack.themes.missing.measures import (
    DurationSummary,
    chart_window,
    child_episode_count,
    child_share,
    counts_by_column,
    duration_summary,
    episode_count,
    individual_count,
    is_small_count,
    monthly_child_episodes,
    monthly_episodes,
    monthly_individuals,
    rhi_72h_share,
    rhi_rule_note,
    vulnerability_profile,
)
from perfpack.themes.missing.repeats import (
    episodes_per_individual,
    repeat_episode_share,
    repeat_individual_count,
    repeat_rate,
)
from perfpack.themes.missing.words import period_label

#: The printed report's figure numbers for the appendix's monthly charts (February 2020 layout).
REPORT_FIGURE_NUMBERS = {"episodes": 16, "people": 17, "children": 18}
#: Each monthly chart: (the chart's title, its y label, how the caption names what it shows).
_CHARTS = {
    "episodes": (
        "Monthly Volume of Missing Episodes",
        "Episodes per month",
        "Monthly volume of missing episodes",
    ),
    "people": (
        "Monthly Volume of Missing People",
        "People per month",
        "People reported missing each month",
    ),
    "children": (
        "Monthly Volume of Missing Episodes of a child",
        "Child episodes per month",
        "Missing episodes of children under 18 each month",
    ),
}
#: The measures of each window (figures.csv), in the order they are published.
_WINDOW_MEASURES = (
    ("repeat_individuals", repeat_individual_count),
    ("repeat_rate", repeat_rate),
    ("repeat_episode_share", repeat_episode_share),
    ("episodes_per_individual", episodes_per_individual),
    ("rhi_72h_share", rhi_72h_share),
)


class Pair(NamedTuple):
    """One measure in the previous and the current window."""

    previous: object
    current: object


def summary_table(episodes: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """The headline measures in both windows, unrounded.

    Returns
    -------
    DataFrame
        Index ``measure``; columns ``previous``, ``current``, ``pct_change``.
    """

    def both(func):
        return func(episodes, previous), func(episodes, current)

    dur = duration_summary(episodes, previous), duration_summary(episodes, current)
    rows = {
        "Missing episodes": both(episode_count),
        "Individuals": both(individual_count),
        "Child (under 18) episodes": both(child_episode_count),
        "Child share of episodes (%)": both(child_share),
        "Repeat individuals (2+ episodes)": both(repeat_individual_count),
        "Repeat rate (% of individuals)": both(repeat_rate),
        "Repeat episode share (%)": both(repeat_episode_share),
        "Episodes per individual": both(episodes_per_individual),
        "Mean hours missing (found episodes)": (dur[0].mean_hours, dur[1].mean_hours),
        "Median hours missing (found episodes)": (dur[0].median_hours, dur[1].median_hours),
        "Found within 24 hours (% of all episodes)": (
            dur[0].share_found_within_24h,
            dur[1].share_found_within_24h,
        ),
        "Still open (no found time)": (dur[0].open, dur[1].open),
    }
    table = pd.DataFrame(
        [
            {"measure": k, "previous": v[0], "current": v[1], "pct_change": pct_change(*v)}
            for k, v in rows.items()
        ]
    )
    percentages = table["measure"].str.contains("(%", regex=False)
    table.loc[percentages, "pct_change"] = None  # a change of a percentage is in points, not %
    return table.set_index("measure")


@dataclass(frozen=True)
class MissingPersons(ComparedWindows):
    """Every measure of the missing-persons appendix for one period (built by :func:`analyse`).

    Counts are :class:`Pair` (previous, current). ``shown`` is the months of the monthly charts
    (:func:`.measures.chart_window`); ``xmr`` holds each chart's XmR
    table (keys ``episodes``, ``people``, ``children``); ``risk``, ``places`` and ``profile``
    are the linked count tables, suppressed together in ``linked``
    (:func:`perfpack.themes.missing.page.protect_appendix`). ``cost`` is the unit cost used
    (the reference's or the run's), ``costs`` the sourced range shown (None when the run sets
    a unit cost) and ``cost_range`` the reference range figures.csv records.
    """

    spec: ThemeSpec
    period: str
    window_months: int
    windows: ThemeWindows
    episodes: Pair
    change_test: stats.PoissonTest
    individuals: Pair
    child_episodes: Pair
    child_share: float | None
    durations: Pair
    per_window: dict
    summary: pd.DataFrame
    shown: Window
    monthly: dict
    xmr: dict
    risk: pd.DataFrame
    places: pd.DataFrame
    profile: pd.DataFrame
    linked: page.LinkedTables
    rhi_note: str
    forecast: pd.DataFrame
    forecast_2018: pd.Series
    ets: object
    assessed: object
    cost: costs.UnitCost
    costs: costs.UnitCostRange | None
    cost_range: costs.UnitCostRange
    invested: costs.UnitCost

    def chart_title(self, chart: str) -> str:
        """A monthly chart's title, numbered as in the printed report: "Figure 16. Monthly
        Volume of Missing Episodes" (``chart``: ``episodes``, ``people`` or ``children``)."""
        number = REPORT_FIGURE_NUMBERS.get(chart)
        title = _CHARTS[chart][0]
        return f"Figure {number}. {title}" if number else title

    def caption(self, chart: str) -> str:
        """A monthly chart's caption: its number, what it shows, its months, the latest SPC
        signal and the rebases (:func:`perfpack.core.spc.summary`,
        :func:`perfpack.core.spc.rebase_notes`)."""
        number = REPORT_FIGURE_NUMBERS.get(chart)
        lead = _CHARTS[chart][2]
        kind = (
            f"XmR chart; target: {self.spec.target_direction.lower()}"
            if chart == "episodes"
            else "XmR chart"
        )
        table = self.xmr[chart]
        text = (
            f"{lead}, {period_label(self.shown)} ({kind}). Latest signal: {spc.summary(table)}. "
            + " ".join(spc.rebase_notes(table))
        )
        return f"Figure {number}. {text}" if number else text

    def spc_chart(self, chart: str):
        """The XmR chart of ``chart`` (``episodes``, ``people``, ``children``): (figure, alt)."""
        return spc_charts.spc_chart(
            self.monthly[chart],
            self.chart_title(chart),
            self.spec.target_direction,
            _CHARTS[chart][1],
            table=self.xmr[chart],
        )

    def figures(self) -> FigureBook:
        """Every published figure of the appendix (:func:`figure_rows`, then the episodes
        chart's SPC figures: :func:`perfpack.themes.spc_themes.spc_figures`)."""
        book = FigureBook(self.spec.slug)
        book.extend(figure_rows(self))
        book.extend(spc_themes.spc_figures(self.xmr["episodes"]))
        return book


def analyse(
    tables: ProcessedTables,
    spec: ThemeSpec,
    period: str,
    window_months: int = 12,
    *,
    unit_cost: float | None = None,
    chart_months: int = 36,
    reference_dir: Path = REFERENCE_DIR,
) -> MissingPersons:
    """Every measure of the missing-persons appendix for ``period``.

    Parameters
    ----------
    tables : perfpack.data.tables.ProcessedTables
        The processed tables (:func:`perfpack.data.tables.open_tables`, or
        :meth:`~perfpack.data.tables.ProcessedTables.of` for tables made by hand);
        ``tables[spec.table]`` is the canonical ``missing_episodes`` table.
    spec : perfpack.data.reference.ThemeSpec
        The theme (``theme_spec("missing_persons")``); its windows
        (:meth:`~perfpack.data.reference.ThemeSpec.windows`) are the comparison windows.
    period : str
        The report's last month (``YYYY-MM``).
    window_months : int, default 12
        Length of the previous and current windows. The 2018 forecast is compared only when
        the current window is a calendar year.
    unit_cost : float, optional
        GBP per episode set for the run (default: the reference table's, with its range).
    chart_months : int, default 36
        Months of the monthly charts, projections and back-test (:func:`.measures.chart_window`).
    reference_dir : Path

    Returns
    -------
    MissingPersons
    """
    from perfpack.core import backtest, projections

    episodes = tables[spec.table]
    windows = spec.windows(period, window_months)
    previous, current = windows.previous, windows.current
    n = Pair(episode_count(episodes, previous), episode_count(episodes, current))
    shown = chart_window(episodes, period, chart_months)
    monthly = {
        "episodes": monthly_episodes(episodes, shown),
        "people": monthly_individuals(episodes, shown),
        "children": monthly_child_episodes(episodes, shown),
    }
    xmr = {
        chart: spc_themes.theme_xmr(series, spec.slug, spec.target_direction, reference_dir)
        for chart, series in monthly.items()
    }
    ets = projections.ets_forecast(monthly["episodes"])  # the model forecast, next 12 months
    assessed = backtest.assess(monthly["episodes"], ets)  # back-test and headline projection
    risk = counts_by_column(episodes, previous, current, "risk_grade", RISK_GRADES)
    places = counts_by_column(episodes, previous, current, "location_type", LOCATION_TYPES)
    profile = vulnerability_profile(episodes, previous, current)
    cost = costs.unit_cost(reference_dir, override=unit_cost)
    return MissingPersons(
        spec=spec,
        period=period,
        window_months=window_months,
        windows=windows,
        episodes=n,
        change_test=stats.poisson_change_test(n.previous, n.current),
        individuals=Pair(individual_count(episodes, previous), individual_count(episodes, current)),
        child_episodes=Pair(
            child_episode_count(episodes, previous), child_episode_count(episodes, current)
        ),
        child_share=child_share(episodes, current),
        durations=Pair(duration_summary(episodes, previous), duration_summary(episodes, current)),
        per_window={
            w.label: {name: func(episodes, w) for name, func in _WINDOW_MEASURES}
            for w in (previous, current)
        },
        summary=summary_table(episodes, previous, current),
        shown=shown,
        monthly=monthly,
        xmr=xmr,
        risk=risk,
        places=places,
        profile=profile,
        linked=page.protect_appendix(risk, places, profile),
        rhi_note=rhi_rule_note(episodes),
        forecast=forecast.forecast_vs_actual(episodes, period, reference_dir),
        forecast_2018=forecast.forecast_2018(reference_dir),
        ets=ets,
        assessed=assessed,
        cost=cost,
        costs=costs.unit_cost_range(reference_dir, override=unit_cost),
        cost_range=costs.unit_cost_range(reference_dir),
        invested=costs.investment(reference_dir),
    )


def figure_rows(result: MissingPersons) -> pd.DataFrame:
    """Every published missing-persons figure of ``result`` (``measure, window, group, value``,
    unrounded; percentages in percent), for :meth:`FigureBook.extend`.

    Measures: ``count_previous``, ``count_current``, ``pct_change``, ``change_p_value``,
    ``individuals_previous``, ``individuals_current``, ``individuals_change``,
    ``individuals_pct_change``, ``child_episodes_previous``, ``child_episodes_current``,
    ``child_episodes_pct_change``, ``child_share``, ``mean_duration_hours`` (both windows),
    ``median_duration_hours`` (both), ``mean_duration_pct_change``, ``found_within_24h_share``
    (both), ``open_episodes`` (both; blank when 1 to 4), ``repeat_individuals`` (both),
    ``repeat_rate`` (both), ``repeat_episode_share`` (both), ``episodes_per_individual``
    (both), ``rhi_72h_share`` (both); ``monthly_count`` (episodes, the SPC chart's points),
    ``monthly_individuals``, ``monthly_child_episodes`` (window = one month, the charts'
    months); ``projection_3m_total``, ``projection_3m_pct`` (and 6m, 12m: the report's linear
    method on the charts' months); ``ets_total``, ``ets_pct``, ``ets_lower_80``/
    ``ets_upper_80``/``ets_lower_95``/``ets_upper_95`` (with a model forecast);
    ``forecast_2019``, ``forecast_2019_difference`` (a calendar-year window only),
    ``unit_cost``, ``investment``, ``episodes_reduced``, ``cost_avoided`` (at ``unit_cost``:
    the report's figure by default), ``unit_cost_low``/``unit_cost_high`` and
    ``cost_avoided_low``/``cost_avoided_high`` (the reference table's sourced range,
    :func:`.costs.unit_cost_range`); then the headline projection's
    figures (:func:`perfpack.core.backtest.selection_figures`).
    """
    from perfpack.core import backtest, projections

    previous, current = result.previous, result.current
    prev_label, cur_label = previous.label, current.label
    rows: list[tuple[str, str, float | None]] = []

    def add(measure, value, window_label=cur_label):
        rows.append((measure, window_label, value))

    n_prev, n_cur = result.episodes
    add("count_previous", n_prev, prev_label)
    add("count_current", n_cur)
    add("pct_change", pct_change(n_prev, n_cur))
    add("change_p_value", result.change_test.p_value)

    i_prev, i_cur = result.individuals
    add("individuals_previous", i_prev, prev_label)
    add("individuals_current", i_cur)
    add("individuals_change", i_cur - i_prev)
    add("individuals_pct_change", pct_change(i_prev, i_cur))

    c_prev, c_cur = result.child_episodes
    add("child_episodes_previous", c_prev, prev_label)
    add("child_episodes_current", c_cur)
    add("child_episodes_pct_change", pct_change(c_prev, c_cur))
    add("child_share", result.child_share)

    d_prev, d_cur = result.durations
    d: DurationSummary
    for window_label, d in ((prev_label, d_prev), (cur_label, d_cur)):
        add("mean_duration_hours", d.mean_hours, window_label)
        add("median_duration_hours", d.median_hours, window_label)
        add("found_within_24h_share", d.share_found_within_24h, window_label)
        add("open_episodes", math.nan if is_small_count(d.open) else d.open, window_label)
    add("mean_duration_pct_change", pct_change(d_prev.mean_hours, d_cur.mean_hours))

    for window in (previous, current):
        for name, value in result.per_window[window.label].items():
            add(name, value, window.label)

    for measure, chart in (
        ("monthly_count", "episodes"),
        ("monthly_individuals", "people"),
        ("monthly_child_episodes", "children"),
    ):
        for month, value in result.monthly[chart].items():
            add(measure, value, f"{month}/{month}")

    for row in projections.report_projections(result.monthly["episodes"]).itertuples():
        add(f"projection_{row.n_months}m_total", row.projected_total)
        add(f"projection_{row.n_months}m_pct", row.pct_change)
    ets = result.ets
    if ets is not None:
        add("ets_total", ets.total)
        add("ets_pct", ets.pct_change)
        for name in ("lower_80", "upper_80", "lower_95", "upper_95"):
            add(f"ets_{name}", getattr(ets, name))

    predicted = result.forecast_2018
    year = current.end.year
    calendar_year = current.start == pd.Period(f"{year}-01", "M") and current.n_months == 12
    if calendar_year and year in predicted.index:
        add(f"forecast_{year}", float(predicted[year]))
        add(f"forecast_{year}_difference", n_cur - float(predicted[year]))

    per_episode = result.cost.value
    add("unit_cost", per_episode, "")
    add("investment", result.invested.value, "")
    add("episodes_reduced", n_prev - n_cur)
    add("cost_avoided", costs.cost_avoided(n_prev, n_cur, per_episode))
    add("unit_cost_low", result.cost_range.low.value, "")
    add("unit_cost_high", result.cost_range.high.value, "")
    low, high = costs.cost_avoided_range(n_prev, n_cur, result.cost_range)
    add("cost_avoided_low", low)
    add("cost_avoided_high", high)

    frame = pd.DataFrame([{"measure": m, "window": w, "group": "", "value": v} for m, w, v in rows])
    if result.assessed is None:
        return frame
    picked = backtest.selection_figures(
        result.assessed.selection, result.assessed.summary, cur_label
    )
    return pd.concat([frame, picked], ignore_index=True)
