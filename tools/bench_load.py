"""Notebook load, notebook by notebook: what an analyst waits for when opening a notebook and
running its import cells and reading the processed table it works on (issue 15: under 1.0 s).

Each run is a fresh interpreter (``python -c``) that executes the notebook's own import cells
(every code cell before the ``parameters`` cell, as written) and then reads the notebook's
processed table(s) and the manifest with :func:`perfpack.data.tables.load` /
:func:`~perfpack.data.tables.manifest`. ``wall`` is the whole process, start to exit, timed from
outside, and ``cpu`` its user + system CPU time (steadier than wall time on a busy machine);
``imports`` and ``load`` are timed inside it. One more run under ``python -X importtime`` gives
the import self time by top-level package. Each run records which heavy packages (scipy,
statsmodels, matplotlib, seaborn, ...) were imported by the time the tables were read.

Bytecode: ``make`` (and so ``make lab``, the analyst's JupyterLab) exports
``PYTHONDONTWRITEBYTECODE=1``, so perfpack's own modules are compiled from source at every
import; ``--bytecode cached`` measures with a warm bytecode cache instead (in a temporary
``PYTHONPYCACHEPREFIX``, leaving the source tree clean). The default follows the environment.

``--before DIR`` also measures another checkout of the project (its ``lib`` and ``notebooks``,
e.g. ``git worktree`` or ``git archive`` of an earlier commit), runs interleaved with this one's
so both see the same machine load.

``python -m tools.bench_load [--repeats 7] [--processed data/processed] [--before DIR]
[--bytecode cached] [--out file.json]`` prints a table of medians with min-max.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from perfpack.data.paths import PROCESSED_DIR, PROJECT_ROOT
from tools.bench import import_time_by_package

HEAVY = ("scipy", "statsmodels", "matplotlib", "seaborn", "pyarrow", "IPython")
#: Notebooks that are not a theme's (themes.csv) and the tables they read.
OTHER_NOTEBOOKS = {"deep_dives/missing_repeats": ["missing_episodes"]}

#: Runs in a fresh interpreter: the import cells, then the table loads; prints JSON.
PROBE = r"""
import json, sys, time
started = time.perf_counter()
source, folder, names, heavy = sys.argv[1], sys.argv[2], sys.argv[3:-1], sys.argv[-1].split(",")
exec(compile(source, "<import cells>", "exec"), {})
imported = time.perf_counter()
after_imports = [name for name in heavy if name in sys.modules]
from perfpack.data import tables
rows = 0
for name in names:
    rows += len(tables.load(name, folder))
tables.manifest(folder)
loaded = time.perf_counter()
print(json.dumps({"imports": imported - started, "load": loaded - imported, "rows": rows,
                  "heavy_after_imports": after_imports,
                  "heavy_after_load": [name for name in heavy if name in sys.modules],
                  "perfpack_file": sys.modules["perfpack"].__file__}))
"""


def import_cells(notebook: Path) -> str:
    """The source of the notebook's code cells before its ``parameters`` cell."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            break
        if cell["cell_type"] == "code":
            source = cell["source"]
            found.append("".join(source) if isinstance(source, list) else source)
    return "\n".join(found)


def notebook_tables() -> dict[str, list[str]]:
    """Each notebook (path under notebooks/, no suffix) and the processed tables it reads."""
    from perfpack.data import reference

    themes = reference.themes().sort_values("report_order")
    found: dict[str, list[str]] = {}
    for row in themes.itertuples():
        tables = found.setdefault(row.notebook, [])
        if row.table not in tables:
            tables.append(row.table)
    return {**found, **OTHER_NOTEBOOKS}


def _environment(root: Path, bytecode: str, cache: str) -> dict:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")  # as `make` sets it
    env["PYTHONPATH"] = str(root / "lib")  # this checkout's perfpack, before the installed one
    if bytecode == "cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    elif bytecode == "off":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _probe(source: str, folder: str, names: list[str], env: dict, flags=()) -> dict:
    command = [sys.executable, *flags, "-c", PROBE, source, folder, *names, ",".join(HEAVY)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"load probe failed: {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "wall": wall, "cpu": cpu, "stderr": done.stderr}


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure(
    processed: str | Path = PROCESSED_DIR,
    repeats: int = 7,
    trees: dict[str, Path] | None = None,
    bytecode: str = "environment",
) -> list[dict]:
    """Median, min and max of ``repeats`` fresh-process runs per notebook and checkout (runs
    interleaved across notebooks and checkouts), plus one ``-X importtime`` run each.

    Parameters
    ----------
    processed : path
        The processed tables to read.
    repeats : int
        Runs of each notebook in each checkout (at least 5 for a median worth quoting).
    trees : dict of label to path, optional
        Checkouts of the project to measure (default: this one, labelled ``"this"``).
    bytecode : {"environment", "off", "cached"}
        Whether perfpack's modules are compiled at each import (see the module docstring).

    Returns
    -------
    list of dict
        One per notebook and checkout: ``tree``, ``notebook``, ``tables``, ``rows``, ``wall``,
        ``cpu``, ``imports``, ``load`` (each ``{"median", "min", "max"}`` seconds),
        ``heavy_after_imports``, ``heavy_after_load``, ``dominant_packages``.
    """
    folder = str(Path(processed).resolve())
    trees = {"this": PROJECT_ROOT} if trees is None else trees
    tables = notebook_tables()
    with tempfile.TemporaryDirectory(prefix="perfpack-pycache-") as cache:
        plan = {}
        for label, root in trees.items():
            env = _environment(Path(root), bytecode, os.path.join(cache, label))
            for name, names in tables.items():
                notebook = Path(root) / "notebooks" / f"{name}.ipynb"
                plan[(label, name)] = (import_cells(notebook), names, env)
        if bytecode == "cached":  # warm the cache once
            for source, names, env in plan.values():
                _probe(source, folder, names, env)
        runs: dict[tuple, list[dict]] = {key: [] for key in plan}
        for _ in range(max(1, repeats)):
            for key, (source, names, env) in plan.items():
                runs[key].append(_probe(source, folder, names, env))
        results = []
        for (label, name), (source, names, env) in plan.items():
            traced = _probe(source, folder, names, env, flags=("-X", "importtime"))
            done = runs[(label, name)]
            results.append(
                {
                    "tree": label,
                    "root": str(trees[label]),
                    "perfpack_file": done[0]["perfpack_file"],
                    "bytecode": bytecode,
                    "notebook": name,
                    "tables": names,
                    "rows": done[0]["rows"],
                    "repeats": len(done),
                    "wall": _spread([r["wall"] for r in done]),
                    "cpu": _spread([r["cpu"] for r in done]),
                    "imports": _spread([r["imports"] for r in done]),
                    "load": _spread([r["load"] for r in done]),
                    "heavy_after_imports": done[0]["heavy_after_imports"],
                    "heavy_after_load": done[0]["heavy_after_load"],
                    "dominant_packages": import_time_by_package(traced["stderr"], top=8),
                }
            )
    return results


def table(results: list[dict]) -> str:
    """The results as a markdown table: median (min-max) seconds."""

    def cell(spread):
        return f"{spread['median']:.2f} ({spread['min']:.2f}-{spread['max']:.2f})"

    lines = [
        "| checkout | notebook | wall s | cpu s | imports s | tables s | heavy packages "
        "imported | top import self time s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        top = ", ".join(f"{p['package']} {p['seconds']:.2f}" for p in r["dominant_packages"][:4])
        lines.append(
            f"| {r['tree']} | {r['notebook']} | {cell(r['wall'])} | {cell(r['cpu'])} "
            f"| {cell(r['imports'])} | {cell(r['load'])} "
            f"| {', '.join(r['heavy_after_load']) or '-'} | {top} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--processed", default=str(PROCESSED_DIR))
    parser.add_argument("--before", default="", help="another checkout to measure alongside")
    parser.add_argument(
        "--bytecode", choices=("environment", "off", "cached"), default="environment"
    )
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    trees = {"this": PROJECT_ROOT}
    if args.before:
        trees = {"before": Path(args.before).resolve(), **trees}
    results = measure(args.processed, args.repeats, trees, args.bytecode)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(table(results))
    print(f"\nload average at the end: {load}; bytecode: {args.bytecode}")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
