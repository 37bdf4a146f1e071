"""Missing persons: the definitions behind the report's pages 17-19 and the action-019 deep dive.

Every measure works on the canonical ``missing_episodes`` table (one row per episode:
``episode_id, person_id, reported_at, found_at, month, age, risk_grade, looked_after,
location_type, location_id, npt, rhi_date``) and a :class:`~perfpack.windows.Window`.

Definitions (each one function below):

- **episode in a window**: an episode belongs to the window its ``reported_at`` falls in, even
  when it ends in the next one (:func:`episodes_in_window`);
- **individual**: a distinct ``person_id`` with at least one episode in the window;
- **child episode**: the person was under 18 when reported missing (``age < 18``). The report's
  "68% of Missing Episodes are of people aged 18 or under" is 2,599 / 3,812 = 68.2%, i.e. the
  under-18 share: this module reports that share and calls it "under 18";
- **repeat individual**: an individual with 2 or more episodes in the window; the **repeat
  episode share** is the episodes of repeat individuals over all episodes; **episodes per
  individual** is episodes over individuals;
- **duration**: ``found_at - reported_at`` in hours. An episode with no ``found_at`` in the
  extract is **open**: still open at the window's end and when the data was taken. It is counted
  (in the episodes and in the open count), never dropped and never given a made-up duration. The
  mean and median are of found episodes only; the share found within 24 hours is over *all*
  episodes of the window, so an open episode counts as not found within 24 hours. An episode
  reported in the window and found after it ended keeps its real duration (the report's
  evaluation measured whole episodes); ``censor_at_window_end=True`` treats it as open instead;
- **return-home interview within 72 hours**: of child episodes with a ``found_at`` (returned
  children), the share whose ``rhi_date`` falls on a day from the day of return to the day of
  ``found_at + 72 hours`` (an interview dated before the return is a recording error and does not
  count);
- **cost avoided**: ``(previous episodes - current episodes) x unit cost``.

The deep dive (action 019): every episode is in one **cohort** (:func:`cohort_of`: children
missing from care homes, other looked-after children, adults missing from hospitals, everyone
else); a cohort's repeat rate change is tested with **Fisher's exact test**
(:func:`repeat_rate_test`); **concentration** is the share of episodes from the most frequent 10%
of individuals; **case studies** are anonymised timelines (:func:`case_studies`: "Case A", people
with 5 or more episodes, gaps between episodes in whole weeks or months, one age band per case at
its first episode, the episode total banded; no ids, dates, day counts or windows). Published
counts of 1-4 are hidden with :mod:`perfpack.disclosure`, and a change or rate is never shown
beside a hidden count.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from perfpack import counts, disclosure, reference
from perfpack.change import (
    change_sentence,
    format_count,
    format_pct,
    movement,
    pct_change,
    percent,
    round_half_up,
)
from perfpack.paths import REFERENCE_DIR
from perfpack.windows import Window, comparison_windows, parse_period, window_ending

THEME = "missing_persons"
DEEP_DIVE = "missing_repeats"
CHILD_AGE = 18
REPEAT_MIN_EPISODES = 2
RHI_HOURS = 72
FOUND_WITHIN_HOURS = 24
#: Counts from 1 to ``SMALL_COUNT - 1`` are never published (:mod:`perfpack.disclosure`).
SMALL_COUNT = 5


def is_small_count(n) -> bool:
    """True for a count that is published hidden: 1 to 4 (0 is shown, a missing value is not
    small)."""
    return n is not None and not pd.isna(n) and 1 <= n < SMALL_COUNT


def count_or_hidden(n, capital: bool = False) -> str:
    """A count for a sentence: ``"1,234"``, or ``"fewer than 5"`` for 1 to 4."""
    text = f"fewer than {SMALL_COUNT}" if is_small_count(n) else format_count(n)
    return text[:1].upper() + text[1:] if capital else text


# ---------------------------------------------------------------------------------------------
# episodes, individuals, children


def episodes_in_window(episodes: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The episodes reported inside ``window``.

    Parameters
    ----------
    episodes : DataFrame
        The canonical ``missing_episodes`` table.
    window : Window
        The 12-month (or any) window.

    Returns
    -------
    DataFrame
        The rows whose ``reported_at`` falls in the window (any time on its last day counts). An
        episode reported on 31 December and found on 1 January belongs to December's window.
    """
    return counts.in_window(episodes, "reported_at", window)


def episode_count(episodes: pd.DataFrame, window: Window) -> int:
    """Missing episodes reported in ``window``."""
    return counts.count_in_window(episodes, "reported_at", window)


def individual_count(episodes: pd.DataFrame, window: Window) -> int:
    """Individuals: distinct people with at least one episode reported in ``window``.

    A person with episodes in both windows is an individual in each.
    """
    return int(episodes_in_window(episodes, window)["person_id"].nunique(dropna=True))


def is_child_episode(episodes: pd.DataFrame) -> pd.Series:
    """True for each episode whose person was under 18 when reported missing.

    Age is the age at the report, so one person can have child episodes and, after turning 18,
    adult ones. A missing age is not a child episode.
    """
    return (episodes["age"] < CHILD_AGE).fillna(False).astype(bool)


def child_episode_count(episodes: pd.DataFrame, window: Window) -> int:
    """Episodes reported in ``window`` of people under 18 at the time."""
    return int(is_child_episode(episodes_in_window(episodes, window)).sum())


def child_share(episodes: pd.DataFrame, window: Window) -> float | None:
    """Child (under-18) episodes as a percentage of all episodes in ``window``; None if none.

    This is the report's "68% of Missing Episodes are of people aged 18 or under"
    (2,599 / 3,812 = 68.2%): the figures behind it are under-18 episodes.
    """
    total = episode_count(episodes, window)
    if total == 0:
        return None
    return percent(child_episode_count(episodes, window), total)


# ---------------------------------------------------------------------------------------------
# monthly series (figures 16-18)


def monthly_episodes(episodes: pd.DataFrame, window: Window) -> pd.Series:
    """Episodes per month of ``window`` (figure 16), months with none given 0."""
    return counts.monthly_counts(episodes, "reported_at", window)


def monthly_individuals(episodes: pd.DataFrame, window: Window) -> pd.Series:
    """Distinct people reported missing in each month of ``window`` (figure 17).

    A person missing twice in one month counts once in that month; missing in two months, once
    in each (so the months do not add up to the window's individuals).
    """
    rows = episodes_in_window(episodes, window)
    months = rows["reported_at"].dt.to_period("M")
    per_month = rows.assign(_m=months).groupby("_m")["person_id"].nunique()
    per_month = per_month.reindex(window.months(), fill_value=0).sort_index()
    per_month.index.name = "month"
    per_month.name = "count"
    return per_month.astype(int)


def monthly_child_episodes(episodes: pd.DataFrame, window: Window) -> pd.Series:
    """Child (under-18) episodes per month of ``window`` (figure 18)."""
    return monthly_episodes(episodes[is_child_episode(episodes)], window)


def chart_window(episodes: pd.DataFrame, period: str, n_months: int = 36) -> Window:
    """The months the monthly charts show: up to ``n_months`` ending with ``period``, starting no
    earlier than the first month that has any episode (so the charts show no empty lead-in)."""
    window = window_ending(parse_period(period), n_months)
    if len(episodes):
        first = episodes["reported_at"].min().to_period("M")
        if window.start < first <= window.end:
            window = Window(first, window.end)
    return window


# ---------------------------------------------------------------------------------------------
# repeats


def episodes_per_person(episodes: pd.DataFrame, window: Window) -> pd.Series:
    """Episodes in ``window`` per person, most first (internal: never publish the index)."""
    rows = episodes_in_window(episodes, window)
    return rows["person_id"].value_counts(dropna=True).sort_values(ascending=False)


def repeat_individual_count(
    episodes: pd.DataFrame, window: Window, min_episodes: int = REPEAT_MIN_EPISODES
) -> int:
    """Individuals with ``min_episodes`` (2) or more episodes reported in ``window``.

    Only episodes in the window count: one episode in each of two windows is not a repeat in
    either.
    """
    return int((episodes_per_person(episodes, window) >= min_episodes).sum())


def repeat_rate(episodes: pd.DataFrame, window: Window) -> float | None:
    """Repeat individuals as a percentage of individuals in ``window``; None with no one."""
    individuals = individual_count(episodes, window)
    if individuals == 0:
        return None
    return percent(repeat_individual_count(episodes, window), individuals)


def repeat_episode_share(episodes: pd.DataFrame, window: Window) -> float | None:
    """Episodes belonging to repeat individuals, as a percentage of all episodes in ``window``.

    A repeat individual's every episode in the window counts (their first included).
    """
    per_person = episodes_per_person(episodes, window)
    total = int(per_person.sum())
    if total == 0:
        return None
    return percent(int(per_person[per_person >= REPEAT_MIN_EPISODES].sum()), total)


def episodes_per_individual(episodes: pd.DataFrame, window: Window) -> float | None:
    """Episodes divided by individuals in ``window``; None with no one."""
    individuals = individual_count(episodes, window)
    if individuals == 0:
        return None
    return episode_count(episodes, window) / individuals


def concentration(
    episodes: pd.DataFrame, window: Window, top_fraction: float = 0.10
) -> float | None:
    """Share (%) of the window's episodes that belong to the most frequent ``top_fraction`` of
    individuals.

    The top group is ``ceil(top_fraction x individuals)`` people (at least one), taken in order of
    episodes, most first; people tied at the cut-off are taken in a fixed order (the group's size
    never changes with ties). None with no episodes.
    """
    per_person = episodes_per_person(episodes, window)
    if per_person.empty:
        return None
    n_top = max(1, math.ceil(top_fraction * len(per_person) - 1e-9))
    ordered = np.sort(per_person.to_numpy())[::-1]
    return percent(float(ordered[:n_top].sum()), float(ordered.sum()))


# ---------------------------------------------------------------------------------------------
# duration


def window_end(window: Window) -> pd.Timestamp:
    """The instant a window ends: midnight at the start of the day after its last day."""
    return (window.end + 1).start_time


def episode_durations(
    episodes: pd.DataFrame, window: Window, censor_at_window_end: bool = False
) -> pd.DataFrame:
    """Each episode of ``window`` with its duration, or marked open.

    Parameters
    ----------
    episodes : DataFrame
        The canonical table.
    window : Window
    censor_at_window_end : bool, default False
        By default an episode is open when it has no ``found_at`` in the extract: the person had
        not been found when the data was taken (at or after the window's end), and an episode
        found after the window ended keeps its real duration. With True, an episode found after
        the window ended is open too (what was known at the window's end).

    Returns
    -------
    DataFrame
        One row per episode reported in the window (same index): ``hours`` (float,
        ``found_at - reported_at``; NaN when open), ``open`` (bool) and
        ``found_after_window`` (bool: found, but after the window's last day).

    Raises
    ------
    ValueError
        When an episode is found before it was reported (ingest should have refused it).
    """
    rows = episodes_in_window(episodes, window)
    found = rows["found_at"]
    after = (found > window_end(window)).fillna(False).astype(bool)
    is_open = found.isna() | after if censor_at_window_end else found.isna()
    hours = (found - rows["reported_at"]).dt.total_seconds() / 3600.0
    if (hours < 0).any():
        raise ValueError(f"{int((hours < 0).sum())} episode(s) found before they were reported")
    hours = hours.where(~is_open)
    return pd.DataFrame(
        {"hours": hours.astype(float), "open": is_open.astype(bool), "found_after_window": after}
    )


@dataclass(frozen=True)
class DurationSummary:
    """How long episodes of a window lasted (see :func:`duration_summary`)."""

    episodes: int
    found: int
    open: int
    mean_hours: float | None
    median_hours: float | None
    share_found_within_24h: float | None
    found_after_window: int = 0


def duration_summary(
    episodes: pd.DataFrame, window: Window, censor_at_window_end: bool = False
) -> DurationSummary:
    """Mean and median hours missing, the open count and the share found within 24 hours.

    Parameters
    ----------
    episodes : DataFrame
    window : Window
    censor_at_window_end : bool, default False
        See :func:`episode_durations`.

    Returns
    -------
    DurationSummary
        ``mean_hours`` and ``median_hours``: of found episodes (None if none); open episodes
        are counted in ``open`` and left out of these two, never given a made-up duration.
        ``share_found_within_24h``: episodes found within 24 hours (inclusive) as a percentage
        of *all* the window's episodes, open ones included as not found within 24 hours (None
        with no episodes). ``found_after_window``: found episodes found after the window ended.
    """
    table = episode_durations(episodes, window, censor_at_window_end)
    found = table.loc[~table["open"], "hours"]
    n = len(table)
    within = int((found <= FOUND_WITHIN_HOURS).sum())
    return DurationSummary(
        episodes=n,
        found=len(found),
        open=int(table["open"].sum()),
        mean_hours=float(found.mean()) if len(found) else None,
        median_hours=float(found.median()) if len(found) else None,
        share_found_within_24h=percent(within, n),
        found_after_window=int((table["found_after_window"] & ~table["open"]).sum()),
    )


# ---------------------------------------------------------------------------------------------
# return-home interviews, risk, looked-after children, places


def rhi_within_72h(episodes: pd.DataFrame) -> pd.Series:
    """For each episode: was a return-home interview held within 72 hours of the return?

    Compared as dates: ``found_at.date() <= rhi_date.date() <= (found_at + 72h).date()``. False
    when there is no ``found_at`` or no ``rhi_date``. (Who is eligible, returned children, is
    :func:`rhi_72h_share`'s business.)
    """
    found_day = episodes["found_at"].dt.normalize()
    last_day = (episodes["found_at"] + pd.Timedelta(hours=RHI_HOURS)).dt.normalize()
    rhi_day = episodes["rhi_date"].dt.normalize()
    within = (rhi_day >= found_day) & (rhi_day <= last_day)
    return within.fillna(False).astype(bool)


def returned_children(episodes: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Child episodes reported in ``window`` that have a ``found_at`` (the child came back)."""
    rows = episodes_in_window(episodes, window)
    return rows[is_child_episode(rows) & rows["found_at"].notna()]


def rhi_72h_share(episodes: pd.DataFrame, window: Window) -> float | None:
    """Returned children given a return-home interview within 72 hours, as a percentage of
    returned children (child episodes of ``window`` with a ``found_at``); None if none."""
    returned = returned_children(episodes, window)
    if returned.empty:
        return None
    return percent(int(rhi_within_72h(returned).sum()), len(returned))


def counts_by_column(
    episodes: pd.DataFrame, previous: Window, current: Window, column: str, categories=None
) -> pd.DataFrame:
    """Episodes per value of ``column`` in both windows, with each window's share (%).

    Returns
    -------
    DataFrame
        Index: the values (``categories`` order if given, missing shown as "Not recorded");
        columns ``previous``, ``current``, ``previous_share``, ``current_share``, ``pct_change``.
    """
    frame = episodes.assign(**{column: episodes[column].astype("object").fillna("Not recorded")})
    prev = counts.counts_by(frame, "reported_at", previous, column, categories)
    cur = counts.counts_by(frame, "reported_at", current, column, categories)
    table = pd.concat({"previous": prev, "current": cur}, axis=1).fillna(0).astype(int)
    for name in ("previous", "current"):
        total = table[name].sum()
        table[f"{name}_share"] = table[name] * 100.0 / total if total else np.nan
    table["pct_change"] = [
        pct_change(p, c) for p, c in zip(table["previous"], table["current"], strict=True)
    ]
    table.index.name = column
    return table


def vulnerability_profile(
    episodes: pd.DataFrame, previous: Window, current: Window
) -> pd.DataFrame:
    """Episodes of looked-after children, from care homes, from hospitals, graded High risk, and
    returned children's return-home interviews within 72 hours, in both windows.

    Returns
    -------
    DataFrame
        Index ``measure``; columns ``previous``, ``current``, ``pct_change`` (counts) or the two
        shares (for the interview row, in percent).
    """
    rows = []
    tests = {
        "Episodes of looked-after children": lambda f: f["looked_after"].fillna(False).astype(bool),
        "Episodes from care homes": lambda f: f["location_type"] == "Care home",
        "Episodes of children from care homes": lambda f: (
            (f["location_type"] == "Care home") & is_child_episode(f)
        ),
        "Episodes from hospitals": lambda f: f["location_type"] == "Hospital",
        "Episodes graded High risk": lambda f: f["risk_grade"] == "High",
    }
    for label, test in tests.items():
        values = []
        for window in (previous, current):
            part = episodes_in_window(episodes, window)
            values.append(int(test(part).fillna(False).astype(bool).sum()))
        rows.append(
            {
                "measure": label,
                "previous": values[0],
                "current": values[1],
                "pct_change": pct_change(values[0], values[1]),
            }
        )
    rows.append(
        {
            "measure": "Returned children interviewed within 72 hours (%)",
            "previous": rhi_72h_share(episodes, previous),
            "current": rhi_72h_share(episodes, current),
            "pct_change": None,
        }
    )
    return pd.DataFrame(rows).set_index("measure")


# ---------------------------------------------------------------------------------------------
# cost v benefit and the 2018 forecast


@dataclass(frozen=True)
class UnitCost:
    """The average cost of one missing-person episode and where it comes from."""

    value: float
    price_year: str
    source: str


def _constant(item: str, reference_dir: Path) -> pd.Series:
    table = reference.missing_persons_constants(reference_dir)
    rows = table[table["item"] == item]
    if rows.empty:
        raise KeyError(f"data/reference/missing_persons.csv has no {item!r} row")
    return rows.iloc[0]


def unit_cost(reference_dir: Path = REFERENCE_DIR, override: float | None = None) -> UnitCost:
    """The unit cost of an episode from ``data/reference/missing_persons.csv`` (GBP, with its
    price year and source note), or ``override`` (a notebook parameter) when given, labelled as
    set for the run."""
    if override is not None and not pd.isna(override):
        if float(override) < 0:
            raise ValueError("the unit cost must be a non-negative amount")
        return UnitCost(
            float(override), "", "set for this run as a parameter, not the reference table's"
        )
    row = _constant("unit_cost", Path(reference_dir))
    return UnitCost(float(row["value"]), str(row["year"]), str(row["note"]))


def investment(reference_dir: Path = REFERENCE_DIR) -> UnitCost:
    """The MPIT investment (GBP), its financial year and note, in the same shape as a unit cost."""
    row = _constant("investment", Path(reference_dir))
    return UnitCost(float(row["value"]), str(row["year"]), str(row["note"]))


def forecast_2018(reference_dir: Path = REFERENCE_DIR) -> pd.Series:
    """The demand forecast made in 2018: episodes per calendar year (int index 2019..2022)."""
    table = reference.missing_persons_constants(Path(reference_dir))
    rows = table[table["item"] == "forecast"]
    series = pd.Series(rows["value"].to_numpy(), index=rows["year"].astype(int).to_numpy())
    series.index.name = "year"
    series.name = "forecast_2018"
    return series


def cost_avoided(previous_episodes: int, current_episodes: int, cost_per_episode: float) -> float:
    """Non-cashable cost avoided: ``(previous_episodes - current_episodes) x cost_per_episode``.

    Negative when episodes rose (a cost incurred, not avoided). 5,022 -> 3,812 at GBP 2,415 is
    1,210 x 2,415 = GBP 2,922,150.
    """
    if cost_per_episode is None or pd.isna(cost_per_episode) or cost_per_episode < 0:
        raise ValueError("the unit cost must be a non-negative amount")
    return float((int(previous_episodes) - int(current_episodes)) * float(cost_per_episode))


def forecast_vs_actual(
    episodes: pd.DataFrame, period: str, reference_dir: Path = REFERENCE_DIR
) -> pd.DataFrame:
    """The 2018 forecast per year beside actual episodes for each whole calendar year that the
    data covers up to ``period`` (actual blank for years not yet complete).

    Returns
    -------
    DataFrame
        Index ``year``; columns ``forecast_2018``, ``actual`` (nullable Int64), ``difference``
        (actual - forecast) and ``pct_of_forecast`` (actual as % of forecast).
    """
    forecast = forecast_2018(reference_dir)
    last = parse_period(period)
    actual = []
    for year in forecast.index:
        december = pd.Period(f"{year}-12", freq="M")
        if december <= last:
            actual.append(episode_count(episodes, Window(pd.Period(f"{year}-01", "M"), december)))
        else:
            actual.append(pd.NA)
    table = pd.DataFrame({"forecast_2018": forecast.astype(int)}, index=forecast.index)
    table["actual"] = pd.array(actual, dtype="Int64")
    table["difference"] = table["actual"] - table["forecast_2018"]
    table["pct_of_forecast"] = table["actual"].astype("Float64") * 100.0 / table["forecast_2018"]
    return table


# ---------------------------------------------------------------------------------------------
# the appendix's tables and figures


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


def theme_figures(
    episodes: pd.DataFrame,
    period: str,
    cost_per_episode: float | None = None,
    reference_dir: Path = REFERENCE_DIR,
    lag_months: int = 0,
    chart_months: int = 36,
    ets=None,
    window_months: int = 12,
) -> pd.DataFrame:
    """Every published missing-persons figure, ready for :meth:`FigureBook.extend`.

    Parameters
    ----------
    episodes : DataFrame
        The canonical ``missing_episodes`` table.
    period : str
        The report's last month (``YYYY-MM``).
    cost_per_episode : float, optional
        Unit cost in GBP (default: the reference table's).
    reference_dir : Path
    lag_months : int, default 0
        The theme's lag (0 for missing persons).
    chart_months : int, default 36
        Months of the monthly charts (:func:`chart_window`).
    ets : perfpack.projections.EtsForecast, optional
        The model forecast shown in the appendix (fitted to the charts' months); its figures are
        added when given.
    window_months : int, default 12
        Length of the previous and current windows
        (``comparison_windows(period, lag_months, n_months=window_months)``). The 2018
        forecast is compared only when the current window is a calendar year.

    Returns
    -------
    DataFrame
        ``measure, window, group, value`` (unrounded; percentages in percent). Measures:
        ``count_previous``, ``count_current``, ``pct_change``, ``change_p_value``,
        ``individuals_previous``, ``individuals_current``, ``individuals_change``,
        ``individuals_pct_change``, ``child_episodes_previous``, ``child_episodes_current``,
        ``child_episodes_pct_change``, ``child_share``, ``mean_duration_hours`` (both windows),
        ``median_duration_hours`` (both), ``mean_duration_pct_change``,
        ``found_within_24h_share`` (both), ``open_episodes`` (both; blank when 1 to 4),
        ``repeat_individuals``
        (both), ``repeat_rate`` (both), ``repeat_episode_share`` (both),
        ``episodes_per_individual`` (both), ``rhi_72h_share`` (both); ``monthly_count``
        (episodes, the SPC chart's points), ``monthly_individuals``, ``monthly_child_episodes``
        (window = one month, the charts' months); ``projection_3m_total``,
        ``projection_3m_pct`` (and 6m, 12m: the report's linear method on the charts' months);
        ``ets_total``, ``ets_pct``, ``ets_lower_80``/``ets_upper_80``/``ets_lower_95``/
        ``ets_upper_95`` (only with ``ets``);
        ``forecast_2019``,
        ``forecast_2019_difference``, ``unit_cost``, ``investment``, ``episodes_reduced``,
        ``cost_avoided``.
    """
    from perfpack import projections, stats

    previous, current = comparison_windows(period, lag_months, n_months=window_months)
    prev_label, cur_label = previous.label, current.label
    rows: list[tuple[str, str, float | None]] = []

    def add(measure, value, window_label=cur_label):
        rows.append((measure, window_label, value))

    n_prev, n_cur = episode_count(episodes, previous), episode_count(episodes, current)
    add("count_previous", n_prev, prev_label)
    add("count_current", n_cur)
    add("pct_change", pct_change(n_prev, n_cur))
    add("change_p_value", stats.poisson_change_test(n_prev, n_cur).p_value)

    i_prev, i_cur = individual_count(episodes, previous), individual_count(episodes, current)
    add("individuals_previous", i_prev, prev_label)
    add("individuals_current", i_cur)
    add("individuals_change", i_cur - i_prev)
    add("individuals_pct_change", pct_change(i_prev, i_cur))

    c_prev, c_cur = child_episode_count(episodes, previous), child_episode_count(episodes, current)
    add("child_episodes_previous", c_prev, prev_label)
    add("child_episodes_current", c_cur)
    add("child_episodes_pct_change", pct_change(c_prev, c_cur))
    add("child_share", child_share(episodes, current))

    d_prev, d_cur = duration_summary(episodes, previous), duration_summary(episodes, current)
    for window_label, d in ((prev_label, d_prev), (cur_label, d_cur)):
        add("mean_duration_hours", d.mean_hours, window_label)
        add("median_duration_hours", d.median_hours, window_label)
        add("found_within_24h_share", d.share_found_within_24h, window_label)
        add("open_episodes", math.nan if is_small_count(d.open) else d.open, window_label)
    add("mean_duration_pct_change", pct_change(d_prev.mean_hours, d_cur.mean_hours))

    for window in (previous, current):
        add("repeat_individuals", repeat_individual_count(episodes, window), window.label)
        add("repeat_rate", repeat_rate(episodes, window), window.label)
        add("repeat_episode_share", repeat_episode_share(episodes, window), window.label)
        add("episodes_per_individual", episodes_per_individual(episodes, window), window.label)
        add("rhi_72h_share", rhi_72h_share(episodes, window), window.label)

    shown = chart_window(episodes, period, chart_months)
    for measure, series in (
        ("monthly_count", monthly_episodes(episodes, shown)),
        ("monthly_individuals", monthly_individuals(episodes, shown)),
        ("monthly_child_episodes", monthly_child_episodes(episodes, shown)),
    ):
        for month, value in series.items():
            add(measure, value, f"{month}/{month}")

    monthly = monthly_episodes(episodes, shown)
    for row in projections.report_projections(monthly).itertuples():
        add(f"projection_{row.n_months}m_total", row.projected_total)
        add(f"projection_{row.n_months}m_pct", row.pct_change)
    if ets is not None:
        add("ets_total", ets.total)
        add("ets_pct", ets.pct_change)
        for name in ("lower_80", "upper_80", "lower_95", "upper_95"):
            add(f"ets_{name}", getattr(ets, name))

    forecast = forecast_2018(reference_dir)
    year = current.end.year
    calendar_year = current.start == pd.Period(f"{year}-01", "M") and current.n_months == 12
    if calendar_year and year in forecast.index:
        add(f"forecast_{year}", float(forecast[year]))
        add(f"forecast_{year}_difference", n_cur - float(forecast[year]))

    cost = unit_cost(reference_dir)
    per_episode = cost.value if cost_per_episode is None else float(cost_per_episode)
    add("unit_cost", per_episode, "")
    add("investment", investment(reference_dir).value, "")
    add("episodes_reduced", n_prev - n_cur)
    add("cost_avoided", cost_avoided(n_prev, n_cur, per_episode))

    return pd.DataFrame([{"measure": m, "window": w, "group": "", "value": v} for m, w, v in rows])


# ---------------------------------------------------------------------------------------------
# the deep dive: cohorts, places, concentration, case studies

CARE_HOME_CHILDREN = "Children missing from care homes"
LOOKED_AFTER = "Looked-after children (not from care homes)"
HOSPITAL_ADULTS = "Adults missing from hospitals"
EVERYONE_ELSE = "Everyone else"
#: The deep dive's cohorts: every episode is in exactly one, taken in this order.
COHORTS = (CARE_HOME_CHILDREN, LOOKED_AFTER, HOSPITAL_ADULTS, EVERYONE_ELSE)


def cohort_of(episodes: pd.DataFrame) -> pd.Series:
    """Each episode's cohort; the first that applies, in :data:`COHORTS` order.

    1. children (under 18 at the report) missing from a care home;
    2. other episodes of looked-after children (under 18, flagged looked after);
    3. adults (18 and over) missing from a hospital;
    4. everyone else.

    An episode is placed by its own age, flag and place, so a person can move between cohorts
    (e.g. turning 18, or moving from a care home to a foster placement).
    """
    child = is_child_episode(episodes)
    care_home = (episodes["location_type"] == "Care home").fillna(False).astype(bool)
    hospital = (episodes["location_type"] == "Hospital").fillna(False).astype(bool)
    looked_after = episodes["looked_after"].fillna(False).astype(bool)
    adult = (episodes["age"] >= CHILD_AGE).fillna(False).astype(bool)
    cohort = np.select(
        [child & care_home, child & looked_after, adult & hospital],
        [CARE_HOME_CHILDREN, LOOKED_AFTER, HOSPITAL_ADULTS],
        default=EVERYONE_ELSE,
    )
    return pd.Series(cohort, index=episodes.index, name="cohort", dtype="str")


def select_cohort(episodes: pd.DataFrame, cohort: str) -> pd.DataFrame:
    """The episodes of one cohort, or all of them for ``"all"``; a ValueError names the cohorts."""
    if cohort == "all":
        return episodes
    if cohort not in COHORTS:
        raise ValueError(f"unknown cohort {cohort!r}; use 'all' or one of: {', '.join(COHORTS)}")
    return episodes[cohort_of(episodes) == cohort]


def repeat_rate_test(
    previous_repeats: int, previous_individuals: int, current_repeats: int, current_individuals: int
) -> float | None:
    """Two-sided p-value of Fisher's exact test that the repeat rate is the same in both windows.

    The 2x2 table is ``[[repeats, non-repeats] previous, [repeats, non-repeats] current]``.
    Exact, so it holds for small cohorts. It treats the windows' individuals as independent
    samples; someone missing in both years appears in both rows, which makes the test somewhat
    conservative-to-unreliable for heavy overlaps; read it as a guide. None when either window has
    no individuals.
    """
    if previous_individuals <= 0 or current_individuals <= 0:
        return None
    table = [
        [previous_repeats, previous_individuals - previous_repeats],
        [current_repeats, current_individuals - current_repeats],
    ]
    return float(scipy_stats.fisher_exact(table, alternative="two-sided").pvalue)


def cohort_summary(episodes: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """Episodes, individuals and repeats for each cohort (and everyone) in both windows.

    Within a cohort, individuals are distinct people with an episode *in that cohort* and a
    repeat individual has 2+ of the cohort's episodes in the window.

    Returns
    -------
    DataFrame
        Index ``cohort`` (:data:`COHORTS` then ``"All episodes"``); columns
        ``episodes_previous``, ``episodes_current``, ``episodes_pct_change``,
        ``individuals_previous``, ``individuals_current``, ``repeat_individuals_previous``,
        ``repeat_individuals_current``, ``repeat_rate_previous``, ``repeat_rate_current`` (%),
        ``repeat_rate_change_points`` and ``repeat_rate_p_value`` (:func:`repeat_rate_test`).
    """
    cohorts = cohort_of(episodes)
    groups = [(name, episodes[cohorts == name]) for name in COHORTS]
    groups.append(("All episodes", episodes))
    rows = []
    for name, part in groups:
        row = {"cohort": name}
        for label, window in (("previous", previous), ("current", current)):
            row[f"episodes_{label}"] = episode_count(part, window)
            row[f"individuals_{label}"] = individual_count(part, window)
            row[f"repeat_individuals_{label}"] = repeat_individual_count(part, window)
            row[f"repeat_rate_{label}"] = repeat_rate(part, window)
        row["episodes_pct_change"] = pct_change(row["episodes_previous"], row["episodes_current"])
        if row["repeat_rate_previous"] is None or row["repeat_rate_current"] is None:
            row["repeat_rate_change_points"] = None
        else:
            row["repeat_rate_change_points"] = (
                row["repeat_rate_current"] - row["repeat_rate_previous"]
            )
        row["repeat_rate_p_value"] = repeat_rate_test(
            row["repeat_individuals_previous"],
            row["individuals_previous"],
            row["repeat_individuals_current"],
            row["individuals_current"],
        )
        rows.append(row)
    columns = [
        "cohort",
        "episodes_previous",
        "episodes_current",
        "episodes_pct_change",
        "individuals_previous",
        "individuals_current",
        "repeat_individuals_previous",
        "repeat_individuals_current",
        "repeat_rate_previous",
        "repeat_rate_current",
        "repeat_rate_change_points",
        "repeat_rate_p_value",
    ]
    return pd.DataFrame(rows)[columns].set_index("cohort")


def top_locations(
    episodes: pd.DataFrame, previous: Window, current: Window, location_type: str, n: int = 10
) -> pd.DataFrame:
    """The places of one type (``"Care home"``, ``"Hospital"``) with most episodes in the current
    window, by pseudonymous ``location_id`` (never an address).

    Returns
    -------
    DataFrame
        Columns ``location_id``, ``episodes_previous``, ``episodes_current``,
        ``individuals_current``, ``repeat_individuals_current``; at most ``n`` rows, most
        episodes first (ties by id). Episodes with no location id are left out.
    """
    places = episodes[
        (episodes["location_type"] == location_type) & episodes["location_id"].notna()
    ]
    rows = []
    for location_id, part in places.groupby("location_id", sort=True):
        rows.append(
            {
                "location_id": str(location_id),
                "episodes_previous": episode_count(part, previous),
                "episodes_current": episode_count(part, current),
                "individuals_current": individual_count(part, current),
                "repeat_individuals_current": repeat_individual_count(part, current),
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "location_id",
            "episodes_previous",
            "episodes_current",
            "individuals_current",
            "repeat_individuals_current",
        ],
    )
    table = table.sort_values(["episodes_current", "location_id"], ascending=[False, True])
    return table.head(n).reset_index(drop=True)


AGE_BANDS = (
    (0, 12, "under 12"),
    (12, 16, "12-15"),
    (16, 18, "16-17"),
    (18, 25, "18-24"),
    (25, 40, "25-39"),
    (40, 65, "40-64"),
    (65, 200, "65 and over"),
)


def age_band(ages: pd.Series) -> pd.Series:
    """Ages in years -> the bands published instead of ages ("12-15", "18-24", ...)."""
    labels = pd.Series("not recorded", index=ages.index, dtype="str")
    for low, high, label in AGE_BANDS:
        labels = labels.mask(((ages >= low) & (ages < high)).fillna(False).astype(bool), label)
    return labels


def duration_band(hours: pd.Series, is_open: pd.Series) -> pd.Series:
    """Hours missing -> a band for case studies ("under 6 hours", ..., "still open")."""
    bands = pd.cut(
        hours,
        [-0.1, 6, 24, 72, np.inf],
        labels=["under 6 hours", "6 to 24 hours", "1 to 3 days", "over 3 days"],
    )
    text = bands.astype("object").where(~is_open, "still open")
    return text.fillna("still open").astype("str")


def _case_label(i: int) -> str:
    letters = string.ascii_uppercase
    return "Case " + (letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26])


#: A case study is a person with at least this many episodes over the two windows, so that no
#: case's listing shows a count of 1 to 4 (the threshold of :mod:`perfpack.disclosure`).
CASE_MIN_EPISODES = 5
#: Episode totals of a case as published (never the exact total, never split by window).
EPISODE_TOTAL_BANDS = ((5, 10, "5 to 9"), (10, 20, "10 to 19"), (20, 30, "20 to 29"))
EPISODE_TOTAL_TOP = 30
#: Gaps shorter than this many weeks are published in whole weeks; longer ones in whole months.
GAP_WEEKS_LIMIT = 9
DAYS_PER_MONTH = 365.25 / 12


def episode_total_band(n_episodes: int) -> str:
    """A case's number of episodes as published: ``"5 to 9"``, ``"10 to 19"``, ``"20 to 29"``
    or ``"30 or more"`` (``"fewer than 5"`` below the case-study minimum, which no case has)."""
    n = int(n_episodes)
    if n >= EPISODE_TOTAL_TOP:
        return f"{EPISODE_TOTAL_TOP} or more"
    for low, high, label in EPISODE_TOTAL_BANDS:
        if low <= n < high:
            return label
    return f"fewer than {CASE_MIN_EPISODES}"


def _gap_parts(days: float) -> tuple[str, int]:
    """``("week", k)`` or ``("month", k)``: a gap of ``days`` rounded down to the unit shown."""
    if days < 7 * GAP_WEEKS_LIMIT:
        return "week", int(days // 7)
    return "month", int(math.floor(days / DAYS_PER_MONTH + 1e-9))


def gap_text(days) -> str:
    """A gap between two episodes as published, rounded down: ``"under 1 week"``, ``"1 week"``,
    ..., ``"8 weeks"``, then whole months from 9 weeks on (``"2 months"``, ...); ``"–"`` when there
    is no previous episode (``days`` missing).

    Never a day count: whole weeks and months leave the date of a case's first episode unknown
    within the two years, where days let a reader pin it (see :func:`case_studies`).
    """
    if days is None or pd.isna(days):
        return "–"
    unit, k = _gap_parts(float(days))
    if unit == "week":
        return "under 1 week" if k == 0 else f"{k} week{'s' if k != 1 else ''}"
    return f"{k} months"


def gap_weeks(days) -> float:
    """The gap :func:`gap_text` publishes, in weeks (for the chart): whole weeks below 9 weeks,
    whole months (of 365.25 / 12 days) beyond; NaN when there is no previous episode."""
    if days is None or pd.isna(days):
        return math.nan
    unit, k = _gap_parts(float(days))
    return float(k) if unit == "week" else k * DAYS_PER_MONTH / 7.0


def case_studies(
    episodes: pd.DataFrame, previous: Window, current: Window, n: int = 5
) -> pd.DataFrame:
    """Anonymised timelines for the ``n`` people with most episodes across both windows.

    Chosen among people with :data:`CASE_MIN_EPISODES` (5) or more episodes over the two
    windows, most episodes first (ties in a fixed order that is not shown). Nothing returned
    pins a person, a date or a birthday:

    - people are labelled "Case A", "Case B", ... in that order;
    - no episode says which window it fell in, and time is given only as the gap since the
      previous episode, rounded down to whole weeks (whole months from 9 weeks on:
      :func:`gap_text`). A running day count let a reader place day 0 between the first day of
      the previous window and the last day of the current one minus the case's span, often to
      within days; rounded gaps widen that by the rounding of every gap;
    - age is one band per case, the band at the first episode (:func:`age_band`): a band that
      changed between two episodes would place a birthday between them;
    - duration is a band (:func:`duration_band`), "still open" when there is no found time.

    Parameters
    ----------
    episodes : DataFrame
        The canonical table (or one cohort's episodes).
    previous, current : Window
        The comparison windows; episodes in either count.
    n : int, default 5
        How many cases at most.

    Returns
    -------
    DataFrame
        One row per episode, in order: ``case``, ``episode`` (1, 2, ...), ``gap`` (text,
        ``"–"`` for the first), ``gap_weeks`` (the published gap in weeks, NaN for the first),
        ``age_band`` (the case's band at its first episode, on every row), ``risk_grade``,
        ``looked_after`` ("yes"/"no"), ``location_type``, ``duration``, ``return_interview``
        (children: "within 72 hours", "later", "none"; adults: "not applicable").
    """
    span = Window(previous.start, current.end)
    rows = episodes_in_window(episodes, span)
    per_person = rows["person_id"].value_counts()
    per_person = per_person[per_person >= CASE_MIN_EPISODES]
    order = sorted(per_person.index, key=lambda p: (-per_person[p], str(p)))[: max(int(n), 0)]
    columns = [
        "case",
        "episode",
        "gap",
        "gap_weeks",
        "age_band",
        "risk_grade",
        "looked_after",
        "location_type",
        "duration",
        "return_interview",
    ]
    frames = []
    for i, person in enumerate(order):
        part = rows[rows["person_id"] == person].sort_values("reported_at", kind="stable")
        days = part["reported_at"].dt.normalize().diff().dt.days.to_numpy()  # NaN first
        is_open = part["found_at"].isna()
        hours = (part["found_at"] - part["reported_at"]).dt.total_seconds() / 3600.0
        child = is_child_episode(part)
        rhi = rhi_within_72h(part)
        interview = np.select(
            [~child, rhi, part["rhi_date"].notna() & part["found_at"].notna()],
            ["not applicable", "within 72 hours", "later"],
            default="none",
        )
        frames.append(
            pd.DataFrame(
                {
                    "case": _case_label(i),
                    "episode": np.arange(1, len(part) + 1),
                    "gap": [gap_text(d) for d in days],
                    "gap_weeks": [gap_weeks(d) for d in days],
                    "age_band": age_band(part["age"]).iloc[0],
                    "risk_grade": part["risk_grade"].astype("str").to_numpy(),
                    "looked_after": np.where(
                        part["looked_after"].fillna(False).astype(bool), "yes", "no"
                    ),
                    "location_type": part["location_type"].astype("str").to_numpy(),
                    "duration": duration_band(hours, is_open).to_numpy(),
                    "return_interview": interview,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def interview_words(within: int, child_episodes: int) -> str:
    """Children's return interviews within 72 hours for one case, in words, not counts:
    ``"all"``, ``"half or more"``, ``"fewer than half"``, ``"none"`` (of the case's child
    episodes), or ``"not applicable"`` with no child episode."""
    if child_episodes <= 0:
        return "not applicable"
    if within >= child_episodes:
        return "all"
    if within == 0:
        return "none"
    return "half or more" if 2 * within >= child_episodes else "fewer than half"


def case_overview(timeline: pd.DataFrame) -> pd.DataFrame:
    """One row per case from :func:`case_studies`, as it may be published.

    Returns
    -------
    DataFrame
        Index ``case``; columns ``age_band`` (at the first episode), ``episodes`` (banded:
        :func:`episode_total_band`, both windows together, never split by window),
        ``typical_gap`` (the median gap as published; with an even number of gaps the shorter
        of the middle two, so it is always a gap the timeline shows), ``interviews_within_72h``
        (:func:`interview_words`) and ``places`` (location types, most frequent first).
    """
    rows = []
    for case, part in timeline.groupby("case", sort=False):
        gaps = part.loc[part["gap_weeks"].notna(), ["gap", "gap_weeks"]]
        gaps = gaps.sort_values("gap_weeks", kind="stable")
        children = part[part["return_interview"] != "not applicable"]
        within = int((children["return_interview"] == "within 72 hours").sum())
        rows.append(
            {
                "case": case,
                "age_band": part["age_band"].iloc[0],
                "episodes": episode_total_band(len(part)),
                "typical_gap": gaps["gap"].iloc[(len(gaps) - 1) // 2] if len(gaps) else "–",
                "interviews_within_72h": interview_words(within, len(children)),
                "places": ", ".join(part["location_type"].value_counts().index),
            }
        )
    columns = ["case", "age_band", "episodes", "typical_gap", "interviews_within_72h", "places"]
    return pd.DataFrame(rows, columns=columns).set_index("case")


# ---------------------------------------------------------------------------------------------
# words: the appendix's sentences (the report's wording where it has one)


def _money(value: float) -> str:
    return f"£{abs(value):,.0f}"


def _hours(value: float | None) -> str:
    return "n/a" if value is None else f"{round_half_up(value, 1):.1f} hours"


def _pct1(value: float | None) -> str:
    return format_pct(value, 1)


def _span(n_months: int) -> str:
    from perfpack.areas import months_text

    return months_text(n_months)


def period_label(window: Window) -> str:
    """A window for table headings: ``'Jan 2019 to Dec 2019'``."""
    return f"{window.start:%b %Y} to {window.end:%b %Y}"


def episodes_sentence(
    previous_count: int, current_count: int, previous: Window, current: Window
) -> str:
    """The report's headline sentence for missing episodes (saying "episodes", where the
    published report slipped into "offences")."""
    return change_sentence(
        "missing", previous_count, current_count, previous, current, noun="episodes"
    )


def individuals_sentence(previous_count: int, current_count: int, n_months: int = 12) -> str:
    """'548 fewer individuals went missing in the last 12 months (1,943) than in the previous 12
    months (2,491), a decrease of 22%.' (``n_months``: each window's length)."""
    span = _span(n_months)
    diff = current_count - previous_count
    change = pct_change(previous_count, current_count)
    if diff == 0:
        return (
            f"The same number of individuals went missing in the last {span} as in the "
            f"previous {span} ({format_count(current_count)})."
        )
    word, direction = ("fewer", "decrease") if diff < 0 else ("more", "increase")
    tail = (
        ""
        if change is None
        else f", {'a' if diff < 0 else 'an'} {direction} of {format_pct(abs(change))}"
    )
    return (
        f"{format_count(abs(diff))} {word} individuals went missing in the last {span} "
        f"({format_count(current_count)}) than in the previous {span} "
        f"({format_count(previous_count)}){tail}."
    )


def children_sentence(
    previous_count: int, current_count: int, previous: Window, current: Window
) -> str:
    """The report's sentence for child episodes: 'The number of missing episodes where the
    missing person is a child or young person under 18 has decreased by 22% from 3,330 in the
    period ... compared to 2,599 in the period ...'."""
    return (
        "The number of missing episodes where the missing person is a child or young person "
        f"under 18 {movement(previous_count, current_count)} from "
        f"{format_count(previous_count)} in the period "
        f"{previous.describe()} compared to {format_count(current_count)} in the period "
        f"{current.describe()}."
    )


def child_share_sentence(child_count: int, total_count: int, n_months: int = 12) -> str:
    """'68% of missing episodes in the last 12 months (2,599 of 3,812) were of children and young
    people under 18.' with a note on the report's wording."""
    span = _span(n_months)
    if total_count == 0:
        return f"There were no missing episodes in the last {span}."
    share = percent(child_count, total_count)
    return (
        f"{format_pct(share)} of missing episodes in the last {span} "
        f"({format_count(child_count)} of {format_count(total_count)}) were of children and young "
        'people under 18. (The published report describes this share as "aged 18 or under"; '
        "its figures, like these, are of under-18s.)"
    )


def duration_sentence(
    previous: DurationSummary, current: DurationSummary, n_months: int = 12
) -> str:
    """How long episodes lasted, both windows, saying how open episodes are counted.

    The counts of open episodes and of episodes found after the window are small by nature:
    from 1 to 4 they are given as "fewer than 5" (:func:`count_or_hidden`).
    """
    span = _span(n_months)
    parts = []
    change = pct_change(previous.mean_hours, current.mean_hours)
    if change is None or current.mean_hours is None:
        parts.append(
            f"The average (mean) time missing was {_hours(current.mean_hours)} in the last {span}."
        )
    else:
        word = "shorter" if change < 0 else "longer"
        parts.append(
            f"The average (mean) time missing was {_hours(current.mean_hours)} in the last "
            f"{span} against {_hours(previous.mean_hours)} in the previous {span}: "
            f"{format_pct(abs(change))} {word}."
        )
    parts.append(
        f"The median was {_hours(current.median_hours)} ({_hours(previous.median_hours)} "
        f"before), and {_pct1(current.share_found_within_24h)} of all episodes were found within "
        f"24 hours ({_pct1(previous.share_found_within_24h)} before)."
    )
    parts.append(
        f"{count_or_hidden(current.open, capital=True)} episodes of the last {span} "
        f"({count_or_hidden(previous.open)} of the previous) had no found time when the data "
        "was taken: they are counted as episodes but are still open, so they are left out of the "
        "mean and median (no duration is made up for them) and counted as not found within 24 "
        f"hours. {count_or_hidden(current.found_after_window, capital=True)} episodes of the "
        f"last {span} ({count_or_hidden(previous.found_after_window)} of the previous) were "
        "reported in the period and found after it ended; they keep their real duration."
    )
    return " ".join(parts)


def repeats_sentence(summary: pd.DataFrame, n_months: int = 12) -> str:
    """The repeat measures of both windows in words, from :func:`summary_table`."""
    span = _span(n_months)

    def get(measure):
        return summary.loc[measure, "previous"], summary.loc[measure, "current"]

    people = get("Repeat individuals (2+ episodes)")
    rate = get("Repeat rate (% of individuals)")
    share = get("Repeat episode share (%)")
    per = get("Episodes per individual")
    return (
        f"In the last {span} {format_count(people[1])} individuals went missing twice or more "
        f"({format_count(people[0])} in the previous {span}): {_pct1(rate[1])} of "
        f"individuals ({_pct1(rate[0])} before). Their episodes were {_pct1(share[1])} of all "
        f"episodes ({_pct1(share[0])} before), and individuals went missing "
        f"{per[1]:.2f} times each on average ({per[0]:.2f} before)."
    )


def forecast_sentence(forecast: pd.DataFrame, year: int) -> str:
    """The 2018 forecast against the actual for ``year`` (a row of :func:`forecast_vs_actual`)."""
    if year not in forecast.index or pd.isna(forecast.loc[year, "actual"]):
        return f"There is no complete year of episodes to compare with the forecast for {year}."
    predicted = int(forecast.loc[year, "forecast_2018"])
    actual = int(forecast.loc[year, "actual"])
    diff = actual - predicted
    side = "below" if diff < 0 else "above"
    return (
        f"The demand forecast made in 2018 expected {format_count(predicted)} missing episodes in "
        f"{year}; the year ended with {format_count(actual)}, {format_count(abs(diff))} "
        f"({format_pct(percent(abs(diff), predicted))}) {side} the forecast."
    )


def cost_sentence(
    previous_count: int, current_count: int, cost: UnitCost, invested: UnitCost
) -> str:
    """Cost v benefit in words: episodes reduced x unit cost, beside the investment, then the
    unit cost with its source and price year (markdown, two paragraphs)."""
    avoided = cost_avoided(previous_count, current_count, cost.value)
    diff = previous_count - current_count
    counts_text = f"({format_count(previous_count)} to {format_count(current_count)})"
    if diff >= 0:
        lead = (
            f"Missing episodes fell by {format_count(diff)} {counts_text}. At "
            f"{_money(cost.value)} per episode that is {_money(avoided)} of non-cashable cost "
            "avoided"
        )
    else:
        lead = (
            f"Missing episodes rose by {format_count(-diff)} {counts_text}. At "
            f"{_money(cost.value)} per episode that is {_money(avoided)} of additional "
            "non-cashable cost"
        )
    price = f" at {cost.price_year} prices, not adjusted for inflation" if cost.price_year else ""
    return (
        f"{lead}, beside the {_money(invested.value)} invested in the Missing Person "
        f"Investigation Team ({invested.source}; {invested.price_year}).\n\n"
        f"Unit cost: {_money(cost.value)} per missing person episode{price}. "
        f"Source: {cost.source}."
    )


def concentration_sentence(previous_share: float | None, current_share: float | None) -> str:
    """How concentrated episodes are among the most frequent 10% of individuals."""
    return (
        f"The most frequently missing 10% of individuals account for {_pct1(current_share)} of "
        f"episodes in the last 12 months ({_pct1(previous_share)} in the previous 12 months)."
    )


# ---------------------------------------------------------------------------------------------
# tables as published


#: Rows of :func:`summary_table` that are small by nature, so hidden from 1 to 4 (the other
#: counts are force totals in the thousands).
SUMMARY_SMALL_COUNTS = ("Still open (no found time)",)


def display_summary(summary: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """:func:`summary_table` formatted for publication: counts with separators, percentages to
    one decimal (their change in percentage points), hours to one decimal.

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
            change = "–" if hidden or pd.isna(row["pct_change"]) else format_pct(row["pct_change"])
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

            change = format_pct(row["pct_change"]) if pd.notna(row["pct_change"]) else "–"
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
    table: pd.DataFrame, previous: Window, current: Window, label: str, secondary: bool = True
) -> pd.DataFrame:
    """A :func:`counts_by_column` table as published: counts 1-4 hidden, shares to one decimal
    (hidden with their count). Each window's categories add up to its episodes, which the
    summary table publishes; the two windows add up to nothing (``along="columns"``)."""
    frame = table.reset_index()
    frame = frame.rename(columns={frame.columns[0]: label})
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


def display_profile(profile: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """:func:`vulnerability_profile` as published: counts 1-4 hidden; the rows overlap and add
    up to nothing published, except that episodes from care homes less those of children are
    the adults', which are protected too (secondary suppression when needed). A row's change
    is "–" when either of its counts is hidden: "<5 | 12 | +300%" would give the hidden count
    (12 / 4 = 3)."""
    counts_rows = profile.drop(index=[m for m in profile.index if m.endswith("(%)")])
    care = ("Episodes from care homes", "Episodes of children from care homes")
    shown = disclosure.suppress_small(
        counts_rows.reset_index(),
        ["previous", "current"],
        threshold=SMALL_COUNT,
        along="none",
        # care homes less their children is the adults: protected though not shown
        column_sums=[(care[0], [care[1], "adults from care homes"])]
        if all(m in counts_rows.index for m in care)
        else (),
    )
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
                "–" if h or pd.isna(v) else format_pct(v)
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
    """:func:`forecast_vs_actual` as published."""
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


# ---------------------------------------------------------------------------------------------
# the deep dive as published: every count of 1-4 hidden


_COUNT_COLUMNS = [
    "episodes_previous",
    "episodes_current",
    "individuals_previous",
    "individuals_current",
    "repeat_individuals_previous",
    "repeat_individuals_current",
]


def cohort_hidden(summary: pd.DataFrame) -> pd.DataFrame:
    """Which count cells of :func:`cohort_summary` are hidden when published (True = hidden).

    Small counts (1-4) are hidden, with secondary suppression down each column (the cohorts add
    up to the "All episodes" row). The columns are different measures that add up to nothing
    along a row, so there is none across rows.
    """
    mask = disclosure.suppression_mask(
        summary, _COUNT_COLUMNS, total_row="All episodes", along="columns"
    )
    return mask != ""


def cohort_table(summary: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """:func:`cohort_summary` as published: counts 1-4 shown as "<5" (others hidden with them
    as "[c]"), and a rate, change or p-value left blank ("–") when a count behind it is hidden."""
    shown = disclosure.suppress_small(
        summary, _COUNT_COLUMNS, total_row="All episodes", along="columns"
    )
    hidden = cohort_hidden(summary)
    prev, cur = period_label(previous), period_label(current)
    out = pd.DataFrame(index=summary.index)
    out[f"Episodes, {prev}"] = shown["episodes_previous"]
    out[f"Episodes, {cur}"] = shown["episodes_current"]
    episodes_hidden = hidden["episodes_previous"] | hidden["episodes_current"]
    out["Change in episodes"] = [
        "–" if h or pd.isna(v) else format_pct(v)
        for h, v in zip(episodes_hidden, summary["episodes_pct_change"], strict=True)
    ]
    out[f"Individuals, {prev}"] = shown["individuals_previous"]
    out[f"Individuals, {cur}"] = shown["individuals_current"]
    out[f"Repeat individuals, {prev}"] = shown["repeat_individuals_previous"]
    out[f"Repeat individuals, {cur}"] = shown["repeat_individuals_current"]
    rate_hidden = {
        label: hidden[f"individuals_{label}"] | hidden[f"repeat_individuals_{label}"]
        for label in ("previous", "current")
    }
    for label, heading in (("previous", prev), ("current", cur)):
        out[f"Repeat rate, {heading}"] = [
            "–" if h or v is None or pd.isna(v) else _pct1(v)
            for h, v in zip(rate_hidden[label], summary[f"repeat_rate_{label}"], strict=True)
        ]
    any_hidden = rate_hidden["previous"] | rate_hidden["current"]
    out["Change in repeat rate"] = [
        "–" if h or v is None or pd.isna(v) else f"{round_half_up(v, 1):+.1f} points"
        for h, v in zip(any_hidden, summary["repeat_rate_change_points"], strict=True)
    ]
    out["Fisher's exact test"] = [
        "–" if h or v is None or pd.isna(v) else stats_format_p(v)
        for h, v in zip(any_hidden, summary["repeat_rate_p_value"], strict=True)
    ]
    out.index.name = "Cohort"
    return out.reset_index()


def stats_format_p(p_value: float) -> str:
    """A p-value in words as every theme writes it (``perfpack.stats.format_p_value``)."""
    from perfpack import stats

    return stats.format_p_value(p_value)


def cohort_findings(summary: pd.DataFrame, alpha: float = 0.05) -> str:
    """One markdown bullet per cohort: did its repeat rate change, and is the change beyond
    chance (Fisher's exact test)? Cohorts with a hidden count say only that they are too small
    to report."""
    hidden = cohort_hidden(summary)
    lines = []
    for cohort, row in summary.iterrows():
        small = bool(
            hidden.loc[
                cohort,
                [
                    "individuals_previous",
                    "individuals_current",
                    "repeat_individuals_previous",
                    "repeat_individuals_current",
                ],
            ].any()
        )
        if small:
            lines.append(f"- **{cohort}**: too few people to publish repeat rates.")
            continue
        p_value = row["repeat_rate_p_value"]
        if p_value is None or pd.isna(p_value):
            lines.append(f"- **{cohort}**: no individuals in one of the periods, no comparison.")
            continue
        points = row["repeat_rate_change_points"]
        direction = "fell" if points < 0 else ("rose" if points > 0 else "did not change")
        verdict = "is unlikely to be chance" if p_value < alpha else "could well be chance"
        lines.append(
            f"- **{cohort}**: the repeat rate {direction} from {_pct1(row['repeat_rate_previous'])}"
            f" to {_pct1(row['repeat_rate_current'])} of individuals "
            f"({round_half_up(points, 1):+.1f} points); a change this size {verdict} "
            f"(Fisher's exact test, {stats_format_p(p_value)})."
        )
    return "\n".join(lines)


def cohort_location_table(episodes: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Episodes of ``window`` by cohort and the type of place gone missing from, with totals;
    counts 1-4 shown as "<5" with secondary suppression (:func:`disclosure.suppressed_crosstab`).
    """
    from perfpack.contracts import LOCATION_TYPES

    rows = episodes_in_window(episodes, window)
    frame = pd.DataFrame(
        {"cohort": cohort_of(rows), "location_type": rows["location_type"].astype("str")}
    )
    present = [t for t in frame["location_type"].unique() if t not in LOCATION_TYPES]
    table = disclosure.suppressed_crosstab(
        frame,
        "cohort",
        "location_type",
        row_order=list(COHORTS),
        column_order=list(LOCATION_TYPES) + sorted(present),
    )
    table.index.name = "Cohort"
    table.columns.name = None
    return table.reset_index()


def location_table(places: pd.DataFrame, previous: Window, current: Window) -> pd.DataFrame:
    """A :func:`top_locations` table as published: counts 1-4 shown as "<5" (a top list adds up
    to no published total, so no secondary suppression)."""
    shown = disclosure.suppress_small(
        places,
        [
            "episodes_previous",
            "episodes_current",
            "individuals_current",
            "repeat_individuals_current",
        ],
        secondary=False,
    )
    return shown.rename(
        columns={
            "location_id": "Place (pseudonymous id)",
            "episodes_previous": f"Episodes, {period_label(previous)}",
            "episodes_current": f"Episodes, {period_label(current)}",
            "individuals_current": f"Individuals, {period_label(current)}",
            "repeat_individuals_current": f"Repeat individuals, {period_label(current)}",
        }
    )


def deep_dive_figures(
    episodes: pd.DataFrame, period: str, cohort: str = "all", lag_months: int = 0
) -> pd.DataFrame:
    """The deep dive's published figures (``measure, window, group, value``), small counts
    blank.

    Measures, group = cohort: ``cohort_episodes``, ``cohort_individuals``,
    ``cohort_repeat_individuals``, ``cohort_repeat_rate`` (both windows),
    ``cohort_repeat_rate_p_value``; for the selected ``cohort`` (group "all" or its name):
    ``concentration_top10_share`` (both windows).
    """
    previous, current = comparison_windows(period, lag_months)
    summary = cohort_summary(episodes, previous, current)
    hidden = cohort_hidden(summary)
    rows = []
    for name, row in summary.iterrows():
        for label, window in (("previous", previous), ("current", current)):
            for measure, column in (
                ("cohort_episodes", f"episodes_{label}"),
                ("cohort_individuals", f"individuals_{label}"),
                ("cohort_repeat_individuals", f"repeat_individuals_{label}"),
            ):
                value = math.nan if hidden.loc[name, column] else row[column]
                rows.append((measure, window.label, name, value))
            rate_hidden = (
                hidden.loc[name, f"individuals_{label}"]
                or hidden.loc[name, f"repeat_individuals_{label}"]
            )
            rate = row[f"repeat_rate_{label}"]
            rows.append(
                (
                    "cohort_repeat_rate",
                    window.label,
                    name,
                    math.nan if rate_hidden or rate is None else rate,
                )
            )
        any_hidden = bool(hidden.loc[name, _COUNT_COLUMNS[2:]].any())
        p_value = row["repeat_rate_p_value"]
        rows.append(
            (
                "cohort_repeat_rate_p_value",
                current.label,
                name,
                math.nan if any_hidden or p_value is None else p_value,
            )
        )
    chosen = select_cohort(episodes, cohort)
    for window in (previous, current):
        rows.append(
            ("concentration_top10_share", window.label, cohort, concentration(chosen, window))
        )
    return pd.DataFrame(rows, columns=["measure", "window", "group", "value"])


# ---------------------------------------------------------------------------------------------
# charts


def cohort_repeat_chart(summary: pd.DataFrame, previous: Window, current: Window):
    """Bars of each cohort's repeat rate in both windows (cohorts with a hidden count left out).

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The chart and its alt text.
    """
    from perfpack import charts

    hidden = cohort_hidden(summary)
    keep = [
        c
        for c in summary.index
        if not hidden.loc[c, _COUNT_COLUMNS[2:]].any()
        and pd.notna(summary.loc[c, "repeat_rate_previous"])
        and pd.notna(summary.loc[c, "repeat_rate_current"])
    ]
    fig, ax = charts.new_figure()
    positions = np.arange(len(keep))
    width = 0.38
    prev = [float(summary.loc[c, "repeat_rate_previous"]) for c in keep]
    cur = [float(summary.loc[c, "repeat_rate_current"]) for c in keep]
    ax.barh(
        positions - width / 2,
        prev,
        width,
        color=charts.NEUTRAL_COLOUR,
        label=period_label(previous),
    )
    ax.barh(
        positions + width / 2,
        cur,
        width,
        color=charts.IMPROVEMENT_COLOUR,
        label=period_label(current),
    )
    ax.set_yticks(positions, keep)
    ax.invert_yaxis()
    ax.set_xlabel("Individuals missing twice or more (% of individuals)")
    ax.set_title("Repeat rate by cohort")
    ax.legend(loc="lower right", frameon=False, fontsize="small")
    fig.tight_layout()
    described = "; ".join(
        f"{c}: {_pct1(p)} then {_pct1(q)}" for c, p, q in zip(keep, prev, cur, strict=True)
    )
    alt = (
        f"Horizontal bar chart of the share of individuals missing twice or more, by cohort, "
        f"{period_label(previous)} then {period_label(current)}. {described}."
    )
    return fig, alt


def case_timeline_chart(timeline: pd.DataFrame):
    """One panel per case: for each episode after the first, the gap since the previous one in
    weeks as published (:func:`gap_weeks`: whole weeks, whole months from 9 weeks on), coloured
    by the child's return interview. No running time axis and no window: nothing places an
    episode on a date.

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The chart and its alt text (each case's banded episode total, age band at the first
        episode and typical gap).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from perfpack import charts

    charts.setup_style()
    cases = list(dict.fromkeys(timeline["case"]))
    fig, axes = plt.subplots(
        max(len(cases), 1),
        1,
        figsize=(9, 1.5 * max(len(cases), 1) + 1.4),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    styles = (
        ("within 72 hours", charts.IMPROVEMENT_COLOUR, "o", "Child, return interview in 72 hours"),
        ("later", charts.CONCERN_COLOUR, "s", "Child, no return interview in 72 hours"),
        ("none", charts.CONCERN_COLOUR, "s", "Child, no return interview in 72 hours"),
        ("not applicable", charts.NEUTRAL_COLOUR, "^", "Adult (no return interview due)"),
    )
    overview = case_overview(timeline)
    handles = {}
    for ax, case in zip(axes[:, 0], cases, strict=False):
        part = timeline[(timeline["case"] == case) & timeline["gap_weeks"].notna()]
        ax.vlines(part["episode"], 0, part["gap_weeks"], color="#c8c8c8", linewidth=1, zorder=2)
        for value, colour, marker, label in styles:
            points = part[part["return_interview"] == value]
            if len(points):
                handles[label] = ax.scatter(
                    points["episode"],
                    points["gap_weeks"],
                    color=colour,
                    marker=marker,
                    s=30,
                    zorder=3,
                    label=label,
                )
        row = overview.loc[case]
        ax.set_title(
            f"{case}: {row['episodes']} episodes, aged {row['age_band']} at the first",
            loc="left",
            fontsize="small",
        )
        ax.set_xlim(
            0.5, max(float(timeline.loc[timeline["case"] == case, "episode"].max()), 2) + 0.5
        )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if cases:
        top = float(timeline["gap_weeks"].max()) if timeline["gap_weeks"].notna().any() else 1.0
        axes[0, 0].set_ylim(0, max(top, 1.0) * 1.1)  # shared by every panel
        axes[-1, 0].set_xlabel("Episode, in order (the first has no gap)")
        fig.supylabel("Weeks since the previous episode", fontsize="small")
        fig.suptitle("Case studies: time between episodes", x=0.02, ha="left", fontweight="bold")
        fig.legend(
            list(handles.values()),
            list(handles),
            loc="outside lower center",
            frameon=False,
            fontsize="small",
            ncols=min(len(handles), 3),
        )
    else:
        ax = axes[0, 0]
        ax.text(
            0.5,
            0.5,
            f"No one went missing {CASE_MIN_EPISODES} times or more",
            transform=ax.transAxes,
            ha="center",
        )
        ax.set_axis_off()
    described = "; ".join(
        f"{case}: {row['episodes']} episodes, aged {row['age_band']} at the first, typical gap "
        f"{row['typical_gap']}, children's return interviews within 72 hours: "
        f"{row['interviews_within_72h']}"
        for case, row in overview.iterrows()
    )
    alt = (
        "Dot charts, one panel per case study: for each episode after the first, the time since "
        "the previous episode in weeks (whole weeks under 9 weeks, whole months after), marked "
        "by whether a child had a return interview within 72 hours. "
        f"{described or f'No one went missing {CASE_MIN_EPISODES} times or more'}."
    )
    return fig, alt


def projection_display_table(monthly: pd.Series, ets=None) -> pd.DataFrame:
    """The report's 3/6/12-month projections and the model forecast of episodes as a publishable
    table (:func:`perfpack.projections.projection_table`, formatted)."""
    from perfpack import projections

    table = projections.projection_table(monthly, ets=ets)

    def interval(low, high):
        return "–" if pd.isna(low) else f"{low:,.0f} to {high:,.0f}"

    return pd.DataFrame(
        {
            "Method": table["method"],
            "Projected episodes, next 12 months": [f"{v:,.0f}" for v in table["projected_total"]],
            "% change vs last 12 months": [
                "–" if pd.isna(v) else f"{round_half_up(v):+.0f}%" for v in table["pct_change"]
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


def display_case_overview(overview: pd.DataFrame, previous: Window, current: Window):
    """:func:`case_overview` as published, with readable headings (the episode total is for the
    two windows together: ``"Episodes, Jan 2018 to Dec 2019"``)."""
    frame = overview.reset_index()
    both = period_label(Window(previous.start, current.end))
    return pd.DataFrame(
        {
            "Case": frame["case"],
            "Age band at first episode": frame["age_band"],
            f"Episodes, {both}": frame["episodes"],
            "Typical gap between episodes": frame["typical_gap"],
            "Return interviews within 72 hours": frame["interviews_within_72h"],
            "Places gone missing from": frame["places"],
        }
    )


def display_timeline(timeline: pd.DataFrame) -> pd.DataFrame:
    """:func:`case_studies` as published, one row per episode: the gap since the previous
    episode in weeks or months ("–" for the first), no window, day count or age."""
    return pd.DataFrame(
        {
            "Case": timeline["case"],
            "Episode": timeline["episode"].astype(int).astype("str"),
            "Gap since previous episode": timeline["gap"],
            "Risk grade": timeline["risk_grade"],
            "Looked after": timeline["looked_after"],
            "Went missing from": timeline["location_type"],
            "Time missing": timeline["duration"],
            "Return interview": timeline["return_interview"],
        }
    )
