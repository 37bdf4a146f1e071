"""Loading the canonical tables from ``data/processed/`` (what ingest wrote)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from perfpack.data.paths import PROCESSED_DIR, resolve

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
