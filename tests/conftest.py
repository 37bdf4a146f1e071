"""Shared fixtures. Expected values in tests come from the published report, hand-worked tables
or the real files in ../shared/data, never from running the code under test."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"
SHARED_DATA = SHARED_DIR / "data"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data beside the project (``../shared/data``)."""
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is not beside the project")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory) -> Path:
    """The embedded demo force's raw extracts, written once per test session."""
    from perfpack.ingest.demo import synthetic as demo

    raw = tmp_path_factory.mktemp("demo") / "raw"
    demo.write_demo(raw)
    return raw


@pytest.fixture(scope="session")
def demo_processed(demo_raw, tmp_path_factory) -> Path:
    """The demo extracts ingested into canonical parquet tables (once per session)."""
    from perfpack.ingest import extracts as ingest

    processed = tmp_path_factory.mktemp("demo") / "processed"
    ingest.ingest(demo_raw, processed)
    return processed


@pytest.fixture(scope="session")
def demo_report(demo_processed, tmp_path_factory) -> Path:
    """The whole batch run once on the demo force for 2019-12: ``<tmp>/reports/2019-12``.

    End-to-end tests read this one run rather than executing notebooks again."""
    from perfpack.report import runner

    reports = tmp_path_factory.mktemp("demo") / "reports"
    result = runner.run_batch(
        "2019-12", processed_dir=demo_processed, reports_dir=reports, progress=False
    )
    failures = [f"{r.slug}: cell {r.cell}: {r.exception}" for r in result.failures]
    assert not failures, f"demo batch failed: {failures}"
    return result.report_dir


@pytest.fixture(scope="session")
def demo_runs(demo_report) -> dict:
    """slug -> (executed notebook, its figures) from the one demo batch run."""
    import nbformat

    from perfpack.core.figures import read_figures

    executed = demo_report.parent / "executed" / demo_report.name
    runs = {}
    for path in sorted(executed.glob("*.ipynb")):
        figures = demo_report / "figures" / f"{path.stem}.csv"
        runs[path.stem] = (
            nbformat.read(str(path), as_version=4),
            read_figures(figures) if figures.exists() else None,
        )
    return runs


def executed_text(notebook) -> str:
    """Everything an executed notebook shows (HTML, markdown, plain text and streams), with
    embedded images' base64 text dropped so checks read only words and tables."""
    import re

    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for key in ("text/html", "text/markdown", "text/plain"):
                texts.append("".join(output.get("data", {}).get(key, "")))
            texts.append("".join(output.get("text", "")))
    return re.sub(r'src="data:image/png;base64,[^"]*"', 'src=""', "\n".join(texts))


def code_notebook(cells, parameters: str | None = None, markdown: str | None = None):
    """A notebook for the ``python3`` kernel, as papermill runs one: an optional markdown cell,
    an optional cell tagged ``parameters``, then ``cells`` as code cells."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if markdown is not None:
        nb.cells.append(nbformat.v4.new_markdown_cell(markdown))
    if parameters is not None:
        params = nbformat.v4.new_code_cell(parameters)
        params.metadata["tags"] = ["parameters"]
        nb.cells.append(params)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)
    return nb


def one_figure(
    figures, measure: str, window: str | None = None, group: str = "", theme: str | None = None
) -> float:
    """The value of exactly one row of a figures table (``window`` None: any window)."""
    rows = figures[(figures["measure"] == measure) & (figures["group"] == group)]
    if window is not None:
        rows = rows[rows["window"] == window]
    if theme is not None:
        rows = rows[rows["theme"] == theme]
    assert len(rows) == 1, f"{theme or ''} {measure} {window} {group!r}: {len(rows)} rows"
    return float(rows["value"].iloc[0])


def pytest_sessionfinish(session, exitstatus):
    """In CI (``CI=true``) a skipped test is a failure: a test that could not run for lack of
    something `make test` should have set up (Chromium, ../shared/data) proves nothing."""
    import os

    if os.environ.get("CI", "").lower() not in ("1", "true", "yes") or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reasons = sorted({str(report.longrepr[-1]) for report in skipped if report.longrepr})
        reporter.write_line(
            f"CI: {len(skipped)} test(s) skipped, which counts as a failure: " + "; ".join(reasons),
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
