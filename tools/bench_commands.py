"""Timing a command line for ``make bench``: wall time, exit status, output, CPU time and the
peak memory of the command's whole process tree (kernels, workers, Chromium), sampled from
``/proc``. Shared by :mod:`tools.bench` and :mod:`tools.bench_national`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time


class BenchError(RuntimeError):
    """A benchmarked command failed, so there is nothing to time."""


def process_tree_memory(root: int) -> int:
    """Memory of ``root`` and all its descendants now: the sum of each process's proportional
    set size (``Pss`` in ``/proc/<pid>/smaps_rollup``, shared pages split between the processes
    sharing them), or of its resident set size where Pss cannot be read. 0 without ``/proc``."""
    parents: dict[int, int] = {}
    rss_pages: dict[int, int] = {}
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return 0
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8") as handle:
                stat = handle.read()
            fields = stat[stat.rindex(")") + 2 :].split()
            parents[int(name)] = int(fields[1])
            rss_pages[int(name)] = int(fields[21])
        except (OSError, ValueError, IndexError):
            continue
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    page = os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as handle:
                pss = next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
            total += pss * 1024
        except (OSError, StopIteration, ValueError):
            total += rss_pages.get(pid, 0) * page
    return total


def timed_command(
    command: list[str], cwd: str | None = None, env: dict | None = None, sample_every: float = 0.5
) -> dict:
    """Run ``command`` to completion; its wall time, exit status, output, and memory.

    ``seconds`` is from start to exit (the wait is a blocking ``waitpid``, so sampling adds no
    latency). ``peak_tree_bytes``: the largest sampled total memory of the command and all its
    descendants (kernels, workers, Chromium), see :func:`process_tree_memory`.
    ``largest_process_bytes``: ``ru_maxrss`` of ``RUSAGE_CHILDREN``, the peak of the single
    largest process among the descendants this process waited for, and ``cpu_seconds`` their
    user + system CPU time; meaningful when this runs in a fresh process
    (:func:`tools.bench._run`), so no earlier child counts.
    """
    import resource

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], process_tree_memory(process.pid))
                done.wait(sample_every)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    largest = children.ru_maxrss
    return {
        "seconds": seconds,
        "cpu_seconds": children.ru_utime + children.ru_stime,
        "returncode": returncode,
        "stdout": stdout,
        "stderr_tail": stderr[-2000:],
        "peak_tree_bytes": peak[0],
        "largest_process_bytes": int(largest if sys.platform == "darwin" else largest * 1024),
    }


def checked(result: dict, what: str) -> dict:
    if result["returncode"] != 0:
        raise BenchError(f"{what} failed (exit {result['returncode']}): {result['stderr_tail']}")
    return result


def environment() -> dict:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")  # as `make` sets it
    return env


def peak_rss_bytes() -> int:
    """This process's peak resident memory in bytes (Linux reports kilobytes, macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if os.uname().sysname == "Darwin" else peak * 1024)
