"""The processed folder: written atomically, and checked to be this version's before a run."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from perfpack.data.contracts import CANONICAL, PROCESSED_SCHEMA_VERSION
from perfpack.data.paths import PROCESSED_DIR, resolve
from perfpack.data.safe_input import IngestError, InputError, check_size, clip

PROCESSED_MANIFEST_NAME = "manifest.json"


def write_atomically(processed_dir: Path, outputs: dict[str, pd.DataFrame], manifest: dict):
    """Write every output into a temporary folder inside ``processed_dir``, then move each into
    place with ``os.replace`` (the manifest last). The temporary folder is always removed."""
    if "schema_version" not in manifest:
        manifest = {"schema_version": PROCESSED_SCHEMA_VERSION, **manifest}
    processed_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ingest-", dir=processed_dir))
    try:
        names = []
        for table, frame in outputs.items():
            frame.to_parquet(staging / f"{table}.parquet", index=False)
            names.append(f"{table}.parquet")
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (staging / PROCESSED_MANIFEST_NAME).write_text(text, encoding="utf-8")
        names.append(PROCESSED_MANIFEST_NAME)
        for name in names:
            os.replace(staging / name, processed_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_processed(processed_dir: str | Path | None = None) -> dict:
    """The processed folder's ``manifest.json``, checked to be this version's.

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    IngestError
        When ``manifest.json`` is missing, unreadable, not a JSON object, written by an older
        perfpack (no ``schema_version``, or not ``PROCESSED_SCHEMA_VERSION``) or names an
        unknown ``data_source``, or a table in it is unreadable or lacks a canonical column. The
        message ends "re-run perfpack ingest".
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = resolve(processed_dir, PROCESSED_DIR)
    path = folder / PROCESSED_MANIFEST_NAME
    rerun = "re-run perfpack ingest"
    if not path.is_file():
        raise IngestError(f"{path}: not found; run perfpack ingest first")
    try:
        check_size(path.stat().st_size, PROCESSED_MANIFEST_NAME, 16 * 1024 * 1024)
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (InputError, OSError, UnicodeDecodeError, ValueError, RecursionError) as bad:
        problem = clip(str(bad), 60)
        raise IngestError(f"{path}: cannot be read ({problem}); {rerun}") from None
    if not isinstance(manifest, dict):
        raise IngestError(f"{path}: not a JSON object; {rerun}")
    version = manifest.get("schema_version")
    if version != PROCESSED_SCHEMA_VERSION:
        found = "no schema_version" if version is None else f"schema_version {clip(str(version))}"
        raise IngestError(
            f"{path}: written by an older perfpack ({found}; this version needs "
            f"{PROCESSED_SCHEMA_VERSION}); {rerun}"
        )
    data_source = manifest.get("data_source", "force")
    if data_source not in ("force", "police_uk"):
        raise IngestError(f"{path}: unknown data_source {clip(str(data_source))}; {rerun}")
    for table, columns in CANONICAL.items():
        file = folder / f"{table}.parquet"
        if not file.is_file():
            continue
        try:
            names = set(pq.read_schema(file).names)
        except (OSError, ValueError, pa.ArrowException) as bad:
            raise IngestError(
                f"{file}: not a readable table ({clip(str(bad), 60)}); {rerun}"
            ) from None
        missing = [c for c in columns if c not in names]
        if missing:
            raise IngestError(
                f"{file}: written by an older perfpack (no column {missing[0]!r}); {rerun}"
            )
    return manifest
