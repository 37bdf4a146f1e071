"""Planning a report pack: which notebooks run for a period (every theme of the data source
whose table the data holds, then the deep dives open meeting actions point to), whether the
data covers the months their windows need, which report themes the data cannot give, and the
pack's staging folder, provenance record and page furniture (:func:`prepare_pack`).

Nothing here runs a notebook (:mod:`perfpack.report.execute`) or publishes a page
(:mod:`perfpack.report.publish`).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from perfpack.core.windows import parse_period
from perfpack.data import provenance, reference, tables
from perfpack.data.coverage import months_covered
from perfpack.data.paths import ANNOTATIONS_DIR, NOTEBOOKS_DIR, REPORTS_DIR, resolve
from perfpack.present.html import SYNTHETIC_BANNER
from perfpack.report import build_record
from perfpack.report.jobs import EXECUTED_DIR, BatchError, Job, JobResult

__all__ = ["EXECUTED_DIR", "BatchError", "Job", "JobResult", "PackPlan", "plan", "prepare_pack"]


def plan(
    period: str,
    processed_dir: Path,
    annotations_dir: Path,
    data_source: str = "force",
    only: list[str] | None = None,
    window_months: int | None = None,
    absent_tables: dict | None = None,
) -> list[Job]:
    """The notebook runs for ``period``: every theme of the data source in report order whose
    table the data holds, then the deep dives that open meeting actions point to (for themes in
    the run). ``window_months`` (default: each theme's 12) is passed to theme notebooks."""
    themes = reference.themes()
    themes = themes[themes["data_source"] == data_source].sort_values("report_order")
    themes = themes[~themes["table"].isin(list(absent_tables or {}))]
    common = {
        "period": period,
        "processed_dir": str(processed_dir),
        "annotations_dir": str(annotations_dir),
    }
    window = {} if window_months is None else {"window_months": int(window_months)}
    jobs = [
        Job(
            row.theme,
            row.title,
            "theme",
            f"{row.notebook}.ipynb",
            {**common, "theme": row.theme, **window},
        )
        for row in themes.itertuples()
    ]
    theme_slugs = set(themes["theme"])
    for action in reference.actions().itertuples():
        if action.deep_dive and action.theme in theme_slugs:
            jobs.append(
                Job(
                    action.deep_dive,
                    f"Deep dive for action {action.action}: {action.title}",
                    "deep_dive",
                    f"deep_dives/{action.deep_dive}.ipynb",
                    {**common, **window},
                )
            )
    if only:
        unknown = sorted(set(only) - {j.slug for j in jobs})
        if unknown:
            raise BatchError(
                f"unknown appendix {', '.join(unknown)}; known: {', '.join(j.slug for j in jobs)}"
            )
        jobs = [j for j in jobs if j.slug in only]
    for job in jobs:
        if not (NOTEBOOKS_DIR / job.notebook).exists():
            raise BatchError(f"notebook {NOTEBOOKS_DIR / job.notebook} does not exist")
    return jobs


def skipped_themes(data_source: str, absent_tables: dict | None) -> list[tuple[str, str]]:
    """``(title, reason)`` for report themes this data cannot give: a force-extract theme with no
    counterpart in the data source (missing persons in public data), or whose table is absent."""
    themes = reference.themes()
    absent = absent_tables or {}
    running_tables = set(themes.loc[themes["data_source"] == data_source, "table"])
    skipped = []
    for row in themes[themes["data_source"] == "force"].sort_values("report_order").itertuples():
        if row.table in absent:
            skipped.append((row.title, absent[row.table]))
        elif row.table not in running_tables:
            skipped.append((row.title, f"not published in {data_source} data"))
    return skipped


def check_coverage(
    jobs: list[Job], period: str, data_manifest: dict, window_months: int | None = None
) -> None:
    """Refuse, before any notebook runs, a period whose comparison windows reach months the
    data does not cover: a % change over a window with missing months would be wrong."""
    themes = reference.themes()
    actions = reference.actions().set_index("deep_dive")
    problems = []
    for job in jobs:
        slug = job.parameters.get("theme") or actions.loc[job.slug, "theme"]
        row = themes.loc[slug]
        covered = months_covered(data_manifest, row["table"])
        if covered is None:
            continue
        windows = reference.theme_spec(slug).windows(period, window_months or 12)
        needed = [str(m) for m in windows.previous.months().append(windows.current.months())]
        missing = [m for m in needed if m not in covered]
        if missing:
            problems.append(
                f"{job.slug} needs {needed[0]} to {needed[-1]} but the data has no "
                f"{row['table']} for {_month_list(missing)}"
            )
    if problems:
        raise BatchError(
            "the comparison windows reach months the data does not cover, so no % change "
            "could be trusted: " + "; ".join(problems) + ". Choose a PERIOD whose windows the "
            "data covers, or shorter windows (--window-months, make WINDOW_MONTHS=)."
        )


def _month_list(months: list[str]) -> str:
    if len(months) <= 4:
        return ", ".join(months)
    return f"{months[0]} to {months[-1]} ({len(months)} months)"


@dataclass
class PackPlan:
    """One report pack made ready to run (:func:`prepare_pack`): its jobs, and everything
    :func:`finish_pack` needs to publish it once the jobs have run into ``staging``."""

    period: str
    processed_dir: Path
    annotations_dir: Path
    jobs: list[Job]
    data_manifest: dict
    record: dict
    banner: str
    footer: str
    skipped: list
    staging: Path
    final: Path
    executed_final: Path
    cell_timeout: int = 600
    pdf: bool = True
    only: list[str] | None = None
    #: slug -> the digests of everything the appendix is built from (:mod:`build_record`).
    fingerprints: dict = field(default_factory=dict)
    #: The digests the overview, figures.csv and report.pdf are built from (None: --only).
    pack_fingerprint: dict | None = None
    #: slug -> the status of an appendix reused from the previous run (inputs unchanged): its
    #: page, figures and executed notebook are in ``staging`` already and it does not run.
    reused: dict = field(default_factory=dict)
    #: Nothing changed since the previous, complete run: the published report stays as it is.
    unchanged: bool = False
    #: The previous run's build record (its entries are kept for appendices --only leaves).
    previous_record: dict = field(default_factory=dict)

    @property
    def run_jobs(self) -> list[Job]:
        """The jobs that must run (every planned job not reused)."""
        return [job for job in self.jobs if job.slug not in self.reused]


def prepare_pack(
    period: str,
    processed_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    annotations_dir: str | Path | None = None,
    cell_timeout: int = 600,
    only: list[str] | None = None,
    window_months: int | None = None,
    pdf: bool = True,
) -> PackPlan:
    """Plan one pack (``reports_dir/<period>/``), check its coverage and open its staging
    folder; raises :class:`BatchError` (nothing written) when it cannot start."""
    parse_period(period)
    processed_dir = tables.processed_dir(processed_dir)
    reports_dir = resolve(reports_dir, REPORTS_DIR)
    annotations_dir = resolve(annotations_dir, ANNOTATIONS_DIR)
    try:
        data_manifest = tables.manifest(processed_dir)
    except tables.MissingTableError as missing:
        raise BatchError(str(missing)) from None
    if window_months is not None and window_months < 1:
        raise BatchError("window months must be at least 1")
    data_source = data_manifest.get("data_source", "force")
    absent = data_manifest.get("absent_tables", {})
    jobs = plan(period, processed_dir, annotations_dir, data_source, only, window_months, absent)
    check_coverage(jobs, period, data_manifest, window_months)
    skipped = skipped_themes(data_source, absent)

    parameters = {
        "period": period,
        "processed_dir": str(processed_dir),
        "annotations_dir": str(annotations_dir),
        "cell_timeout": cell_timeout,
        "window_months": window_months or 12,
        "appendices": [j.slug for j in jobs],
    }
    record = provenance.build(period, parameters, data_manifest, processed_dir)
    footer = provenance.footer_html(record)
    banner = SYNTHETIC_BANNER if record["synthetic"] else ""

    final = reports_dir / period
    reports_dir.mkdir(parents=True, exist_ok=True)
    staging = reports_dir / f".staging-{period}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    executed_final = reports_dir / EXECUTED_DIR / period
    pack = PackPlan(
        period, processed_dir, annotations_dir, jobs, data_manifest, record, banner, footer,
        skipped, staging, final, executed_final, cell_timeout, pdf, only,
    )  # fmt: skip
    shared = build_record.environment()
    pack.fingerprints = {
        j.slug: build_record.job_fingerprint(j, processed_dir, shared) for j in jobs
    }
    pack.previous_record = build_record.read(executed_final)
    if only and final.exists():
        shutil.copytree(final, staging)
        if executed_final.exists():
            shutil.copytree(executed_final, staging / EXECUTED_DIR)
        return pack
    options = {
        "period": period,
        "window_months": window_months or 12,
        "pdf": pdf,
        "appendices": [j.slug for j in jobs],
        "skipped": skipped,
    }
    pack.pack_fingerprint = build_record.pack_fingerprint(
        pack.fingerprints, shared, options, annotations_dir
    )
    pack.reused = _reusable(pack)
    pack_files = ["index.html", "figures.csv", "status.json", "provenance.json"]
    pack.unchanged = (
        len(pack.reused) == len(jobs)
        and pack.previous_record.get("complete") is True
        and pack.previous_record.get("pack") == pack.pack_fingerprint
        and build_record.unchanged_outputs(
            pack.previous_record, final, executed_final, pack_files + ["report.pdf"] * pdf
        )
    )
    if pack.unchanged:
        return pack  # no staging folder: nothing is rebuilt
    staging.mkdir(parents=True)
    for slug in pack.reused:
        job = next(j for j in jobs if j.slug == slug)
        for source, target in _kept_files(pack, job):
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    return pack


def _kept_files(pack: PackPlan, job: Job) -> list[tuple[Path, Path]]:
    """``(published, staged)`` paths of what an appendix reuses: its page, its figures and its
    executed notebook."""
    figures = f"figures/{job.slug}.csv"
    return [
        (pack.final / job.html_relpath, pack.staging / job.html_relpath),
        (pack.final / figures, pack.staging / figures),
        (
            pack.executed_final / f"{job.slug}.ipynb",
            pack.staging / EXECUTED_DIR / f"{job.slug}.ipynb",
        ),
    ]


def _reusable(pack: PackPlan) -> dict:
    """slug -> previous status of each appendix whose inputs are unchanged since a clean run
    whose page and executed notebook are still there (a failed appendix is never reused)."""
    recorded = pack.previous_record.get("appendices", {})
    try:
        status = json.loads((pack.final / "status.json").read_text(encoding="utf-8"))
        status = {entry["slug"]: entry for entry in status}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    reused = {}
    published = pack.previous_record.get("outputs", {})
    for job in pack.jobs:
        entry = status.get(job.slug)
        figures = f"figures/{job.slug}.csv"  # a page may publish no figures
        files = [job.html_relpath, f"{EXECUTED_DIR}/{job.slug}.ipynb"]
        if (
            recorded.get(job.slug) == pack.fingerprints[job.slug]
            and entry is not None
            and entry.get("ok") is True
            and entry.get("html") == job.html_relpath
            and build_record.unchanged_outputs(
                pack.previous_record,
                pack.final,
                pack.executed_final,
                files + [figures] * (figures in published),
            )
            and _is_status(entry)
        ):
            reused[job.slug] = entry
    return reused


def _is_status(entry: dict) -> bool:
    """Whether a status.json entry reads back as a job result (an older layout does not)."""
    try:
        JobResult(**entry)
    except TypeError:
        return False
    return True
