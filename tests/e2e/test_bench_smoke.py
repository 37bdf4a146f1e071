"""``make bench`` in small: its pure helpers on hand-written inputs, and quick runs of the
command line on a tiny zip made here (no timing asserts)."""

from __future__ import annotations

import json
import zipfile

import pytest
from tools import bench, bench_batch, bench_notebook_load

from perfpack.ingest.police_uk.read import STREET_COLUMNS
from tests.conftest import PROJECT_ROOT

ROW = (
    "{id},{month},{name} Police,{name} Police,-2.0,52.7,On or near Somewhere,E01029368,"
    "Cannock Chase 001A,Burglary,Under investigation,"
)


# --- pure helpers, on hand-written inputs ------------------------------------------------------


def test_naive_commands_are_the_papermill_and_nbconvert_command_lines():
    papermill, nbconvert = bench_batch.naive_commands(
        "deep_dives/x.ipynb",
        "/out/executed/x.ipynb",
        "/out/html",
        {"period": "2019-12", "processed_dir": "/p", "window_months": 12},
        "/venv/bin",
    )
    assert papermill == [
        "/venv/bin/papermill",
        "deep_dives/x.ipynb",
        "/out/executed/x.ipynb",
        "-k",
        "python3",
        "-p",
        "period",
        "2019-12",
        "-p",
        "processed_dir",
        "/p",
        "-p",
        "window_months",
        "12",
    ]
    assert nbconvert == [
        "/venv/bin/jupyter",
        "nbconvert",
        "--to",
        "html",
        "--no-input",
        "/out/executed/x.ipynb",
        "--output-dir",
        "/out/html",
    ]


def _code(source, duration=None, tags=()):
    metadata = {"tags": list(tags)}
    if duration is not None:
        metadata["papermill"] = {"duration": duration}
    return {"cell_type": "code", "source": source, "metadata": metadata, "outputs": []}


@pytest.mark.parametrize(
    "cells, expected",
    [
        ([], []),
        ([{"cell_type": "markdown", "source": "# t", "metadata": {}}], []),
        ([_code("x = 1")], []),  # never executed: no duration
        ([_code("x = 1", 0.5)], [{"cell": 0, "first_line": "x = 1", "seconds": 0.5}]),
        (
            [{"cell_type": "markdown", "source": "", "metadata": {}}, _code(["\n", "  y()\n"], 2)],
            [{"cell": 1, "first_line": "y()", "seconds": 2.0}],
        ),
        ([_code("", 0.1)], [{"cell": 0, "first_line": "", "seconds": 0.1}]),
        ([_code("z" * 100, 1)], [{"cell": 0, "first_line": "z" * 80, "seconds": 1.0}]),
    ],
    ids=["empty", "markdown", "no-duration", "one", "list-source", "blank", "long-line"],
)
def test_cell_seconds(cells, expected):
    assert bench_batch.cell_seconds({"cells": cells}) == expected


@pytest.mark.parametrize(
    "cells, expected",
    [
        ([], ""),
        ([{"cell_type": "markdown", "source": "# t", "metadata": {}}], ""),
        ([_code("import os"), _code("x = 1")], "import os\nx = 1"),
        ([_code(["import os\n", "import json"])], "import os\nimport json"),
        (
            [_code("import os"), {"cell_type": "markdown", "source": "t", "metadata": {}}],
            "import os",
        ),
        (
            [_code("import os"), _code("p = 1", tags=["parameters"]), _code("import scipy")],
            "import os",
        ),
        ([_code("p = 1", tags=["parameters"]), _code("import os")], ""),
    ],
    ids=["none", "markdown", "two", "list-source", "markdown-skipped", "parameters-stop", "first"],
)
def test_import_cells_are_the_code_cells_before_parameters(cells, expected):
    assert bench_notebook_load.import_cells({"cells": cells}) == expected


IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       100 |        100 |   numpy._core
import time:       200 |        300 | numpy
import time:      1000 |       1000 |     scipy.stats._stats_py
import time:       500 |       1500 |   scipy.stats
import time:        50 |       1850 | perfpack.present.charts
import time:        25 |         25 | perfpack
some other line
import time: broken
"""


@pytest.mark.parametrize(
    "text, top, expected",
    [
        ("", 10, []),
        ("import time: self [us] | cumulative | imported package\n", 10, []),
        (
            IMPORTTIME,
            10,
            [
                {"package": "scipy", "seconds": 0.0015, "modules": 2},
                {"package": "numpy", "seconds": 0.0003, "modules": 2},
                {"package": "perfpack", "seconds": 0.000075, "modules": 2},
            ],
        ),
        (IMPORTTIME, 1, [{"package": "scipy", "seconds": 0.0015, "modules": 2}]),
    ],
    ids=["empty", "header-only", "sample", "top-1"],
)
def test_import_time_by_package(text, top, expected):
    assert bench_notebook_load.import_time_by_package(text, top) == expected


def test_import_time_cumulative_keeps_the_package_modules_in_order():
    assert bench_notebook_load.import_time_cumulative(IMPORTTIME) == [
        {"module": "perfpack.present.charts", "seconds": 0.00185},
        {"module": "perfpack", "seconds": 0.000025},
    ]
    assert bench_notebook_load.import_time_cumulative(IMPORTTIME, "scipy") == [
        {"module": "scipy.stats._stats_py", "seconds": 0.001},
        {"module": "scipy.stats", "seconds": 0.0015},
    ]
    assert bench_notebook_load.import_time_cumulative("", "numpy") == []


MACHINE = {"nproc": 2, "memory_total_bytes": 8 * 1024**3, "load_average": [1.5, 1.0, 1.0]}
LOAD = {
    "scale": "force",
    "repeats": 5,
    "target_seconds": 1.0,
    "baseline": {
        "wall": {"median": 1.5, "min": 1.25, "max": 2.0},
        "cpu": {"median": 0.45, "min": 0.4, "max": 0.5},
    },
    "notebooks": [
        {
            "tree": "this",
            "notebook": "deep_dives/missing_repeats",
            "wall": {"median": 2.25, "min": 2.0, "max": 3.5},
            "cpu": {"median": 0.5, "min": 0.48, "max": 0.75},
            "wall_ratio": {"median": 1.5, "min": 1.25, "max": 1.75},
            "cpu_ratio": {"median": 1.125, "min": 1.0, "max": 1.5},
            "heavy_after_imports": [],
            "dominant_packages": [{"package": "pandas", "seconds": 0.25, "modules": 400}],
        }
    ],
}


@pytest.mark.parametrize(
    "results, expected_lines",
    [
        (
            {"machine": MACHINE, "ingest": {"skipped": "no zip"}, "batch": {"skipped": "quick"}},
            ["2 cores, 8.00 GB memory, load average 1.5", "ingest", "no zip", "quick"],
        ),
        (
            {
                "machine": MACHINE,
                "ingest": {
                    "rows": 1000,
                    "canonicalise_seconds": 20.0,
                    "raw_read_seconds": 10.0,
                    "ratio": 2.0,
                    "target_ratio": 2.5,
                    "meets_ratio_target": True,
                    "peak_rss_bytes": 2 * 1024**3,
                    "raw_read_peak_rss_bytes": 1024**3,
                    "meets_memory_target": True,
                },
            },
            [
                "ingest (1,000 rows)",
                "20.0 s",
                "10.0 s pyarrow raw read",
                "2.00x",
                "<=2.5x",
                "yes",
                "2.00 GB",
                "1.00 GB raw read",
            ],
        ),
        (
            {
                "machine": MACHINE,
                "batch": {
                    "notebook_count": 6,
                    "batch_seconds": 60.0,
                    "naive_seconds": 100.0,
                    "ratio": 0.6,
                    "ratio_min": 0.55,
                    "ratio_max": 0.7,
                    "target_ratio": 0.3,
                    "meets_target": False,
                    "includes_pdf": True,
                    "pdf_seconds": 10.0,
                    "pdf_seconds_min": 9.5,
                    "pdf_seconds_max": 12.25,
                    "batch_cpu_seconds": 70.0,
                    "naive_cpu_seconds": 87.5,
                    "cpu_ratio": 0.8,
                    "cpu_ratio_min": 0.78,
                    "cpu_ratio_max": 0.81,
                },
                "load": [LOAD],
            },
            [
                "batch (6 notebooks)",
                "60.0 s",
                "100.0 s naive (0.55-0.70x)",
                "0.60x",
                "<=0.3x",
                "NO",
                "of which report.pdf",
                "10.0 s",
                "printed again (9.5-12.2 s)",
                "notebook load (force): 1 notebooks, each a fresh process, median (min-max) of 5",
                "  missing_repeats wall",
                "2.25 s",
                "1.50 s pandas (1.25-1.75x)",
                "1.50x",
                "1.50x  <1.0 s  NO",
                "  missing_repeats CPU",
                "0.50 s",
                "0.45 s pandas (1.00-1.50x)",
                "1.12x",
                "1.12x  <1.0 s  yes",
                "wall 2.00-3.50 s, CPU 0.48-0.75 s; heavy after imports: none",
                "pandas 0.25s",
                "batch CPU time",
                "70.0 s",
                "87.5 s naive CPU (0.78-0.81x)",
                "0.80x",
            ],
        ),
    ],
    ids=["skipped", "ingest", "batch-and-load"],
)
def test_summary_table(results, expected_lines):
    table = bench.summary_table(results)
    for text in expected_lines:
        assert text in table


# --- the command line, tiny ------------------------------------------------------------------


def _tiny_zip(tmp_path):
    archive_path = tmp_path / "tiny.zip"
    with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for month in ("2019-01", "2019-02"):
            for force, name in (("alpha", "Alpha"), ("beta", "Beta")):
                rows = [",".join(STREET_COLUMNS)]
                rows += [ROW.format(id=f"{force}{i}", month=month, name=name) for i in range(3)]
                archive.writestr(f"{month}/{month}-{force}-street.csv", "\n".join(rows) + "\n")
    return archive_path


def test_quick_command_line_writes_bench_json(tmp_path, capsys):
    out = tmp_path / "bench"
    argv = ["--quick", "--repeats", "2", "--zip", str(_tiny_zip(tmp_path)), "--out", str(out)]
    assert bench.main(argv) == 0
    results = json.loads((out / "bench.json").read_text())
    assert results["quick"] is True
    assert results["machine"]["nproc"] >= 1 and results["machine"]["memory_total_bytes"] > 0
    assert results["ingest"]["rows"] == 12 and results["ingest"]["files"] == 4
    assert "one_force" not in results["ingest"]  # staffordshire is not in the tiny zip
    assert results["batch"] == {"skipped": "--quick without --only"}
    force, national = results["load"]
    assert (force["scale"], national["scale"]) == ("force", "national")
    # each notebook whose tables are there: the demo force has all, the national table crimes
    assert [n["notebook"] for n in force["notebooks"]] == [
        "01_crime_theme",
        "04_stop_search",
        "05_missing_persons",
        "deep_dives/missing_repeats",
    ]
    assert [n["notebook"] for n in national["notebooks"]] == ["01_crime_theme"]
    assert national["notebooks"][0]["rows"] == 12 and national["baseline"]["rows"] == 12
    assert force["baseline"]["tables"] == ["crimes", "stop_searches", "missing_episodes"]
    for entry in (force, national):
        assert entry["repeats"] == 2  # --repeats 2: two rounds
        for measured in [entry["baseline"], *entry["notebooks"]]:
            for key in ("wall", "cpu", "imports", "load"):
                times = measured[key]
                assert len(times["runs"]) == 2
                assert times["min"] <= times["median"] <= times["max"]
                assert 0 <= times["min"] <= times["median"] <= times["max"]
        for notebook in entry["notebooks"]:
            assert notebook["tree"] == "this" and notebook["rows"] > 0
            assert notebook["perfpack_file"].startswith(str(PROJECT_ROOT / "lib"))
            for key in ("wall_ratio", "cpu_ratio"):
                ratio = notebook[key]
                assert 0 < ratio["min"] <= ratio["median"] <= ratio["max"]
            # issue 15: opening a notebook loads no statistics or plotting library
            assert notebook["heavy_after_imports"] == []
            assert notebook["dominant_packages"]
            assert notebook["wall"]["median"] > notebook["imports"]["median"]
    assert results["demo_ingest"]["parquet_bytes"] > 0
    printed = capsys.readouterr().out
    assert "notebook load (national)" in printed and "bench.json" in printed


@pytest.mark.slow
def test_quick_batch_on_one_notebook(tmp_path):
    out = tmp_path / "bench"
    argv = ["--quick", "--skip", "ingest", "--skip", "load", "--only", "missing_repeats"]
    assert bench.main([*argv, "--out", str(out)]) == 0
    batch = json.loads((out / "bench.json").read_text())["batch"]
    # --quick: one naive run between two batch runs, no report.pdf
    assert batch["notebook_count"] == 1 and len(batch["batch_runs_seconds"]) == 2
    assert len(batch["naive_runs_seconds"]) == len(batch["ratios"]) == 1
    assert not batch["includes_pdf"] and batch["pdf_seconds"] is None
    (notebook,) = batch["notebooks"]
    assert notebook["slug"] == "missing_repeats"
    assert notebook["notebook"] == "deep_dives/missing_repeats.ipynb"
    assert notebook["papermill_seconds"] > notebook["cells_seconds"] > 0
    assert notebook["slowest_cells"] and notebook["batch_seconds"] > 0
    assert batch["ratio"] > 0
    assert batch["batch_peak_tree_bytes"] > 0 and batch["naive_peak_tree_bytes"] > 0
    assert batch["batch_cpu_seconds"] > 0 and batch["naive_cpu_seconds"] > 0


@pytest.mark.slow
def test_national_benchmark_smoke(tmp_path):
    """The national pack against one force built alone, on a tiny two-force zip (no timing
    asserts): both builds run, and the one-by-one time is estimated from the sample."""
    from tools import bench_national

    archive_path = tmp_path / "tiny.zip"
    with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for month in ("2018-11", "2018-12", "2019-01", "2019-02"):
            for force, name in (("alpha", "Alpha"), ("beta", "Beta")):
                rows = [",".join(STREET_COLUMNS)]
                rows += [
                    ROW.format(id=f"{force}{i}", month=month, name=name).replace(
                        "Burglary", "Robbery"
                    )
                    for i in range(3)
                ]
                archive.writestr(f"{month}/{month}-{force}-street.csv", "\n".join(rows) + "\n")
    result = bench_national.national_benchmark(archive_path, tmp_path / "work", sample=1)
    assert result["forces"] == 2 and result["estimated"]
    assert result["one_by_one"]["forces_built"] == 1
    assert result["one_by_one"]["estimated_seconds"] == 2 * result["one_by_one"]["seconds"]
    assert result["national"]["seconds"] > 0 and result["ratio"] > 0
    assert (tmp_path / "work" / "national" / "reports" / "national" / "2019-02").is_dir()
    lines = bench_national.summary_lines(result)
    assert lines[0].startswith("national pack (2 forces") and "estimated from 1 forces" in lines[1]
