"""``make bench``'s national pack: every force of the all-forces download built in one batch
(``perfpack ingest --force all`` then one ``perfpack run``) against the same forces built one by
one (``perfpack ingest --force <slug>`` then ``perfpack run`` for each), timed as command lines
with the peak memory of each command's whole process tree
(:func:`tools.bench_commands.timed_command`).

Building 41 forces one by one takes many minutes, so ``sample`` forces can stand in for them:
the one-by-one total is then the sample's mean per force times the number of forces, and the
result says it is an estimate.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tools import bench_commands

#: The national bench's default period and windows (the download holds 2018-10 to 2019-02).
PERIOD = "2019-02"
WINDOW_MONTHS = 2


def _perfpack(*args: str) -> list[str]:
    return [sys.executable, "-m", "perfpack.cli", *args]


def _ingest(zip_path: str, force: str, processed: Path) -> list[str]:
    return _perfpack(
        "ingest", "--source", "police-uk", "--force", force, "--data", zip_path,
        "--processed", str(processed),
    )  # fmt: skip


def _run(period: str, window: int, processed: Path, reports: Path, workers) -> list[str]:
    command = _perfpack(
        "run", period, "--processed", str(processed), "--reports", str(reports),
        "--annotations", str(reports / "annotations"), "--window-months", str(window),
        "--no-pdf", "--quiet",
    )  # fmt: skip
    return command + (["--workers", str(workers)] if workers else [])


def _command(command: list[str], what: str, env: dict) -> dict:
    result = bench_commands.checked(bench_commands.timed_command(command, env=env), what)
    return {k: result[k] for k in ("seconds", "cpu_seconds", "peak_tree_bytes")}


def national_benchmark(
    zip_path,
    workdir,
    period: str = PERIOD,
    window_months: int = WINDOW_MONTHS,
    sample: int | None = None,
    workers: int | None = None,
) -> dict:
    """Time the national pack against the forces one by one.

    Parameters
    ----------
    zip_path : path
        The data.police.uk download.
    workdir : path
        Scratch folder (processed data and reports).
    sample : int, optional
        Build only this many forces one by one (the first in alphabetical order) and estimate
        the rest; default every force.
    workers : int, optional
        Notebooks at once (default: cores).

    Returns
    -------
    dict
        ``forces``, ``national`` (``ingest`` and ``run``: seconds, CPU seconds, peak tree
        bytes; ``seconds`` their sum, ``peak_tree_bytes`` the larger), ``one_by_one``
        (``forces_built``, ``seconds`` measured, ``estimated_seconds`` for every force,
        ``peak_tree_bytes``), ``ratio`` (national seconds / one-by-one seconds for every force)
        and ``estimated`` (True when a sample stood in for the forces).
    """
    from perfpack.ingest.police_uk import discover as police_uk

    zip_path = str(Path(zip_path).resolve())
    work = Path(workdir)
    env = bench_commands.environment()
    files = police_uk.discover(zip_path)
    forces = sorted(set(files.loc[files["kind"] == police_uk.STREET_KIND, "force"]))
    root = work / "national"
    national = {
        "ingest": _command(_ingest(zip_path, "all", root / "processed"), "national ingest", env),
        "run": _command(
            _run(period, window_months, root / "processed", root / "reports", workers),
            "national run",
            env,
        ),
    }
    national["seconds"] = national["ingest"]["seconds"] + national["run"]["seconds"]
    national["peak_tree_bytes"] = max(national["ingest"]["peak_tree_bytes"],
                                      national["run"]["peak_tree_bytes"])  # fmt: skip
    chosen = forces[: sample or len(forces)]
    seconds, peak = 0.0, 0
    for force in chosen:
        folder = work / "one-by-one" / force
        ingest = _command(_ingest(zip_path, force, folder / "processed"), f"{force} ingest", env)
        run = _command(
            _run(period, window_months, folder / "processed", folder / "reports", workers),
            f"{force} run",
            env,
        )
        seconds += ingest["seconds"] + run["seconds"]
        peak = max(peak, ingest["peak_tree_bytes"], run["peak_tree_bytes"])
    estimated = seconds / len(chosen) * len(forces) if chosen else float("nan")
    return {
        "forces": len(forces),
        "period": period,
        "window_months": window_months,
        "workers": workers or os.cpu_count(),
        "national": national,
        "one_by_one": {
            "forces_built": len(chosen),
            "seconds": seconds,
            "estimated_seconds": estimated,
            "peak_tree_bytes": peak,
        },
        "ratio": national["seconds"] / estimated if estimated else None,
        "estimated": len(chosen) < len(forces),
    }


def summary_lines(result: dict) -> list[str]:
    """The national rows of ``make bench``'s table."""
    if not result or "skipped" in result:
        return [f"national pack: skipped ({(result or {}).get('skipped', 'not run')})"]
    one = result["one_by_one"]
    how = f"estimated from {one['forces_built']} forces" if result["estimated"] else "measured"
    return [
        f"national pack ({result['forces']} forces, {result['period']}, "
        f"{result['window_months']}-month windows): {result['national']['seconds']:.0f} s, "
        f"peak {result['national']['peak_tree_bytes'] / 1024**3:.2f} GB",
        f"  forces one by one: {one['estimated_seconds']:.0f} s ({how}), peak "
        f"{one['peak_tree_bytes'] / 1024**3:.2f} GB; national / one by one = "
        f"{result['ratio']:.2f}x",
    ]
