"""The national pack: every force of a data.police.uk download in one batch, plus a national
page comparing the forces.

``perfpack ingest --source police-uk --force all`` reads the download once
(:func:`ingest_every_force`) and writes one processed folder per force (the same tables and
manifest a one-force ingest writes) under a root holding ``national.json``, the national counts
and the forces' populations. ``perfpack run PERIOD --processed ROOT`` then builds every force's
pack in one batch (:func:`run_national`: every force x appendix x period is one unit of work,
:mod:`perfpack.report.distributed_run`) and the national page for each period
(``<reports>/national/<period>/index.html``): each force's count in the two windows, the change
with its exact test (:func:`perfpack.core.stats.poisson_change_test`), the rate per 1,000 residents
and a funnel plot of the forces' rates. The page is the template
``present/templates/pages/national.html.j2`` (:mod:`perfpack.present.pages`).
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup

from perfpack.core import disclosure, stats
from perfpack.core import figures as figures_mod
from perfpack.core.change import round_half_up
from perfpack.core.windows import Window
from perfpack.data import public_tables as police_uk
from perfpack.data import reference
from perfpack.data.public_tables import NATIONAL_FILE, national_manifest
from perfpack.present import markup

#: Where the national page of a period goes under the reports root.
NATIONAL_DIR = "national"


# --------------------------------------------------------------------------------------------
# the forces side by side


def force_table(
    counts: pd.DataFrame,
    populations: pd.DataFrame,
    theme: str,
    previous: Window,
    current: Window,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Each force's count in two windows, the change with its exact test, and its rate.

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`perfpack.data.public_tables.national_counts` (``force``, ``month``, ``theme``,
        ``crimes``).
    populations : pandas.DataFrame
        :func:`perfpack.ingest.police_uk.force_areas.force_populations` (``force``, ``population``).
    theme : str
    previous, current : Window
    names : dict, optional
        Force slug -> the name to show (default the slug).

    Returns
    -------
    pandas.DataFrame
        One row per force, sorted by name: ``force``, ``name``, ``previous``, ``current``,
        ``change``, ``pct_change`` (NaN when previous is 0), ``p_value``, ``significant``,
        ``verdict`` (:func:`perfpack.core.stats.poisson_change_test`), ``population`` (NaN when the
        force has no residents), ``rate_per_1000`` (current window; NaN without a population)
        and ``complete`` (the force has records in every month of both windows: a count with
        months missing is not compared).
    """
    names = names or {}
    rows = counts[counts["theme"] == theme]
    every = counts.assign(label=pd.to_datetime(counts["month"]).dt.strftime("%Y-%m"))
    have = every.groupby("force")["label"].agg(set)
    needed = {str(m) for m in previous.months().append(current.months())}
    pops = populations.set_index("force")["population"]
    out = []
    for force in sorted(have.index, key=lambda f: names.get(f, f)):
        mine = rows[rows["force"] == force]
        before = int(mine.loc[previous.contains(mine["month"]), "crimes"].sum())
        now = int(mine.loc[current.contains(mine["month"]), "crimes"].sum())
        test = stats.poisson_change_test(before, now)
        population = pops.get(force, pd.NA)
        population = math.nan if pd.isna(population) else float(population)
        out.append(
            {
                "force": force,
                "name": names.get(force, force),
                "previous": before,
                "current": now,
                "change": now - before,
                "pct_change": (now - before) / before * 100 if before else math.nan,
                "p_value": test.p_value,
                "significant": test.significant,
                "verdict": test.verdict,
                "population": population,
                "rate_per_1000": stats.rate_per_1000(now, population)
                if not math.isnan(population)
                else math.nan,
                "complete": needed <= have.get(force, set()),
            }
        )
    return pd.DataFrame(out)


def funnel_limits_for_forces(
    grid, centre: float, counts, populations, z: tuple[float, ...] = (1.96, 3.09)
) -> tuple[pd.DataFrame, float]:
    """Funnel limits for the forces' rates, allowing for overdispersion: the national page's
    one source of limits, drawn from :func:`perfpack.core.overdispersion.rate_funnel` (Spiegelhalter
    2005: winsorised z-scores, the chi-squared test of overdispersion, additive random effects
    by DerSimonian-Laird when the forces vary more than chance alone would make them; exact
    Poisson limits otherwise), so a force's areas and the forces are judged alike.

    Parameters
    ----------
    grid : array-like
        Populations at which to give the limits.
    centre : float
        The national rate per 1,000.
    counts, populations : array-like
        The forces' counts and populations (to estimate the overdispersion).
    z : tuple of float
        The limits drawn: 1.96 (95%) and 3.09 (99.8%), the ones ``rate_funnel`` gives.

    Returns
    -------
    (pandas.DataFrame, float)
        The limits (``population``, ``rate_per_1000``, ``lower_1.96`` ... ``upper_3.09``) and
        the between-force variance ``tau^2`` they allow for (0 when they are exact Poisson).
    """
    from perfpack.core import overdispersion

    if tuple(z) != (1.96, 3.09):
        raise ValueError("the national funnel draws the 95% (1.96) and 99.8% (3.09) limits")
    counts = np.asarray(counts, dtype=float)
    populations = np.asarray(populations, dtype=float)
    if centre <= 0 or len(counts) < overdispersion.MIN_UNITS:
        # no offences anywhere, or too few forces to judge their spread: exact Poisson limits
        return stats.funnel_limits(grid, centre, z=z), 0.0
    funnel = overdispersion.rate_funnel(counts, populations, target=centre, per=1000.0)
    limits = funnel.limits(np.asarray(grid, dtype=float))
    limits = limits.rename(
        columns={
            "exposure": "population",
            "rate": "rate_per_1000",
            "lower_95": "lower_1.96",
            "upper_95": "upper_1.96",
            "lower_99.8": "lower_3.09",
            "upper_99.8": "upper_3.09",
        }
    )
    columns = [
        "population",
        "rate_per_1000",
        "lower_1.96",
        "upper_1.96",
        "lower_3.09",
        "upper_3.09",
    ]
    tau2 = 0.0 if funnel.method == "poisson" or not funnel.test.overdispersed else funnel.tau2
    return limits[columns], float(tau2)


def funnel_positions(table: pd.DataFrame, centre: float) -> list[str]:
    """Each force's place on the funnel: ``within``, ``above 95%``, ``below 99.8%`` ...,
    read against :func:`funnel_limits_for_forces` at the force's own population (the same
    limits the chart draws)."""
    limits, _ = funnel_limits_for_forces(
        table["population"], centre, table["current"], table["population"]
    )
    out = []
    for rate, (_, row) in zip(table["rate_per_1000"], limits.iterrows(), strict=True):
        position = "within"
        for multiple, label in (("1.96", "95%"), ("3.09", "99.8%")):
            if rate > row[f"upper_{multiple}"]:
                position = f"above {label}"
            elif rate < row[f"lower_{multiple}"]:
                position = f"below {label}"
        out.append(position)
    return out


def funnel_note(tau2: float) -> str:
    """What the funnel's limits allow for, in words."""
    if tau2 > 0:
        return (
            "The forces' rates vary more than chance alone would make them (between-force "
            f"variance {tau2:.4f} on the square-root scale), so the limits are widened for that "
            "overdispersion "
            "(Spiegelhalter 2005, additive random effects): a force outside them differs from "
            "the national rate by more than forces usually do."
        )
    return (
        "The forces' rates vary no more than chance alone would make them, so the limits "
        "are exact Poisson limits (Spiegelhalter 2005)."
    )


def funnel_chart(table: pd.DataFrame, centre: float, title: str, forces=None):
    """Funnel plot of the forces' rates per 1,000 against population around the national rate,
    with overdispersion-aware 95% and 99.8% limits (:func:`funnel_limits_for_forces`). Forces
    with a population and every month are plotted (only ``forces`` when given).

    Returns
    -------
    (matplotlib.figure.Figure, str, pandas.DataFrame, float)
        The figure, its alt text, the plotted forces with their ``position``, and the
        between-force variance ``tau^2`` the limits allow for (0: none found).
    """
    from perfpack.present import charts

    plotted = table[table["population"].notna() & table["complete"]]
    if forces is not None:  # the forces the national rate is computed over
        plotted = plotted[plotted["force"].isin(list(forces))]
    plotted = plotted.copy()
    if plotted.empty:
        raise ValueError("no force has a population and every month, so no funnel plot")
    low, high = plotted["population"].min(), plotted["population"].max()
    grid = np.linspace(max(low * 0.6, 1.0), high * 1.1, 200)
    limits, tau2 = funnel_limits_for_forces(grid, centre, plotted["current"], plotted["population"])
    plotted["position"] = funnel_positions(plotted, centre)
    fig, ax = charts.new_figure(figsize=(9, 5))
    ax.plot(grid, limits["rate_per_1000"], color="black", linewidth=1, label="National rate")
    for column, style, label in (
        ("1.96", "--", "95% limits"),
        ("3.09", ":", "99.8% limits"),
    ):
        ax.plot(grid, limits[f"upper_{column}"], color="black", linestyle=style, label=label)
        ax.plot(grid, limits[f"lower_{column}"], color="black", linestyle=style)
    outside = plotted["position"] != "within"
    ax.scatter(
        plotted.loc[~outside, "population"], plotted.loc[~outside, "rate_per_1000"],
        color=charts.PALETTE[0], s=30, zorder=3, label="Within 95% limits",
    )  # fmt: skip
    ax.scatter(
        plotted.loc[outside, "population"], plotted.loc[outside, "rate_per_1000"],
        color=charts.PALETTE[1], marker="D", s=32, zorder=3, label="Outside 95% limits",
    )  # fmt: skip
    for i, row in enumerate(plotted.sort_values("population").itertuples()):
        ax.annotate(
            row.name, (row.population, row.rate_per_1000), textcoords="offset points",
            xytext=(3, 3 if i % 2 == 0 else -9), fontsize="xx-small",
        )  # fmt: skip
    ax.set_title(title)
    ax.set_xlabel("Resident population (mid-2019)")
    ax.set_ylabel("Rate per 1,000 residents")
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    fig.tight_layout()
    named = [f"{r.name} ({r.position})" for r in plotted.itertuples() if r.position != "within"]
    alt = (
        f"{title}: funnel plot of the rate per 1,000 residents of {len(plotted)} forces against "
        f"population, around the national rate of {centre:.2f} with 95% and 99.8% limits "
        + ("allowing for overdispersion" if tau2 > 0 else "(exact Poisson)")
        + f". Outside the 95% limits: {', '.join(named) or 'none'}."
    )
    return fig, alt, plotted, tau2


# --------------------------------------------------------------------------------------------
# the national page


@dataclass
class NationalResult:
    """What :func:`run_national` built: each force pack's result and the national pages."""

    results: dict[tuple[str, str], object]  # (slug, period) -> publish.BatchResult
    pages: list[Path] = field(default_factory=list)
    #: ``(slug, period, reason)`` of packs not built: the force's files miss months the
    #: windows need (every other force is still built).
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results.values())

    @property
    def failures(self) -> list[tuple[str, str, object]]:
        return [
            (slug, period, job)
            for (slug, period), result in self.results.items()
            for job in result.failures
        ]


def _published_counts(table: pd.DataFrame) -> tuple[pd.DataFrame, list[bool]]:
    """The forces' counts as published (:func:`perfpack.core.disclosure.suppress_small`: 1-4 shown
    "<5", and "[c]" where the national total would give a hidden count away), and which forces
    have a hidden count (their change, test, rate and funnel position are not published)."""
    counts = disclosure.suppress_small(
        table[["previous", "current"]].reset_index(drop=True), ["previous", "current"],
        along="columns",
    )  # fmt: skip
    marks = [disclosure.primary_mark(), disclosure.SECONDARY_MARK]
    return counts, counts.isin(marks).any(axis=1).tolist()


def _display(table: pd.DataFrame, months: int, period: str, status: dict) -> dict:
    """The forces' table as shown: its column headings and, per force, its name, the link to
    its pack, whether that pack was built, and the other cells as text (the template escapes
    every one)."""
    span = f"{months} month" if months == 1 else f"{months} months"
    positions = table["position"] if "position" in table else pd.Series([None] * len(table))
    counts, hidden = _published_counts(table)

    def unless_hidden(values):
        return ["–" if h else v for h, v in zip(hidden, values, strict=True)]

    cells = {
        f"Previous {span}": counts["previous"].tolist(),
        f"Current {span}": counts["current"].tolist(),
        "% change": unless_hidden(
            ["n/a" if pd.isna(p) else f"{round_half_up(p):+.0f}%" for p in table["pct_change"]]
        ),
        "p-value (exact Poisson test)": unless_hidden(
            [stats.format_p_number(p) for p in table["p_value"]]
        ),
        f"Change at the {stats.ALPHA * 100:g}% level": unless_hidden(
            [
                stats.significance_label(p) if c else "months missing"
                for p, c in zip(table["p_value"], table["complete"], strict=True)
            ]
        ),
        "Rate per 1,000": unless_hidden(
            [
                "does not apply" if pd.isna(r) else f"{round_half_up(r, 2):.2f}"
                for r in table["rate_per_1000"]
            ]
        ),
        "Funnel": unless_hidden(["–" if pd.isna(p) else str(p) for p in positions]),
    }
    rows = [
        {
            "name": name,
            "href": f"../../{force}/{period}/index.html",
            "built": status.get(force, True),
            "cells": [column[i] for column in cells.values()],
        }
        for i, (force, name) in enumerate(zip(table["force"], table["name"], strict=True))
    ]
    return {"columns": ["Force", *cells], "rows": rows}


def national_page(
    period: str,
    window_months: int,
    processed_root,
    pack_status: dict[str, bool],
    footer: str = "",
) -> tuple[str, pd.DataFrame]:
    """The national page of one period, and its figures (``theme, measure, window, group,
    value``; group = force slug). Every name from the data is escaped; no scripts."""
    import perfpack.present.pages as pages
    from perfpack.present import charts

    root = Path(processed_root)
    info = national_manifest(root) or {}
    names = info.get("names", {})
    counts = pd.read_parquet(root / police_uk.NATIONAL_COUNTS_FILE)
    populations = pd.read_parquet(root / police_uk.NATIONAL_POPULATIONS_FILE)
    themes = reference.themes()
    themes = themes[(themes["data_source"] == "police_uk") & (themes["table"] == "crimes")]
    sections, figures = [], []
    for row in themes.sort_values("report_order").itertuples():
        windows = reference.theme_spec(row.theme).windows(period, window_months)
        table = force_table(
            counts, populations, row.theme, windows.previous, windows.current, names
        )
        try:
            comparator = police_uk.national_rates(counts, populations, windows.current, [row.theme])
            centre, note = comparator.rate(row.theme), comparator.note
            counted = comparator.forces
        except police_uk.IncompleteWindowError as problem:
            centre, note, counted = None, f"No national rate: {problem}.", []
        section = {
            "title": row.title,
            "previous": windows.previous.describe(),
            "current": windows.current.describe(),
            "chart": None,
            "note": note,
        }
        if centre is not None:
            fig, alt, plotted, tau2 = funnel_chart(
                table, centre, f"{row.title}: rate per 1,000 residents by force", counted
            )
            section["chart"] = Markup(
                charts.figure_html(fig, alt, f"{row.title} by force, funnel plot")
            )
            section["funnel_note"] = funnel_note(tau2)
            table = table.merge(plotted[["force", "position"]], on="force", how="left")
        section["table"] = _display(table, windows.current.n_months, period, pack_status)
        sections.append(section)
        _, hidden = _published_counts(table)
        for r, secret in zip(table.itertuples(), hidden, strict=True):
            for measure, window, value in (
                ("count_previous", windows.previous, r.previous),
                ("count_current", windows.current, r.current),
                ("pct_change", windows.current, r.pct_change),
                ("change_p_value", windows.current, r.p_value),
                ("rate_per_1000", windows.current, r.rate_per_1000),
            ):
                figures.append(
                    (row.theme, measure, window.label, r.force, math.nan if secret else value)
                )
        if centre is not None:
            figures.append((row.theme, "national_rate_per_1000", windows.current.label, "", centre))
    frame = pd.DataFrame(figures, columns=["theme", "measure", "window", "group", "value"])
    page = pages.render(
        "national.html.j2",
        period=period,
        forces=len(names) or counts["force"].nunique(),
        sections=sections,
        footer=Markup(footer),
    )
    return page, frame


def national_provenance(period: str, processed_root, info: dict, window_months: int) -> dict:
    """The national page's provenance record (as :func:`perfpack.data.provenance.build` makes a
    pack's): code version, parameters, the download's inputs and the national tables' hashes."""
    from perfpack.data import provenance

    root = Path(processed_root)
    first = root / info["folders"][sorted(info["folders"])[0]]
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    manifest = {**manifest, "force": f"every force in the download ({len(info['folders'])})"}
    parameters = {
        "period": period,
        "processed_dir": str(root),
        "window_months": window_months,
        "forces": sorted(info["folders"]),
    }
    record = provenance.build(period, parameters, manifest, root)
    record["inputs"] = [{k: v for k, v in i.items() if k != "members"} for i in record["inputs"]]
    return record


def run_national(
    periods: list[str],
    processed_root,
    reports_root,
    annotations_root=None,
    window_months: int | None = None,
    workers: int | None = None,
    scheduler=None,
    cell_timeout: int = 600,
    pdf: bool = False,
    progress: bool = False,
    forces: list[str] | None = None,
    fresh_kernels: bool = False,
) -> NationalResult:
    """Every force's pack for every period in one batch, then each period's national page.

    Packs go to ``<reports_root>/<slug>/<period>/`` (as a one-force run with
    ``--reports <reports_root>/<slug>`` would write them); national pages to
    ``<reports_root>/national/<period>/index.html`` with ``figures.csv`` beside them.
    Raises :class:`perfpack.report.plan.BatchError` before anything runs when a pack cannot start.
    """
    from perfpack.data import provenance
    from perfpack.data.paths import ANNOTATIONS_DIR, resolve
    from perfpack.report import distributed_run, plan, publish

    root = Path(processed_root)
    info = national_manifest(root)
    if info is None:
        raise plan.BatchError(f"{root} is not a processed folder of every force ({NATIONAL_FILE})")
    reports_root = Path(reports_root)
    annotations_root = resolve(annotations_root, ANNOTATIONS_DIR)
    slugs = forces or sorted(info["folders"])
    packs, keys, skipped = [], [], []
    try:
        for period in periods:
            for slug in slugs:
                try:
                    pack = plan.prepare_pack(
                        period, root / info["folders"][slug], reports_root / slug,
                        annotations_root / slug, cell_timeout, None, window_months, pdf,
                    )  # fmt: skip
                except plan.BatchError as problem:
                    if "does not cover" not in str(problem):
                        raise
                    skipped.append((slug, period, str(problem)))  # a force missing months
                    continue
                packs.append(pack)
                keys.append((slug, period))
    except BaseException:
        for pack in packs:
            shutil.rmtree(pack.staging, ignore_errors=True)
        raise
    if not packs:
        first = skipped[0][2] if skipped else "no force to build"
        raise plan.BatchError(f"no force's pack can be built: {first}")
    published = distributed_run.run_packs(
        packs, workers, scheduler, progress, fresh_kernels=fresh_kernels
    )
    result = NationalResult(dict(zip(keys, published, strict=True)), skipped=skipped)
    for period in periods:
        record = national_provenance(period, root, info, window_months or 12)
        status = {
            slug: result.results[(slug, period)].ok if (slug, period) in result.results else False
            for slug in slugs
        }
        footer = provenance.footer_html(record)
        page, frame = national_page(period, window_months or 12, root, status, footer)
        unsafe = markup.unsafe_markup(page)
        if unsafe:  # never published, like any other page
            raise plan.BatchError(f"the national page held markup that could run: {unsafe}")
        folder = reports_root / NATIONAL_DIR / period
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(page, encoding="utf-8")
        figures_mod.write_figures(frame, folder / "figures.csv")
        (folder / "provenance.json").write_text(
            json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        publish.publish_modes(folder)
        result.pages.append(folder / "index.html")
    return result
