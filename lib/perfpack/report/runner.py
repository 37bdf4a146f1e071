"""The quarterly batch: run every theme notebook for a period with papermill, in parallel, export
each to a code-free HTML appendix with nbconvert, and write the overview, figures.csv and
provenance.json into ``reports/<period>/``.

The whole report is built in a staging folder and swapped into place at the end, so a run that
stops early never leaves a half-written report. A notebook that fails does not stop the others:
its appendix becomes an error page naming the notebook, cell and exception, and the run reports
failure. Every page carries the Content-Security-Policy of :mod:`perfpack.present.markup` and is
audited
for markup that could run before it is published; every published file is world-readable and
holds no absolute path of the build machine. When report.pdf cannot be made, no earlier
report.pdf is left beside the new pages, and the overview and the exit status say so.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from traitlets.config import Config

from perfpack.core import figures as figures_mod
from perfpack.core.windows import comparison_windows, parse_period
from perfpack.data import provenance, reference, tables
from perfpack.data.paths import ANNOTATIONS_DIR, NOTEBOOKS_DIR, REPORTS_DIR, TEMPLATES_DIR, resolve
from perfpack.present import markup
from perfpack.present.html import SYNTHETIC_BANNER, SYNTHETIC_CLASS
from perfpack.report import annotations

KERNEL_NAME = "python3"
#: Encrypt kernel traffic (CurveZMQ) where the kernel supports it: ipykernel 7.4 warns on every
#: start about plain-text TCP otherwise.
KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})
EXECUTED_DIR = "executed"  # executed notebooks can hold record-level data: kept out of the
# publishable folder, in reports/executed/<period>/
FIGURES_DIR = "figures"  # one figures CSV per appendix, joined into figures.csv
REMOVE_TAG = "remove-from-report"  # cells for analysts only, left out of the appendix
PDF_NAME = "report.pdf"
#: Modes of published files and folders: readable by everyone, written only by the owner.
FILE_MODE, DIR_MODE = 0o644, 0o755
#: Output types a page may show; anything else (javascript, widgets, svg, latex) is dropped.
PUBLISHED_MIMETYPES = {"text/html", "text/plain", "image/png", "image/jpeg"}


@dataclass(frozen=True)
class Job:
    """One notebook run: which notebook, with which parameters, published under which name."""

    slug: str
    title: str
    kind: str  # "theme" or "deep_dive"
    notebook: str
    parameters: dict

    @property
    def html_relpath(self) -> str:
        folder = "appendices" if self.kind == "theme" else "deep_dives"
        return f"{folder}/{self.slug}.html"


@dataclass
class JobResult:
    slug: str
    title: str
    kind: str
    html: str
    ok: bool
    seconds: float
    error: str | None = None
    cell: int | None = None
    exception: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    period: str
    report_dir: Path
    results: list[JobResult]
    notes: list[str] = field(default_factory=list)
    #: Why report.pdf was asked for and could not be made (None: made, or not asked for).
    pdf_error: str | None = None

    @property
    def ok(self) -> bool:
        """Every notebook ran and report.pdf was made when asked for."""
        return all(r.ok for r in self.results) and self.pdf_error is None

    @property
    def failures(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


class BatchError(RuntimeError):
    """The batch could not start (bad period, no processed data, unknown notebook)."""


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


def months_covered(data_manifest: dict, table: str) -> set[str] | None:
    """The months (``YYYY-MM``) a processed table's data covers, as its manifest states them;
    None when the manifest does not say (then nothing is checked)."""
    if data_manifest.get("data_source") == "police_uk":
        kind = {"crimes": "street", "stop_searches": "stop_search"}.get(table)
        coverage = data_manifest.get("coverage", {}).get(kind)
        if not coverage:
            return None
        missing = {m["month"] for m in coverage.get("missing_files", [])}
        return set(coverage.get("months", [])) - missing
    for item in data_manifest.get("inputs", []):
        if item.get("table") == table and item.get("first_month") and item.get("last_month"):
            span = pd.period_range(item["first_month"], item["last_month"], freq="M")
            return {str(m) for m in span}
    return None


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
        previous, current = comparison_windows(period, int(row["lag_months"]), window_months or 12)
        needed = [str(m) for m in previous.months().append(current.months())]
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


def _html_exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="perfpack", extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")]
    )
    # a notebook's own intro for analysts (e.g. the shared crime notebook's generic title) is
    # tagged remove-from-report and left out of the appendix
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}, enabled=True), enabled=True
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _strip_for_publication(nb) -> list[str]:
    """Drop what must not reach a public page: stderr streams (warnings, logs), tracebacks and
    output types that could run code; markdown shown without HTML is rendered and sanitised
    (:func:`perfpack.present.markup.markdown_html`). Returns the warning texts so the batch can
    summarise them."""
    warnings = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                warnings.append(output.get("text", "").strip())
                continue
            if output.get("output_type") == "error":
                continue
            if "data" in output:
                _publishable_data(output)
            kept.append(output)
        cell["outputs"] = kept
    return [w for w in warnings if w]


def _publishable_data(output) -> None:
    """Keep only :data:`PUBLISHED_MIMETYPES` of a display output, rendering markdown that came
    without HTML through the sanitiser."""
    data = output["data"]
    markdown = data.get("text/markdown")
    if markdown is not None and "text/html" not in data:
        text = "".join(markdown) if isinstance(markdown, list) else markdown
        data["text/html"] = markup.markdown_html(text)
    for mimetype in [m for m in data if m not in PUBLISHED_MIMETYPES]:
        del data[mimetype]


def _page_header(report_root_rel: str, title: str, banner: str = "") -> str:
    """Navigation back to the overview (and, on pages no notebook wrote, the synthetic mark:
    a theme notebook shows the mark itself)."""
    return (
        f'<nav class="perfpack-nav"><a href="{report_root_rel}index.html">Overview</a> · '
        f"{html.escape(title)}</nav>{banner}"
    )


def error_page(
    job: Job,
    period: str,
    cell: int | None,
    exception: str,
    header: str,
    footer: str,
    where: str | None = None,
) -> str:
    """The page published in place of an appendix whose notebook failed (``where``: the stage,
    when not a cell or start-up)."""
    where = where or (f"cell {cell}" if cell is not None else "start-up")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>{markup.CSP_META}'
        f"<title>{html.escape(job.title)}: not produced</title></head><body>{header}<main>"
        f"<h1>{html.escape(job.title)}</h1>"
        f'<p role="alert"><strong>This appendix could not be produced for {period}.</strong> '
        f"The notebook <code>notebooks/{html.escape(job.notebook)}</code> failed at "
        f"{where}: <code>{html.escape(exception)}</code></p>"
        "<p>The other appendices are unaffected. The Knowledge Hub has been told by the batch's "
        "exit status.</p></main>"
        f"{footer}</body></html>"
    )


def execute_job(
    job: Job, staging: str, period: str, cell_timeout: int, banner: str, footer: str
) -> JobResult:
    """Run one notebook with papermill and export it (runs in a worker process)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    staging = Path(staging)
    executed = staging / EXECUTED_DIR / f"{job.slug}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    figures_path = staging / FIGURES_DIR / f"{job.slug}.csv"
    parameters = {**job.parameters, "figures_path": str(figures_path)}
    out_html = staging / job.html_relpath
    out_html.parent.mkdir(parents=True, exist_ok=True)
    header = _page_header("../", job.title)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(NOTEBOOKS_DIR / job.notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(NOTEBOOKS_DIR),
            progress_bar=False,
            log_output=False,
            execution_timeout=cell_timeout,
            config=KERNEL_CONFIG,
        )
    except PapermillExecutionError as failure:
        cell = _source_cell_index(executed, failure.cell_index)
        return _failed(
            job,
            period,
            out_html,
            figures_path,
            banner,
            footer,
            started,
            cell,
            f"{failure.ename}: {failure.evalue}",
        )
    except Exception as failure:  # kernel died, timeout, bad notebook file...
        return _failed(
            job,
            period,
            out_html,
            figures_path,
            banner,
            footer,
            started,
            None,
            f"{type(failure).__name__}: {failure}",
        )

    nb = nbformat.read(str(executed), as_version=4)
    warnings = _strip_for_publication(nb)
    if (
        job.kind == "theme"
        and annotations.commentary(period, job.slug, job.parameters["annotations_dir"]) is None
    ):
        warnings.append(
            f"no commentary for {job.slug} in {period}: write "
            f"{annotations.commentary_path(period, job.slug, job.parameters['annotations_dir'])}"
        )
    shows_mark = any(
        f'class="{SYNTHETIC_CLASS}"' in str(output.get("data", {}).get("text/html", ""))
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )
    if banner and not shows_mark:  # every page built from the demo force carries the mark
        header = _page_header("../", job.title, banner)
    body, _ = _html_exporter().from_notebook_node(
        nb,
        resources={
            "perfpack_header": header,
            "perfpack_footer": footer,
            "perfpack_csp": markup.CSP_META,
            "metadata": {"name": job.title},
        },
    )
    unsafe = markup.unsafe_markup(body)
    if unsafe:  # never published: the page is replaced by an error page naming what was found
        return _failed(
            job,
            period,
            out_html,
            figures_path,
            banner,
            footer,
            started,
            None,
            "UnsafeMarkup: the page held markup that could run: " + "; ".join(unsafe),
            where="the publication check",
        )
    out_html.write_text(body, encoding="utf-8")
    return JobResult(
        job.slug,
        job.title,
        job.kind,
        job.html_relpath,
        True,
        time.perf_counter() - started,
        warnings=warnings,
    )


def _failed(
    job: Job,
    period: str,
    out_html: Path,
    figures_path: Path,
    banner: str,
    footer: str,
    started: float,
    cell: int | None,
    exception: str,
    where: str | None = None,
) -> JobResult:
    """Publish the error page in place of the appendix; a failed notebook publishes no figures."""
    exception = provenance.public_text(exception)[:500]
    header = _page_header("../", job.title, banner)
    out_html.write_text(
        error_page(job, period, cell, exception, header, footer, where), encoding="utf-8"
    )
    figures_path.unlink(missing_ok=True)
    return JobResult(
        job.slug,
        job.title,
        job.kind,
        job.html_relpath,
        False,
        time.perf_counter() - started,
        "failed",
        cell,
        exception,
    )


def _source_cell_index(executed: Path, cell_index: int) -> int:
    """The failing cell's index in the notebook as committed (papermill inserts an
    'injected-parameters' cell into the executed copy, shifting the cells after it)."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    injected = sum(
        "injected-parameters" in cell.get("metadata", {}).get("tags", [])
        for cell in nb.cells[:cell_index]
    )
    return cell_index - injected


def _progress(iterable, total: int, enabled: bool):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc="notebooks", unit="nb")


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
    if only and final.exists():
        shutil.copytree(final, staging)
        if executed_final.exists():
            shutil.copytree(executed_final, staging / EXECUTED_DIR)
    else:
        staging.mkdir(parents=True)
    return PackPlan(
        period, processed_dir, annotations_dir, jobs, data_manifest, record, banner, footer,
        skipped, staging, final, executed_final, cell_timeout, pdf, only,
    )  # fmt: skip


def run_batch(
    period: str,
    processed_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    annotations_dir: str | Path | None = None,
    workers: int | None = None,
    cell_timeout: int = 600,
    only: list[str] | None = None,
    progress: bool = True,
    window_months: int | None = None,
    pdf: bool = True,
) -> BatchResult:
    """Run the batch for ``period`` and publish ``reports/<period>/``.

    ``only`` re-runs some appendices and keeps the rest of an existing report."""
    pack = prepare_pack(
        period, processed_dir, reports_dir, annotations_dir, cell_timeout, only, window_months,
        pdf,
    )  # fmt: skip
    jobs, staging, banner, footer = pack.jobs, pack.staging, pack.banner, pack.footer
    results: list[JobResult] = []
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(execute_job, job, str(staging), period, cell_timeout, banner, footer)
                for job in jobs
            ]
            for future in _progress(as_completed(futures), len(futures), progress):
                results.append(future.result())
        return finish_pack(pack, results)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def finish_pack(pack: PackPlan, results: list[JobResult]) -> BatchResult:
    """Publish a pack whose jobs have run into its staging folder: figures.csv,
    provenance.json, the overview, report.pdf, then swap it into place."""
    from perfpack.report import overview

    staging, period = pack.staging, pack.period
    notes: list[str] = []
    try:
        order = {job.slug: i for i, job in enumerate(pack.jobs)}
        results = sorted(results, key=lambda r: order[r.slug])
        results = _merge_status(staging, results)
        if pack.only:  # pages kept from an earlier run are published only if they pass the audit
            results = _audit_kept_pages(
                staging, results, {j.slug for j in pack.jobs}, pack.banner, pack.footer
            )

        figure_files = sorted((staging / FIGURES_DIR).glob("*.csv"))
        all_figures = figures_mod.combine([figures_mod.read_figures(p) for p in figure_files])
        all_figures = overview.order_figures(all_figures)
        figures_mod.write_figures(all_figures, staging / "figures.csv")
        (staging / "provenance.json").write_text(
            json.dumps(pack.record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )

        def write_index(pdf_status: str | None) -> None:
            page = overview.index_html(
                period,
                all_figures,
                results,
                pack.record,
                pack.banner,
                pack.footer,
                pack.annotations_dir,
                skipped=pack.skipped,
                coverage=pack.data_manifest.get("coverage"),
                pdf_status=pdf_status,
            )
            unsafe = markup.unsafe_markup(page)
            if unsafe:
                raise BatchError(f"the overview held markup that could run: {'; '.join(unsafe)}")
            (staging / "index.html").write_text(page, encoding="utf-8")

        # a report.pdf of an earlier run (kept by --only) never stays beside the new pages
        (staging / PDF_NAME).unlink(missing_ok=True)
        pdf_error = None
        if not pack.pdf:
            write_index("not made for this run (--no-pdf)")
        else:
            write_index(overview.PDF_MADE)  # the overview as printed links to report.pdf
            pdf_status, pdf_error = _make_pdf(staging, results)
            if pdf_status is not None:
                notes.append(f"{PDF_NAME} not made: {pdf_status}")
                (staging / PDF_NAME).unlink(missing_ok=True)
                write_index(f"not made for this run: {pdf_status}")
        pack.executed_final.parent.mkdir(parents=True, exist_ok=True)
        _swap_into_place(staging / EXECUTED_DIR, pack.executed_final)
        publish_modes(staging)
        _swap_into_place(staging, pack.final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BatchResult(period, pack.final, results, notes, pdf_error)


def _make_pdf(staging: Path, results: list[JobResult]) -> tuple[str | None, str | None]:
    """Print the pack to ``report.pdf``. Returns ``(status, error)``: ``(None, None)`` when
    made; why not, with ``error`` None when there is no Chromium on this machine (a note, not
    a failure) and set when Chromium could not print (the run then fails with status 1)."""
    from perfpack.report import pdf

    chromium = pdf.find_chromium()
    if chromium is None:
        return "no Chromium on this machine (apt-get install chromium)", None
    pages = (
        ["index.html"]
        + [r.html for r in results if r.kind == "theme"]
        + [r.html for r in results if r.kind == "deep_dive"]
    )
    try:
        pdf.build_pdf(staging, pages, chromium=chromium)
    except (pdf.PdfError, OSError, subprocess.SubprocessError) as problem:
        where = str(problem).replace(f"{staging}{os.sep}", "")
        reason = provenance.public_text(where) or type(problem).__name__
        return f"printing failed ({reason[:300]})", reason[:300]
    return None, None


def publish_modes(report_dir: Path) -> None:
    """Make every file of a report world-readable (:data:`FILE_MODE`) and every folder
    world-listable (:data:`DIR_MODE`), whatever the umask or temporary-file modes were."""
    report_dir = Path(report_dir)
    os.chmod(report_dir, DIR_MODE)
    for path in report_dir.rglob("*"):
        if path.is_symlink():
            continue
        os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)


def _merge_status(staging: Path, results: list[JobResult]) -> list[JobResult]:
    """Keep the status of appendices not re-run (partial runs) and record this run's (the file
    is in the published folder: its messages name no folder of the build machine)."""
    status_file = staging / "status.json"
    previous = []
    if status_file.exists():
        previous = [JobResult(**r) for r in json.loads(status_file.read_text())]
    rerun = {r.slug for r in results}
    merged = [r for r in previous if r.slug not in rerun] + results
    _write_status(status_file, merged)
    return merged


def _write_status(status_file: Path, results: list[JobResult]) -> None:
    records = [asdict(r) for r in results]
    for record in records:
        record["warnings"] = [provenance.public_text(w) for w in record["warnings"]]
        if record["exception"]:
            record["exception"] = provenance.public_text(record["exception"])
    status_file.write_text(json.dumps(records, indent=2) + "\n")


def _audit_kept_pages(
    staging: Path, results: list[JobResult], rerun: set[str], banner: str, footer: str
) -> list[JobResult]:
    """A page kept from an earlier run (``--only``) that fails today's markup audit (e.g. built
    before pages carried the CSP) is withheld: an error page takes its place, its figures are
    dropped and its result fails, so the run says to re-run it."""
    audited = []
    for result in results:
        page = staging / result.html
        if result.slug in rerun or not page.exists():
            audited.append(result)
            continue
        unsafe = markup.unsafe_markup(page.read_text(encoding="utf-8"))
        if not unsafe:
            audited.append(result)
            continue
        reason = (
            "UnsafeMarkup: the page kept from an earlier run failed the publication check ("
            + "; ".join(unsafe)
            + "); re-run it"
        )
        header = _page_header("../", result.title, banner)
        page.write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>'
            f"{markup.CSP_META}<title>{html.escape(result.title)}: withheld</title></head>"
            f"<body>{header}<main><h1>{html.escape(result.title)}</h1>"
            '<p role="alert"><strong>This page is withheld.</strong> '
            f"{html.escape(reason)}</p></main>{footer}</body></html>",
            encoding="utf-8",
        )
        (staging / FIGURES_DIR / f"{result.slug}.csv").unlink(missing_ok=True)
        audited.append(
            JobResult(
                result.slug,
                result.title,
                result.kind,
                result.html,
                False,
                0.0,
                "failed",
                None,
                reason,
            )  # fmt: skip
        )
    if audited != results:
        _write_status(staging / "status.json", audited)
    return audited


def _swap_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` with ``staging`` so readers never see a half-built report."""
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)
