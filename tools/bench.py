"""Benchmarks, each figure a ratio against a baseline measured in the same run (``make bench``,
``python -m tools.bench [--quick] [--out reports/bench]``), written to ``bench.json``.

Ingest: canonicalising a data.police.uk download against pyarrow's raw read of it
(:mod:`tools.bench_ingest`).

Batch: ``perfpack run`` on the demo force, report.pdf included, against the naive way, each
notebook in turn with the ``papermill`` and ``jupyter nbconvert`` command lines
(:mod:`tools.bench_batch`).

Notebook load: each notebook's own import cells and its processed tables in a fresh
interpreter, wall and CPU time, against one that only imports pandas and reads the same parquet
files (:mod:`tools.bench_notebook_load`; median of 5 rounds).

Every ratio is the median of at least 3 runs (one in a quick run), shown with its min-max
(:mod:`tools.bench_spread`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from perfpack.data.paths import PROJECT_ROOT, REPORTS_DIR
from tools import bench_ingest
from tools.bench_commands import BenchError

#: The all-forces data.police.uk download beside the project (1.77 million street records).
DEFAULT_ZIP = (
    PROJECT_ROOT.parent
    / "shared"
    / "data"
    / "police-uk"
    / "street-all-available-forces-2018-10_2019-02.zip"
)
DEFAULT_OUT = REPORTS_DIR / "bench"


# --- the machine and measured commands ---------------------------------------------------------


def machine_info() -> dict:
    """What the numbers were measured on: cores this process may use, memory, CPU model, Python,
    and the load average (the machine may be shared, so the load is part of every result)."""
    info = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_count": os.cpu_count(),
        "cpu_model": None,
        "memory_total_bytes": None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            info["cpu_model"] = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                None,
            )
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    info["memory_total_bytes"] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return info


def _load_average() -> list[float] | None:
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


# --- the whole benchmark -------------------------------------------------------------------------


def run_all(
    out: str | os.PathLike = DEFAULT_OUT,
    zip_path: str | os.PathLike | None = DEFAULT_ZIP,
    period: str = "2019-12",
    quick: bool = False,
    skip: tuple[str, ...] = (),
    only: list[str] | None = None,
    repeats: int | None = None,
    workers: int | None = None,
    force: str | None = "staffordshire",
    national_sample: int | None = None,
) -> dict:
    """Run the benchmarks and write ``<out>/bench.json``; return what was written.

    ``quick`` (the smoke test): one repeat, one naive and two batch runs, no report.pdf, and the
    batch only when ``only`` names the appendices to run. ``skip`` leaves out ``ingest``,
    ``batch``, ``load`` or ``national`` (the national pack against the forces one by one,
    :func:`tools.bench_national.national_benchmark`; never in a quick run;
    ``national_sample`` forces stand in for the one-by-one builds).
    """
    from tools import bench_batch, bench_notebook_load

    started = time.perf_counter()
    repeats = repeats or (1 if quick else bench_notebook_load.REPEATS)
    results: dict = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": machine_info(),
        "targets": {
            "ingest_ratio": bench_ingest.TARGET_RATIO,
            "ingest_peak_bytes": bench_ingest.TARGET_PEAK_BYTES,
            "batch_ratio": bench_batch.TARGET_RATIO,
        },
    }
    with tempfile.TemporaryDirectory(prefix="perfpack-bench-") as scratch:
        national = None
        if "ingest" in skip:
            results["ingest"] = {"skipped": "--skip ingest"}
        elif not zip_path or not Path(zip_path).exists():
            results["ingest"] = {"skipped": f"no data.police.uk zip at {zip_path}"}
        else:
            national = Path(scratch) / "national"
            results["ingest"] = bench_ingest.run(zip_path, national, force, quick)
        if "national" in skip or quick or national is None:
            results["national"] = {"skipped": "--skip national, --quick or no zip"}
        else:
            from tools import bench_national

            results["national"] = bench_national.national_benchmark(
                zip_path, Path(scratch) / "national-pack", sample=national_sample, workers=workers
            )
        demo = bench_batch.prepare_demo(str(Path(scratch) / "demo"))
        results["demo_ingest"] = demo
        from tools import bench_memory

        results["demo_ingest_memory"] = bench_memory.force_ingest_memory(
            Path(demo["processed_dir"]).parent / "raw", runs=1 if quick else 3
        )
        if "batch" in skip or (quick and not only):
            results["batch"] = {"skipped": "--quick without --only" if quick else "--skip batch"}
        else:
            results["batch"] = bench_batch.batch_benchmark(
                period,
                demo["processed_dir"],
                Path(scratch) / "batch",
                workers=workers,
                only=only,
                runs=1 if quick else bench_batch.RUNS,
                with_pdf=not quick,
            )
        results["load"] = []
        if "load" not in skip:
            processed = demo["processed_dir"]
            results["load"].append(bench_notebook_load.load_benchmark(processed, "force", repeats))
            if national is not None:
                results["load"].append(
                    bench_notebook_load.load_benchmark(national, "national", repeats)
                )
    results["machine"]["load_average_end"] = _load_average()
    results["seconds"] = time.perf_counter() - started
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(
        json.dumps(results, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )
    return results


def _gb(value) -> str:
    return "-" if value is None else f"{value / 1024**3:.2f} GB"


def summary_table(results: dict) -> str:
    """The short table ``make bench`` prints: each measure, its baseline, the ratio and target.

    Parameters
    ----------
    results : dict
        What :func:`run_all` returned (or ``bench.json`` read back).

    Returns
    -------
    str
    """
    from tools import bench_batch, bench_memory, bench_national, bench_notebook_load

    machine = results.get("machine", {})
    load = machine.get("load_average") or [float("nan")]
    memory = machine.get("memory_total_bytes")
    lines = [
        f"perfpack bench {results.get('date', '')}: {machine.get('nproc')} cores, "
        f"{_gb(memory)} memory, load average {load[0]:.1f} at start"
        + (" (quick)" if results.get("quick") else ""),
        f"{'measure':<26}{'this run':>11}  {'baseline':<28}{'ratio':>7}  {'target':<8}met",
    ]

    def row(measure, value, baseline, ratio, target, met):
        ratio_text = "-" if ratio is None else f"{ratio:.2f}x"
        met_text = "-" if met is None else ("yes" if met else "NO")
        lines.append(
            f"{measure:<26}{value:>11}  {baseline:<28}{ratio_text:>7}  {target:<8}{met_text}"
        )

    for entry in bench_ingest.summary_rows(results.get("ingest")):
        row(*entry)
    for entry in bench_batch.summary_rows(results.get("batch")):
        row(*entry)
    for load_entry in results.get("load", []):
        for entry in bench_notebook_load.summary_rows(load_entry):
            if isinstance(entry, tuple):
                row(*entry)
            else:
                lines.append(entry)
    if results.get("demo_ingest_memory"):
        lines.append(bench_memory.summary_line(results["demo_ingest_memory"]))
    lines.extend(bench_national.summary_lines(results.get("national")))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description="Measure ingest, batch and notebook load."
    )
    parser.add_argument("--quick", action="store_true", help="tiny run (the smoke test)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="folder for bench.json")
    parser.add_argument("--zip", default=str(DEFAULT_ZIP), help="data.police.uk zip to ingest")
    parser.add_argument("--period", default="2019-12", help="reporting period (YYYY-MM)")
    parser.add_argument(
        "--skip", action="append", default=[], choices=("ingest", "batch", "load", "national")
    )
    parser.add_argument(
        "--national-sample", type=int, help="forces built one by one for the national pack (all)"
    )
    parser.add_argument("--only", help="comma-separated appendices for the batch")
    parser.add_argument("--repeats", type=int, help="notebook-load rounds (5; quick 1)")
    parser.add_argument("--workers", type=int, help="the batch's workers (default: cores)")
    parser.add_argument("--force", default="staffordshire", help="one-force ingest slug")
    args = parser.parse_args(argv)
    only = [s for s in (args.only or "").split(",") if s] or None
    try:
        results = run_all(
            args.out,
            args.zip,
            args.period,
            args.quick,
            tuple(args.skip),
            only,
            args.repeats,
            args.workers,
            args.force,
            args.national_sample,
        )
    except BenchError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(summary_table(results))
    print(f"written to {Path(args.out) / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
