"""Publishing a pack whose notebooks have run into its staging folder: figures.csv,
provenance.json, status.json, the overview, report.pdf, world-readable modes, and the swap of
the staging folder into place, so readers never see a half-built report. Pages kept from an
earlier run are audited again before they are published. When report.pdf cannot be made, no
earlier report.pdf is left beside the new pages, and the overview and the exit status say so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from perfpack.core import figures as figures_mod
from perfpack.data import provenance
from perfpack.present import markup, pages
from perfpack.report import build_record
from perfpack.report.execute import FIGURES_DIR, page_header
from perfpack.report.plan import EXECUTED_DIR, BatchError, JobResult, PackPlan

PDF_NAME = "report.pdf"
#: Modes of published files and folders: readable by everyone, written only by the owner.
FILE_MODE, DIR_MODE = 0o644, 0o755


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


def finish_pack(pack: PackPlan, results: list[JobResult], printer=None) -> BatchResult:
    """Publish a pack whose jobs have run into its staging folder: figures.csv,
    provenance.json, the overview, report.pdf, then swap it into place. ``printer``: a
    :class:`perfpack.report.pdf.PagePrinter` that has printed the pages as they were made."""
    staging, period = pack.staging, pack.period
    order = {job.slug: i for i, job in enumerate(pack.jobs)}
    reused = [JobResult(**entry) for entry in pack.reused.values()]
    notes: list[str] = []
    if reused:
        names = ", ".join(sorted((r.slug for r in reused), key=order.get))
        notes.append(f"unchanged since the last run, so not run again: {names}")
    if pack.unchanged:  # nothing to rebuild: the published report stays as it is
        results = sorted(reused, key=lambda r: order[r.slug])
        return BatchResult(period, pack.final, results, notes)
    from perfpack.report import overview  # matplotlib and scipy: only when publishing

    try:
        results = sorted([*results, *reused], key=lambda r: order[r.slug])
        results = _merge_status(staging, results)
        if pack.only or reused:  # pages kept from an earlier run are audited again
            rerun = {j.slug for j in pack.run_jobs}
            results = _audit_kept_pages(staging, results, rerun, pack.banner, pack.footer)

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
        pdf_error, pdf_made = None, True  # made, or not asked for
        if not pack.pdf:
            write_index("not made for this run (--no-pdf)")
        else:
            write_index(overview.PDF_MADE)  # the overview as printed links to report.pdf
            pdf_status, pdf_error = _make_pdf(staging, results, printer)
            if pdf_status is not None:
                pdf_made = False
                notes.append(f"{PDF_NAME} not made: {pdf_status}")
                (staging / PDF_NAME).unlink(missing_ok=True)
                write_index(f"not made for this run: {pdf_status}")
        _write_build_record(pack, results, complete=pdf_made)
        pack.executed_final.parent.mkdir(parents=True, exist_ok=True)
        _swap_into_place(staging / EXECUTED_DIR, pack.executed_final)
        publish_modes(staging)
        _swap_into_place(staging, pack.final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BatchResult(period, pack.final, results, notes, pdf_error)


def _write_build_record(pack: PackPlan, results: list[JobResult], complete: bool) -> None:
    """Record what each cleanly built appendix was built from (:mod:`build_record`), in the
    staging folder's executed notebooks (never published). A --only run keeps the entries of
    the appendices it left alone and records no pack fingerprint (the next full run rebuilds
    the overview)."""
    ok = {r.slug for r in results if r.ok}
    appendices = {}
    if pack.only:
        appendices = {
            slug: entry
            for slug, entry in pack.previous_record.get("appendices", {}).items()
            if slug in ok and slug not in pack.fingerprints
        }
    appendices.update({slug: fp for slug, fp in pack.fingerprints.items() if slug in ok})
    complete = complete and len(ok) == len(results)
    published = build_record.outputs(pack.staging)
    build_record.write(
        pack.staging / EXECUTED_DIR, pack.pack_fingerprint, appendices, complete, published
    )


def _make_pdf(
    staging: Path, results: list[JobResult], printer=None
) -> tuple[str | None, str | None]:
    """Print the pack to ``report.pdf``. Returns ``(status, error)``: ``(None, None)`` when
    made; why not, with ``error`` None when there is no Chromium on this machine (a note, not
    a failure) and set when Chromium could not print (the run then fails with status 1)."""
    from perfpack.report import pdf

    chromium = printer.chromium if printer is not None else pdf.find_chromium()
    if chromium is None:
        return "no Chromium on this machine (apt-get install chromium)", None
    pages = (
        ["index.html"]
        + [r.html for r in results if r.kind == "theme"]
        + [r.html for r in results if r.kind == "deep_dive"]
    )
    try:
        pdf.build_pdf(staging, pages, chromium=chromium, printer=printer)
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
        header = page_header("../", result.title, banner)
        page.write_text(
            pages.render_withheld_page(result.title, reason, header, footer), encoding="utf-8"
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
