"""report.pdf from a real headless Chromium: every page in order on A4, printed by one browser,
and a page that cannot be printed named in the error."""

from __future__ import annotations

import os
import time

import pytest

from perfpack.report import pdf

A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)  # ISO 216: 210 x 297 mm, 72 points an inch


@pytest.fixture
def chromium():
    found = pdf.find_chromium()
    if found is None:
        pytest.skip("no Chromium (make test installs Debian's chromium)")
    return found


def _page(folder, name, text, pages=1):
    body = "".join(f'<p style="break-after: page">{text} {i + 1}</p>' for i in range(pages))
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"<!DOCTYPE html><html><head><style>@page {{ size: A4; margin: 14mm; }}</style></head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return name


def test_every_page_in_order_on_a4_from_one_browser(tmp_path, chromium, monkeypatch):
    from pypdf import PdfReader

    pages = [
        _page(tmp_path, "index.html", "Overview"),
        _page(tmp_path, "appendices/b.html", "Burglary", pages=2),
        _page(tmp_path, "deep_dives/m.html", "Missing"),
    ]
    started = []
    spawn = os.posix_spawnp
    monkeypatch.setattr(os, "posix_spawnp", lambda *a, **k: started.append(a[0]) or spawn(*a, **k))
    target = pdf.build_pdf(tmp_path, pages, chromium=chromium)
    assert started == [chromium]  # one browser for every page
    reader = PdfReader(str(target))
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert texts == ["Overview 1", "Burglary 1", "Burglary 2", "Missing 1"]
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_POINTS[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_POINTS[1], abs=1)
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_a_page_that_cannot_be_printed_is_named(tmp_path, chromium):
    pages = [_page(tmp_path, "index.html", "Overview"), "appendices/absent.html"]
    with pytest.raises(pdf.PdfError, match="absent.html"):
        pdf.build_pdf(tmp_path, pages, chromium=chromium)
    assert not (tmp_path / "report.pdf").exists()


def test_a_browser_that_will_not_start_is_a_pdf_error(tmp_path):
    page = _page(tmp_path, "index.html", "Overview")
    with pytest.raises(pdf.PdfError, match="could not start|stopped"):
        pdf.build_pdf(tmp_path, [page], chromium=str(tmp_path / "no-such-chromium"))


def test_pages_printed_early_are_used_only_while_their_files_are_unchanged(
    tmp_path, chromium, monkeypatch
):
    """The batch prints each appendix as its notebook finishes; at the end a page whose file
    has changed since (e.g. replaced by a withheld page) is printed again, the others not."""
    from pypdf import PdfReader

    printed = []
    print_pdf = pdf.Browser.print_pdf
    monkeypatch.setattr(
        pdf.Browser, "print_pdf", lambda self, url: printed.append(url) or print_pdf(self, url)
    )
    pages = [
        _page(tmp_path, "index.html", "Overview"),
        _page(tmp_path, "appendices/a.html", "Robbery"),
        _page(tmp_path, "appendices/b.html", "Burglary"),
    ]
    with pdf.PagePrinter(chromium) as printer:
        printer.submit(tmp_path / pages[1])
        printer.submit(tmp_path / pages[2])
        deadline = time.monotonic() + 60
        while len(printed) < 2 and time.monotonic() < deadline:  # both read, being printed
            time.sleep(0.05)
        _page(tmp_path, "appendices/b.html", "Withheld")  # rewritten after its early print
        target = pdf.build_pdf(tmp_path, pages, printer=printer)
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(str(target)).pages]
    assert texts == ["Overview 1", "Robbery 1", "Withheld 1"]
    names = [url.rsplit("/", 1)[-1] for url in printed]
    assert names == ["a.html", "b.html", "index.html", "b.html"]  # a's early print used
