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

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

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
) -> BatchResult:
    """Run the batch for ``period`` and publish ``reports/<period>/``.

    ``only`` re-runs some appendices and keeps the rest of an existing report. Appendices
    whose inputs are unchanged since the last clean run are reused, not run again
    (:mod:`perfpack.report.build_record`)."""
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
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(
                    execute_job, job, str(staging), period, cell_timeout, banner, footer, True
                )
                for job in jobs
            ]
            for future in _progress(as_completed(futures), len(futures), progress):
                results.append(future.result())
        return finish_pack(pack, results)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
