"""Warm kernels for the batch's worker processes: while a worker runs one notebook, the kernel
for its next notebook starts in the background and imports the modules the notebooks import,
so the wait for a kernel and the imports (several seconds a notebook) overlap the notebook
before it instead of following it.

The imports run silently (no output, no history, no execution count) through
``importlib.import_module``, so nothing is defined in the notebook's namespace: a notebook that
forgot an import still fails at the cell that uses the name. A worker's first notebook starts
its kernel as before; a kernel left warm when the worker exits is shut down with it.
"""

from __future__ import annotations

import ast
import asyncio
import threading
from multiprocessing import util
from pathlib import Path

import nbformat

#: Seconds to wait for a warm kernel to be ready before starting a fresh one instead.
READY_TIMEOUT = 120


def notebook_modules(notebooks_dir: Path) -> list[str]:
    """The modules the notebooks' import statements name (before each ``parameters`` cell):
    ``from perfpack.core import spc`` gives ``perfpack.core.spc`` (a name that is not a module
    falls back to its package when imported), in first-seen order."""
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
    """The code a warm kernel runs silently: import each module (or its package), defining no
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


class _Warming:
    """One kernel starting (and importing) in a background thread."""

    def __init__(self, kernel_name: str, config, cwd: Path, code: str):
        self.km = None
        self.thread = threading.Thread(
            target=self._start, args=(kernel_name, config, cwd, code), daemon=True
        )
        self.thread.start()

    def _start(self, kernel_name, config, cwd, code) -> None:
        from jupyter_client.manager import AsyncKernelManager

        async def start():
            km = AsyncKernelManager(kernel_name=kernel_name, config=config)
            await km.start_kernel(cwd=str(cwd))
            try:
                client = km.client()
                client.start_channels()
                try:
                    await client.wait_for_ready(timeout=READY_TIMEOUT)
                    await client.execute_interactive(
                        code, silent=True, store_history=False, timeout=READY_TIMEOUT
                    )
                finally:
                    client.stop_channels()
            except BaseException:
                await km.shutdown_kernel(now=True)
                raise
            self.km = km

        try:
            asyncio.run(start())
        except Exception:  # no warm kernel: the notebook starts its own, as without one
            self.km = None


_lock = threading.Lock()
_next: _Warming | None = None
_modules: dict[str, list[str]] = {}


def take():
    """The kernel warmed for this notebook (a started ``AsyncKernelManager``), or None when
    none was started or it failed to start (the caller then starts one as usual)."""
    global _next
    with _lock:
        warming, _next = _next, None
    if warming is None:
        return None
    warming.thread.join(READY_TIMEOUT)
    return warming.km if not warming.thread.is_alive() else None


def warm_next(kernel_name: str, config, notebooks_dir: Path) -> None:
    """Start warming the kernel for this worker's next notebook (at most one at a time)."""
    global _next
    key = str(notebooks_dir)
    if key not in _modules:
        _modules[key] = notebook_modules(notebooks_dir)
        util.Finalize(None, _shutdown_next, exitpriority=10)  # at the worker's exit
    with _lock:
        if _next is None:
            _next = _Warming(kernel_name, config, notebooks_dir, prelude(_modules[key]))


def shutdown(km) -> None:
    """Stop a kernel at once (its notebook has finished: nothing is left to flush)."""
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # already gone
        pass


def _shutdown_next() -> None:
    km = take()
    if km is not None:
        shutdown(km)
