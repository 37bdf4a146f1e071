"""Loading the canonical tables from ``data/processed/`` (what ingest wrote).

Every theme reads its tables through :class:`ProcessedTables` (:func:`open_tables` for a
processed folder, :meth:`ProcessedTables.of` for tables made by hand): the one ``tables``
argument of ``analyse(tables, spec, period, window_months)`` (:mod:`perfpack.themes.base`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from perfpack.data.paths import PROCESSED_DIR, resolve

if TYPE_CHECKING:  # pandas is imported when a table is read
    import pandas as pd

TABLE_NAMES = ("crimes", "stop_searches", "missing_episodes")
MANIFEST_NAME = "manifest.json"


class MissingTableError(FileNotFoundError):
    """A processed table is not there: ingest has not been run for this data."""


def processed_dir(path: str | Path | None = None) -> Path:
    return resolve(path, PROCESSED_DIR)


def load(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """One canonical table (``crimes``, ``stop_searches``, ``missing_episodes``)."""
    if name not in TABLE_NAMES:
        raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLE_NAMES)}")
    file = processed_dir(path) / f"{name}.parquet"
    if not file.exists():
        raise MissingTableError(
            f"{file} does not exist: run `make ingest` (or `perfpack ingest`) first"
        )
    import pandas as pd

    return pd.read_parquet(file)


def manifest(path: str | Path | None = None) -> dict:
    """What ingest recorded about the processed data: force, synthetic flag, inputs and periods."""
    file = processed_dir(path) / MANIFEST_NAME
    if not file.exists():
        raise MissingTableError(
            f"{file} does not exist: run `make ingest` (or `perfpack ingest`) first"
        )
    return json.loads(file.read_text(encoding="utf-8"))


def is_synthetic(path: str | Path | None = None) -> bool:
    """True when the processed data is the embedded demonstration force."""
    return bool(manifest(path).get("synthetic", False))


class ProcessedTables(Mapping[str, "pd.DataFrame"]):
    """The canonical tables of one processed folder, by name, each read when first used.

    A read-only mapping from a table name (:data:`TABLE_NAMES`) to its DataFrame. A folder's
    tables are the canonical tables ingest wrote there (a data.police.uk download has no
    ``missing_episodes``); each parquet file is read on first access and kept, so a theme
    reads only the tables it uses, once. Made with :func:`open_tables` (a folder) or
    :meth:`of` (frames made by hand, ``folder`` None).

    Parameters
    ----------
    folder : Path or None
        The processed folder; None for tables made by hand.
    frames : mapping of str to DataFrame, optional
        Tables already in hand (the only tables when ``folder`` is None).
    manifest : dict, optional
        What :meth:`manifest` gives for tables made by hand (default: empty).
    """

    def __init__(
        self,
        folder: Path | None,
        frames: Mapping[str, pd.DataFrame] | None = None,
        manifest: dict | None = None,
    ) -> None:
        frames = dict(frames or {})
        unknown = sorted(set(frames) - set(TABLE_NAMES))
        if unknown:
            raise KeyError(f"unknown table {unknown[0]!r}; tables are {', '.join(TABLE_NAMES)}")
        self._folder = None if folder is None else Path(folder)
        self._frames = frames
        self._manifest = manifest

    @classmethod
    def of(cls, *, manifest: dict | None = None, **frames: pd.DataFrame) -> ProcessedTables:
        """Tables made by hand (a test, a what-if): ``ProcessedTables.of(crimes=frame)``.

        ``folder`` is None, so a theme uses its defaults for what a folder would hold besides
        the tables (the areas and populations of ``data/reference``, no peers, no national
        counts of a download). ``manifest`` is what :meth:`manifest` gives (default empty).
        """
        return cls(None, frames, {} if manifest is None else manifest)

    @property
    def folder(self) -> Path | None:
        """The processed folder the tables come from; None for tables made by hand."""
        return self._folder

    def manifest(self) -> dict:
        """What ingest recorded about the tables (:func:`manifest`); a copy, read once."""
        if self._manifest is None:
            self._manifest = manifest(self._folder)
        return copy.deepcopy(self._manifest)

    def _names(self) -> list[str]:
        if self._folder is None:
            return list(self._frames)
        return [
            name
            for name in TABLE_NAMES
            if name in self._frames or (self._folder / f"{name}.parquet").exists()
        ]

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._frames:
            return self._frames[name]
        if self._folder is None or name not in TABLE_NAMES:
            raise KeyError(name)
        frame = self._frames[name] = load(name, self._folder)  # MissingTableError if absent
        return frame

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def get(self, name: str, default=None):
        """The table, or ``default`` when the folder does not hold it."""
        return self[name] if name in self else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        where = "by hand" if self._folder is None else str(self._folder)
        return f"ProcessedTables({where}: {', '.join(self._names())})"


def open_tables(processed_dir: str | Path | None = None) -> ProcessedTables:
    """The processed tables of ``processed_dir`` (blank or None: ``data/processed``), each read
    when a theme first uses it (:class:`ProcessedTables`)."""
    return ProcessedTables(resolve(processed_dir, PROCESSED_DIR))
