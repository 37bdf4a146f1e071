"""Ingest a data.police.uk download: the canonical tables of a force (or of every force) with
their coverage, the force's areas and the national tables, written atomically with a manifest
(:func:`ingest_police_uk`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from perfpack.data.coverage import COVERAGE_KEYS
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.processed import write_atomically
from perfpack.data.public_tables import (
    AREAS_FILE,
    NATIONAL_COUNTS_FILE,
    NATIONAL_POPULATIONS_FILE,
    NATIONAL_SEARCH_COUNTS_FILE,
)
from perfpack.ingest.police_uk.areas import OWN_AREA_MIN_SHARE
from perfpack.ingest.police_uk.coverage import national_search_counts
from perfpack.ingest.police_uk.discover import STOP_SEARCH_KIND, STREET_KIND, Source, discover
from perfpack.ingest.police_uk.force_areas import force_populations, own_area_table
from perfpack.ingest.police_uk.spool import write_chunks
from perfpack.ingest.police_uk.stop_search import load_stop_search
from perfpack.ingest.police_uk.street import load_street

#: Tables data.police.uk does not publish (the appendix is skipped with a note).
ABSENT_TABLES = {
    "missing_episodes": "data.police.uk does not publish missing-person records",
}


def zip_digest(src: Source) -> Future | None:
    """The sha256 of a zip download, worked out on a thread while its files are read (hashlib
    releases the GIL), or None for a folder (its files are hashed as they are read)."""
    from perfpack.data.provenance import sha256_file

    if not src.is_zip:
        return None
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(sha256_file, src.path)
    finally:
        pool.shutdown(wait=False)


def _input_records(
    src: Source, files: pd.DataFrame, digests: list, whole: Future | None = None
) -> list[dict]:
    from perfpack.data.provenance import sha256_file

    records = []
    if src.is_zip:
        records.append(
            {
                "file": src.path.name,
                "path": str(src.path),
                "sha256": whole.result() if whole is not None else sha256_file(src.path),
                "members": files["path"].tolist(),
                "rows": int(files["rows"].sum()),
            }
        )
    else:
        for (_, row), digest in zip(files.iterrows(), digests, strict=True):
            records.append(
                {
                    "file": str(Path(row["path"]).name),
                    "path": str(row["path"]),
                    "kind": row["kind"],
                    "sha256": digest,
                    "rows": int(row["rows"]),
                }
            )
    return records


def months_of(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    months = frame["month"].dropna()
    if months.empty:
        return None, None
    return f"{months.min():%Y-%m}", f"{months.max():%Y-%m}"


def street_months(street, force: str | None = None) -> tuple[str | None, str | None]:
    """The first and last month of the street records read (of ``force``, when given): every
    record is in its file's month."""
    files = street.coverage.files
    if force is not None:
        files = files[files["force"] == force]
    months = files.loc[files["rows"] > 0, "month"]
    return (min(months), max(months)) if len(months) else (None, None)


def ingest_police_uk(
    source: str | os.PathLike,
    force: str | None,
    processed_dir: str | os.PathLike | None = None,
    lookup=None,
    reference_dir: Path = REFERENCE_DIR,
    min_share: float = OWN_AREA_MIN_SHARE,
):
    """A data.police.uk download -> ``processed_dir`` (canonical parquet tables + manifest).

    Writes ``crimes.parquet`` and, when the download has stop-and-search files for the force,
    ``stop_searches.parquet``, plus ``manifest.json`` (``force``, ``force_slug``,
    ``synthetic: false``, ``data_source: police_uk``, ``inputs`` with sha256, ``coverage``,
    ``absent_tables``), through :func:`perfpack.data.processed.write_atomically` (a temporary
    folder,
    then ``os.replace``, the manifest last). Tables the download does not provide
    (``missing_episodes``, and ``stop_searches`` when absent) are removed from
    ``processed_dir`` so no earlier data (e.g. the demo force's) is read as this force's.

    Beside them (never published): ``areas.parquet`` (:func:`own_area_table`: the areas the
    ``npt`` column holds with their populations), ``national_counts.parquet``
    (:func:`~perfpack.data.public_tables.national_counts` over every force in the download,
    however many were chosen) and ``national_populations.parquet`` (:func:`force_populations`
    of every force), from which :func:`perfpack.data.public_tables.stored_national_rates`
    computes the national comparator for any window at run time,
    and, when the download has stop-and-search files, ``national_search_counts.parquet``
    (:func:`national_search_counts` of every force with such files, for the peer comparison).
    The manifest's ``areas`` says what the areas are (``local_authority`` or ``npt``) and
    ``national`` which forces and months the national table holds.

    Parameters
    ----------
    source : path
        Zip or folder.
    force : str or None
        Force slug; None ingests every force (the national table).
    processed_dir : path, optional
        Default ``data/processed``.
    lookup : pandas.DataFrame or path, optional
        NPT lookup (see :func:`read_street`).

    Returns
    -------
    perfpack.ingest.extracts.IngestSummary
    """
    from perfpack.data.paths import PROCESSED_DIR, resolve

    processed = resolve(processed_dir, PROCESSED_DIR)
    src = Source(source)
    hash_files = not src.is_zip  # a zip is hashed whole
    all_files = discover(source)
    searches = all_files[all_files["kind"] == STOP_SEARCH_KIND]
    if force is not None:
        searches = searches[searches["force"] == force]
    # records wait on the processed folder's disk (the system's temporary folder when it does
    # not exist yet: a refused download must leave no folder behind)
    scratch_dir = processed if processed.is_dir() else None
    digest = zip_digest(src)
    street = load_street(
        source, force, lookup, reference_dir, min_share, hash_files=hash_files,
        want_points=bool(len(searches)), spool_dir=scratch_dir,
    )  # fmt: skip
    scratch = Path(tempfile.mkdtemp(prefix=".crimes-", dir=scratch_dir))
    try:
        return _ingest(
            src, force, processed, lookup, reference_dir, min_share, hash_files, all_files,
            searches, street, scratch, digest,
        )  # fmt: skip
    finally:
        street.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _ingest(
    src, force, processed, lookup, reference_dir, min_share, hash_files, all_files, searches,
    street, scratch, digest,
):  # fmt: skip
    from perfpack.ingest import extracts as force_ingest

    source = src.path
    crimes = write_chunks(street.chunks(encoded=True), scratch / "crimes.parquet", street.empty())
    outputs = {"crimes": crimes}
    coverage = {COVERAGE_KEYS["crimes"]: street.coverage.to_dict()}
    inputs = _input_records(src, street.coverage.files, street.digests, digest)
    absent = dict(ABSENT_TABLES)
    if len(searches):
        frame, ss_coverage, digests = load_stop_search(
            source, force, lookup, street, reference_dir, min_share, hash_files=hash_files
        )
        outputs["stop_searches"] = frame
        coverage[COVERAGE_KEYS["stop_searches"]] = ss_coverage.to_dict()
        if not src.is_zip:
            inputs += _input_records(src, ss_coverage.files, digests)
        else:
            inputs[0]["members"] += ss_coverage.files["path"].tolist()
    else:
        absent["stop_searches"] = "the download has no stop-and-search files for this force"
    every_search = all_files[all_files["kind"] == STOP_SEARCH_KIND]
    if len(every_search) and set(every_search["force"]) != set(searches["force"]):
        _, ss_everyone, _ = load_stop_search(source, None, None, None, reference_dir, min_share)
        search_counts = national_search_counts(ss_everyone)
    elif len(searches):
        search_counts = national_search_counts(ss_coverage)

    # the force's areas, and every force's counts for the national comparator
    if lookup is None:
        area_kind, area_table = "local_authority", own_area_table(street.coverage, force)
    else:
        area_kind = "npt"
        area_table = own_area_table(street.coverage, force, npts=street.npts)
    street_forces = set(all_files.loc[all_files["kind"] == STREET_KIND, "force"])
    if force is None or street_forces == {force}:
        everyone = street
    else:
        everyone = load_street(source, None, None, reference_dir, min_share, spool=False)
    extras = {
        AREAS_FILE: area_table,
        NATIONAL_COUNTS_FILE: everyone.national_counts(),
        NATIONAL_POPULATIONS_FILE: force_populations(everyone.coverage, reference_dir),
    }
    if len(every_search):
        extras[NATIONAL_SEARCH_COUNTS_FILE] = search_counts
    national_info = {
        "forces": list(everyone.forces),
        "months": list(everyone.coverage.months),
        "note": "national_counts.parquet: crimes per force, month, crime type and theme of "
        "every force in the download; the comparator is computed for each window at run time",
    }
    del everyone

    names = street.reported_by.get(force, []) if force is not None else []
    display = (
        names[0]
        if force is not None and len(names) == 1
        else (force if force is not None else f"All forces in the download ({len(street.forces)})")
    )
    tables = {}
    for name, frame in outputs.items():
        first, last = months_of(frame) if name != "crimes" else street_months(street)
        tables[name] = {"rows": int(len(frame)), "first_month": first, "last_month": last}
    manifest = {
        "force": display,
        "force_slug": force,
        "synthetic": False,
        "data_source": "police_uk",
        "note": "data.police.uk public downloads (Open Government Licence v3.0)",
        "source": str(src.path),
        "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": inputs,
        "tables": tables,
        "absent_tables": absent,
        "coverage": coverage,
        "areas": {
            "kind": area_kind,
            "areas": int(len(area_table)),
            "note": "areas.parquet: the areas of the npt column with mid-2019 populations",
        },
        "national": national_info,
    }
    written = {**outputs, **{name.removesuffix(".parquet"): t for name, t in extras.items()}}
    write_atomically(processed, written, manifest)
    for name in absent:
        stale = processed / f"{name}.parquet"
        if stale.exists():
            stale.unlink()
    if not len(every_search):  # no earlier download's search counts read as this one's
        (processed / NATIONAL_SEARCH_COUNTS_FILE).unlink(missing_ok=True)
    return force_ingest.IngestSummary(processed, {t: len(f) for t, f in outputs.items()}, manifest)
