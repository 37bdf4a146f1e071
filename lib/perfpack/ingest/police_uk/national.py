"""Ingest for the national pack: a data.police.uk download read once and written as one
processed folder per force (what a one-force ingest writes for that force), under a root that
holds ``national.json`` and the national counts (:func:`ingest_every_force`)."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from perfpack.data.coverage import COVERAGE_KEYS
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.processed import write_atomically
from perfpack.data.public_tables import (
    AREAS_FILE,
    NATIONAL_COUNTS_FILE,
    NATIONAL_FILE,
    NATIONAL_POPULATIONS_FILE,
    NATIONAL_SEARCH_COUNTS_FILE,
)
from perfpack.ingest.police_uk.areas import OWN_AREA_MIN_SHARE
from perfpack.ingest.police_uk.coverage import CoverageReport, national_search_counts
from perfpack.ingest.police_uk.discover import STOP_SEARCH_KIND, Source, discover
from perfpack.ingest.police_uk.force_areas import force_populations, own_area_table
from perfpack.ingest.police_uk.ingest import ABSENT_TABLES, months_of, street_months, zip_digest
from perfpack.ingest.police_uk.spool import write_chunks
from perfpack.ingest.police_uk.stop_search import load_stop_search
from perfpack.ingest.police_uk.street import load_street

# --------------------------------------------------------------------------------------------
# ingest: read once, one processed folder per force


def coverage_for_force(coverage: CoverageReport, slug: str) -> CoverageReport:
    """A download's :class:`~perfpack.ingest.police_uk.coverage.CoverageReport` narrowed to one
    force."""

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["force"] == slug].reset_index(drop=True)

    return replace(
        coverage,
        forces=[slug],
        files=only(coverage.files),
        missing_files=only(coverage.missing_files),
        by_month=only(coverage.by_month),
        outside_area=only(coverage.outside_area),
        own_areas=only(coverage.own_areas),
    )


def _inputs(source_path: Path, is_zip: bool, files: pd.DataFrame, zip_sha256: str | None):
    if is_zip:
        return [
            {
                "file": source_path.name,
                "path": str(source_path),
                "sha256": zip_sha256,
                "members": files["path"].tolist(),
                "rows": int(files["rows"].sum()),
            }
        ]
    from perfpack.data.provenance import sha256_file

    return [
        {
            "file": Path(p).name,
            "path": str(p),
            "kind": kind,
            "sha256": sha256_file(p),
            "rows": int(rows),
        }
        for p, kind, rows in zip(files["path"], files["kind"], files["rows"], strict=True)
    ]


def ingest_every_force(
    source, processed_root, reference_dir: Path = REFERENCE_DIR
) -> dict[str, Path]:
    """A data.police.uk download -> one processed folder per force, read once.

    Each ``<processed_root>/<slug>/`` holds what
    :func:`perfpack.ingest.police_uk.ingest.ingest_police_uk`
    writes for that force alone (crimes, areas, the national counts and populations, a manifest
    with the force's coverage); the root holds ``national_counts.parquet``,
    ``national_populations.parquet`` and ``national.json`` (the forces and their folders).
    Stop-and-search files, when the download has them, are read once too and split by force;
    their per-force monthly counts (``national_search_counts.parquet``) go beside the others.

    Returns
    -------
    dict
        Force slug -> its processed folder.
    """
    root = Path(processed_root)
    src = Source(source)
    all_files = discover(source)
    searches = all_files[all_files["kind"] == STOP_SEARCH_KIND]
    scratch_dir = root if root.is_dir() else None  # no folder left behind by a refused download
    digest = zip_digest(src)
    street = load_street(
        source, None, None, reference_dir, want_points=bool(len(searches)), spool_dir=scratch_dir
    )
    scratch = Path(tempfile.mkdtemp(prefix=".crimes-", dir=scratch_dir))
    try:
        return _every_force(src, root, street, searches, reference_dir, scratch, digest)
    finally:
        street.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _every_force(src, root: Path, street, searches, reference_dir, scratch: Path, digest):
    source = src.path
    counts = street.national_counts()
    populations = force_populations(street.coverage, reference_dir)
    zip_sha256 = digest.result() if digest is not None else None
    ss_frame = ss_coverage = search_counts = None
    if len(searches):
        ss_frame, ss_coverage, _ = load_stop_search(
            source, None, None, street, reference_dir, OWN_AREA_MIN_SHARE
        )
        search_counts = national_search_counts(ss_coverage)
    national_info = {
        "forces": list(street.forces),
        "months": list(street.coverage.months),
        "note": "national_counts.parquet: crimes per force, month, crime type and theme of "
        "every force in the download; the comparator is computed for each window at run time",
    }
    folders: dict[str, Path] = {}
    for slug in street.forces:
        crimes = write_chunks(
            street.chunks(slug, encoded=True), scratch / f"{slug}.parquet", street.empty()
        )
        outputs = {"crimes": crimes}
        coverage = {COVERAGE_KEYS["crimes"]: coverage_for_force(street.coverage, slug).to_dict()}
        files = street.coverage.files[street.coverage.files["force"] == slug]
        absent = dict(ABSENT_TABLES)
        if ss_frame is not None and (ss_frame["force"] == slug).any():
            outputs["stop_searches"] = ss_frame[ss_frame["force"] == slug].reset_index(drop=True)
            coverage[COVERAGE_KEYS["stop_searches"]] = coverage_for_force(
                ss_coverage, slug
            ).to_dict()
            files = pd.concat([files, ss_coverage.files[ss_coverage.files["force"] == slug]])
        else:
            absent["stop_searches"] = "the download has no stop-and-search files for this force"
        area_table = own_area_table(street.coverage, slug, reference_dir=reference_dir)
        names = street.reported_by.get(slug, [])
        tables_info = {}
        for name, frame in outputs.items():
            first, last = months_of(frame) if name != "crimes" else street_months(street, slug)
            tables_info[name] = {"rows": int(len(frame)), "first_month": first, "last_month": last}
        manifest = {
            "force": names[0] if len(names) == 1 else slug,
            "force_slug": slug,
            "synthetic": False,
            "data_source": "police_uk",
            "note": "data.police.uk public downloads (Open Government Licence v3.0)",
            "source": str(src.path),
            "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "inputs": _inputs(src.path, src.is_zip, files, zip_sha256),
            "tables": tables_info,
            "absent_tables": absent,
            "coverage": coverage,
            "areas": {
                "kind": "local_authority",
                "areas": int(len(area_table)),
                "note": "areas.parquet: the areas of the npt column with mid-2019 populations",
            },
            "national": national_info,
        }
        written = {
            **outputs,
            AREAS_FILE.removesuffix(".parquet"): area_table,
            NATIONAL_COUNTS_FILE.removesuffix(".parquet"): counts,
            NATIONAL_POPULATIONS_FILE.removesuffix(".parquet"): populations,
        }
        if search_counts is not None:
            written[NATIONAL_SEARCH_COUNTS_FILE.removesuffix(".parquet")] = search_counts
        folder = root / slug
        write_atomically(folder, written, manifest)
        for name in absent:
            (folder / f"{name}.parquet").unlink(missing_ok=True)
        if search_counts is None:
            (folder / NATIONAL_SEARCH_COUNTS_FILE).unlink(missing_ok=True)
        folders[slug] = folder
    counts.to_parquet(root / NATIONAL_COUNTS_FILE, index=False)
    populations.to_parquet(root / NATIONAL_POPULATIONS_FILE, index=False)
    if search_counts is not None:
        search_counts.to_parquet(root / NATIONAL_SEARCH_COUNTS_FILE, index=False)
    record = {
        **national_info,
        "source": str(src.path),
        "folders": {slug: slug for slug in folders},
        "names": {slug: json.loads((f / "manifest.json").read_text())["force"]
                  for slug, f in folders.items()},
    }  # fmt: skip
    (root / NATIONAL_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return folders
