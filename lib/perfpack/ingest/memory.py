"""Keeping the ingest's memory close to its input (issue 12, resource limits).

Measured (``python -m tools.bench_memory``, docs/PERFORMANCE.md): on the demo force extracts
most of the ingest's peak above its baseline was not data but memory the allocators kept.
pyarrow's default pool (mimalloc) holds freed pages for reuse, and glibc ``malloc`` keeps freed
memory at the top of its heap until it passes ``M_TRIM_THRESHOLD`` (128 KiB and growing, see
``mallopt(3)``). :func:`lean_memory` routes pyarrow through the system allocator for the
duration of a block and :func:`release` hands freed memory back to the operating system
(``malloc_trim(3)``) between extracts. ``pyarrow.set_memory_pool`` does not reach the C++
code that allocates from Arrow's own default pool (the parquet writer among it), which is
chosen once, from ``ARROW_DEFAULT_MEMORY_POOL``, when pyarrow loads: so ``perfpack ingest``
calls :func:`prefer_system_allocator` before it imports pyarrow.

pyarrow is imported inside the functions, so that importing this module does not load it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import sys
from collections.abc import Iterator

ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def _libc():
    """The C library (``None`` where it is not glibc, or cannot be loaded)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _libc()
M_TRIM_THRESHOLD = -1  # mallopt(3) parameter number in glibc's malloc.h
DEFAULT_TRIM_THRESHOLD = 128 * 1024  # glibc's initial M_TRIM_THRESHOLD


def release() -> None:
    """Collect garbage, then return free heap memory to the system (``malloc_trim(0)``; a
    no-op where the C library is not glibc)."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def prefer_system_allocator() -> bool:
    """Make the system allocator Arrow's default pool for this process
    (``ARROW_DEFAULT_MEMORY_POOL=system``), unless pyarrow is already loaded or the variable is
    already set. Returns whether Arrow's default pool will be (or is) the system allocator."""
    if "pyarrow" not in sys.modules:
        os.environ.setdefault(ARROW_POOL_VARIABLE, "system")
        return os.environ[ARROW_POOL_VARIABLE] == "system"
    import pyarrow as pa

    return pa.default_memory_pool().backend_name == "system"


@contextlib.contextmanager
def lean_memory() -> Iterator[None]:
    """Within the block, pyarrow allocates from the system allocator
    (``pyarrow.system_memory_pool()``) and glibc returns freed memory at the top of its heap at
    once (``M_TRIM_THRESHOLD`` 0); afterwards the previous pool and glibc's initial threshold
    (128 KiB) are restored (arrays made inside stay valid)."""
    import pyarrow as pa

    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    if _LIBC is not None:
        _LIBC.mallopt(M_TRIM_THRESHOLD, 0)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)
        release()
        if _LIBC is not None:
            _LIBC.mallopt(M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD)
