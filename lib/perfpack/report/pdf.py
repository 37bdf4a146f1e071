"""``report.pdf``: the whole pack in the report's order (overview, then each theme, then deep
dives), printed on A4 by one headless Chromium and joined into one file. In a batch the pages are
printed as their notebooks finish (:class:`PagePrinter`), and only the overview, written last,
is printed at the end.

One browser prints every page: it is started once with its DevTools pipe
(``--remote-debugging-pipe``) and each page is loaded in its one tab and printed with the options
``chromium --headless --print-to-pdf --no-pdf-header-footer`` uses, so each page prints as that
command prints it, without a browser start-up per page.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import json
import os
import select
import shutil
import signal
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

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
#: ``Page.printToPDF`` options of ``--print-to-pdf`` with ``--no-pdf-header-footer`` (Chromium's
#: headless command handler): the page's ``@page`` size (A4), backgrounds, a tagged PDF.
PRINT_OPTIONS = {
    "displayHeaderFooter": False,
    "generateTaggedPDF": True,
    "printBackground": True,
    "preferCSSPageSize": True,
}


class PdfError(RuntimeError):
    """Chromium could not print a page."""


def find_chromium() -> str | None:
    """The path of a Chromium-family browser, or None. ``PERFPACK_CHROMIUM`` overrides."""
    explicit = os.environ.get("PERFPACK_CHROMIUM")
    if explicit:
        return explicit
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


class Browser:
    """One headless Chromium driven over its DevTools pipe: commands go in on its file
    descriptor 3, replies and events come out on 4, each a JSON message ended by a NUL byte.

    Use as a context manager; :meth:`print_pdf` prints one page."""

    def __init__(self, chromium: str, timeout: float = 120):
        self.chromium, self.timeout = chromium, timeout
        self._ids = 0
        self._buffer = bytearray()
        self._scanned = 0  # bytes of the buffer known to hold no message end
        self._events: list[dict] = []
        self._session: str | None = None  # the tab every page is printed in

    def __enter__(self) -> Browser:
        # a killed Chromium's helper processes may still be writing into the profile for a
        # moment, so its removal must not fail the run (they are killed with their group)
        self._profile = tempfile.TemporaryDirectory(
            prefix="perfpack-chromium-", ignore_cleanup_errors=True
        )
        self._log = Path(self._profile.name) / "chromium.log"
        to_browser, self._send = os.pipe()
        self._receive, from_browser = os.pipe()
        log = os.open(self._log, os.O_WRONLY | os.O_CREAT, 0o600)
        # copies above 4, so that no dup2 below overwrites another's source
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5) for fd in (to_browser, from_browser, log)]
        argv = [
            self.chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile.name}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        try:
            # posix_spawn (not fork): safe beside the threads of a distributed run
            self._pid = os.posix_spawnp(
                self.chromium,
                argv,
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, ends[2], 1),
                    (os.POSIX_SPAWN_DUP2, ends[2], 2),
                    (os.POSIX_SPAWN_DUP2, ends[0], 3),
                    (os.POSIX_SPAWN_DUP2, ends[1], 4),
                ],
                setpgroup=0,  # its own process group: stopping it stops its helpers too
            )
        except OSError as problem:
            os.close(self._send)
            os.close(self._receive)
            self._profile.cleanup()
            raise PdfError(f"chromium could not start: {problem}") from problem
        finally:
            for fd in {to_browser, from_browser, log, *ends}:
                os.close(fd)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                self._call("Browser.close", {}, deadline=time.monotonic() + 10)
        except PdfError:
            pass
        finally:
            os.close(self._send)
            os.close(self._receive)
            self._stop(grace=10 if exc[0] is None else 0)
            self._profile.cleanup()

    def print_pdf(self, url: str) -> bytes:
        """Load ``url`` in the browser's tab, wait for its load event, and print it to PDF
        bytes. Every page is loaded in the same tab, one after another: a tab's renderer
        process starts once, not once a page (0.35 s of CPU less for a pack of 7 pages; the
        PDFs differ only in the tagged-PDF node numbers)."""
        deadline = time.monotonic() + self.timeout
        session = self._session or self._open_tab(deadline)
        navigated = self._call("Page.navigate", {"url": url}, deadline, session)
        if navigated.get("errorText"):
            raise PdfError(navigated["errorText"])
        self._event(
            "Page.lifecycleEvent",
            lambda p: p.get("name") == "load" and p.get("loaderId") == navigated.get("loaderId"),
            deadline,
            session,
        )
        printed = self._call("Page.printToPDF", PRINT_OPTIONS, deadline, session)
        self._events.clear()  # the page's, now printed
        return base64.b64decode(printed["data"])

    def _open_tab(self, deadline: float) -> str:
        """Open the tab pages are printed in; its DevTools session id."""
        target = self._call("Target.createTarget", {"url": "about:blank"}, deadline)["targetId"]
        attached = self._call(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, deadline
        )
        session = attached["sessionId"]
        self._call("Page.enable", {}, deadline, session)
        self._call("Page.setLifecycleEventsEnabled", {"enabled": True}, deadline, session)
        self._session = session
        return session

    def _call(self, method: str, params: dict, deadline: float, session: str | None = None):
        self._ids += 1
        message = {"id": self._ids, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._send, data) :]
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._ids:
                if "error" in reply:
                    raise PdfError(f"chromium: {method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def _event(self, method: str, matches, deadline: float, session: str) -> dict:
        while True:
            for event in self._events:
                if (
                    event["method"] == method
                    and event.get("sessionId") == session
                    and matches(event.get("params", {}))
                ):
                    self._events.remove(event)
                    return event
            message = self._read(deadline)
            if "method" in message:
                self._events.append(message)

    def _read(self, deadline: float) -> dict:
        """The next message from Chromium (a PdfError when it has died or is too slow)."""
        while (end := self._buffer.find(b"\0", self._scanned)) < 0:
            self._scanned = len(self._buffer)
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([self._receive], [], [], wait)[0]:
                raise PdfError(f"chromium did not answer within {self.timeout:g} s")
            chunk = os.read(self._receive, 1 << 20)
            if not chunk:
                raise PdfError(f"chromium stopped: {self._log_tail()}")
            self._buffer += chunk
        message = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        self._scanned = 0
        return json.loads(message)

    def _log_tail(self) -> str:
        try:
            return self._log.read_text(errors="replace").strip()[-300:]
        except OSError:
            return ""

    def _stop(self, grace: float = 10) -> None:
        """Wait for Chromium to exit (it was told to close), killing it after ``grace`` s."""
        deadline = time.monotonic() + grace
        exited = False
        while time.monotonic() < deadline and not exited:
            exited = os.waitpid(self._pid, os.WNOHANG) != (0, 0)
            if not exited:
                time.sleep(0.05)
        try:  # the browser and any helper process left behind (zygote, renderers)
            os.killpg(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if not exited:
            os.waitpid(self._pid, 0)


def print_pages(html_paths: list[Path], chromium: str, timeout: float = 120) -> list[bytes]:
    """Print local HTML pages to PDF (page size from each page's ``@page`` CSS: A4) in one
    Chromium, in order; ``timeout``: seconds per page."""
    printed = []
    with Browser(chromium, timeout) as browser:
        for path in html_paths:
            try:
                printed.append(browser.print_pdf(Path(path).resolve().as_uri()))
            except PdfError as problem:
                raise PdfError(f"chromium could not print {path}: {problem}") from problem
    return printed


class PagePrinter:
    """One Chromium printing pages on a background thread as they become ready
    (:meth:`submit`), so the printing overlaps the notebooks still running; :meth:`printed`
    gives a page's PDF as the page is now: printed early if its file has not changed since
    (its bytes are compared), printed again otherwise. Use as a context manager."""

    def __init__(self, chromium: str, timeout: float = 120):
        self.chromium, self.timeout = chromium, timeout
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfpack-pdf")
        self._browser: Browser | None = None
        self._early: dict[Path, Future] = {}

    def __enter__(self) -> PagePrinter:
        return self

    def __exit__(self, *exc) -> None:
        self._thread.submit(self._close, exc[0] is not None).result()
        self._thread.shutdown()

    def submit(self, path: Path) -> None:
        """Print ``path`` in the background (its result is used only if the file is unchanged)."""
        path = Path(path).resolve()
        self._early[path] = self._thread.submit(self._print, path)

    def printed(self, path: Path) -> bytes:
        """The PDF of the page at ``path`` as the file is now (a PdfError when it cannot be
        printed)."""
        path = Path(path).resolve()
        early = self._early.pop(path, None)
        if early is not None and early.exception() is None:
            digest, pdf = early.result()
            if digest == hashlib.sha256(path.read_bytes()).digest():
                return pdf
        return self._thread.submit(self._print, path).result()[1]

    def _print(self, path: Path) -> tuple[bytes, bytes]:
        """``(sha256 of the file read just before Chromium loads it, its PDF)``: a file
        rewritten after the read gives a different digest, so its early PDF is not used."""
        digest = hashlib.sha256(path.read_bytes()).digest()
        if self._browser is None:
            browser = Browser(self.chromium, self.timeout)
            self._browser = browser.__enter__()
        try:
            return digest, self._browser.print_pdf(path.as_uri())
        except PdfError as problem:
            raise PdfError(f"chromium could not print {path}: {problem}") from problem

    def _close(self, failed: bool) -> None:
        if self._browser is not None:  # told to close, or (after a failure) killed at once
            self._browser.__exit__(PdfError if failed else None, None, None)
            self._browser = None


def build_pdf(
    report_dir: Path,
    pages: list[str],
    output: str = "report.pdf",
    chromium: str | None = None,
    printer: PagePrinter | None = None,
) -> Path:
    """Print ``pages`` (paths relative to ``report_dir``, in order) and join them into
    ``report_dir/output``, written atomically. ``printer``: take the pages from it (printed
    early where unchanged) instead of printing them all now."""
    from pypdf import PdfWriter

    report_dir = Path(report_dir)
    paths = [report_dir / page for page in pages]
    if printer is not None:
        printed_pages = [printer.printed(path) for path in paths]
    else:
        chromium = chromium or find_chromium()
        if chromium is None:
            raise PdfError("no Chromium found (Debian: apt-get install chromium)")
        printed_pages = print_pages(paths, chromium)
    writer = PdfWriter()
    for printed in printed_pages:
        writer.append(io.BytesIO(printed))
    target = report_dir / output
    partial = target.with_name(f".{target.name}.tmp")
    with open(partial, "wb") as handle:
        writer.write(handle)
    os.chmod(partial, 0o644)  # published: readable by everyone, whatever the umask
    os.replace(partial, target)
    return target
