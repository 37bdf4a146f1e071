"""``make bench``'s notebook load, every theme notebook's imports at once: what an analyst
waits for when opening a theme notebook. A fresh interpreter imports what the theme notebooks
import and loads the processed tables, against a fresh interpreter that only imports pandas and
reads the same parquet files (the floor); the two alternate, and the ratio is the median of the
pairs' ratios with its min-max.

``python -m tools.bench_notebook_load PROCESSED [--repeats 3]`` prints the result as JSON.
(:mod:`tools.bench_load` measures each notebook on its own.)
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from perfpack.data.paths import NOTEBOOKS_DIR
from tools.bench import import_time_by_package, import_time_cumulative
from tools.bench_commands import BenchError
from tools.bench_commands import environment as _environment
from tools.bench_spread import paired_ratios, spread, spread_text

#: Runs of each side; issue 15 asks for at least 3.
REPEATS = 3

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
    processed_dir: str | os.PathLike, scale: str = "force", repeats: int = REPEATS
) -> dict:
    """Time opening a theme notebook's data: a fresh interpreter imports what the theme
    notebooks import and loads every processed table there is, against a fresh interpreter that
    imports pandas and reads the same parquet files (the floor). Medians of ``repeats``
    alternating runs, and the ratio the median of each run's ratio to the baseline run before
    it, with its min-max; one more run under ``-X importtime`` says which packages dominate.

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
        ``ratio`` (median of the runs' ratios) with ``ratio_min`` / ``ratio_max`` and ``ratios``,
        ``startup_seconds`` (interpreter start and exit), ``import_seconds``,
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
    ratios = paired_ratios([r["seconds"] for r in runs], [b["seconds"] for b in baselines])
    ratio = spread(ratios)
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
        "ratio": ratio["median"],
        "ratios": ratios,
        "ratio_min": ratio["min"],
        "ratio_max": ratio["max"],
        "seconds_min": min(r["seconds"] for r in runs),
        "seconds_max": max(r["seconds"] for r in runs),
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
            "pandas and pd.read_parquet's the same files; medians of alternating runs, ratio "
            "the median (min-max) of each run over the baseline run before it; "
            "dominant_packages (self time by package) and perfpack_import_cumulative from one "
            "more run under -X importtime"
        ),
    }


def summary_rows(entry: dict) -> list[tuple | str]:
    """The notebook-load rows of ``make bench``'s table (``(measure, this run, baseline, ratio,
    target, met)``) and the line saying what the time goes on."""
    top = ", ".join(f"{p['package']} {p['seconds']:.2f}s" for p in entry["dominant_packages"][:4])
    spread_shown = spread_text(entry.get("ratio_min"), entry.get("ratio_max"))
    return [
        (
            f"notebook load ({entry['scale']})",
            f"{entry['seconds']:.2f} s",
            f"{entry['baseline_seconds']:.2f} s pandas{spread_shown}",
            entry["ratio"],
            "<1.0 s",
            entry["seconds"] < 1.0,
        ),
        f"  mostly {entry['dominated_by']}: imports {entry['import_seconds']:.2f} s, "
        f"tables {entry['tables_seconds']:.2f} s, start/exit {entry['startup_seconds']:.2f} s"
        f"; top imports {top}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_notebook_load", description="Measure a theme notebook's load."
    )
    parser.add_argument("processed", help="processed tables folder")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of each side (3)")
    parser.add_argument("--scale", default="force", help="label: force or national")
    args = parser.parse_args(argv)
    result = load_benchmark(args.processed, args.scale, args.repeats)
    print(json.dumps({k: v for k, v in result.items() if k != "stderr"}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
