"""End to end: the whole batch on the embedded demo force for 2019-12 reproduces the published
report (expected values typed from the February 2020 report), publishes nothing record-level,
opens cleanly in a real browser, and gives the same figures when run again."""

import hashlib

import pandas as pd
import pytest

from perfpack.core.change import round_half_up
from perfpack.core.figures import read_figures
from perfpack.report import leak_check, pdf, runner
from tests.conftest import PROJECT_ROOT, one_figure
from tests.published import FIGURES, Published

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def figures(demo_report):
    return read_figures(demo_report / "figures.csv")


def _one(figures, theme, measure, group="", window=None):
    return one_figure(figures, measure, window, group, theme=theme)


@pytest.mark.parametrize("published", FIGURES, ids=lambda p: p.id)
def test_published_figures(figures, published: Published):
    value = _one(figures, published.theme, published.measure, published.group, published.window)
    if published.minus:
        value -= _one(figures, published.theme, published.minus, published.group, published.window)
    assert round_half_up(value, published.decimals) == published.value


def test_missing_persons_duration_and_individuals(figures):
    previous = _one(figures, "missing_persons", "mean_duration_hours", window="2018-01/2018-12")
    current = _one(figures, "missing_persons", "mean_duration_hours", window="2019-01/2019-12")
    assert current < 24 and round_half_up((current / previous - 1) * 100) == -7
    fewer = _one(figures, "missing_persons", "individuals_previous") - _one(
        figures, "missing_persons", "individuals_current"
    )
    assert fewer == 548  # "548 fewer individuals missing"


def test_every_appendix_and_the_deep_dive_are_published(demo_report):
    for slug in [
        "personal_robbery",
        "theft_from_vehicle",
        "theft_of_vehicle",
        "stop_search",
        "missing_persons",
    ]:
        page = (demo_report / "appendices" / f"{slug}.html").read_text(encoding="utf-8")
        assert "could not be produced" not in page
        assert page.count('class="perfpack-synthetic"') == 1, "the mark, once"
        assert "Traceback" not in page and "FigureBook(" not in page  # no errors, no code
    deep_dive = demo_report / "deep_dives" / "missing_repeats.html"
    index = (demo_report / "index.html").read_text(encoding="utf-8")
    assert deep_dive.exists() and 'href="deep_dives/missing_repeats.html"' in index
    assert "Performance exceptions for review" in index and "SYNTHETIC DEMONSTRATION DATA" in index


def test_nothing_record_level_is_published(demo_report, demo_processed):
    assert leak_check.identifiers(demo_processed), "the scan has identifiers to look for"
    assert leak_check.scan(demo_report, demo_processed) == []
    assert not (demo_report / "executed").exists(), "executed notebooks stay out of the report"


def test_the_report_opens_cleanly_in_a_browser(demo_report):
    if pdf.find_chromium() is None:
        pytest.skip("no Chromium (make test installs Debian's chromium)")
    from tools import browser_check

    checks = browser_check.check_report(demo_report)
    assert len(checks) == 7
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert all(c.images > 0 for c in checks if c.page.startswith("appendices/"))
    assert (demo_report / "overview.png").exists()
    from pypdf import PdfReader

    assert len(PdfReader(str(demo_report / "report.pdf")).pages) >= 7


def test_a_second_run_keeps_annotations_and_figures(demo_report, demo_processed, tmp_path):
    annotations = sorted((PROJECT_ROOT / "annotations").rglob("*.md"))
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in annotations}
    again = runner.run_batch(
        "2019-12", processed_dir=demo_processed, reports_dir=tmp_path, progress=False
    )
    assert again.ok
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in annotations}
    assert before == after
    first = pd.read_csv(demo_report / "figures.csv")
    second = pd.read_csv(tmp_path / "2019-12" / "figures.csv")
    pd.testing.assert_frame_equal(first, second)
    assert (demo_report / "figures.csv").read_bytes() == (
        tmp_path / "2019-12" / "figures.csv"
    ).read_bytes()


def test_figures_csv_is_exact_and_the_front_matter_dated(demo_report):
    text = (demo_report / "figures.csv").read_text(encoding="utf-8")
    # the published 1,210 x 2,415 written whole, never 2.92215e+06
    assert "missing_persons,cost_avoided,2019-01/2019-12,,2922150\n" in text
    assert "e+0" not in text
    index = (demo_report / "index.html").read_text(encoding="utf-8")
    assert "Published – February 2020." in index  # the report's cover, not the run date
    assert "12-month projection (method)" in index and "best back-test" in index
