"""The batch runner's mechanics on stand-in notebooks in a throwaway project (PERFPACK_ROOT):
parallel runs, a deliberately broken notebook, partial re-runs, refusals that change nothing."""

import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import PROJECT_ROOT, code_notebook

pytestmark = pytest.mark.slow

STANDIN_CELLS = [
    "from perfpack.core.figures import FigureBook\nfrom perfpack.present import html as present",
    "book = FigureBook(theme)\nbook.add('count_current', 42, window='2019-01/2019-12')",
    "present.show_markdown('**Stand-in appendix** for ' + theme)",
    "if figures_path:\n    book.save(figures_path)",
]


def _notebook(cells, broken=False):
    body = list(cells)
    if broken:
        body.insert(2, "raise ValueError('deliberately broken for the test')")
    parameters = (
        'period = "2019-12"\ntheme = "personal_robbery"\nprocessed_dir = ""\n'
        'annotations_dir = ""\nfigures_path = ""'
    )
    return code_notebook(body, parameters, markdown="# Stand-in")


@pytest.fixture()
def standin_project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data" / "reference", root / "data" / "reference")
    (root / "notebooks" / "deep_dives").mkdir(parents=True)
    for name in ["01_crime_theme", "05_missing_persons", "deep_dives/missing_repeats"]:
        nbformat.write(_notebook(STANDIN_CELLS), str(root / "notebooks" / f"{name}.ipynb"))
    nbformat.write(
        _notebook(STANDIN_CELLS, broken=True), str(root / "notebooks" / "04_stop_search.ipynb")
    )
    processed = root / "data" / "processed"
    processed.mkdir(parents=True)
    (processed / "manifest.json").write_text(
        json.dumps(
            {
                "schema_version": 2,
                "force": "Test force",
                "synthetic": True,
                "inputs": [{"file": "x.csv", "sha256": "ab"}],
            }
        )
    )
    return root


def _run(root, *args):
    env = {**os.environ, "PERFPACK_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "perfpack.cli", "run", *args, "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_a_broken_notebook_fails_alone(standin_project):
    done = _run(standin_project, "2019-12")
    assert done.returncode == 1, done.stderr
    assert "stop_search (cell 4)" in done.stderr  # index in the committed notebook
    report = standin_project / "reports" / "2019-12"
    error_page = (report / "appendices" / "stop_search.html").read_text()
    assert "could not be produced" in error_page
    assert "04_stop_search.ipynb" in error_page and "cell 4" in error_page
    assert "ValueError: deliberately broken for the test" in error_page
    for slug in ["personal_robbery", "theft_from_vehicle", "theft_of_vehicle", "missing_persons"]:
        page = (report / "appendices" / f"{slug}.html").read_text()
        assert "Stand-in appendix" in page
        assert "FigureBook" not in page, "appendices are code-free"
        assert 'src="http' not in page, "nothing is loaded from the internet"
        assert "SYNTHETIC DEMONSTRATION DATA" in page
    assert (report / "deep_dives" / "missing_repeats.html").exists()
    figures = (report / "figures.csv").read_text().splitlines()
    assert figures[0] == "theme,measure,window,group,value"
    themes = {line.split(",")[0] for line in figures[1:]}
    assert {
        "personal_robbery",
        "theft_from_vehicle",
        "theft_of_vehicle",
        "missing_persons",
    } <= themes
    assert "stop_search" not in themes, "a failed notebook publishes no figures"
    index = (report / "index.html").read_text()
    assert 'href="appendices/stop_search.html"' in index and "not produced" in index
    assert not list((standin_project / "reports").glob(".staging-*")), "no staging left behind"
    # no commentary in the throwaway project: the batch warns (and does not fail) for each theme
    assert "warning: no commentary for personal_robbery in 2019-12" in done.stdout
    assert "No commentary yet for this period" in index


def test_refusals_change_nothing(standin_project):
    reports = standin_project / "reports"
    reports.mkdir()
    (reports / "keep.txt").write_text("untouched")
    bad_period = _run(standin_project, "2019-13")
    assert bad_period.returncode == 2 and "YYYY-MM" in bad_period.stderr
    os.remove(standin_project / "data" / "processed" / "manifest.json")
    no_data = _run(standin_project, "2019-12")
    assert no_data.returncode == 2 and "perfpack ingest" in no_data.stderr
    assert sorted(p.name for p in reports.iterdir()) == ["keep.txt"]


def test_only_reruns_some_and_keeps_the_rest(standin_project):
    first = _run(standin_project, "2019-12")
    assert first.returncode == 1
    nbformat.write(
        _notebook(STANDIN_CELLS), str(standin_project / "notebooks" / "04_stop_search.ipynb")
    )
    again = _run(standin_project, "2019-12", "--only", "stop_search")
    assert again.returncode == 0, again.stderr
    report = standin_project / "reports" / "2019-12"
    assert "Stand-in appendix" in (report / "appendices" / "stop_search.html").read_text()
    assert (report / "appendices" / "personal_robbery.html").exists()
    themes = {line.split(",")[0] for line in (report / "figures.csv").read_text().splitlines()[1:]}
    assert {"stop_search", "personal_robbery", "missing_persons"} <= themes
    assert "not produced" not in (report / "index.html").read_text()


def test_pdf_and_browser_check(standin_project):
    from tools import browser_check

    from perfpack.report import pdf

    if pdf.find_chromium() is None:
        pytest.skip("no Chromium (make test installs Debian's chromium)")
    _run(standin_project, "2019-12")
    report = standin_project / "reports" / "2019-12"
    from pypdf import PdfReader

    reader = PdfReader(str(report / "report.pdf"))
    assert len(reader.pages) >= 7  # overview, five appendices (one an error page), deep dive
    box = reader.pages[0].mediabox
    assert (
        round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297
    )
    checks = browser_check.check_report(report)
    assert [c.page for c in checks][0] == "index.html" and len(checks) == 7
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert (report / "overview.png").stat().st_size > 10_000


def test_reused_kernels_run_the_notebooks_and_define_nothing(standin_project):
    """One worker runs the six notebooks one after another in one kernel, restored between
    them: they run as before, and a notebook that uses a name it never imported (one the
    notebooks before it imported) still fails at that cell."""
    nbformat.write(
        _notebook(STANDIN_CELLS), str(standin_project / "notebooks" / "04_stop_search.ipynb")
    )
    forgetful = _notebook(["book = FigureBook(theme)"])
    nbformat.write(forgetful, str(standin_project / "notebooks" / "05_missing_persons.ipynb"))
    done = _run(standin_project, "2019-12", "--workers", "1")
    assert done.returncode == 1, done.stderr
    report = standin_project / "reports" / "2019-12"
    page = (report / "appendices" / "missing_persons.html").read_text()
    assert "NameError" in page and "FigureBook" in page
    for slug in ["personal_robbery", "theft_from_vehicle", "theft_of_vehicle", "stop_search"]:
        assert "Stand-in appendix" in (report / "appendices" / f"{slug}.html").read_text()
    assert "missing_persons (cell 2)" in done.stderr  # the committed notebook's index


def _published(page) -> str:
    """A page without what differs from run to run: the footer's time of the run and the id
    papermill gives the cell it injects."""
    text = re.sub(r" on \d{4}-\d\d-\d\dT\S+ for the period ", "", page.read_text(encoding="utf-8"))
    return re.sub(r'id="cell-id=[0-9a-f]+"', "", text)


def test_reused_kernels_publish_what_fresh_kernels_publish(demo_report, demo_processed, tmp_path):
    """The demo pack built with a kernel for every notebook is the pack the default batch
    (each worker's notebooks in one kernel, restored between them) built: the same appendix
    pages, chart for chart, and the same figures."""
    from perfpack.report import runner

    fresh = runner.run_batch(
        "2019-12",
        processed_dir=demo_processed,
        reports_dir=tmp_path / "reports",
        progress=False,
        pdf=False,
        fresh_kernels=True,
    )
    assert fresh.ok, [(r.slug, r.exception) for r in fresh.failures]
    pages = sorted(p.relative_to(demo_report) for p in demo_report.glob("*/*.html"))
    assert len(pages) == 6
    for page in pages:
        assert _published(fresh.report_dir / page) == _published(demo_report / page), page
    assert (fresh.report_dir / "figures.csv").read_bytes() == (
        demo_report / "figures.csv"
    ).read_bytes()
