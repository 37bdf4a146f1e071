"""A crime theme for one period: :func:`analyse` reads the processed tables and gives a
:class:`CrimeTheme`, every measure of the theme, whose :meth:`CrimeTheme.figures` are what
figures.csv carries (:class:`perfpack.themes.base.ThemeResult`).

A theme is a row of ``data/reference/themes.csv`` (:class:`perfpack.data.reference.ThemeSpec`)
and the offences ``data/reference/offence_themes.csv`` maps to it at ingest: adding a theme
takes reference rows, not code (``docs/ADDING_A_THEME.md``). Which extra sections a theme shows
is the ``extra_sections`` column (:mod:`perfpack.themes.crime.sections`).

The windows are ``window_months`` long (12 by default, as the report), from
:meth:`perfpack.data.reference.ThemeSpec.windows`. Public-data themes rate the force over the
current window and compare it with the same window's rate over every force in the download;
force-extract themes keep the 12 months the published England & Wales rate covers. The
measures are in :mod:`perfpack.themes.crime.measures`, the page's wording in
:mod:`perfpack.themes.crime.text` and :mod:`perfpack.themes.crime.projections`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from perfpack.core import backtest, projections, stats
from perfpack.core.figures import FigureBook
from perfpack.core.windows import ThemeWindows
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.reference import ThemeSpec
from perfpack.data.tables import ProcessedTables
from perfpack.themes import areas, peers, spc_themes
from perfpack.themes.areas import NPT_NAMES, AreaNames, months_text
from perfpack.themes.crime.measures import (
    AREA_COLUMN,
    DATE_COLUMN,
    MODEL_MIN_MONTHS,
    Headline,
    NationalRate,
    change_by_npt,
    headline,
    monthly_series,
    national_rate,
    theme_crimes,
)
from perfpack.themes.crime.sections import (
    KnifeChange,
    area_share,
    knife_change,
    northern_npts,
    victim_offender_profile,
)

#: The printed report's figure numbers (February 2020 layout). A theme or chart not listed gets
#: an unnumbered caption.
REPORT_FIGURE_NUMBERS = {
    "personal_robbery": {"monthly": 1, "projections": 2, "profile": 3},
    "theft_from_vehicle": {"monthly": 4, "npt_change": 5, "projections": 6},
    "theft_of_vehicle": {"monthly": 7, "npt_change": 8, "projections": 9},
}
_CAPTIONS = {
    "monthly": "Monthly volume of {title}",
    "npt_change": "Volume change by {area_chart} of {title} over a {months} month period",
    "funnel": "Rate per 1,000 residents of {title} by {area_caption} against the force rate",
    "projections": "Three, six and twelve month projections for {title}",
    "profile": "Victim and Offender Profile for {title}",
}
_TABLE_CAPTIONS = {
    "areas": "{title} by {area_caption}, previous and current {span} "
    "(rate per 1,000 mid-2019 residents, current {span})",
    "significance": "Change by {area_caption}, previous against current {span}: {judged}",
}
#: What the public files cannot do, shown at the top of a public-data crime appendix.
PUBLIC_DATA_NOTE = (
    "data.police.uk publishes all robbery together, personal and business, and all vehicle "
    "crime together (theft from, theft of and interference with a vehicle), so these figures "
    "cannot be compared with the report's Personal Robbery, Theft from a Motor Vehicle or Theft "
    "of a Motor Vehicle. The public files give the month of each crime, not the day."
)


# --------------------------------------------------------------------------------------------
# The areas of tables made by hand


def hand_areas(
    populations: pd.Series | None = None,
    place: str = "Staffordshire",
    force_population: float | None = None,
) -> areas.ProcessedAreas:
    """The areas of tables made by hand (a what-if, a test): NPTs with residents
    ``populations``, the force ``"{place} Police"`` and its population ``force_population``
    (default the sum of ``populations``; without populations no rate is given)."""
    if force_population is None:
        force_population = float(populations.sum()) if populations is not None else math.nan
    if populations is None:
        populations = pd.Series(dtype="float64", name="population")
    return areas.ProcessedAreas(
        populations, float(force_population), NPT_NAMES, place, f"{place} Police", False
    )


# --------------------------------------------------------------------------------------------
# Everything for one theme


@dataclass
class CrimeTheme:
    """Every measure of one crime theme for one period (what the notebook shows and what
    goes into figures.csv). Built by :func:`analyse`."""

    theme: str
    title: str
    period: str
    target_direction: str
    extra_sections: list[str]
    windows: ThemeWindows
    headline: Headline
    monthly: pd.Series
    xmr: pd.DataFrame
    national: NationalRate
    by_npt: pd.DataFrame
    projections: pd.DataFrame
    ets: projections.EtsForecast | None
    #: Each method's back-test record (:func:`perfpack.core.backtest.backtest_summary`).
    backtest: pd.DataFrame
    knife: KnifeChange | None = None
    northern_share: float | None = None
    northern_npts: list[str] = field(default_factory=list)
    profile: pd.DataFrame | None = None
    #: Every origin's projections (:func:`perfpack.core.backtest.rolling_backtest`).
    backtest_errors: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The headline projection (:func:`perfpack.core.backtest.select_projection`).
    selection: backtest.Selection | None = None

    force_population: float = math.nan
    window_months: int = 12
    area_names: AreaNames = NPT_NAMES
    place: str = "Staffordshire"
    force_name: str = "Staffordshire Police"
    public: bool = False
    #: Offences with no area (blank ``npt``) in the previous and current windows.
    unplaced: tuple[int, int] = (0, 0)
    #: What does not apply to this force (:attr:`perfpack.themes.areas.ProcessedAreas.scope`).
    scope: str = ""
    #: What the areas and their populations are (:attr:`perfpack.themes.areas.ProcessedAreas.note`).
    areas_note: str = ""
    #: The force among its peers (a data.police.uk download with peers in it;
    #: :func:`perfpack.themes.peers.peer_comparison`).
    peer_view: peers.PeerView | None = None

    @property
    def force_rate_per_1000(self) -> float:
        """The force's rate per 1,000 residents in the current window (the funnel's centre)."""
        return stats.rate_per_1000(self.headline.current, self.force_population)

    @property
    def has_populations(self) -> bool:
        return bool(self.by_npt["population"].notna().any())

    def _words(self) -> dict:
        return {
            "title": self.title,
            "window": self.windows.current.describe(),
            "area_chart": self.area_names.chart,
            "area_short": self.area_names.short,
            "area_caption": self.area_names.caption,
            "months": self.window_months,
            "span": months_text(self.window_months),
        }

    def chart_title(self, chart: str) -> str:
        """The chart's own title, e.g. "Monthly volume of Personal Robbery"."""
        return _CAPTIONS[chart].format(**self._words())

    def table_caption(self, table: str) -> str:
        """A table's caption: ``areas`` ("Personal Robbery by NPT, previous and current 12
        months (...)") or ``significance`` (which says how the changes were judged)."""
        used = self.by_npt["change_method"].iloc[0] if len(self.by_npt) else "poisson"
        judged = (
            "exact Poisson tests"
            if used == "poisson"
            else "exact Poisson test; against the change across all areas allowing for their "
            "spread (overdispersion)"
        )
        return _TABLE_CAPTIONS[table].format(**self._words(), judged=judged)

    @property
    def change_note(self) -> str:
        """How the areas' changes were judged: the test for overdispersion in the changes and
        the method (:func:`perfpack.themes.areas.change_note`)."""
        return areas.change_note(self.by_npt, self.area_names)

    @property
    def has_projections(self) -> bool:
        """Whether any projection (a trend or the model) is shown."""
        return len(self.projections) > 0 or self.ets is not None

    @property
    def data_note(self) -> str:
        """What the data cannot do (public-data themes; empty for a force extract)."""
        return PUBLIC_DATA_NOTE if self.public else ""

    @property
    def unplaced_note(self) -> str:
        """How many offences are in no area row, and why (empty when none)."""
        return areas.unplaced_note(*self.unplaced, self.area_names, self.window_months)

    def caption(self, chart: str) -> str:
        """The report's caption: "Figure 1. Monthly volume of Personal Robbery" (numbered as in
        the printed report where it has the chart, see :data:`REPORT_FIGURE_NUMBERS`)."""
        number = REPORT_FIGURE_NUMBERS.get(self.theme, {}).get(chart)
        title = self.chart_title(chart)
        return f"Figure {number}. {title}" if number else title

    def projection_pct(self, n_months: int) -> float | None:
        rows = self.projections[self.projections["n_months"] == n_months]
        if rows.empty or pd.isna(rows["pct_change"].iloc[0]):
            return None
        return float(rows["pct_change"].iloc[0])

    def figures(self) -> FigureBook:
        """Every figure of the theme for figures.csv.

        Measures: ``count_previous``, ``count_current``, ``pct_change``, ``change_p_value``,
        ``rate_per_1000``, ``national_rate_per_1000``, ``npts_decreased``, ``projection_3m_pct``,
        ``projection_6m_pct``, ``projection_12m_pct`` (and ``projection_<n>m_total``; each only
        when the history is long enough), ``ets_total``, ``ets_pct``, ``ets_lower_95``/
        ``ets_upper_95``/``ets_lower_80``/``ets_upper_80`` (only with the model forecast), the
        headline projection and back-test (:func:`perfpack.core.backtest.selection_figures`),
        ``national_forces_counted`` (a comparator computed from a download),
        ``no_area_count_previous``/``no_area_count_current`` (offences in no area; only when some
        are), ``monthly_count`` (one per month, window ``YYYY-MM/YYYY-MM``); per NPT
        (group = NPT) ``count_previous``, ``count_current``, ``pct_change``, ``rate_per_1000``,
        ``change_p_value`` (exact Poisson test), ``change_judged_p_value`` (the p the area's verdict
        uses, allowing for overdispersion in the areas' changes when there is any); and for the
        extra sections ``knife_count_previous``, ``knife_count_current``, ``knife_pct_change``,
        ``knife_p_value``, ``northern_share``; the SPC chart's limits and rebases
        (:func:`perfpack.themes.spc_themes.spc_figures`) and the peer comparison
        (:func:`perfpack.themes.peers.add_peer_figures`).
        """
        book = FigureBook(self.theme)
        windows = self.windows
        head = self.headline
        book.add("count_previous", head.previous, windows.previous)
        book.add("count_current", head.current, windows.current)
        book.add("pct_change", head.pct_change, windows.current)
        book.add("change_p_value", head.test.p_value, windows.current)
        book.add("rate_per_1000", self.national.rate_per_1000, windows.national)
        book.add("national_rate_per_1000", self.national.national_rate_per_1000, windows.national)
        book.add("npts_decreased", areas.n_decreased(self.by_npt), windows.current)
        for n_months in projections.REPORT_WINDOWS:
            rows = self.projections[self.projections["n_months"] == n_months]
            if rows.empty:
                continue
            book.add(f"projection_{n_months}m_pct", rows["pct_change"].iloc[0], windows.current)
            book.add(
                f"projection_{n_months}m_total", rows["projected_total"].iloc[0], windows.current
            )
        ets = self.ets
        if ets is not None:
            book.add("ets_total", ets.total, windows.current)
            book.add("ets_pct", ets.pct_change, windows.current)
            for name in ("lower_80", "upper_80", "lower_95", "upper_95"):
                book.add(f"ets_{name}", getattr(ets, name), windows.current)
        book.extend(backtest.selection_figures(self.selection, self.backtest, windows.current))
        if self.national.computed and self.national.forces_counted:
            book.add("national_forces_counted", self.national.forces_counted, windows.national)
        if any(self.unplaced):
            book.add(
                "no_area_count_previous", areas.published_count(self.unplaced[0]), windows.previous
            )
            book.add(
                "no_area_count_current", areas.published_count(self.unplaced[1]), windows.current
            )
        for month, value in self.monthly.items():
            book.add("monthly_count", value, f"{month}/{month}")
        for row in areas.published_figures(self.by_npt).itertuples():  # hidden ones blank
            book.add("count_previous", row.previous, windows.previous, group=row.area)
            book.add("count_current", row.current, windows.current, group=row.area)
            book.add("pct_change", row.pct_change, windows.current, group=row.area)
            book.add("rate_per_1000", row.rate_per_1000, windows.current, group=row.area)
            book.add("change_p_value", row.p_value, windows.current, group=row.area)
            book.add("change_judged_p_value", row.judged_p_value, windows.current, group=row.area)
        if self.knife is not None:
            book.add("knife_count_previous", self.knife.previous, windows.previous)
            book.add("knife_count_current", self.knife.current, windows.current)
            book.add("knife_pct_change", self.knife.pct_change, windows.current)
            book.add("knife_p_value", self.knife.test.p_value, windows.current)
        if self.northern_share is not None:
            book.add("northern_share", self.northern_share, windows.current)
        book.extend(spc_themes.spc_figures(self.xmr))  # limits, rebases, suggested rebases
        peers.add_peer_figures(book, self.peer_view)
        return book


def analyse(
    tables: ProcessedTables,
    spec: ThemeSpec,
    period: str,
    window_months: int = 12,
    *,
    n_sims: int = 2000,
    first_month=None,
    national=None,
    where: areas.ProcessedAreas | None = None,
    populations: pd.Series | None = None,
    reference_dir=REFERENCE_DIR,
) -> CrimeTheme:
    """Compute every measure of a crime theme for ``period``.

    Parameters
    ----------
    tables : perfpack.data.tables.ProcessedTables
        The processed tables (:func:`perfpack.data.tables.open_tables`): their ``crimes``
        table, and from their folder the areas (:func:`perfpack.themes.areas.processed_areas`),
        a download's national counts and the peers; tables made by hand
        (:meth:`~perfpack.data.tables.ProcessedTables.of`) have neither national counts nor peers.
    spec : perfpack.data.reference.ThemeSpec
        The theme (:func:`perfpack.data.reference.theme_spec`).
    period : str
        ``YYYY-MM``, the last month of the report.
    window_months : int, default 12
        Length of the previous and current windows (:meth:`ThemeSpec.windows`).
    n_sims : int
        Simulated paths for the model forecast's intervals.
    first_month : optional
        First month of the monthly series (default: the data's first month).
    national : perfpack.data.public_tables.NationalRates, optional
        A comparator computed from a download; default the one stored beside ``tables``
        (:func:`perfpack.data.public_tables.stored_national_rates`), or for a force extract
        the reference table's.
    where : perfpack.themes.areas.ProcessedAreas, optional
        The areas, their residents and how sentences name the force; default the folder's,
        or for tables made by hand :func:`hand_areas` of ``populations``.
    populations : Series, optional
        Residents by NPT for tables made by hand without ``where`` (default none: no rates).
    reference_dir : path
        Where the reference tables are (SPC settings, national figures, NPTs).

    Returns
    -------
    CrimeTheme
        The extra sections (knife, northern share, profile) are filled only when the theme's
        ``extra_sections`` lists them. ``ets`` is None and ``backtest`` empty when the monthly
        series is shorter than :data:`perfpack.themes.crime.measures.MODEL_MIN_MONTHS`; a trend
        over more months than the series holds is left out of ``projections``
        (:func:`perfpack.themes.crime.projections.projection_note` says so). ``selection`` is
        the headline projection, chosen by the back-test (:mod:`perfpack.core.backtest`).
    """
    theme = spec.slug
    windows = spec.windows(period, window_months)
    folder = tables.folder
    if where is None:
        where = hand_areas(populations) if folder is None else areas.processed_areas(folder)
    crimes = tables["crimes"]
    offences = theme_crimes(crimes, theme)
    monthly = monthly_series(
        crimes, theme, period, first_month=first_month, lag_months=spec.lag_months
    )
    direction = spec.target_direction
    populations, force_population = where.populations, where.force_population
    place, force_name, names = where.place, where.force_name, where.names
    peer_view = None
    if folder is not None:
        from perfpack.data import public_tables as police_uk

        if national is None:
            national = police_uk.stored_national_rates(folder, windows.national, groups=[theme])
        peer_view = peers.peer_comparison(theme, period, folder, window_months)
    ets = (
        projections.ets_forecast(monthly, n_sims=n_sims)
        if len(monthly) >= MODEL_MIN_MONTHS
        else None
    )
    assessed = backtest.assess(monthly, ets, n_sims=max(n_sims // 2, 200))
    analysis = CrimeTheme(
        theme=theme,
        title=spec.title,
        period=period,
        target_direction=direction,
        extra_sections=list(spec.extra_sections),
        windows=windows,
        headline=headline(offences, windows, spec.title, place),
        monthly=monthly,
        xmr=spc_themes.theme_xmr(monthly, theme, direction, reference_dir),
        national=national_rate(
            offences, theme, windows.national, force_population, reference_dir, national
        ),
        by_npt=change_by_npt(offences, windows, populations),
        projections=projections.report_projections(monthly),
        ets=ets,
        backtest=assessed.summary,
        backtest_errors=assessed.errors,
        selection=assessed.selection,
        force_population=force_population,
        window_months=window_months,
        area_names=names,
        place=place,
        force_name=force_name,
        public=spec.data_source == "police_uk",
        unplaced=(
            areas.unplaced_count(offences, DATE_COLUMN, windows.previous, AREA_COLUMN),
            areas.unplaced_count(offences, DATE_COLUMN, windows.current, AREA_COLUMN),
        ),
        scope=where.scope,
        areas_note=where.note,
        peer_view=peer_view,
    )
    extras = set(analysis.extra_sections)
    if "knife" in extras:
        analysis.knife = knife_change(offences, windows)
    if "northern_share" in extras:
        analysis.northern_npts = northern_npts(reference_dir)
        analysis.northern_share = area_share(offences, windows.current, analysis.northern_npts)
    if "victim_offender_profile" in extras:
        analysis.profile = victim_offender_profile(offences, windows.current)
    return analysis
