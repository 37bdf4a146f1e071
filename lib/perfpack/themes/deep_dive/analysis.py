"""The action-019 deep dive for one period: :func:`analyse` works out every measure of the page
once, with one suppression for all its count tables (:func:`.page.protect_page`), and the
:class:`DeepDive` result is what the notebook shows and what figures.csv gets
(:meth:`DeepDive.figures`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfpack.core.figures import FigureBook
from perfpack.core.windows import ThemeWindows
from perfpack.data.reference import ThemeSpec
from perfpack.data.tables import ProcessedTables
from perfpack.themes.base import ComparedWindows
from perfpack.themes.deep_dive.cases import CaseStudies, Intervention, case_studies, intervention
from perfpack.themes.deep_dive.cohorts import (
    _PEOPLE_COLUMNS,
    cohort_hidden,
    cohort_overlap,
    select_cohort,
)
from perfpack.themes.deep_dive.page import DeepDivePage, protect_page
from perfpack.themes.deep_dive.places import concentration
from perfpack.themes.missing.analysis import Pair

#: The deep dive's slug (``data/reference/actions.csv``, its notebook and its figures).
DEEP_DIVE = "missing_repeats"
#: The theme the deep dive looks into (its windows, table and intervention).
THEME = "missing_persons"


@dataclass(frozen=True)
class DeepDive(ComparedWindows):
    """Every measure of the deep-dive page for one period (built by :func:`analyse`).

    ``page`` holds the cohort summary (Holm over the cohorts the page publishes), the
    cohort x place and places tables and the states of all their cells; ``overlaps`` each
    window's people in more than one cohort (:func:`~.cohorts.cohort_overlap`, by window
    label); ``concentration`` the chosen cohort's share of episodes from its most frequently
    missing tenth (:func:`~.places.concentration`); ``cases`` its case studies, split at
    ``turning_point``.
    """

    spec: ThemeSpec
    period: str
    window_months: int
    windows: ThemeWindows
    cohort: str
    page: DeepDivePage
    overlaps: dict
    concentration: Pair
    turning_point: Intervention
    cases: CaseStudies

    @property
    def summary(self) -> pd.DataFrame:
        """The cohorts' figures (:func:`~.cohorts.cohort_summary`, Holm over those published)."""
        return self.page.summary

    def figures(self) -> FigureBook:
        """The deep dive's published figures (:func:`figure_rows`)."""
        book = FigureBook(DEEP_DIVE)
        book.extend(
            figure_rows(
                self.summary,
                cohort_hidden(self.summary, self.page),
                self.windows,
                self.cohort,
                self.concentration,
            )
        )
        return book


def analyse(
    tables: ProcessedTables,
    spec: ThemeSpec,
    period: str,
    window_months: int = 12,
    *,
    cohort: str = "all",
    n_case_studies: int = 5,
    reference_dir: Path | None = None,
) -> DeepDive:
    """Every measure of the action-019 deep dive for ``period``.

    Parameters
    ----------
    tables : perfpack.data.tables.ProcessedTables
        The processed tables (:func:`perfpack.data.tables.open_tables`, or
        :meth:`~perfpack.data.tables.ProcessedTables.of` for tables made by hand);
        ``tables[spec.table]`` is ``missing_episodes``.
    spec : perfpack.data.reference.ThemeSpec
        The missing-persons theme (``theme_spec("missing_persons")``): its windows and its
        intervention (``data/reference/interventions.csv``).
    period : str
        The report's last month (``YYYY-MM``).
    window_months : int, default 12
        Length of the previous and current windows.
    cohort : str, default "all"
        The cohort the places, the concentration and the case studies look at ("all" or one
        of :data:`~.cohorts.COHORTS`).
    n_case_studies : int, default 5
        How many case studies at most.
    reference_dir : Path, optional
        Where the intervention is read from (default ``data/reference``).

    Returns
    -------
    DeepDive
    """
    episodes = tables[spec.table]
    windows = spec.windows(period, window_months)
    previous, current = windows.previous, windows.current
    chosen = select_cohort(episodes, cohort)  # the cohort the later sections look at
    turning_point = intervention(spec.slug, reference_dir)
    return DeepDive(
        spec=spec,
        period=period,
        window_months=window_months,
        windows=windows,
        cohort=cohort,
        # every count cell of the page suppressed together: the tables share their totals
        page=protect_page(episodes, previous, current, cohort),
        overlaps={w.label: cohort_overlap(episodes, w) for w in (previous, current)},
        concentration=Pair(concentration(chosen, previous), concentration(chosen, current)),
        turning_point=turning_point,
        cases=case_studies(chosen, previous, current, turning_point, n_case_studies),
    )


def figure_rows(
    summary: pd.DataFrame,
    hidden: pd.DataFrame,
    windows: ThemeWindows,
    cohort: str,
    shares: Pair,
) -> pd.DataFrame:
    """The deep dive's published figures (``measure, window, group, value``), hidden ones blank.

    Parameters
    ----------
    summary : DataFrame
        :func:`~.cohorts.cohort_summary` (the page's, Holm over the cohorts it publishes).
    hidden : DataFrame
        Which of its count cells are hidden (:func:`~.cohorts.cohort_hidden`).
    windows : ThemeWindows
    cohort : str
        The cohort ``shares`` are of ("all" or its name).
    shares : Pair
        The concentration share in each window (:func:`~.places.concentration`).

    Returns
    -------
    DataFrame
        Measures, group = cohort: ``cohort_episodes``, ``cohort_individuals``,
        ``cohort_repeat_individuals``, ``cohort_episodes_per_person``, ``cohort_repeat_rate``
        (both windows), ``cohort_repeat_rate_p_value`` and ``cohort_repeat_rate_p_holm``; for
        the selected ``cohort`` (group "all" or its name): ``concentration_top10_share`` (both
        windows).
    """
    previous, current = windows.previous, windows.current
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
            for measure, column, behind in (
                ("cohort_episodes_per_person", "episodes_per_person", ("episodes", "individuals")),
                ("cohort_repeat_rate", "repeat_rate", ("individuals", "repeat_individuals")),
            ):
                value = row[f"{column}_{label}"]
                if any(hidden.loc[name, f"{b}_{label}"] for b in behind) or value is None:
                    value = math.nan
                rows.append((measure, window.label, name, value))
        any_hidden = bool(hidden.loc[name, _PEOPLE_COLUMNS].any())
        for measure, column in (
            ("cohort_repeat_rate_p_value", "repeat_rate_p_value"),
            ("cohort_repeat_rate_p_holm", "repeat_rate_p_holm"),
        ):
            value = row[column]
            if any_hidden or value is None or pd.isna(value):
                value = math.nan
            rows.append((measure, current.label, name, value))
    for window, share in zip((previous, current), shares, strict=True):
        rows.append(
            (
                "concentration_top10_share",
                window.label,
                cohort,
                math.nan if share is None else share,
            )
        )
    return pd.DataFrame(rows, columns=["measure", "window", "group", "value"])
