"""Safe to publish, end to end: markup injected at every entry point (the force lead's
commentary, the raw manifest's force name, a data.police.uk force name, area names built from
LSOA names) never runs in a built page and still reads as text; every page carries the CSP; a
failed report.pdf leaves no old one behind and fails the run with status 1; provenance holds no
absolute path; every published file is world-readable.

Inputs are small hand-made files (or the demo force with one field changed); expectations are
the attack strings themselves, read back from the pages with an HTML parser independent of the
code under test (BeautifulSoup)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from perfpack import cli
from perfpack.data import contracts
from perfpack.ingest import extracts as ingest
from perfpack.ingest.police_uk.ingest import ingest_police_uk
from perfpack.ingest.police_uk.read import STREET_COLUMNS
from perfpack.present import markup
from perfpack.report import execute, leak_check, pdf, plan, publish, runner
from tests.conftest import PROJECT_ROOT, code_notebook
from tests.unit.test_markup import ATTACKS

#: One name carrying the classic attacks; quotes break out of attributes if not escaped.
EVIL = "Evil \"Police' <script>alert(1)</script><img src=x onerror=alert(1)><iframe src=x>"
LINKS = "[click](javascript:alert(1)) [data](data:text/html,x)"


def _pages(report: Path) -> list[Path]:
    return [
        report / "index.html",
        *sorted((report / "appendices").glob("*.html")),
        *sorted((report / "deep_dives").glob("*.html")),
    ]


def assert_page_is_inert(path: Path) -> BeautifulSoup:
    """Nothing in the page can run: no script/frame/object/embed/form/base element, no event
    handler, no javascript:/vbscript:/data: URL except an image's embedded PNG; and the CSP
    meta tag forbids scripts."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    bad = soup.find_all(["script", "iframe", "frame", "object", "embed", "form", "base"])
    assert not bad, f"{path.name}: {bad[:3]}"
    for tag in soup.find_all(True):
        handlers = [a for a in tag.attrs if a.lower().startswith("on")]
        assert not handlers, f"{path.name}: <{tag.name} {handlers}>"
        for name in ("href", "xlink:href", "src", "action", "formaction", "srcdoc"):
            url = "".join(str(tag.get(name, "")).split()).lower()
            if tag.name == "img" and name == "src" and url.startswith("data:image/png;base64,"):
                continue
            assert not url.startswith(("javascript:", "vbscript:", "data:")), (path.name, tag)
            assert name != "srcdoc" or not url, (path.name, tag)
    metas = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert len(metas) == 1, f"{path.name}: {len(metas)} CSP meta tags"
    policy = dict(d.strip().split(" ", 1) for d in metas[0]["content"].split(";"))
    assert policy["script-src"] == "'none'" and policy["default-src"] == "'none'", path.name
    assert metas[0].find_parent("head") is not None, f"{path.name}: CSP outside <head>"
    return soup


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def assert_published_modes(report: Path) -> None:
    for path in [report, *report.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        wanted = 0o755 if path.is_dir() else 0o644
        assert mode == wanted, f"{path.relative_to(report)}: {oct(mode)}"


def assert_no_absolute_paths(report: Path, processed: Path) -> None:
    record = json.loads((report / "provenance.json").read_text(encoding="utf-8"))

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            assert not Path(value).is_absolute() and not value.startswith("~"), value

    walk(record)
    roots = {str(PROJECT_ROOT), str(Path.home()), str(processed), str(report)}
    for path in report.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".csv"}:
            text = path.read_text(encoding="utf-8")
            for root in roots:
                assert root + "/" not in text and f'"{root}"' not in text, (path.name, root)
    assert leak_check.scan(report, processed) == []


# --------------------------------------------------------------------------------------------
# a force's records extract: the raw manifest's force name and the commentary


@pytest.mark.slow
def test_markup_from_a_force_extract_and_its_commentary(demo_raw, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    manifest = yaml.safe_load((raw / "manifest.yml").read_text(encoding="utf-8"))
    manifest["force"] = f"{EVIL} {LINKS}"
    (raw / "manifest.yml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    processed = tmp_path / "processed"
    ingest.ingest(raw, processed)
    notes = tmp_path / "annotations" / "2019-12"
    notes.mkdir(parents=True)
    commentary = "## Response\n\n*Kept* [guide](https://www.gov.uk/x)\n\n" + "\n\n".join(ATTACKS)
    (notes / "personal_robbery.md").write_text(commentary, encoding="utf-8")
    result = runner.run_batch(
        "2019-12",
        processed_dir=processed,
        reports_dir=tmp_path / "reports",
        annotations_dir=tmp_path / "annotations",
        only=["personal_robbery"],
        progress=False,
        pdf=False,
    )
    assert not result.failures, [(r.slug, r.exception) for r in result.failures]
    report = result.report_dir
    for page in _pages(report):
        assert_page_is_inert(page)
    robbery = _text(assert_page_is_inert(report / "appendices" / "personal_robbery.html"))
    # the force's name in the appendix's sentences, as text (bracketed parts are dropped from
    # force names, so "alert(1)" reads "alert")
    assert "Evil \"Police' <script>alert </script><img src=x onerror=alert >" in robbery
    # the commentary: markdown kept, markup shown as text, no link that runs
    for attack in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src"]:
        assert attack in robbery, attack
    soup = BeautifulSoup(
        (report / "appendices" / "personal_robbery.html").read_text(), "html.parser"
    )
    assert soup.find("a", href="https://www.gov.uk/x") is not None
    overview = _text(assert_page_is_inert(report / "index.html"))
    assert f"{EVIL} {LINKS}" in overview
    assert_no_absolute_paths(report, processed)
    assert_published_modes(report)


# --------------------------------------------------------------------------------------------
# a data.police.uk download: the force name ("Reported by") and LSOA names


EVIL_AREA = "Evil<img src=x onerror=alert(1)>[y](javascript:alert(1))"


def _write_download(folder: Path) -> None:
    """Four months of robberies for one force: a real local authority and one whose LSOA name
    carries markup (its robberies rise, so the appendix names it in a sentence)."""
    counts = {
        "2018-11": (6, 1),
        "2018-12": (5, 1),
        "2019-01": (6, 4),
        "2019-02": (5, 5),
    }
    for month, (cannock, evil) in counts.items():
        (folder / month).mkdir(parents=True)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(STREET_COLUMNS)
        rows = [("Cannock Chase 001A", -2.0, 52.7)] * cannock + [(f"{EVIL_AREA} 001A", -2.1, 52.8)]
        rows += [(f"{EVIL_AREA} 001A", -2.1, 52.8)] * (evil - 1)
        for name, lon, lat in rows:
            writer.writerow(
                ["", month, EVIL, EVIL, lon, lat, f"On or near {EVIL}", "E0", name, "Robbery",
                 "Under investigation", ""]
            )  # fmt: skip
        (folder / month / f"{month}-testforce-street.csv").write_text(buffer.getvalue())


@pytest.mark.slow
def test_markup_from_public_force_and_area_names(tmp_path):
    download = tmp_path / "download"
    _write_download(download)
    processed = tmp_path / "processed"
    ingest_police_uk(download, "testforce", processed)
    result = runner.run_batch(
        "2019-02",
        processed_dir=processed,
        reports_dir=tmp_path / "reports",
        annotations_dir=tmp_path / "annotations",
        only=["robbery_all"],
        window_months=2,
        progress=False,
        pdf=False,
    )
    assert not result.failures, [(r.slug, r.exception) for r in result.failures]
    report = result.report_dir
    for page in _pages(report):
        assert_page_is_inert(page)
    page = report / "appendices" / "robbery_all.html"
    text = _text(assert_page_is_inert(page))
    assert "Evil \"Police' <script>alert </script>" in text  # the force, in sentences
    assert f"It rose in {EVIL_AREA} (+" in text  # the area, in a sentence, as itself
    assert f"{EVIL_AREA}</td>" not in page.read_text()  # and escaped in tables
    assert EVIL in _text(assert_page_is_inert(report / "index.html"))
    assert_no_absolute_paths(report, processed)
    assert_published_modes(report)


# --------------------------------------------------------------------------------------------
# report.pdf never stale; exit status 1 when it cannot be printed; modes whatever the umask

STANDIN = [
    "from perfpack.core.figures import FigureBook\nfrom perfpack.present import html as present",
    "book = FigureBook(theme)\nbook.add('count_current', 42, window='2019-01/2019-12')",
    "present.show_markdown('**Stand-in appendix** <script>alert(1)</script>')",
    "from IPython.display import Markdown, Javascript, display\n"
    "display(Markdown('raw <img src=x onerror=alert(1)> [j](javascript:alert(1))'))\n"
    "display(Javascript('alert(1)'))",
    "if figures_path:\n    book.save(figures_path)",
]


@pytest.fixture()
def standin(tmp_path, monkeypatch):
    """A throwaway project whose crime notebook is a quick stand-in (PERFPACK_ROOT for the
    notebook workers, the runner's notebooks folder for this process)."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data" / "reference", root / "data" / "reference")
    (root / "notebooks").mkdir(parents=True)
    nb = code_notebook(
        STANDIN,
        'period = "2019-12"\ntheme = "personal_robbery"\nprocessed_dir = ""\n'
        'annotations_dir = ""\nfigures_path = ""',
    )
    nbformat.write(nb, str(root / "notebooks" / "01_crime_theme.ipynb"))
    processed = root / "data" / "processed"
    processed.mkdir(parents=True)
    (processed / "manifest.json").write_text(
        json.dumps(
            {
                "force": "Test force",
                "synthetic": False,
                "schema_version": contracts.PROCESSED_SCHEMA_VERSION,
                "inputs": [{"file": "x.csv", "path": str(root / "data" / "raw" / "x.csv")}],
            }
        )
    )
    monkeypatch.setenv("PERFPACK_ROOT", str(root))
    monkeypatch.setattr(plan, "NOTEBOOKS_DIR", root / "notebooks")
    monkeypatch.setattr(execute, "NOTEBOOKS_DIR", root / "notebooks")
    return root


def _printed(report_dir, pages, output="report.pdf", chromium=None, printer=None):
    """Stands in for Chromium: writes a PDF the way a umask-following writer would."""
    path = Path(report_dir) / output
    path.write_bytes(b"%PDF-1.4\n% the earlier run\n")
    return path


def _cannot_print(report_dir, pages, output="report.pdf", chromium=None, printer=None):
    raise pdf.PdfError(f"chromium could not print {Path(report_dir) / pages[0]}: crashed")


@pytest.mark.slow
def test_a_failed_pdf_leaves_no_old_pdf_and_fails_the_run(standin, monkeypatch, capsys):
    """A first run makes report.pdf; a re-run of one appendix (which keeps the rest of the
    report) cannot print: no report.pdf stays, the overview and the exit status say so. A page
    kept from the first run that no longer passes the markup audit is withheld."""
    args = ["run", "2019-12", "--quiet", "--processed", str(standin / "data" / "processed")]
    args += ["--reports", str(standin / "reports"), "--annotations", str(standin / "notes")]
    monkeypatch.setattr(pdf, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf, "build_pdf", _printed)
    report = standin / "reports" / "2019-12"
    old_umask = os.umask(0o077)
    try:
        assert cli.main([*args, "--only", "personal_robbery,theft_from_vehicle"]) == 0
        assert (report / "report.pdf").exists()
        assert 'href="report.pdf"' in (report / "index.html").read_text()
        assert_published_modes(report)
        kept = report / "appendices" / "theft_from_vehicle.html"
        kept.write_text(kept.read_text().replace("</main>", "<script>alert(1)</script></main>"))

        monkeypatch.setattr(pdf, "build_pdf", _cannot_print)
        capsys.readouterr()
        assert cli.main([*args, "--only", "personal_robbery"]) == 1
    finally:
        os.umask(old_umask)
    err = capsys.readouterr().err
    assert "report.pdf not made" in err and "crashed" in err
    assert "theft_from_vehicle" in err  # the withheld page fails the run too
    withheld = _text(assert_page_is_inert(report / "appendices" / "theft_from_vehicle.html"))
    assert "This page is withheld" in withheld and "<script> element" in withheld
    figures = (report / "figures.csv").read_text()
    assert "theft_from_vehicle" not in figures and "personal_robbery" in figures
    assert not (report / "report.pdf").exists()
    index = (report / "index.html").read_text()
    assert 'href="report.pdf"' not in index
    assert "report.pdf: not made for this run: printing failed" in _text(
        BeautifulSoup(index, "html.parser")
    )
    assert str(standin) not in index  # the failure names no folder of the machine
    assert_published_modes(report)
    for page in _pages(report):
        assert_page_is_inert(page)
    appendix = _text(assert_page_is_inert(report / "appendices" / "personal_robbery.html"))
    assert "Stand-in appendix <script>alert(1)</script>" in appendix
    assert "raw <img src=x onerror=alert(1)>" in appendix  # IPython Markdown, sanitised too
    record = json.loads((report / "provenance.json").read_text())
    assert record["inputs"][0]["path"] == "…/x.csv"  # outside this project: its name only
    assert record["parameters"]["processed_dir"] == "…/processed"


@pytest.mark.slow
def test_unsafe_page_is_not_published(standin, tmp_path, monkeypatch):
    """A page that fails the markup audit becomes an error page naming what was found."""
    monkeypatch.setattr(markup, "unsafe_markup", lambda page, require_csp=True: ["<x> element"])
    job = plan.plan("2019-12", standin / "data" / "processed", tmp_path, only=["personal_robbery"])[
        0
    ]
    result = execute.execute_job(job, str(tmp_path / "staging"), "2019-12", 600, "", "")
    assert not result.ok and "could run: <x> element" in result.exception
    page = (tmp_path / "staging" / job.html_relpath).read_text()
    assert "the publication check" in page and "Stand-in appendix" not in page
    monkeypatch.undo()
    assert markup.unsafe_markup(page) == []  # the error page itself carries the CSP


def test_figures_files_are_world_readable_whatever_the_umask(tmp_path):
    from perfpack.core.figures import FigureBook

    book = FigureBook("personal_robbery")
    book.add("count_current", 42, window="2019-01/2019-12")
    old_umask = os.umask(0o077)
    try:
        path = book.save(tmp_path / "figures" / "personal_robbery.csv")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_publish_modes(tmp_path):
    report = tmp_path / "report"
    (report / "figures").mkdir(parents=True)
    (report / "figures" / "a.csv").write_text("x")
    (report / "index.html").write_text("x")
    os.chmod(report / "figures" / "a.csv", 0o600)
    os.chmod(report / "figures", 0o700)
    publish.publish_modes(report)
    assert_published_modes(report)


@pytest.mark.slow
def test_the_browser_check_fails_on_csp_violations_and_a_missing_csp(tmp_path):
    from tools import browser_check

    report = tmp_path / "report"
    (report / "appendices").mkdir(parents=True)
    head = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>{markup.CSP_META}'
    (report / "index.html").write_text(
        f"{head}<title>x</title></head><body><p>clean</p>"
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4'
        '2mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" alt="one pixel"></body></html>'
    )
    (report / "appendices" / "a.html").write_text(
        f"{head}<title>a</title></head><body><script>document.title = 'ran'</script>"
        '<p style="color:red">inline style is allowed</p></body></html>'
    )
    (report / "appendices" / "b.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>b</title></head>'
        "<body><p>no policy</p></body></html>"
    )
    checks = {c.page: c for c in browser_check.check_report(report, screenshot="")}
    assert checks["index.html"].ok, checks["index.html"]
    blocked = checks["appendices/a.html"]
    assert not blocked.ok and any("Content Security Policy" in e for e in blocked.console_errors)
    unprotected = checks["appendices/b.html"]
    assert not unprotected.ok and unprotected.csp is None and not unprotected.console_errors


def test_display_outputs_are_made_publishable():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            {"text/markdown": "**b** <script>alert(1)</script>", "text/plain": "<Markdown>"},
        ),
        nbformat.v4.new_output("display_data", {"application/javascript": "alert(1)"}),
        nbformat.v4.new_output("stream", name="stderr", text="a warning"),
    ]
    nb.cells = [cell]
    assert execute._strip_for_publication(nb) == ["a warning"]
    first, second = cell.outputs
    assert first["data"]["text/html"].strip() == (
        "<p><strong>b</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert set(first["data"]) == {"text/html", "text/plain"} and second["data"] == {}
