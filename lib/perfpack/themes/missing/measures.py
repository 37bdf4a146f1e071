"""Missing persons: the measures of one window (episodes, individuals, children, monthly
series, duration, return-home interviews, risk and places). The definitions are in the package
note (:mod:`perfpack.themes.missing`); repeats are in :mod:`perfpack.themes.missing.repeats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfpack.core import counts
from perfpack.core.change import pct_change, percent
from perfpack.core.windows import Window, parse_period, window_ending

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
