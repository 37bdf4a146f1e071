"""Many report packs in one batch: every (force x appendix x period) notebook run is one unit of
work, submitted to one executor -- the local process pool by default, or a Dask distributed
cluster when given a scheduler (``perfpack run ... --scheduler tcp://host:8786``).

A unit runs in a temporary folder on whichever machine executes it and returns the bytes of
what it made (the executed notebook, the appendix page, the figures CSV); the machine that
publishes writes them into the pack's staging folder and publishes the pack
(:func:`perfpack.report.publish.finish_pack`). Workers read the processed data and annotations
by the paths in the job parameters, so on a cluster those folders must be visible to every
worker at the same path (a shared file system); nothing a worker writes is kept.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from perfpack.core.windows import parse_period
from perfpack.report import execute, plan, publish

#: A period range as ``PERIOD=2019-01..2019-02`` gives it.
RANGE_SEPARATOR = ".."


def parse_periods(text: str) -> list[str]:
    """``2019-12`` -> ``["2019-12"]``; ``2019-01..2019-03`` -> every month from the first to
    the last, inclusive. A clear ValueError for a bad month or a range that runs backwards."""
    text = str(text).strip()
    if RANGE_SEPARATOR not in text:
        parse_period(text)
        return [text]
    first, _, last = text.partition(RANGE_SEPARATOR)
    start, end = parse_period(first.strip()), parse_period(last.strip())
    if end < start:
        raise ValueError(f"period range {text!r} runs backwards: {last} is before {first}")
    return [str(p) for p in pd.period_range(start, end, freq="M")]


def execute_unit(
    job: plan.Job,
    period: str,
    cell_timeout: int,
    banner: str,
    footer: str,
    reuse_kernel: bool = False,
) -> tuple[plan.JobResult, dict[str, bytes]]:
    """Run one notebook (:func:`perfpack.report.execute.execute_job`) in a temporary folder of the
    machine running it; return its result and the bytes of every file it made, keyed by path
    relative to the pack's staging folder. ``reuse_kernel``: the local process pool's workers
    run their notebooks in one kernel each (:mod:`perfpack.report.kernels`)."""
    with tempfile.TemporaryDirectory(prefix="perfpack-unit-") as folder:
        result = execute.execute_job(
            job, folder, period, cell_timeout, banner, footer, reuse_kernel
        )
        root = Path(folder)
        files = {
            str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }
    return result, files


def write_unit(staging: Path, files: dict[str, bytes]) -> None:
    """Write a unit's returned files into its pack's staging folder (the publishing side)."""
    staging = Path(staging).resolve()
    for relpath, data in files.items():
        target = (staging / relpath).resolve()
        if staging not in target.parents:
            raise ValueError(f"a unit returned a file outside its pack: {relpath}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def prepare_packs(specs: list[dict]) -> list[plan.PackPlan]:
    """:func:`perfpack.report.plan.prepare_pack` for each keyword set; when one cannot start, the
    staging folders of those already prepared are removed and the error raised."""
    packs: list[plan.PackPlan] = []
    try:
        for spec in specs:
            packs.append(plan.prepare_pack(**spec))
    except BaseException:
        for pack in packs:
            shutil.rmtree(pack.staging, ignore_errors=True)
        raise
    return packs


@contextmanager
def make_executor(workers: int | None = None, scheduler=None, reuse_kernels: bool = False):
    """The executor the units run on.

    Parameters
    ----------
    workers : int, optional
        Local processes (default: cores); ignored with a scheduler.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address (``tcp://host:8786``) or a connected client: the units run on
        its workers (``Client.get_executor``). None: a local process pool (spawn).
    reuse_kernels : bool
        Each local worker starts its kernel as it starts, and runs its notebooks in it
        (:mod:`perfpack.report.kernels`); ignored with a scheduler.
    """
    if scheduler is None:
        from perfpack.report import kernels

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers or os.cpu_count() or 1,
            mp_context=context,
            initializer=kernels.start_worker,
            initargs=(execute.KERNEL_NAME, execute.KERNEL_CONFIG, reuse_kernels),
        ) as pool:
            yield pool
        return
    from distributed import Client

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        yield client.get_executor(pure=False)
    finally:
        if own:
            client.close()


def run_packs(
    packs: list[plan.PackPlan],
    workers: int | None = None,
    scheduler=None,
    progress: bool = False,
    executor: Executor | None = None,
    fresh_kernels: bool = False,
) -> list[publish.BatchResult]:
    """Run every unit of ``packs`` on one executor and publish each pack.

    Parameters
    ----------
    packs : list of PackPlan
        From :func:`perfpack.report.plan.prepare_pack` (one per force and period).
    workers, scheduler
        See :func:`make_executor`.
    executor : concurrent.futures.Executor, optional
        Use this executor instead of making one.
    fresh_kernels : bool
        Give every notebook a kernel of its own (default: on the local process pool, each
        worker runs its notebooks in one kernel, restored between them).

    Returns
    -------
    list of BatchResult, in the order of ``packs``.
    """
    results: list[list[plan.JobResult]] = [[] for _ in packs]
    # the local pool's workers run one notebook at a time: each can keep its kernel
    reuse = executor is None and scheduler is None and not fresh_kernels
    try:
        with (
            _given(executor) if executor is not None else make_executor(workers, scheduler, reuse)
        ) as pool:
            futures = {}
            for index, pack in enumerate(packs):
                for job in pack.run_jobs:  # appendices unchanged since the last run are reused
                    future = pool.submit(
                        execute_unit, job, pack.period, pack.cell_timeout, pack.banner,
                        pack.footer, reuse,
                    )  # fmt: skip
                    futures[future] = index
            done = as_completed(futures)
            if progress:
                from tqdm import tqdm

                done = tqdm(done, total=len(futures), desc="notebooks", unit="nb")
            for future in done:
                index = futures[future]
                result, files = future.result()
                write_unit(packs[index].staging, files)
                results[index].append(result)
        published = []
        for pack, pack_results in zip(packs, results, strict=True):
            published.append(publish.finish_pack(pack, pack_results))
        return published
    finally:
        for pack in packs:  # a pack that was not published leaves nothing behind
            if pack.staging.exists():
                shutil.rmtree(pack.staging, ignore_errors=True)


@contextmanager
def _given(executor: Executor):
    yield executor
