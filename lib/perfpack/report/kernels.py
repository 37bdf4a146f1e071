"""Kernels for the batch's worker processes. A worker runs its notebooks one after another in
one kernel, put back between notebooks to the state it had before its first
(:mod:`perfpack.report.kernel_state`: namespace, history, figures, rcParams, pandas options,
warnings, working folder, environment), so the kernel's start and the imports (about 2.5 s of
CPU a notebook: ipykernel, pandas, scipy, statsmodels, matplotlib, seaborn) are paid once a
worker instead of once a notebook.

A worker's kernel starts as soon as the worker does (:func:`start_worker`, the pool's
initializer), while the worker imports papermill and nbconvert; it imports every module the
notebooks import, silently (no output, no history, no execution count, no name defined), so a
notebook that forgot an import still fails at the cell that uses the name. A kernel is never
reused after a notebook that failed (an error, a timeout, a kernel that died), after a restore
that failed, or after :data:`REUSE_LIMIT` notebooks; ``perfpack run --fresh-kernels`` gives
every notebook a kernel of its own instead.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import logging
import queue
import sys
import threading
import time
from multiprocessing import util
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds to wait for a kernel to start, import, or restore its state.
READY_TIMEOUT = 120
#: Notebooks one kernel runs before it is replaced by a fresh one (bounds what a long national
#: batch could leave behind in a kernel's modules).
REUSE_LIMIT = 25
#: Run silently in a kernel: record, and put back, the state of :mod:`kernel_state`.
SNAPSHOT = "__import__('perfpack.report.kernel_state', fromlist=['_']).snapshot()"
RESTORE = "__import__('perfpack.report.kernel_state', fromlist=['_']).restore()"


def notebook_modules(notebooks_dir: Path) -> list[str]:
    """The modules the notebooks' import statements name (before each ``parameters`` cell):
    ``from perfpack.core import spc`` gives ``perfpack.core.spc`` (a name that is not a module
    falls back to its package when imported), in first-seen order."""
    import nbformat

    modules: list[str] = []
    for path in sorted(Path(notebooks_dir).rglob("*.ipynb")):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except (OSError, ValueError):
            continue
        for cell in nb.cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                break
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(modules))


def prelude(modules: list[str]) -> str:
    """The code a new kernel runs silently: import each module (or its package), defining no
    name in the notebook's namespace."""
    return (
        "import importlib as __perfpack_importlib\n"
        "__perfpack_module = None\n"
        f"for __perfpack_module in {modules!r}:\n"
        "    try:\n"
        "        __perfpack_importlib.import_module(__perfpack_module)\n"
        "    except Exception:\n"
        "        try:\n"
        "            __perfpack_importlib.import_module(__perfpack_module.rpartition('.')[0])\n"
        "        except Exception:\n"
        "            pass\n"
        "del __perfpack_importlib, __perfpack_module\n"
    )


@functools.cache
def _manager_class():
    """The kernel manager of a reused kernel (jupyter_client imported when a kernel starts)."""
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.session import Session

    class ReusableKernelManager(AsyncKernelManager):
        """A kernel manager that remembers the clients made from it, so the channels papermill
        opens for a notebook can be closed after it while the kernel runs on (papermill closes
        them only with a kernel it started itself), and keeps one blocking client of its own
        for the code it runs between notebooks."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.open_clients: list = []
            self.notebooks_run = 0
            self.notebooks_dir: Path | None = None
            self._control = None

        def client(self, **kwargs):
            client = super().client(**kwargs)
            self.open_clients.append(client)
            return client

        def close_clients(self) -> None:
            while self.open_clients:
                self.open_clients.pop().stop_channels()

        def run_silently(self, code: str) -> None:
            """Run ``code`` in the kernel without output or history (a RuntimeError if it
            fails or does not finish in :data:`READY_TIMEOUT`), through the manager's own
            client: its shell channel only, usable from any thread, subscribed to no output
            (the reply on the shell channel says when the code has run, and how)."""
            control = self._control or self._connect()
            deadline = time.monotonic() + READY_TIMEOUT
            content = self._reply(
                control, {control.execute(code, silent=True, store_history=False)}, deadline
            )
            if content is None:
                raise RuntimeError(f"the kernel did not finish within {READY_TIMEOUT} s")
            if content.get("status") != "ok":
                raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")

        def _connect(self):
            """The manager's own client, connected as AsyncKernelManager.client connects but
            with a session of its own (a client's session id is its socket identity, and the
            kernel routes each reply to one socket of that identity: papermill's), once the
            kernel answers. A kernel still starting may not see a request, so it is asked
            again each second, as jupyter_client's ``wait_for_ready`` asks."""
            info = {
                **self.get_connection_info(session=True),
                "session": Session(
                    key=self.session.key, signature_scheme=self.session.signature_scheme
                ),
                "connection_file": self.connection_file,
                "parent": self,
            }
            for key in ("curve_publickey", "curve_secretkey"):
                if isinstance(info.get(key), str):
                    info[key] = info[key].encode("ascii")
            control = BlockingKernelClient(**info)
            control.start_channels(iopub=False, stdin=False, hb=False, control=False)
            deadline, asked = time.monotonic() + READY_TIMEOUT, set()
            while time.monotonic() < deadline:
                asked.add(control.kernel_info())
                if self._reply(control, asked, min(deadline, time.monotonic() + 1)) is not None:
                    self._control = control
                    return control
                process = getattr(self.provisioner, "process", None)
                if process is not None and process.poll() is not None:
                    break
            control.stop_channels()
            raise RuntimeError(f"the kernel did not answer within {READY_TIMEOUT} s")

        @staticmethod
        def _reply(control, asked: set, deadline: float) -> dict | None:
            """The content of the reply to one of the ``asked`` requests, or None by
            ``deadline`` (replies to other requests are skipped)."""
            while (wait := deadline - time.monotonic()) > 0:
                try:
                    reply = control.get_shell_msg(timeout=wait)
                except queue.Empty:
                    return None
                if reply.get("parent_header", {}).get("msg_id") in asked:
                    return reply["content"]
            return None

        async def shutdown_kernel(self, *args, **kwargs):
            self.close_clients()
            if self._control is not None:
                self._control.stop_channels()
                self._control = None
            return await super().shutdown_kernel(*args, **kwargs)

    return ReusableKernelManager


async def _start(kernel_name: str, config, notebooks_dir: Path):
    km = _manager_class()(kernel_name=kernel_name, config=config)
    km.notebooks_dir = Path(notebooks_dir)  # its working folder and prelude's
    await km.start_kernel(cwd=str(notebooks_dir))
    try:
        km.run_silently(prelude(_modules(notebooks_dir)) + SNAPSHOT + "\n")
    except BaseException:
        await km.shutdown_kernel(now=True)
        raise
    return km


_lock = threading.Lock()
_idle = None  # this worker's kernel manager, its kernel ready for a notebook
_starting: threading.Thread | None = None
_started: list = []  # the kernel manager the starting thread made
_module_lists: dict[str, list[str]] = {}


def _modules(notebooks_dir: Path) -> list[str]:
    key = str(notebooks_dir)
    if key not in _module_lists:
        _module_lists[key] = notebook_modules(notebooks_dir)
    return _module_lists[key]


def start_worker(kernel_name: str, config, reuse: bool) -> None:
    """A batch worker's start (its process pool's initializer). With ``reuse``, start the
    worker's kernel in the background (in the notebooks folder as this process resolves it,
    which is the one its notebooks run from), and stop whatever kernel the worker holds when
    it exits.

    The worker's jsonschema (imported by nbformat, only to validate notebooks, which never
    checks formats) is kept from importing ``rfc3987_syntax``, the optional checker of the
    ``iri`` string format, which compiles about 35 Earley grammars at import: 0.8 s of CPU a
    process on this machine (python-jsonschema/jsonschema#1428). jsonschema imports it inside
    ``suppress(ImportError)`` and goes without that one format check.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" fails
    if reuse:
        from perfpack.data.paths import NOTEBOOKS_DIR

        _start_early(kernel_name, config, NOTEBOOKS_DIR)


def _start_early(kernel_name: str, config, notebooks_dir: Path) -> None:
    global _starting

    def start() -> None:
        try:
            _started.append(asyncio.run(_start(kernel_name, config, notebooks_dir)))
        except Exception as problem:  # no early kernel: the first notebook starts one
            log.warning("the worker's kernel did not start early (%s); starting one later", problem)

    util.Finalize(None, stop_worker_kernel, exitpriority=10)
    with _lock:
        _starting = threading.Thread(target=start, daemon=True)
        _starting.start()


def acquire(kernel_name: str, config, notebooks_dir: Path):
    """The kernel for this worker's next notebook: the one its last notebook left (restored),
    the one started early, or a new one. None when none could be started (papermill then
    starts its own)."""
    global _idle, _starting
    with _lock:
        km, _idle = _idle, None
        starting, _starting = _starting, None
    if km is None and starting is not None:
        starting.join(READY_TIMEOUT)
        km = _started.pop() if _started else None
    from jupyter_core.utils import run_sync

    if km is not None and (
        km.notebooks_dir != Path(notebooks_dir) or not run_sync(km.is_alive)()
    ):  # started for another folder, or died while it waited
        shutdown(km)
        km = None
    if km is None:
        try:
            km = run_sync(_start)(kernel_name, config, notebooks_dir)
        except Exception as problem:
            log.warning("no reusable kernel (%s): the notebook starts its own", problem)
            return None
    return km


def release(km, reusable: bool) -> None:
    """Close the notebook's channels; keep the kernel for the worker's next notebook when its
    notebook succeeded and its state was put back, otherwise stop it."""
    global _idle
    km.close_clients()
    km.notebooks_run += 1
    if reusable and km.notebooks_run < REUSE_LIMIT:
        try:
            km.run_silently(RESTORE)
        except Exception as problem:  # its state could not be put back: not reused
            log.warning("a kernel's state could not be put back (%s): not reused", problem)
        else:
            with _lock:  # a worker runs one notebook at a time: nothing else is idle
                _idle = km
            return
    shutdown(km)


def shutdown(km) -> None:
    """Stop a kernel at once (its notebook has finished: nothing is left to flush)."""
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # already gone
        pass


def stop_worker_kernel() -> None:
    """Stop the kernel this worker holds (at its exit), or is starting."""
    global _idle, _starting
    with _lock:
        km, _idle = _idle, None
        starting, _starting = _starting, None
    if starting is not None:
        starting.join(READY_TIMEOUT)
    for kernel in [km, *_started]:
        if kernel is not None:
            shutdown(kernel)
    _started.clear()
