"""Benchmarks, each figure a ratio measured in the same run (``make bench``).

Ingest: canonicalising a data.police.uk download into parquet
(:func:`perfpack.police_uk.ingest_police_uk`) against the time ``pyarrow.csv`` takes only to
read the same CSVs. Each phase runs in a fresh process (``spawn``), so its peak resident memory
(``resource.getrusage(...).ru_maxrss``) is its own; pyarrow's allocations do not pass through
Python's allocator, so ``tracemalloc`` would not see them.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

#: Targets from issue 7.
INGEST_TARGET_RATIO = 2.5
INGEST_TARGET_PEAK_BYTES = 3 * 1024**3


def _peak_rss_bytes() -> int:
    import resource

    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if os.uname().sysname == "Darwin" else peak * 1024)


def _raw_read(zip_path: str) -> dict:
    """Read every CSV member of the zip with ``pyarrow.csv.read_csv`` (default options), one
    after another, and nothing else."""
    import zipfile

    import pyarrow as pa
    import pyarrow.csv as pacsv

    start_rss = _peak_rss_bytes()
    rows = files = 0
    started = time.perf_counter()
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(".csv"):
                continue
            with archive.open(info) as member:
                rows += pacsv.read_csv(member).num_rows
            files += 1
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "files": files,
        "peak_rss_bytes": _peak_rss_bytes(),
        "start_rss_bytes": start_rss,
        "arrow_peak_bytes": int(pa.default_memory_pool().max_memory() or 0),
    }


def _canonicalise(zip_path: str, processed_dir: str, force: str | None) -> dict:
    """The full ingest: read, canonicalise, check coverage, write parquet + manifest."""
    import pyarrow as pa

    from perfpack import police_uk

    start_rss = _peak_rss_bytes()
    started = time.perf_counter()
    summary = police_uk.ingest_police_uk(zip_path, force, processed_dir)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": int(summary.rows.get("crimes", 0)),
        "tables": dict(summary.rows),
        "peak_rss_bytes": _peak_rss_bytes(),
        "start_rss_bytes": start_rss,
        "arrow_peak_bytes": int(pa.default_memory_pool().max_memory() or 0),
        "parquet_bytes": sum(p.stat().st_size for p in Path(processed_dir).glob("*.parquet")),
    }


def _run(function, *args, isolate: bool = True) -> dict:
    if not isolate:
        return function(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def ingest_benchmark(
    zip_path: str | os.PathLike,
    force: str | None = None,
    workdir: str | os.PathLike | None = None,
    isolate: bool = True,
) -> dict:
    """Time canonicalising a data.police.uk zip against pyarrow.csv's raw read of it.

    The raw read runs before and after the ingest (the page cache is warmed first by reading
    the zip's bytes once) and the mean of the two is the baseline, so drifting load on a shared
    machine affects both sides alike.

    Parameters
    ----------
    zip_path : path
        A data.police.uk zip archive (e.g. the all-forces download).
    force : str, optional
        Ingest one force (default: every force, the national table).
    workdir : path, optional
        Where the processed tables are written (default: a temporary folder, removed after).
    isolate : bool
        Run each phase in a fresh process (default True; peak memory is then per phase).

    Returns
    -------
    dict
        ``raw_read_seconds`` (mean), ``raw_read_runs``, ``canonicalise_seconds``, ``ratio``
        (canonicalise / raw read), ``target_ratio`` (2.5), ``meets_ratio_target``, ``rows``,
        ``files``, ``peak_rss_bytes`` / ``peak_rss_gb`` of the ingest process (with
        ``start_rss_bytes``, its size after imports), ``arrow_peak_bytes``,
        ``target_peak_bytes`` (3 GiB), ``meets_memory_target``, ``raw_read_peak_rss_bytes``,
        ``parquet_bytes``, ``cpu_count``, ``method``.
    """
    zip_path = str(Path(zip_path).resolve())
    with open(zip_path, "rb") as handle:  # warm the page cache so neither side pays for disk
        while handle.read(1 << 24):
            pass
    with tempfile.TemporaryDirectory(prefix="perfpack-bench-") as scratch:
        target = Path(workdir) if workdir else Path(scratch) / "processed"
        first = _run(_raw_read, zip_path, isolate=isolate)
        ingest = _run(_canonicalise, zip_path, str(target), force, isolate=isolate)
        second = _run(_raw_read, zip_path, isolate=isolate)
    raw_seconds = (first["seconds"] + second["seconds"]) / 2
    ratio = ingest["seconds"] / raw_seconds if raw_seconds > 0 else float("nan")
    return {
        "name": "ingest",
        "source": zip_path,
        "force": force or "all",
        "files": first["files"],
        "rows": ingest["rows"],
        "raw_rows": first["rows"],
        "raw_read_seconds": raw_seconds,
        "raw_read_runs": [first["seconds"], second["seconds"]],
        "canonicalise_seconds": ingest["seconds"],
        "ratio": ratio,
        "target_ratio": INGEST_TARGET_RATIO,
        "meets_ratio_target": bool(ratio <= INGEST_TARGET_RATIO),
        "peak_rss_bytes": ingest["peak_rss_bytes"],
        "peak_rss_gb": ingest["peak_rss_bytes"] / 1024**3,
        "start_rss_bytes": ingest["start_rss_bytes"],
        "arrow_peak_bytes": ingest["arrow_peak_bytes"],
        "target_peak_bytes": INGEST_TARGET_PEAK_BYTES,
        "meets_memory_target": bool(ingest["peak_rss_bytes"] < INGEST_TARGET_PEAK_BYTES),
        "raw_read_peak_rss_bytes": max(first["peak_rss_bytes"], second["peak_rss_bytes"]),
        "parquet_bytes": ingest["parquet_bytes"],
        "tables": ingest["tables"],
        "cpu_count": os.cpu_count(),
        "isolated": isolate,
        "method": (
            "raw read: pyarrow.csv.read_csv (default options) on each zip member in turn, mean "
            "of one run before and one after the ingest; canonicalise: "
            "perfpack.police_uk.ingest_police_uk (read, canonical tables, coverage, parquet and "
            "manifest, sha256 of the zip); peak memory: ru_maxrss of the ingest's own process"
        ),
    }
