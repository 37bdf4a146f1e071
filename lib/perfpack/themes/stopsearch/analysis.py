"""Stop and search: the report's pages 12-16 and the Home Office measures it lacks.

One route per figure: :func:`analyse` measures everything the appendix shows into a
:class:`StopSearchResult`; the notebook ``04_stop_search`` shows it (tables, sentences and
charts of :mod:`perfpack.themes.stopsearch.page`) and saves :meth:`StopSearchResult.figures`.
The definitions and measures are in

- :mod:`perfpack.themes.stopsearch.measures`: outcomes, objects, months, age, time of day, areas;
- :mod:`perfpack.themes.stopsearch.ethnicity`: ethnic groups, Census residents, disparity ratios;
- :mod:`perfpack.themes.stopsearch.teams`: searches by team and ethnic group (figure 15);
- :mod:`perfpack.themes.stopsearch.public`: public-data peers and where Census rates do not apply.

Small counts (1 to 4) are never published, nor anything that gives one back
(:func:`perfpack.core.disclosure.linked_suppression`): the two team tables are suppressed together
(BAME is Asian + Black + Mixed + Other), a positive outcome rate is treated as the count of
positive outcomes it gives with its searches, and the force-level counts by ethnic group and by
age range are suppressed against their published total, their shares, rates, disparity ratios
and intervals hidden with them.

The windows are ``window_months`` long (12 by default, as the report) and come from the theme's
reference row (:meth:`perfpack.data.reference.ThemeSpec.windows`); the sentences and headers say
how long. Public data.police.uk searches (theme ``stop_search_public``) carry no officer's team,
so the team section is replaced by :data:`perfpack.themes.stopsearch.page.NO_TEAM_NOTE`, and
their areas are the local authorities the reader placed them in
(:func:`perfpack.themes.areas.processed_areas`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

import perfpack.themes.stopsearch.page as stopsearch_page
import perfpack.themes.stopsearch.public as stopsearch_public
from perfpack.core import stats
from perfpack.core.change import pct_change
from perfpack.core.figures import FigureBook
from perfpack.core.windows import ThemeWindows, Window
from perfpack.data.reference import ThemeSpec
from perfpack.data.tables import ProcessedTables
from perfpack.themes import areas, peers, spc_themes
from perfpack.themes.base import ComparedWindows
from perfpack.themes.stopsearch.ethnicity import (
    ALL,
    FIVE_GROUPS,
    NOT_STATED,
    census_populations,
    disproportionality,
    force_populations,
)
from perfpack.themes.stopsearch.measures import (
    DATE_COLUMN,
    OFFENSIVE_WEAPONS,
    age_breakdown,
    age_suppression,
    date_only_count,
    date_only_share,
    hour_of_day_counts,
    in_window,
    monthly_searches,
    npt_change,
    object_shares,
    outcome_comparison,
)
from perfpack.themes.stopsearch.teams import REPORT_TEAMS, has_teams, team_breakdown

#: The team tables cover the last three months (figure 15).
TEAM_MONTHS = 3


@dataclass(frozen=True)
class StopSearchResult(ComparedWindows):
    """Every stop-search measure of one period: what the appendix shows and figures.csv holds.

    Built by :func:`analyse`. Counts are whole searches, rates
    and shares percent; ``teams`` maps a grouping (``report``, ``five``) to its
    :func:`perfpack.themes.stopsearch.teams.team_breakdown`, empty when no search has a team.
    """

    spec: ThemeSpec
    period: str
    window_months: int
    windows: ThemeWindows
    #: The last three months of the current window: the team tables' window.
    team_window: Window
    previous_count: int
    current_count: int
    volume_test: stats.PoissonTest
    outcomes: pd.DataFrame
    objects: pd.DataFrame
    monthly: pd.Series
    monthly_signals: pd.DataFrame
    weapons: pd.Series
    ages: pd.DataFrame
    hours: pd.DataFrame
    date_only: int
    date_only_share: float | None
    teams: dict
    by_area: pd.DataFrame
    #: Searches with no area in the previous and current windows.
    unplaced: tuple[int, int]
    ethnicity: pd.DataFrame
    populations: pd.Series
    where: areas.ProcessedAreas
    census_note: str = ""
    peer_view: peers.PeerView | None = None

    @property
    def theme(self) -> str:
        return self.spec.slug

    @property
    def direction(self) -> str:
        """Which way is improvement (``Increase`` for stop search)."""
        return self.spec.target_direction

    @property
    def span(self) -> str:
        """Each window's length in words ("12 months")."""
        return areas.months_text(self.window_months)

    @property
    def data_note(self) -> str:
        """What public data cannot do (empty for a force extract)."""
        return stopsearch_page.data_note(self.spec)

    @property
    def has_teams(self) -> bool:
        return bool(self.teams)

    @property
    def is_ranked(self) -> bool:
        """Whether the force is ranked among its peers (public data with peers' searches)."""
        return stopsearch_public.is_ranked(self.peer_view)

    def caption(self, chart: str) -> str:
        """A chart's or the team table's caption, numbered as in the printed report
        (:func:`perfpack.themes.stopsearch.page.caption`)."""
        return stopsearch_page.caption(
            chart,
            area_chart=self.where.names.chart,
            months=self.window_months,
            recent=self.team_window.describe(),
        )

    def figures(self) -> FigureBook:
        """Every stop-search figure the appendix publishes, as a :class:`FigureBook`.

        Measures (percentages in percent): ``count_previous``, ``count_current``,
        ``pct_change``; ``positive_outcome_rate``, ``arrest_rate``,
        ``community_resolution_rate``, ``find_rate`` (both windows); ``object_count`` and
        ``object_share`` (group = object); ``change_p_value`` (exact Poisson test of the
        change, force and per area) and ``change_judged_p_value`` (per area, the p its verdict
        uses: :func:`perfpack.themes.areas.change_by_area`); ``monthly_count`` and
        ``monthly_offensive_weapon_searches`` (window = one month); ``age_count``,
        ``age_share`` (group = age range); ``hour_count`` (group = hour, date-only left out);
        ``date_only_count``, ``date_only_share``; for the last three months ``team_searches``,
        ``team_share``, ``team_positive_outcome_rate`` (group = team or team|group, both
        groupings; none when no search has a team); ``searches_by_ethnicity``,
        ``share_by_ethnicity``, ``rate_per_1000_by_ethnicity``, ``disparity_ratio``,
        ``disparity_ratio_ci_low``, ``disparity_ratio_ci_high`` (group = ethnic group),
        ``not_stated_share`` (no ``rate_per_1000_by_ethnicity`` or ratio figures when
        ``populations`` is empty: Census rates do not apply); a figure hidden by small-count
        suppression (its count, or one that would give a hidden count back) is blank (NaN), as
        in the published tables; ``count_previous``, ``count_current``, ``pct_change``,
        ``rate_per_1000`` (group = NPT, the names every theme uses) and ``npts_decreased``;
        ``no_area_count_previous``/``no_area_count_current`` when some searches have no area;
        the peer comparison (``peer_rank`` etc., only when ranked:
        :func:`perfpack.themes.stopsearch.public.add_peer_figures`) and the SPC chart's figures
        (:func:`perfpack.themes.spc_themes.spc_figures`).
        """
        previous, current, last_three = self.previous, self.current, self.team_window
        book = FigureBook(self.theme)
        book.add("count_previous", self.previous_count, window=previous)
        book.add("count_current", self.current_count, window=current)
        book.add("pct_change", pct_change(self.previous_count, self.current_count), window=current)
        book.add("change_p_value", self.volume_test.p_value, window=current)

        for window, column in ((previous, "previous"), (current, "current")):
            for row in self.outcomes.itertuples():
                book.add(row.measure, getattr(row, column), window=window)

        for row in self.objects.itertuples():
            book.add("object_count", row.searches, window=current, group=row.object)
            book.add("object_share", row.share, window=current, group=row.object)

        for month in self.monthly.index:
            label = f"{month}/{month}"
            book.add("monthly_count", self.monthly[month], window=label)
            book.add("monthly_offensive_weapon_searches", self.weapons[month], window=label)

        for row, state in zip(self.ages.itertuples(), age_suppression(self.ages), strict=True):
            book.add("age_count", _suppressed_value(row.searches, state), current, row.age_range)
            book.add("age_share", _suppressed_value(row.share, state), current, row.age_range)

        for row in self.hours.itertuples():
            book.add("hour_count", row.searches, window=current, group=f"{row.hour:02d}")
        book.add("date_only_count", self.date_only, window=current)
        book.add("date_only_share", self.date_only_share, window=current)

        seen = set()
        for breakdown in self.teams.values():
            for row in breakdown.itertuples():
                group = row.team if row.group == ALL else f"{row.team}|{row.group}"
                if group in seen:
                    continue
                seen.add(group)
                searches = _suppressed_value(row.searches, row.suppressed)
                book.add("team_searches", searches, last_three, group)
                if row.group != ALL:
                    share = _suppressed_value(row.share, "share" if row.share_suppressed else "")
                    book.add("team_share", share, last_three, group)
                book.add(
                    "team_positive_outcome_rate",
                    _suppressed_value(row.positive_rate, "rate" if row.rate_suppressed else ""),
                    last_three,
                    group,
                )

        for row in areas.published_figures(self.by_area).itertuples():  # hidden ones blank
            book.add("count_previous", row.previous, window=previous, group=row.area)
            book.add("count_current", row.current, window=current, group=row.area)
            book.add("pct_change", row.pct_change, window=current, group=row.area)
            book.add("rate_per_1000", row.rate_per_1000, window=current, group=row.area)
            book.add("change_p_value", row.p_value, window=current, group=row.area)
            book.add("change_judged_p_value", row.judged_p_value, window=current, group=row.area)
        book.add("npts_decreased", areas.n_decreased(self.by_area), window=current)
        if any(self.unplaced):
            no_area = [areas.published_count(n) for n in self.unplaced]
            book.add("no_area_count_previous", no_area[0], window=previous)
            book.add("no_area_count_current", no_area[1], window=current)

        applies = len(self.populations) > 0  # Census rates apply
        for row in self.ethnicity.itertuples():
            state, ratio_state = row.suppressed, "ratio" if row.ratio_suppressed else ""
            group = row.group
            searches, share = (_suppressed_value(v, state) for v in (row.searches, row.share))
            book.add("searches_by_ethnicity", searches, current, group)
            book.add("share_by_ethnicity", share, current, group)
            if applies and (group in FIVE_GROUPS or group == ALL):
                rate = _suppressed_value(row.rate_per_1000, state)
                book.add("rate_per_1000_by_ethnicity", rate, current, group)
            if applies and group in FIVE_GROUPS:
                for measure, value in (
                    ("disparity_ratio", row.disparity_ratio),
                    ("disparity_ratio_ci_low", row.ci_low),
                    ("disparity_ratio_ci_high", row.ci_high),
                ):
                    book.add(measure, _suppressed_value(value, ratio_state), current, group)
        not_stated = self.ethnicity[self.ethnicity["group"] == NOT_STATED].iloc[0]
        book.add(
            "not_stated_share",
            _suppressed_value(not_stated["share"], not_stated["suppressed"]),
            window=current,
        )

        stopsearch_public.add_peer_figures(book, self.peer_view)  # only when ranked
        book.extend(spc_themes.spc_figures(self.monthly_signals))  # limits, rebases, suggestions
        return book


def _suppressed_value(value, state: str):
    return math.nan if state else value


def team_window(spec: ThemeSpec, period: str, window_months: int = 12) -> Window:
    """The team tables' window: the last three months of the current window, three months also
    when the comparison windows are shorter (so a one-month window still has figure 15's three
    months)."""
    return spec.windows(period, max(window_months, TEAM_MONTHS)).recent


def analyse(
    tables: ProcessedTables,
    spec: ThemeSpec,
    period: str,
    window_months: int = 12,
    *,
    populations: pd.Series | None = None,
    where: areas.ProcessedAreas | None = None,
    teams=REPORT_TEAMS,
) -> StopSearchResult:
    """Every stop-search measure of ``period`` from the processed tables.

    Parameters
    ----------
    tables : perfpack.data.tables.ProcessedTables
        The processed tables (:func:`perfpack.data.tables.open_tables`): their
        ``stop_searches`` table (any span; windows are cut here), and from their folder the
        manifest (the force, for its 2011 Census residents), the areas
        (:func:`perfpack.themes.areas.processed_areas`) and for a data.police.uk download the
        peers' search counts (:func:`perfpack.themes.stopsearch.public.peer_comparison`).
        Tables made by hand (:meth:`~perfpack.data.tables.ProcessedTables.of`) are a
        Staffordshire force extract: its Census residents and NPTs, no peers.
    spec : ThemeSpec
        The theme (``stop_search`` or ``stop_search_public``):
        :func:`perfpack.data.reference.theme_spec`; its reference row gives the lag and the
        national figures.
    period : str
        ``YYYY-MM``, the report's last month; the windows follow the theme's lag.
    window_months : int, default 12
        Length of the previous and current windows.
    populations : Series, optional
        Residents by five groups; default the force's 2011 Census (the Staffordshire one for
        tables made by hand); empty when Census rates do not apply
        (:func:`perfpack.themes.stopsearch.ethnicity.force_populations`).
    where : ProcessedAreas, optional
        The areas of the ``npt`` column, their residents and names; default the folder's, or
        for tables made by hand the NPTs of ``npts.csv`` (a Staffordshire force extract).
    teams : sequence of str
        The teams shown in figure 15.

    Returns
    -------
    StopSearchResult
    """
    searches = tables[spec.table]
    folder = tables.folder
    census_note, peer_view = "", None
    if folder is not None:
        manifest = tables.manifest()
        if populations is None:
            populations = force_populations(manifest["force"])
        if where is None:
            where = areas.processed_areas(folder)
        census_note = stopsearch_public.census_note(
            manifest["force"], manifest.get("force_slug") or "", populations
        )
        peer_view = stopsearch_public.peer_comparison(spec.slug, period, folder, window_months)
    if populations is None:
        populations = census_populations()
    if where is None:
        npts = areas.npt_populations()
        where = areas.ProcessedAreas(
            npts, float(npts.sum()), areas.NPT_NAMES, "Staffordshire", "Staffordshire Police", False
        )
    windows = spec.windows(period, window_months)
    previous, current = windows.previous, windows.current
    recent = team_window(spec, period, window_months)
    previous_searches = in_window(searches, previous)
    current_searches = in_window(searches, current)
    recent_searches = in_window(searches, recent)
    n_previous, n_current = len(previous_searches), len(current_searches)
    monthly = monthly_searches(searches, previous, current)
    return StopSearchResult(
        spec=spec,
        period=period,
        window_months=window_months,
        windows=windows,
        team_window=recent,
        previous_count=n_previous,
        current_count=n_current,
        volume_test=stats.poisson_change_test(n_previous, n_current),
        outcomes=outcome_comparison(previous_searches, current_searches, spec.slug),
        objects=object_shares(current_searches),
        monthly=monthly,
        monthly_signals=spc_themes.theme_xmr(monthly, spec.slug, spec.target_direction),
        weapons=monthly_searches(searches, previous, current, OFFENSIVE_WEAPONS),
        ages=age_breakdown(current_searches),
        hours=hour_of_day_counts(current_searches),
        date_only=date_only_count(current_searches),
        date_only_share=date_only_share(current_searches),
        teams=(
            {g: team_breakdown(recent_searches, g, teams) for g in ("report", "five")}
            if has_teams(searches)
            else {}
        ),
        by_area=npt_change(
            previous_searches, current_searches, previous, current, where.populations
        ),
        unplaced=(
            areas.unplaced_count(searches, DATE_COLUMN, previous),
            areas.unplaced_count(searches, DATE_COLUMN, current),
        ),
        ethnicity=disproportionality(current_searches, populations),
        populations=populations,
        where=where,
        census_note=census_note,
        peer_view=peer_view,
    )
