"""A second run rebuilds only what changed (issue 15): stand-in notebooks that log each run, in
a throwaway project (PERFPACK_ROOT); each kind of input is changed in turn and the appendices
that ran again are read from the log the notebooks wrote, not from the runner's own account."""

import os
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from tests.conftest import PROJECT_ROOT, code_notebook

pytestmark = pytest.mark.slow

CRIME = ["personal_robbery", "theft_from_vehicle", "theft_of_vehicle"]
ALL = [*CRIME, "stop_search", "missing_persons", "missing_repeats"]

CELLS = [
    "import os, pathlib\nfrom perfpack.core.figures import FigureBook\n"
    "from perfpack.present import html as present",
    # which appendix ran: its figures file is named after it
    "with open(os.environ['STANDIN_RUNS'], 'a') as log:\n"
    "    log.write(pathlib.Path(figures_path).stem + '\\n')",
    "book = FigureBook(theme)\nbook.add('count_current', 42, window='2019-01/2019-12')",
    "present.show_markdown('**Stand-in appendix** for ' + theme)",
    "if figures_path:\n    book.save(figures_path)",
]


def _notebook(extra=None, broken=False):
    cells = list(CELLS) + ([extra] if extra else [])
    if broken:
        cells.append("raise ValueError('deliberately broken for the test')")
    parameters = (
        'period = "2019-12"\ntheme = "personal_robbery"\nprocessed_dir = ""\n'
        'annotations_dir = ""\nfigures_path = ""\nwindow_months = 12'
    )
    return code_notebook(cells, parameters)


@pytest.fixture()
def project(tmp_path, demo_processed):
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data" / "reference", root / "data" / "reference")
    (root / "notebooks" / "deep_dives").mkdir(parents=True)
    for name in ["01_crime_theme", "04_stop_search", "05_missing_persons"]:
        nbformat.write(_notebook(), str(root / "notebooks" / f"{name}.ipynb"))
    nbformat.write(_notebook(), str(root / "notebooks" / "deep_dives" / "missing_repeats.ipynb"))
    shutil.copytree(demo_processed, root / "data" / "processed")
    (root / "annotations" / "2019-12").mkdir(parents=True)
    (root / "annotations" / "2019-12" / "stop_search.md").write_text("First words.\n")
    return root


def _run(root, *args):
    """Run the batch; returns (exit status, the appendices whose notebooks ran, stdout)."""
    log = root / "runs.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PERFPACK_ROOT": str(root), "STANDIN_RUNS": str(log)}
    done = subprocess.run(
        [sys.executable, "-m", "perfpack.cli", "run", "2019-12", "--quiet", "--no-pdf", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    ran = sorted(log.read_text().split()) if log.exists() else []
    return done.returncode, ran, done.stdout + done.stderr


def test_each_kind_of_input_reruns_only_what_it_feeds(project):
    status, ran, out = _run(project)
    assert status == 0, out
    assert ran == sorted(ALL)
    report = project / "reports" / "2019-12"
    index = (report / "index.html").read_bytes()

    status, ran, out = _run(project)  # nothing changed: nothing runs, nothing is rewritten
    assert (status, ran) == (0, []), out
    assert (report / "index.html").read_bytes() == index

    (project / "annotations" / "2019-12" / "stop_search.md").write_text("Second thoughts.\n")
    assert _run(project)[1] == ["stop_search"]

    nbformat.write(
        _notebook("x = 1"), str(project / "notebooks" / "01_crime_theme.ipynb")
    )  # a notebook: the three appendices it builds
    assert _run(project)[1] == sorted(CRIME)

    missing = project / "data" / "processed" / "missing_episodes.parquet"
    pd.read_parquet(missing).iloc[:-1].to_parquet(missing)  # the table two appendices read
    assert _run(project)[1] == ["missing_persons", "missing_repeats"]

    spc = project / "data" / "reference" / "spc_settings.csv"
    spc.write_text(spc.read_text() + "\n")  # reference data: every appendix may read it
    assert _run(project)[1] == sorted(ALL)

    assert _run(project, "--window-months", "6")[1] == sorted(ALL)  # a parameter
    assert _run(project, "--window-months", "6")[1] == []
    # the reused appendices' figures are still in figures.csv (the deep dive's stand-in
    # saves under the default theme)
    assert set(pd.read_csv(report / "figures.csv")["theme"]) == {*CRIME, *ALL[3:5]}


def test_a_failed_or_edited_appendix_is_never_reused(project):
    nbformat.write(_notebook(broken=True), str(project / "notebooks" / "04_stop_search.ipynb"))
    status, ran, _ = _run(project)
    assert status == 1 and ran == sorted(ALL)
    status, ran, out = _run(project)  # nothing changed, but the failure is run again
    assert status == 1 and ran == ["stop_search"], out
    assert (
        "could not be produced"
        in (project / "reports" / "2019-12" / "appendices" / "stop_search.html").read_text()
    )
    nbformat.write(_notebook(), str(project / "notebooks" / "04_stop_search.ipynb"))
    status, ran, out = _run(project)
    assert status == 0 and ran == ["stop_search"], out
    index = (project / "reports" / "2019-12" / "index.html").read_text()
    assert "not produced" not in index
    assert _run(project)[1] == []

    # a page deleted or edited by hand since it was published is built again
    pages = project / "reports" / "2019-12" / "appendices"
    (pages / "theft_of_vehicle.html").unlink()
    edited = pages / "stop_search.html"
    edited.write_text(edited.read_text().replace("</main>", "<p>edited by hand</p></main>"))
    status, ran, _ = _run(project)
    assert status == 0 and ran == ["stop_search", "theft_of_vehicle"]
    assert (pages / "theft_of_vehicle.html").exists()
    assert "edited by hand" not in edited.read_text()
