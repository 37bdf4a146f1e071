"""The quarterly batch for one period: plan the pack (:mod:`perfpack.report.plan`), run every
theme notebook in parallel worker processes (:mod:`perfpack.report.execute`: papermill, then a
code-free HTML appendix exported in the same worker), and publish ``reports/<period>/`` with
the overview, figures.csv and provenance.json (:mod:`perfpack.report.publish`).

The whole report is built in a staging folder and swapped into place at the end, so a run that
stops early never leaves a half-written report. A notebook that fails does not stop the others:
its appendix becomes an error page naming the notebook, cell and exception, and the run reports
failure.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import as_completed
from contextlib import ExitStack
from pathlib import Path

from perfpack.report.distributed_run import make_executor
from perfpack.report.execute import execute_job
from perfpack.report.plan import JobResult, prepare_pack
from perfpack.report.publish import BatchResult, finish_pack


def _progress(iterable, total: int, enabled: bool):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc="notebooks", unit="nb")


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
    fresh_kernels: bool = False,
) -> BatchResult:
    """Run the batch for ``period`` and publish ``reports/<period>/``.

    ``only`` re-runs some appendices and keeps the rest of an existing report. Appendices
    whose inputs are unchanged since the last clean run are reused, not run again
    (:mod:`perfpack.report.build_record`). Each worker runs its notebooks in one kernel,
    restored between them (:mod:`perfpack.report.kernels`); ``fresh_kernels`` gives every
    notebook a kernel of its own instead."""
    pack = prepare_pack(
        period, processed_dir, reports_dir, annotations_dir, cell_timeout, only, window_months,
        pdf,
    )  # fmt: skip
    jobs, staging, banner, footer = pack.run_jobs, pack.staging, pack.banner, pack.footer
    results: list[JobResult] = []
    if not jobs:  # every appendix is unchanged since the last run
        try:
            return finish_pack(pack, results)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, staging, ignore_errors=True)
        printer = _page_printer(pack, cleanup)
        reuse = not fresh_kernels
        pool = cleanup.enter_context(make_executor(workers, reuse_kernels=reuse))
        futures = [
            pool.submit(execute_job, job, str(staging), period, cell_timeout, banner, footer, reuse)
            for job in jobs
        ]
        for future in _progress(as_completed(futures), len(futures), progress):
            results.append(future.result())
            if printer is not None:  # printed while the other notebooks run
                printer.submit(staging / results[-1].html)
        pool.shutdown(wait=False)  # workers stop their kernels and exit while the pack publishes
        return finish_pack(pack, results, printer)


def _page_printer(pack, cleanup: ExitStack):
    """A :class:`perfpack.report.pdf.PagePrinter` for the pack's report.pdf (None when no PDF
    is asked for or there is no Chromium), already printing the pages kept from earlier runs."""
    from perfpack.report import pdf

    chromium = pdf.find_chromium() if pack.pdf else None
    if chromium is None:
        return None
    printer = cleanup.enter_context(pdf.PagePrinter(chromium))
    for entry in pack.reused.values():
        printer.submit(pack.staging / entry["html"])
    return printer
