"""``report.pdf``: the whole pack in the report's order (overview, then each theme, then deep
dives), printed on A4 by headless Chromium and joined into one file."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PRINT_WORKERS = 2
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags for a headless Chromium on a machine without a display or outside network (the
#: background-networking flags stop it trying to reach Google's services at start-up).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)


class PdfError(RuntimeError):
    """Chromium could not print a page."""


def find_chromium() -> str | None:
    """The path of a Chromium-family browser, or None. ``PERFPACK_CHROMIUM`` overrides."""
    explicit = os.environ.get("PERFPACK_CHROMIUM")
    if explicit:
        return explicit
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def print_page(html_path: Path, pdf_path: Path, chromium: str, timeout: int = 120) -> None:
    """Print one local HTML page to PDF (page size from the page's ``@page`` CSS: A4)."""
    with tempfile.TemporaryDirectory(prefix="perfpack-chromium-") as profile:
        done = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf_path}",
                Path(html_path).resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if done.returncode != 0 or not Path(pdf_path).exists():
        raise PdfError(f"chromium could not print {html_path}: {done.stderr.strip()[-300:]}")


def build_pdf(
    report_dir: Path, pages: list[str], output: str = "report.pdf", chromium: str | None = None
) -> Path:
    """Print ``pages`` (paths relative to ``report_dir``, in order) and join them into
    ``report_dir/output``, written atomically."""
    from pypdf import PdfWriter

    chromium = chromium or find_chromium()
    if chromium is None:
        raise PdfError("no Chromium found (Debian: apt-get install chromium)")
    report_dir = Path(report_dir)
    writer = PdfWriter()
    with tempfile.TemporaryDirectory(prefix="perfpack-pdf-") as tmp:
        parts = [Path(tmp) / f"{i:03d}.pdf" for i in range(len(pages))]
        # one Chromium per page (it prints one URL per run), PRINT_WORKERS at a time
        with ThreadPoolExecutor(max_workers=PRINT_WORKERS) as pool:
            printing = [
                pool.submit(print_page, report_dir / page, part, chromium)
                for page, part in zip(pages, parts, strict=True)
            ]
            for job in printing:
                job.result()  # re-raise a page's PdfError here
        for part in parts:
            writer.append(str(part))
        target = report_dir / output
        partial = target.with_name(f".{target.name}.tmp")
        with open(partial, "wb") as handle:
            writer.write(handle)
        os.chmod(partial, 0o644)  # published: readable by everyone, whatever the umask
        os.replace(partial, target)
    return target
