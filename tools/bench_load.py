"""Notebook load, notebook by notebook: what an analyst waits for when opening a notebook and
running its import cells and reading the processed table it works on (issue 15: under 1.0 s).

Each run is a fresh interpreter (``python -c``) that executes the notebook's own import cells
(every code cell before the ``parameters`` cell, as written) and then reads the notebook's
processed table(s) and the manifest with :func:`perfpack.data.tables.load` /
:func:`~perfpack.data.tables.manifest`. ``wall`` is the whole process, start to exit, timed from
outside; ``imports`` and ``load`` are timed inside it. One more run under ``python -X
importtime`` gives the import self time by top-level package. The run also records which heavy
packages (scipy, statsmodels, matplotlib, seaborn) were imported by the time the tables were
read.

``python -m tools.bench_load [--repeats 7] [--processed data/processed] [--out file.json]``
prints a table of medians with min-max (and writes the JSON when ``--out`` is given).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from perfpack.data.paths import NOTEBOOKS_DIR, PROCESSED_DIR
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
                  "heavy_after_load": [name for name in heavy if name in sys.modules]}))
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


def _probe(source: str, folder: str, names: list[str], flags=()) -> dict:
    command = [sys.executable, *flags, "-c", PROBE, source, folder, *names, ",".join(HEAVY)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"load probe failed: {done.stderr[-2000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": wall, "stderr": done.stderr}


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure(processed: str | Path = PROCESSED_DIR, repeats: int = 7) -> list[dict]:
    """Median, min and max of ``repeats`` fresh-process runs per notebook (runs interleaved
    across notebooks), plus one ``-X importtime`` run each."""
    folder = str(Path(processed).resolve())
    plan = {
        name: (import_cells(NOTEBOOKS_DIR / f"{name}.ipynb"), tables)
        for name, tables in notebook_tables().items()
    }
    runs: dict[str, list[dict]] = {name: [] for name in plan}
    for _ in range(max(1, repeats)):
        for name, (source, tables) in plan.items():
            runs[name].append(_probe(source, folder, tables))
    results = []
    for name, (source, tables) in plan.items():
        traced = _probe(source, folder, tables, flags=("-X", "importtime"))
        done = runs[name]
        results.append(
            {
                "notebook": name,
                "tables": tables,
                "rows": done[0]["rows"],
                "repeats": len(done),
                "wall": _spread([r["wall"] for r in done]),
                "imports": _spread([r["imports"] for r in done]),
                "load": _spread([r["load"] for r in done]),
                "heavy_after_imports": done[0]["heavy_after_imports"],
                "heavy_after_load": done[0]["heavy_after_load"],
                "dominant_packages": import_time_by_package(traced["stderr"], top=8),
            }
        )
    return results


def table(results: list[dict]) -> str:
    def cell(spread):
        return f"{spread['median']:.2f} ({spread['min']:.2f}-{spread['max']:.2f})"

    lines = [
        "| notebook | wall s | imports s | tables s | heavy packages imported | top import self "
        "time |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        top = ", ".join(f"{p['package']} {p['seconds']:.2f}" for p in r["dominant_packages"][:4])
        lines.append(
            f"| {r['notebook']} | {cell(r['wall'])} | {cell(r['imports'])} | {cell(r['load'])} "
            f"| {', '.join(r['heavy_after_load']) or '-'} | {top} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--processed", default=str(PROCESSED_DIR))
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    results = measure(args.processed, args.repeats)
    print(table(results))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
