"""Benchmarks, each figure a ratio against a baseline measured in the same run (``make bench``,
``python -m tools.bench [--quick] [--out reports/bench]``), written to ``bench.json``.

Ingest: canonicalising a data.police.uk download against pyarrow's raw read of it
(:mod:`tools.bench_ingest`).

Batch: ``perfpack run`` on the demo force (every theme notebook and the deep dive executed and
exported, plus the overview, figures.csv and report.pdf) against the naive way: each notebook
in turn with the ``papermill`` command line, then ``jupyter nbconvert --to html --no-input``.

Notebook load: a fresh interpreter that imports what the theme notebooks import and loads the
processed tables, against a fresh interpreter that only imports pandas and reads the same
parquet files.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

from perfpack.data.paths import ANNOTATIONS_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR
from tools import bench_ingest
from tools.bench_commands import BenchError
from tools.bench_commands import checked as _checked
from tools.bench_commands import environment as _environment
from tools.bench_commands import timed_command as _timed_command

#: Targets from issue 7.
BATCH_TARGET_RATIO = 0.5

#: The all-forces data.police.uk download beside the project (1.77 million street records).
DEFAULT_ZIP = (
    PROJECT_ROOT.parent
    / "shared"
    / "data"
    / "police-uk"
    / "street-all-available-forces-2018-10_2019-02.zip"
)
DEFAULT_OUT = REPORTS_DIR / "bench"
KERNEL_NAME = "python3"


def _peak_rss_bytes() -> int:
    import resource

    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if os.uname().sysname == "Darwin" else peak * 1024)


def _run(function, *args, isolate: bool = True) -> dict:
    if not isolate:
        return function(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


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


# --- batch: perfpack run against papermill + nbconvert one by one --------------------------------


def naive_commands(
    notebook: str, executed: str, html_dir: str, parameters: dict, bin_dir: str
) -> list[list[str]]:
    """The naive way to run one notebook: the ``papermill`` command line with the batch's
    parameters and kernel, then ``jupyter nbconvert --to html --no-input`` on its output.

    Parameters
    ----------
    notebook : str
        Notebook path as given to papermill (relative to the notebooks folder, the commands'
        working folder, like the batch's ``cwd``).
    executed : str
        Where papermill writes the executed notebook.
    html_dir : str
        Where nbconvert writes the HTML.
    parameters : dict
        Notebook parameters, passed as ``-p name value`` in order.
    bin_dir : str
        Folder holding the ``papermill`` and ``jupyter`` executables (the virtualenv's bin).

    Returns
    -------
    list of list of str
        ``[papermill command, nbconvert command]``.
    """
    papermill = [str(Path(bin_dir) / "papermill"), notebook, executed, "-k", KERNEL_NAME]
    for name, value in parameters.items():
        papermill += ["-p", name, str(value)]
    nbconvert = [
        str(Path(bin_dir) / "jupyter"),
        "nbconvert",
        "--to",
        "html",
        "--no-input",
        executed,
        "--output-dir",
        html_dir,
    ]
    return [papermill, nbconvert]


def cell_seconds(notebook) -> list[dict]:
    """Per code cell of a papermill-executed notebook: its index, first source line and
    ``metadata.papermill.duration`` (seconds; cells without one are left out).

    Parameters
    ----------
    notebook : dict or nbformat.NotebookNode
        The executed notebook (JSON as read).

    Returns
    -------
    list of dict
        ``{"cell": index among all cells, "first_line": str, "seconds": float}``.
    """
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        duration = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
        if duration is None:
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        first = next((line.strip() for line in source.splitlines() if line.strip()), "")
        cells.append({"cell": index, "first_line": first[:80], "seconds": float(duration)})
    return cells


def _prepare_demo(folder: str) -> dict:
    """The demo force written and ingested (force scale), timed."""
    from perfpack.ingest import extracts as ingest
    from perfpack.ingest.demo import synthetic as demo

    raw, processed = Path(folder) / "raw", Path(folder) / "processed"
    started = time.perf_counter()
    demo.write_demo(raw)
    written = time.perf_counter()
    ingest.ingest(raw, processed)
    done = time.perf_counter()
    return {
        "processed_dir": str(processed),
        "write_demo_seconds": written - started,
        "ingest_seconds": done - written,
        "peak_rss_bytes": _peak_rss_bytes(),
        "parquet_bytes": sum(p.stat().st_size for p in processed.glob("*.parquet")),
    }


def _batch_command(period, processed, reports, annotations, workers, only) -> list[str]:
    command = [sys.executable, "-m", "perfpack.cli", "run", period, "--processed", processed]
    # --no-pdf: the naive route executes and exports, nothing more; report.pdf (which it never
    # makes) is timed on its own and reported beside the like-for-like ratio
    command += ["--reports", reports, "--annotations", annotations, "--quiet", "--no-pdf"]
    if workers:
        command += ["--workers", str(workers)]
    if only:
        command += ["--only", ",".join(only)]
    return command


def _run_naive(jobs, work: Path, bin_dir: str, env: dict) -> list[dict]:
    import nbformat

    runs = []
    for job in jobs:
        executed = work / "executed" / f"{job.slug}.ipynb"
        html_dir = work / "html"
        executed.parent.mkdir(parents=True, exist_ok=True)
        parameters = {**job.parameters, "figures_path": str(work / "figures" / f"{job.slug}.csv")}
        papermill, nbconvert = naive_commands(
            job.notebook, str(executed), str(html_dir), parameters, bin_dir
        )
        executing = _checked(
            _run(_timed_command, papermill, str(NOTEBOOKS_DIR), env), f"papermill {job.notebook}"
        )
        exporting = _checked(_run(_timed_command, nbconvert, None, env), f"nbconvert {job.slug}")
        cells = cell_seconds(nbformat.read(str(executed), as_version=4))
        cells_total = sum(c["seconds"] for c in cells)
        runs.append(
            {
                "slug": job.slug,
                "notebook": job.notebook,
                "papermill_seconds": executing["seconds"],
                "nbconvert_seconds": exporting["seconds"],
                "seconds": executing["seconds"] + exporting["seconds"],
                "cpu_seconds": executing["cpu_seconds"] + exporting["cpu_seconds"],
                "cells_seconds": cells_total,
                "papermill_outside_cells_seconds": executing["seconds"] - cells_total,
                "slowest_cells": sorted(cells, key=lambda c: -c["seconds"])[:3],
                "peak_tree_bytes": max(executing["peak_tree_bytes"], exporting["peak_tree_bytes"]),
            }
        )
    return runs


def batch_benchmark(
    period: str = "2019-12",
    processed_dir: str | os.PathLike | None = None,
    workdir: str | os.PathLike | None = None,
    workers: int | None = None,
    only: list[str] | None = None,
    batch_runs: int = 2,
    time_pdf: bool = True,
) -> dict:
    """Time the notebook batch (``perfpack run``) against the naive command-line way.

    The batch runs ``batch_runs`` times: with 2, once before and once after the naive run, and
    the mean is compared with it, so drifting load on a shared machine affects both sides alike.
    The batch does more than the naive way (overview, figures.csv, provenance and, when
    Chromium is installed, report.pdf); the PDF step is timed on its own afterwards (printing
    the batch's pages again) so the like-for-like ratio can be given as well.

    Parameters
    ----------
    period : str
        Reporting period, ``YYYY-MM``.
    processed_dir : path, optional
        Processed tables (default: the demo force, written and ingested here, timed).
    workdir : path, optional
        Where the outputs go (default: a temporary folder, removed after).
    workers : int, optional
        The batch's ``--workers`` (default: its own, the number of cores).
    only : list of str, optional
        Only these appendices (slugs), on both sides (a quick run).
    batch_runs : int
        How many times the batch runs (1 or 2).
    time_pdf : bool
        Time printing report.pdf on its own (needs Chromium).

    Returns
    -------
    dict
        ``batch_seconds`` (mean of ``batch_runs_seconds``), ``naive_seconds``, ``ratio``,
        ``target_ratio`` (0.5), ``meets_target``, ``pdf_seconds`` (None without Chromium),
        ``ratio_with_pdf``, ``batch_cpu_seconds`` / ``naive_cpu_seconds`` / ``cpu_ratio``
        (CPU time of all their processes: the work done, whatever the load), ``notebooks``
        (per notebook: naive papermill / nbconvert seconds, seconds inside cells, slowest
        cells, and ``batch_seconds`` from the batch's status.json), peak memory of each side
        (``*_peak_tree_bytes``: all processes together; ``batch_largest_process_bytes``),
        ``prepare`` (demo write and ingest), ``method``.
    """
    from perfpack.data import tables
    from perfpack.report import runner

    env = _environment()
    bin_dir = str(Path(sys.executable).parent)
    with tempfile.TemporaryDirectory(prefix="perfpack-bench-batch-") as scratch:
        work = Path(workdir) if workdir else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        prepare = None
        if processed_dir is None:
            prepare = _run(_prepare_demo, str(work / "demo"))
            processed_dir = prepare["processed_dir"]
        processed = Path(processed_dir).resolve()
        data_source = tables.manifest(processed).get("data_source", "force")
        jobs = runner.plan(period, processed, ANNOTATIONS_DIR, data_source, only=only)

        def batch(run: int) -> dict:
            reports = work / f"batch-{run}"
            command = _batch_command(
                period, str(processed), str(reports), str(ANNOTATIONS_DIR), workers, only
            )
            result = _checked(_run(_timed_command, command, None, env), "perfpack run")
            status = json.loads((reports / period / "status.json").read_text(encoding="utf-8"))
            return {**result, "reports": reports / period, "status": status}

        load_before = _load_average()
        batches = [batch(1)] if batch_runs > 1 else []
        naive = _run_naive(jobs, work / "naive", bin_dir, env)
        batches.append(batch(len(batches) + 1))
        load_after = _load_average()
        pdf_seconds = _time_pdf(batches[-1]["reports"], batches[-1]["status"]) if time_pdf else None

    naive_seconds = sum(n["seconds"] for n in naive)
    naive_cpu = sum(n["cpu_seconds"] for n in naive)
    batch_seconds = statistics.fmean(b["seconds"] for b in batches)
    per_batch = {}
    for b in batches:
        for entry in b["status"]:
            per_batch.setdefault(entry["slug"], []).append(entry["seconds"])
    for n in naive:
        n["batch_seconds"] = statistics.fmean(per_batch.get(n["slug"], [float("nan")]))
    ratio = batch_seconds / naive_seconds if naive_seconds > 0 else float("nan")
    with_pdf = None if pdf_seconds is None else batch_seconds + pdf_seconds
    return {
        "name": "batch",
        "period": period,
        "notebook_count": len(jobs),
        "workers": workers or os.cpu_count(),
        "batch_seconds": batch_seconds,
        "batch_runs_seconds": [b["seconds"] for b in batches],
        "naive_seconds": naive_seconds,
        "ratio": ratio,
        "target_ratio": BATCH_TARGET_RATIO,
        "meets_target": bool(ratio <= BATCH_TARGET_RATIO),
        "pdf_seconds": pdf_seconds,
        "batch_with_pdf_seconds": with_pdf,
        "ratio_with_pdf": None if with_pdf is None else with_pdf / naive_seconds,
        "batch_cpu_seconds": statistics.fmean(b["cpu_seconds"] for b in batches),
        "naive_cpu_seconds": naive_cpu,
        "cpu_ratio": statistics.fmean(b["cpu_seconds"] for b in batches) / naive_cpu
        if naive_cpu > 0
        else float("nan"),
        "naive_papermill_seconds": sum(n["papermill_seconds"] for n in naive),
        "naive_nbconvert_seconds": sum(n["nbconvert_seconds"] for n in naive),
        "naive_cells_seconds": sum(n["cells_seconds"] for n in naive),
        "notebooks": naive,
        "batch_peak_tree_bytes": max(b["peak_tree_bytes"] for b in batches),
        "batch_largest_process_bytes": max(b["largest_process_bytes"] for b in batches),
        "naive_peak_tree_bytes": max(n["peak_tree_bytes"] for n in naive),
        "prepare": prepare,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "method": (
            "batch: `python -m perfpack.cli run PERIOD --quiet --no-pdf` (papermill in a process "
            "pool, nbconvert in the workers, overview, figures.csv, provenance), mean of runs "
            "before and after the naive run; naive: for "
            "each notebook the batch plans, `papermill NB OUT -k python3 -p ...` (the batch's "
            "parameters, run from notebooks/) then `jupyter nbconvert --to html --no-input OUT`"
            ", one after another; pdf_seconds: report.pdf printed from the batch's pages, "
            "reported beside the ratio (the naive route makes no PDF); "
            "memory: sampled sum of Pss over each command's process tree; cpu: user + system "
            "time of every process each command started (RUSAGE_CHILDREN)"
        ),
    }


def _time_pdf(report_dir: Path, status: list[dict]) -> float | None:
    """Seconds to print the batch's pages to a PDF again, as the batch does (None without
    Chromium)."""
    from perfpack.report import pdf

    chromium = pdf.find_chromium()
    if chromium is None:
        return None
    pages = (
        ["index.html"]
        + [s["html"] for s in status if s["kind"] == "theme"]
        + [s["html"] for s in status if s["kind"] != "theme"]
    )
    started = time.perf_counter()
    pdf.build_pdf(report_dir, pages, output="bench-timing.pdf", chromium=chromium)
    return time.perf_counter() - started


# --- notebook load: what an analyst waits for when opening a theme notebook ----------------------

#: Runs in a fresh interpreter: times each import and each table load, prints JSON.
LOAD_PROBE = r"""
import importlib, json, os, resource, sys, time
started = time.perf_counter()
mode, modules, folder, names = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4:]
imports = []
for name in modules:
    t = time.perf_counter()
    importlib.import_module(name)
    imports.append([name, time.perf_counter() - t])
loads = []
for name in names:
    t = time.perf_counter()
    if mode == "perfpack":
        frame = sys.modules["perfpack.data.tables"].load(name, folder)
    else:
        frame = sys.modules["pandas"].read_parquet(os.path.join(folder, name + ".parquet"))
    loads.append([name, time.perf_counter() - t, len(frame), len(frame.columns)])
manifest = None
if mode == "perfpack":
    t = time.perf_counter()
    sys.modules["perfpack.data.tables"].manifest(folder)
    manifest = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"imports": imports, "loads": loads, "manifest": manifest,
                  "inside": time.perf_counter() - started,
                  "peak_rss_bytes": peak * (1 if sys.platform == "darwin" else 1024)}))
"""


def notebook_imports(notebooks) -> list[str]:
    """The modules the notebooks import, in first-seen order, without repeats.

    ``from perfpack.core import a, b`` gives ``perfpack.core.a``, ``perfpack.core.b`` (the
    notebooks import modules this way from the package and its layers); ``from x.y import z`` gives
    ``x.y``; ``import x.y`` gives ``x.y``. Cells
    that are not Python (magics) are skipped.

    Parameters
    ----------
    notebooks : iterable of path or dict
        Notebook files (``.ipynb``) or notebooks already read as JSON.

    Returns
    -------
    list of str
    """
    found: list[str] = []
    for notebook in notebooks:
        if not isinstance(notebook, dict):
            notebook = json.loads(Path(notebook).read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = (
                        [f"{node.module}.{alias.name}" for alias in node.names]
                        if node.module.split(".")[0] == "perfpack" and node.module.count(".") < 2
                        else [node.module]
                    )
                else:
                    continue
                found += [name for name in names if name not in found]
    return found


def import_time_by_package(stderr: str, top: int = 10) -> list[dict]:
    """Sum ``python -X importtime`` self times by top-level package, largest first.

    Parameters
    ----------
    stderr : str
        What ``-X importtime`` wrote (lines ``import time: self [us] | cumulative | name``;
        the header line and any other lines are ignored).
    top : int
        How many packages to return.

    Returns
    -------
    list of dict
        ``{"package": str, "seconds": float, "modules": int}``.
    """
    totals: dict[str, list[int]] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3:
            continue
        try:
            self_us = int(parts[0])
        except ValueError:
            continue
        package = parts[2].strip().split(".")[0]
        entry = totals.setdefault(package, [0, 0])
        entry[0] += self_us
        entry[1] += 1
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))[:top]
    return [{"package": p, "seconds": us / 1e6, "modules": n} for p, (us, n) in ranked]


def import_time_cumulative(stderr: str, prefix: str = "perfpack") -> list[dict]:
    """The cumulative ``-X importtime`` of each module named ``prefix`` or ``prefix.*``, in
    import order: how long importing it took, with everything it imported first (so a module
    that pulls in a heavy library carries that library's time).

    Parameters
    ----------
    stderr : str
        What ``-X importtime`` wrote.
    prefix : str
        Package whose modules to report.

    Returns
    -------
    list of dict
        ``{"module": str, "seconds": float}``.
    """
    found = []
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3:
            continue
        name = parts[2].strip()
        if name != prefix and not name.startswith(prefix + "."):
            continue
        try:
            found.append({"module": name, "seconds": int(parts[1]) / 1e6})
        except ValueError:
            continue
    return found


def _theme_notebooks() -> list[Path]:
    from perfpack.data import reference

    themes = reference.themes().sort_values("report_order")
    names = list(dict.fromkeys(themes["notebook"]))
    return [NOTEBOOKS_DIR / f"{name}.ipynb" for name in names]


def _probe(mode: str, modules: list[str], folder: str, names: list[str], env, flags=()) -> dict:
    command = [sys.executable, *flags, "-c", LOAD_PROBE, mode, json.dumps(modules), folder]
    started = time.perf_counter()
    done = subprocess.run(command + names, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"notebook-load probe failed: {done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "seconds": seconds, "stderr": done.stderr}


def load_benchmark(
    processed_dir: str | os.PathLike, scale: str = "force", repeats: int = 3
) -> dict:
    """Time opening a theme notebook's data: a fresh interpreter imports what the theme
    notebooks import and loads every processed table there is, against a fresh interpreter that
    imports pandas and reads the same parquet files (the floor). Medians of ``repeats``
    alternating runs; one more run under ``-X importtime`` says which packages dominate.

    Parameters
    ----------
    processed_dir : path
        Processed tables (e.g. the demo force's, or the national table from the ingest).
    scale : str
        A label for the result (``force`` or ``national``).
    repeats : int
        Runs of each side.

    Returns
    -------
    dict
        ``seconds`` (median wall time of the fresh process, start to exit), ``baseline_seconds``,
        ``ratio``, ``startup_seconds`` (interpreter start and exit), ``import_seconds``,
        ``tables_seconds``, ``imports`` and ``tables`` (median seconds each, rows),
        ``dominant_packages`` (``-X importtime`` self time by package), ``dominated_by``,
        ``peak_rss_bytes``, ``modules``, ``method``.
    """
    from perfpack.data.tables import TABLE_NAMES

    folder = str(Path(processed_dir).resolve())
    names = [n for n in TABLE_NAMES if (Path(folder) / f"{n}.parquet").exists()]
    modules = ["perfpack", *notebook_imports(_theme_notebooks())]
    modules += [] if "perfpack.data.tables" in modules else ["perfpack.data.tables"]
    env = _environment()
    runs, baselines = [], []
    for _ in range(max(1, repeats)):
        baselines.append(_probe("baseline", ["pandas"], folder, names, env))
        runs.append(_probe("perfpack", modules, folder, names, env))
    traced = _probe("perfpack", modules, folder, names, env, flags=("-X", "importtime"))

    def median(values):
        return statistics.median(values)

    seconds = median([r["seconds"] for r in runs])
    baseline = median([b["seconds"] for b in baselines])
    imports = [
        {"module": name, "seconds": median([r["imports"][i][1] for r in runs])}
        for i, name in enumerate(modules)
    ]
    loaded = [
        {
            "table": name,
            "seconds": median([r["loads"][i][1] for r in runs]),
            "rows": runs[0]["loads"][i][2],
            "columns": runs[0]["loads"][i][3],
        }
        for i, name in enumerate(names)
    ]
    import_seconds = sum(i["seconds"] for i in imports)
    tables_seconds = sum(t["seconds"] for t in loaded) + median([r["manifest"] for r in runs])
    startup = seconds - median([r["inside"] for r in runs])
    parts = {"imports": import_seconds, "table loads": tables_seconds, "startup": startup}
    return {
        "name": "load",
        "scale": scale,
        "processed_dir": folder,
        "seconds": seconds,
        "runs_seconds": [r["seconds"] for r in runs],
        "baseline_seconds": baseline,
        "baseline_runs_seconds": [b["seconds"] for b in baselines],
        "ratio": seconds / baseline if baseline > 0 else float("nan"),
        "startup_seconds": startup,
        "import_seconds": import_seconds,
        "tables_seconds": tables_seconds,
        "dominated_by": max(parts, key=parts.get),
        "imports": imports,
        "tables": loaded,
        "dominant_packages": import_time_by_package(traced["stderr"]),
        "perfpack_import_cumulative": import_time_cumulative(traced["stderr"]),
        "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
        "baseline_peak_rss_bytes": max(b["peak_rss_bytes"] for b in baselines),
        "modules": modules,
        "repeats": max(1, repeats),
        "method": (
            "fresh `python -c` processes, wall time from start to exit; perfpack side imports "
            "perfpack and every module the theme notebooks import (in their order), then "
            "perfpack.data.tables.load for each processed table and the manifest; baseline imports "
            "pandas and pd.read_parquet's the same files; medians of alternating runs; "
            "dominant_packages (self time by package) and perfpack_import_cumulative from one "
            "more run under -X importtime"
        ),
    }


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

    ``quick`` (the smoke test): one repeat, one batch run, and the batch only when ``only``
    names the appendices to run. ``skip`` leaves out ``ingest``, ``batch``, ``load`` or
    ``national`` (the national pack against the forces one by one,
    :func:`tools.bench_national.national_benchmark`; never in a quick run;
    ``national_sample`` forces stand in for the one-by-one builds).
    """
    started = time.perf_counter()
    repeats = repeats or (1 if quick else 3)
    results: dict = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": machine_info(),
        "targets": {
            "ingest_ratio": bench_ingest.TARGET_RATIO,
            "ingest_peak_bytes": bench_ingest.TARGET_PEAK_BYTES,
            "batch_ratio": BATCH_TARGET_RATIO,
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
        demo = _run(_prepare_demo, str(Path(scratch) / "demo"))
        results["demo_ingest"] = demo
        from tools import bench_memory

        results["demo_ingest_memory"] = bench_memory.force_ingest_memory(
            Path(demo["processed_dir"]).parent / "raw", runs=1 if quick else 3
        )
        if "batch" in skip or (quick and not only):
            results["batch"] = {"skipped": "--quick without --only" if quick else "--skip batch"}
        else:
            results["batch"] = batch_benchmark(
                period,
                demo["processed_dir"],
                Path(scratch) / "batch",
                workers=workers,
                only=only,
                batch_runs=1 if quick else 2,
                time_pdf=not quick,
            )
        results["load"] = []
        if "load" not in skip:
            results["load"].append(load_benchmark(demo["processed_dir"], "force", repeats))
            if national is not None:
                results["load"].append(load_benchmark(national, "national", repeats))
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
    batch = results.get("batch", {})
    if "skipped" in batch:
        row("batch", "skipped", batch["skipped"][:28], None, "", None)
    elif batch:
        row(
            f"batch ({batch['notebook_count']} notebooks)",
            f"{batch['batch_seconds']:.1f} s",
            f"{batch['naive_seconds']:.1f} s papermill+nbconvert",
            batch["ratio"],
            f"<={batch['target_ratio']}x",
            batch["meets_target"],
        )
        if batch.get("cpu_ratio") is not None:
            row(
                "  batch CPU time",
                f"{batch['batch_cpu_seconds']:.1f} s",
                f"{batch['naive_cpu_seconds']:.1f} s naive CPU time",
                batch["cpu_ratio"],
                "",
                None,
            )
        if batch.get("pdf_seconds") is not None:
            row(
                "  batch plus report.pdf",
                f"{batch['batch_with_pdf_seconds']:.1f} s",
                f"(report.pdf {batch['pdf_seconds']:.1f} s more)",
                batch["ratio_with_pdf"],
                "",
                None,
            )
    for entry in results.get("load", []):
        row(
            f"notebook load ({entry['scale']})",
            f"{entry['seconds']:.2f} s",
            f"{entry['baseline_seconds']:.2f} s pandas+read_parquet",
            entry["ratio"],
            "",
            None,
        )
        top = ", ".join(
            f"{p['package']} {p['seconds']:.2f}s" for p in entry["dominant_packages"][:4]
        )
        lines.append(
            f"  mostly {entry['dominated_by']}: imports {entry['import_seconds']:.2f} s, "
            f"tables {entry['tables_seconds']:.2f} s, start/exit {entry['startup_seconds']:.2f} s"
            f"; top imports {top}"
        )
    from tools import bench_memory, bench_national

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
    parser.add_argument("--repeats", type=int, help="notebook-load repeats (3; quick 1)")
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
