"""Open a built report in a real headless Chromium and check what a reader would meet: every
page loads without console errors (a Content-Security-Policy violation is one: Chromium reports
each blocked script, image or style as a console error), carries the report's CSP, every local
link and image resolves, every image has alt text. Used by the test suite; needs the
``playwright`` package and a Chromium."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from perfpack.present.markup import CSP
from perfpack.report.pdf import CHROMIUM_FLAGS, find_chromium


@dataclass
class PageCheck:
    page: str
    console_errors: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    broken_images: int = 0
    images_without_alt: int = 0
    images: int = 0
    csp: str | None = None  # the page's Content-Security-Policy meta tag

    @property
    def ok(self) -> bool:
        return (
            not (
                self.console_errors
                or self.broken_links
                or self.broken_images
                or self.images_without_alt
            )
            and self.csp == CSP
        )


def _pages(report_dir: Path) -> list[Path]:
    return [
        report_dir / "index.html",
        *sorted((report_dir / "appendices").glob("*.html")),
        *sorted((report_dir / "deep_dives").glob("*.html")),
    ]


def check_report(report_dir: Path, screenshot: str = "overview.png") -> list[PageCheck]:
    """Check every page of ``report_dir``; save a full-page screenshot of the overview."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium found (Debian: apt-get install chromium)")
    report_dir = Path(report_dir).resolve()
    checks = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            for path in _pages(report_dir):
                check = PageCheck(str(path.relative_to(report_dir)))
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.on(
                    "console",
                    lambda m, c=check: m.type == "error" and c.console_errors.append(m.text),
                )
                page.on("pageerror", lambda e, c=check: c.console_errors.append(str(e)))
                page.goto(path.as_uri(), wait_until="load")
                images = page.evaluate(
                    "Array.from(document.images).map(i => [i.complete && i.naturalWidth > 0,"
                    " (i.getAttribute('alt') || '').trim().length > 0])"
                )
                check.images = len(images)
                check.broken_images = sum(not loaded for loaded, _ in images)
                check.images_without_alt = sum(not alt for _, alt in images)
                hrefs = page.evaluate(
                    "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
                )
                check.broken_links = [h for h in hrefs if not _local_target_exists(h)]
                check.csp = page.evaluate(
                    "(document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')"
                    " || {}).content || null"
                )
                if path.name == "index.html" and screenshot:
                    page.screenshot(path=str(report_dir / screenshot), full_page=True)
                page.close()
                checks.append(check)
        finally:
            browser.close()
    return checks


def _local_target_exists(href: str) -> bool:
    """Local links must point at a file that exists; outside links are not followed."""
    parsed = urlparse(href)
    if parsed.scheme != "file":
        return True
    return Path(unquote(parsed.path)).exists()
