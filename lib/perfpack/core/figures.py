"""The machine-readable table of every published figure: ``theme, measure, window, group, value``.

A theme notebook collects its figures in a :class:`FigureBook` and saves them; the batch runner
joins every theme's file into ``reports/<period>/figures.csv``.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import pandas as pd

from perfpack.core.windows import Window

FIGURE_COLUMNS = ["theme", "measure", "window", "group", "value"]
#: Figures files are published: readable by everyone, written by the owner.
PUBLISHED_FILE_MODE = 0o644


def _clean_value(value) -> float | int:
    """A figure as a plain number: whole values as ``int``, others as the unrounded ``float``
    (NaN for a missing or hidden figure)."""
    if value is None:
        return math.nan
    value = float(value)
    if math.isnan(value):
        return value
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def format_value(value) -> str:
    """How a figure is written to CSV, exactly: a whole number as an integer (``2924565``, never
    ``2.92456e+06``), any other number as the shortest text that reads back as the same float
    (``repr``: ``0.1``, ``29.099999999999998``), a missing figure as an empty field.

    >>> [format_value(v) for v in (2924565.0, 0.1, float("nan"), 7)]
    ['2924565', '0.1', '', '7']
    """
    value = _clean_value(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value) if isinstance(value, int) else repr(value)


class FigureBook:
    """Collects one theme's figures.

    >>> book = FigureBook("personal_robbery")
    >>> book.add("count_current", 764, window=current)
    764
    """

    def __init__(self, theme: str):
        self.theme = theme
        self._rows: list[dict] = []

    def add(
        self, measure: str, value, window: Window | str | None = None, group: str | None = None
    ):
        """Record one figure and return the value, so a notebook can record and show in one step."""
        label = window.label if isinstance(window, Window) else (window or "")
        self._rows.append(
            {
                "theme": self.theme,
                "measure": measure,
                "window": label,
                "group": "" if group is None else str(group),
                "value": _clean_value(value),
            }
        )
        return value

    def extend(self, frame: pd.DataFrame) -> None:
        """Record many figures from a frame with ``measure, window, group, value`` columns."""
        for row in frame.itertuples(index=False):
            self.add(row.measure, row.value, window=row.window, group=row.group)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self._rows, columns=FIGURE_COLUMNS)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the figures to ``path`` atomically (no half-written file on failure)."""
        return write_figures(self.to_frame(), Path(path))


def write_figures(frame: pd.DataFrame, path: Path) -> Path:
    """Write a figures frame as CSV via a temporary file and an atomic rename (mode 0644)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        out = frame[FIGURE_COLUMNS].copy()
        out["value"] = [format_value(v) for v in out["value"]]
        out.to_csv(tmp, index=False, lineterminator="\n")
        # mkstemp makes the file 0600; figures are published, so readable by everyone
        os.chmod(tmp, PUBLISHED_FILE_MODE)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_figures(path: str | os.PathLike) -> pd.DataFrame:
    """Read a figures CSV back (window and group as text, never NaN)."""
    frame = pd.read_csv(path, dtype={"theme": str, "measure": str, "window": str, "group": str})
    frame[["window", "group"]] = frame[["window", "group"]].fillna("")
    return frame


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Join theme figure frames into one, in a stable order."""
    if not frames:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[FIGURE_COLUMNS]
