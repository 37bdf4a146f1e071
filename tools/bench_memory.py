"""Memory of a force-extract ingest against the size of its input (issue 12, ``make bench``).

**Baseline**: the probe process after it has imported :mod:`perfpack.ingest.extracts` and every
library that imports (pandas, pyarrow, numpy, yaml), run ``gc.collect()``, and before it has read
any input. Imports are not caused by the input, so they are not charged to it. **Peak above
baseline**: the kernel's high-water mark of resident memory (``VmHWM``) during
:func:`perfpack.ingest.extracts.ingest`, after resetting it to the baseline by writing ``5`` to
``/proc/self/clear_refs`` (Linux 4.0+; see ``proc(5)``), minus the baseline ``VmRSS``. That is what
the process really held (Python heap, pyarrow's pool, allocator slack, pages touched by lazy imports
and reference tables), not an estimate from one allocator. The probe also reports pyarrow's pool
peak (``max_memory()`` of its default and system pools).

Each run is a fresh interpreter (``python -m tools.bench_memory --probe RAW PROCESSED``);
:func:`force_ingest_memory` reports the median of the runs with the minimum and maximum.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MIB = 2**20


def _status_kib(field: str) -> int:
    """One ``kB`` field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def _reset_peak() -> None:
    """Reset this process's ``VmHWM`` to its current ``VmRSS`` (``proc(5)``, clear_refs 5)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def input_bytes(raw_dir: str | Path) -> int:
    """Bytes of a raw folder's input: ``manifest.yml`` and every extract it names."""
    from perfpack.ingest.extracts import RAW_MANIFEST_NAME, read_manifest

    raw_dir = Path(raw_dir)
    manifest = read_manifest(raw_dir)
    names = [RAW_MANIFEST_NAME] + [spec.file for spec in manifest.extracts.values()]
    return sum((raw_dir / name).stat().st_size for name in names)


WARM_UP_ROWS = 50


def _slice(raw_dir: Path, out: Path, rows: int = WARM_UP_ROWS) -> None:
    """A copy of a raw folder with each extract cut to its header and first ``rows`` lines."""
    from perfpack.ingest.extracts import RAW_MANIFEST_NAME, read_manifest

    out.mkdir(parents=True)
    shutil.copyfile(raw_dir / RAW_MANIFEST_NAME, out / RAW_MANIFEST_NAME)
    for spec in read_manifest(raw_dir).extracts.values():
        with open(raw_dir / spec.file, "rb") as source:
            head = b"".join(line for _, line in zip(range(rows + 1), source, strict=False))
        (out / spec.file).write_bytes(head)


def probe(raw_dir: str, processed_dir: str, warm: bool = False) -> dict:
    """In this (fresh) process: the baseline, then the ingest's peak above it.

    The baseline is taken after the imports (``warm=False``), or after that and a warm-up ingest
    of the extracts' first ``WARM_UP_ROWS`` rows (``warm=True``: what is left is what the size
    of the input costs, not the first use of the code)."""
    from perfpack.ingest.memory import prefer_system_allocator

    prefer_system_allocator()  # as ``perfpack ingest`` does, before pyarrow loads
    import pyarrow as pa

    from perfpack.ingest import extracts as ingest

    if warm:
        with tempfile.TemporaryDirectory(prefix="perfpack-warm-") as scratch:
            _slice(Path(raw_dir), Path(scratch) / "raw")
            ingest.ingest(Path(scratch) / "raw", Path(scratch) / "processed")
    gc.collect()
    _reset_peak()
    baseline = _status_kib("VmRSS")
    file_backed = _status_kib("RssFile")
    summary = ingest.ingest(raw_dir, processed_dir)
    peak = _status_kib("VmHWM")
    return {
        # pages of shared libraries (code) read in while ingesting: part of the peak, not data
        "file_backed_growth_bytes": (_status_kib("RssFile") - file_backed) * 1024,
        "baseline_bytes": baseline * 1024,
        "peak_bytes": peak * 1024,
        "above_baseline_bytes": (peak - baseline) * 1024,
        "arrow_pool_peak_bytes": max(
            int(pool.max_memory() or 0)
            for pool in (pa.default_memory_pool(), pa.system_memory_pool())
        ),
        "rows": dict(summary.rows),
    }


def _probes(raw_dir: Path, runs: int, warm: bool, env: dict | None, size: int) -> dict:
    """``runs`` fresh-process probes and their median, minimum and maximum."""
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="perfpack-mem-") as out:
            command = [sys.executable, "-m", "tools.bench_memory", "--probe", str(raw_dir), out]
            if warm:
                command.append("--warm")
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"memory probe failed: {done.stderr.strip()[-500:]}")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    above = [r["above_baseline_bytes"] for r in results]
    median = statistics.median(above)
    return {
        "runs": results,
        "baseline_bytes": statistics.median(r["baseline_bytes"] for r in results),
        "above_baseline_bytes": median,
        "above_baseline_min_bytes": min(above),
        "above_baseline_max_bytes": max(above),
        "file_backed_growth_bytes": statistics.median(
            r["file_backed_growth_bytes"] for r in results
        ),
        "ratio": median / size,
        "ratio_min": min(above) / size,
        "ratio_max": max(above) / size,
    }


def force_ingest_memory(raw_dir: str | Path, runs: int = 3, env: dict | None = None) -> dict:
    """Peak memory above baseline of ``perfpack ingest`` on ``raw_dir``, in fresh processes.

    Parameters
    ----------
    raw_dir : path
        A raw folder (``manifest.yml`` and the extracts), e.g. the one ``perfpack demo`` writes.
    runs : int
        Fresh processes for each baseline (the median is reported, with min and max).
    env : dict, optional
        Environment of the probes (default: this process's).

    Returns
    -------
    dict
        ``input_bytes``; ``cold`` (baseline after the imports: the figure) and ``warm``
        (baseline after a warm-up ingest of ``WARM_UP_ROWS`` rows of each extract), each with
        ``runs`` (every probe's figures), ``above_baseline_bytes`` (median),
        ``above_baseline_min_bytes``, ``above_baseline_max_bytes``, ``ratio`` (median above
        baseline / input bytes), ``ratio_min``, ``ratio_max``, ``baseline_bytes`` (median) and
        ``file_backed_growth_bytes`` (median growth of ``RssFile``: library code paged in during
        the ingest, part of the peak but not data); and ``method``.
    """
    raw_dir = Path(raw_dir)
    size = input_bytes(raw_dir)
    return {
        "input_bytes": size,
        "cold": _probes(raw_dir, runs, False, env, size),
        "warm": _probes(raw_dir, runs, True, env, size),
        "method": (
            "fresh process per run; cold baseline = VmRSS after importing "
            "perfpack.ingest.extracts and "
            "its libraries and gc.collect(), before reading input; warm baseline = the same "
            f"after a warm-up ingest of each extract's first {WARM_UP_ROWS} rows; peak = VmHWM "
            "during ingest() after resetting it (/proc/self/clear_refs 5); figure = peak - "
            "baseline, median of the runs"
        ),
    }


def summary_line(result: dict) -> str:
    """One line for ``make bench``: input size, median (min-max) above each baseline, ratio."""

    def figures(entry: dict) -> str:
        return (
            f"{entry['above_baseline_bytes'] / MIB:.1f} MiB "
            f"({entry['above_baseline_min_bytes'] / MIB:.1f}-"
            f"{entry['above_baseline_max_bytes'] / MIB:.1f}) = {entry['ratio']:.2f}x"
        )

    return (
        f"demo ingest memory (input {result['input_bytes'] / MIB:.1f} MiB): peak above "
        f"imports {figures(result['cold'])}; above a warm-up ingest {figures(result['warm'])}"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.bench_memory RAW [--runs N]``, or ``--probe RAW PROCESSED``."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench_memory")
    parser.add_argument("--probe", action="store_true", help="one measurement, in this process")
    parser.add_argument("raw", help="raw folder (manifest.yml and extracts)")
    parser.add_argument("processed", nargs="?", help="processed folder (--probe only)")
    parser.add_argument("--warm", action="store_true", help="--probe after a warm-up ingest")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.raw, args.processed, args.warm)))
        return 0
    result = force_ingest_memory(args.raw, args.runs)
    print(json.dumps(result, indent=2))
    print(summary_line(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
