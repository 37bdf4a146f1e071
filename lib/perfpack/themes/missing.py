"""Missing persons: the definitions behind the report's pages 17-19.

Every measure works on the canonical ``missing_episodes`` table (one row per episode:
``episode_id, person_id, reported_at, found_at, month, age, risk_grade, looked_after,
location_type, location_id, npt, rhi_date``) and a :class:`~perfpack.core.windows.Window`.

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
  children), the share interviewed no later than ``found_at + 72 hours``. The extract records
  the interview's date only, so an interview counts only when the whole of its day ends by
  ``found_at + 72 hours`` (an interview on the last, partly-eligible day may have been held
  after the 72 hours and is not counted): a conservative count (:func:`rhi_within_72h`). An
  interview dated before the return is a recording error and does not count;
- **cost avoided**: ``(previous episodes - current episodes) x unit cost``, shown as a range
  from the low to the high end of the sourced unit cost (:func:`unit_cost_range`), the report's
  own figure being the high end.

Published counts of 1-4 are hidden with :mod:`perfpack.core.disclosure`, and a change or rate is
never
shown beside a hidden count. The action-019 deep dive is :mod:`perfpack.themes.deep_dive`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from perfpack.core import counts, disclosure
from perfpack.core.change import (
    change_sentence,
    format_count,
    format_pct,
    movement,
    pct_change,
    percent,
    round_half_up,
    signed_pct,
)
from perfpack.core.windows import Window, comparison_windows, parse_period, window_ending
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR

THEME = "missing_persons"
CHILD_AGE = 18
REPEAT_MIN_EPISODES = 2
RHI_HOURS = 72
FOUND_WITHIN_HOURS = 24
#: Counts from 1 to ``SMALL_COUNT - 1`` are never published (:mod:`perfpack.core.disclosure`).
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


def rhi_has_times(rhi: pd.Series) -> bool:
    """Whether interview times are recorded: any ``rhi_date`` with a time of day other than
    midnight. The records extract's ``rhi_date`` is a date (``data/README.md``), read as
    midnight, so for it this is False."""
    held = rhi.dropna()
    return bool(len(held)) and bool((held != held.dt.normalize()).any())


def rhi_within_72h(episodes: pd.DataFrame) -> pd.Series:
    """For each episode: was a return-home interview held within 72 hours of the return?

    With interview times (:func:`rhi_has_times`): ``found_at <= rhi_date <= found_at + 72h``.
    With dates only (the extract's contract) the time of the interview is unknown, so the count
    is conservative: the interview counts only when its whole day lies within the 72 hours,
    ``found_at.date() <= rhi_date`` and ``rhi_date + 1 day <= found_at + 72h``. Found at 00:01
    on 1 March, an interview dated 3 March counts (its day ends 71 h 59 min after the return);
    found at 23:59 on 28 February it does not (the day ends 72 h 01 min after), though it may
    have been in time: the share is a lower bound. Comparing dates alone would accept
    interviews up to almost 96 hours after the return.

    False when there is no ``found_at`` or no ``rhi_date``. (Who is eligible, returned
    children, is :func:`rhi_72h_share`'s business.)
    """
    found = episodes["found_at"]
    deadline = found + pd.Timedelta(hours=RHI_HOURS)
    rhi = episodes["rhi_date"]
    if rhi_has_times(rhi):
        within = (rhi >= found) & (rhi <= deadline)
    else:
        day = rhi.dt.normalize()
        within = (day >= found.dt.normalize()) & (day + pd.Timedelta(days=1) <= deadline)
    return within.fillna(False).astype(bool)


def rhi_rule_note(episodes: pd.DataFrame) -> str:
    """How the 72-hour rule was applied to these records, for the appendix
    (:func:`rhi_within_72h`)."""
    if rhi_has_times(episodes["rhi_date"]):
        return (
            "A return-home interview counts as within 72 hours when it was held no later than "
            "72 hours after the return (the records give its date and time)."
        )
    return (
        "A return-home interview counts as within 72 hours when it was held no later than 72 "
        "hours after the return. The records give the interview's date, not its time, so it "
        "counts only when the whole of its day falls within the 72 hours: one held on the last, "
        "partly eligible day is not counted, so the share shown is a lower bound."
    )


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


@dataclass(frozen=True)
class UnitCostRange:
    """The sourced range of the unit cost (see :func:`unit_cost_range`)."""

    low: UnitCost
    high: UnitCost
    #: Where the range comes from and what it covers (the reference table's ``#`` lines).
    basis: str


def unit_cost_range(
    reference_dir: Path = REFERENCE_DIR, override: float | None = None
) -> UnitCostRange | None:
    """The low and high unit cost of an episode (``unit_cost_low``, ``unit_cost_high`` in
    ``data/reference/missing_persons.csv``: GBP 1,325 to 2,415 for a medium-risk investigation,
    Shalev Greene and Pakes, University of Portsmouth, 2012, 2011/12 prices), with the source
    lines that say what it covers. None when ``override`` sets one unit cost for the run."""
    if override is not None and not pd.isna(override):
        return None
    reference_dir = Path(reference_dir)
    low, high = (
        _constant("unit_cost_low", reference_dir),
        _constant("unit_cost_high", reference_dir),
    )
    if float(low["value"]) > float(high["value"]):
        raise ValueError(
            "data/reference/missing_persons.csv: unit_cost_low is above unit_cost_high"
        )
    lines = reference.source_lines("missing_persons", reference_dir)
    basis = next((line for line in lines if line.startswith("unit cost range:")), "")
    return UnitCostRange(
        UnitCost(float(low["value"]), str(low["year"]), str(low["note"])),
        UnitCost(float(high["value"]), str(high["year"]), str(high["note"])),
        basis.removeprefix("unit cost range:").strip(),
    )


def cost_avoided_range(
    previous_episodes: int, current_episodes: int, costs: UnitCostRange
) -> tuple[float, float]:
    """Cost avoided at the low and at the high unit cost: 5,022 -> 3,812 at GBP 1,325 to 2,415
    is 1,210 x 1,325 = GBP 1,603,250 to 1,210 x 2,415 = GBP 2,922,150 (the report's figure)."""
    return (
        cost_avoided(previous_episodes, current_episodes, costs.low.value),
        cost_avoided(previous_episodes, current_episodes, costs.high.value),
    )


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
    assessed=None,
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
    ets : perfpack.core.projections.EtsForecast, optional
        The model forecast shown in the appendix (fitted to the charts' months); its figures are
        added when given.
    window_months : int, default 12
        Length of the previous and current windows
        (``comparison_windows(period, lag_months, n_months=window_months)``). The 2018
        forecast is compared only when the current window is a calendar year.
    assessed : perfpack.core.backtest.Assessment, optional
        The back-test and headline projection of the charts' months
        (:func:`perfpack.core.backtest.assess`); its figures
        (:func:`perfpack.core.backtest.selection_figures`) are added when given.

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
        ``cost_avoided`` (at ``unit_cost``: the report's figure by default),
        ``unit_cost_low``/``unit_cost_high`` and ``cost_avoided_low``/``cost_avoided_high``
        (the reference table's sourced range, :func:`unit_cost_range`).
    """
    from perfpack.core import projections, stats

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
    costs = unit_cost_range(reference_dir)
    add("unit_cost_low", costs.low.value, "")
    add("unit_cost_high", costs.high.value, "")
    low, high = cost_avoided_range(n_prev, n_cur, costs)
    add("cost_avoided_low", low)
    add("cost_avoided_high", high)

    frame = pd.DataFrame([{"measure": m, "window": w, "group": "", "value": v} for m, w, v in rows])
    if assessed is None:
        return frame
    from perfpack.core import backtest

    picked = backtest.selection_figures(assessed.selection, assessed.summary, cur_label)
    return pd.concat([frame, picked], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# words: the appendix's sentences (the report's wording where it has one)


def _money(value: float) -> str:
    return f"£{abs(value):,.0f}"


def _hours(value: float | None) -> str:
    return "n/a" if value is None else f"{round_half_up(value, 1):.1f} hours"


def _pct1(value: float | None) -> str:
    return format_pct(value, 1)


def _span(n_months: int) -> str:
    from perfpack.themes.areas import months_text

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
    previous_count: int,
    current_count: int,
    cost: UnitCost,
    invested: UnitCost,
    costs: UnitCostRange | None = None,
) -> str:
    """Cost v benefit in words (markdown, two paragraphs).

    With ``costs`` (:func:`unit_cost_range`): episodes reduced x the low and the high unit cost,
    as a range beside the investment, the report's figure (at ``cost``, the high end) named as
    such, then what the unit cost covers and where it comes from. Without it (a unit cost set
    for the run): episodes reduced x ``cost``, with its source and price year.
    """
    if costs is not None:
        return _cost_range_sentence(previous_count, current_count, cost, invested, costs)
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


def _cost_range_sentence(
    previous_count: int,
    current_count: int,
    cost: UnitCost,
    invested: UnitCost,
    costs: UnitCostRange,
) -> str:
    low, high = cost_avoided_range(previous_count, current_count, costs)
    report = cost_avoided(previous_count, current_count, cost.value)
    diff = previous_count - current_count
    counts_text = f"({format_count(previous_count)} to {format_count(current_count)})"
    per = f"{_money(costs.low.value)} to {_money(costs.high.value)} per episode"
    if diff >= 0:
        lead = (
            f"Missing episodes fell by {format_count(diff)} {counts_text}. At {per} that is "
            f"{_money(low)} to {_money(high)} of non-cashable cost avoided"
        )
    else:
        lead = (
            f"Missing episodes rose by {format_count(-diff)} {counts_text}. At {per} that is "
            f"{_money(low)} to {_money(high)} of additional non-cashable cost"
        )
    price = costs.high.price_year or costs.low.price_year
    return (
        f"{lead}, beside the {_money(invested.value)} invested in the Missing Person "
        f"Investigation Team ({invested.source}; {invested.price_year}). The published report's "
        f"figure, {_money(report)}, applies {_money(cost.value)} to every episode"
        + (" (the upper end of the range)." if cost.value == costs.high.value else ".")
        + "\n\n"
        f"Unit cost: {per} at {price} prices, not adjusted for inflation. "
        f"Source: {costs.basis} Most episodes are found within hours and many are graded low "
        "risk, so the cost of a typical episode may be below this range: read the range as an "
        "order of size, not a saving."
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
    """A :func:`counts_by_column` table as published: counts 1-4 hidden, shares to one decimal
    (hidden with their count). Each window's categories add up to its episodes, which the
    summary table publishes; the two windows add up to nothing (``along="columns"``).
    ``linked``: the states chosen with the page's other tables
    (:func:`perfpack.themes.missing_page.protect_appendix`), this table's being ``key``."""
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
    """:func:`vulnerability_profile` as published: counts 1-4 hidden; the rows overlap and add
    up to nothing published, except that episodes from care homes less those of children are
    the adults', which are protected too (secondary suppression when needed). A row's change
    is "–" when either of its counts is hidden: "<5 | 12 | +300%" would give the hidden count
    (12 / 4 = 3). ``linked``: the states chosen with the page's risk-grade and place-type
    tables, which share rows with this one
    (:func:`perfpack.themes.missing_page.protect_appendix`)."""
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
