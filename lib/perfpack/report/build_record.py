"""What each appendix of a pack was built from, so the next run rebuilds only what changed.

Before a pack runs, every planned appendix gets a fingerprint: sha256 digests of its notebook,
the perfpack package source (code and page templates), the processed manifest, the processed
table it reads and the files ingest writes beside the tables, the ``data/reference/`` files,
its commentary file, its parameters and the versions of the packages that run it. The pack as
a whole (overview, figures.csv, report.pdf) has one too: the appendices' fingerprints, every
commentary file of the period, the skipped themes and the run's options.

After the pack is published, the fingerprints of the appendices that ran cleanly are written to
``reports/executed/<period>/build.json`` (beside the executed notebooks, never published). On the
next run an appendix whose fingerprint is unchanged, whose previous run succeeded and whose
page, figures and executed notebook are still there is reused as it was published; a failed
appendix is never reused. When every appendix and the pack's own fingerprint are unchanged and
the previous run was complete, nothing is rebuilt at all.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from perfpack.data import provenance, reference, tables
from perfpack.data.paths import NOTEBOOKS_DIR, PACKAGE_DIR, REFERENCE_DIR
from perfpack.report import annotations

#: The build record's file name, in ``reports/executed/<period>/``.
RECORD_NAME = "build.json"
#: Bumped when the fingerprint's recipe changes, so an older record reuses nothing.
RECORD_VERSION = 1


def digest(value) -> str:
    """sha256 of a JSON-serialisable value (keys sorted), as hex."""
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    return provenance.sha256_file(path)


def file_digest(path: Path) -> str | None:
    """sha256 of a file's bytes (None when it does not exist); cached per size and mtime."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _file_digest(str(path), stat.st_size, stat.st_mtime_ns)


def folder_digest(folder: Path) -> str:
    """One digest of every file under ``folder`` (their relative paths and contents), skipping
    byte-code caches."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest({p.relative_to(folder).as_posix(): file_digest(p) for p in files})


def package_digest() -> str:
    """The perfpack package source: any change to code or templates changes every page."""
    return folder_digest(PACKAGE_DIR)


def _processed_inputs(processed_dir: Path, table: str) -> dict:
    """The processed files an appendix reads: the manifest, its own canonical table and every
    file ingest writes beside the tables (areas, national counts and populations), but not the
    other canonical tables."""
    others = set(tables.TABLE_NAMES) - {table}
    return {
        p.name: file_digest(p)
        for p in sorted(Path(processed_dir).iterdir())
        if p.is_file() and p.stem not in others and not p.name.startswith(".")
    }


def _table_of(job) -> str:
    """The canonical table an appendix reads: its theme's, or for a deep dive its action's."""
    slug = job.parameters.get("theme")
    if slug is None:
        actions = reference.actions().set_index("deep_dive")
        slug = actions.loc[job.slug, "theme"]
    return str(reference.themes().loc[slug, "table"])


def environment() -> dict:
    """What every appendix shares: the package source, the reference files and the versions
    of the packages that run the notebooks."""
    return {
        "package": package_digest(),
        "reference": folder_digest(REFERENCE_DIR),
        "packages": digest(provenance.package_versions()),
    }


def job_fingerprint(job, processed_dir: Path, shared: dict) -> dict:
    """The digests of everything one appendix is built from (see the module notes)."""
    annotation = annotations.commentary_path(
        job.parameters["period"], job.slug, job.parameters.get("annotations_dir")
    )
    return {
        "version": RECORD_VERSION,
        **shared,
        "notebook": file_digest(NOTEBOOKS_DIR / job.notebook),
        "processed": digest(_processed_inputs(processed_dir, _table_of(job))),
        "annotation": file_digest(annotation),
        "parameters": digest({"kind": job.kind, "title": job.title, **job.parameters}),
    }


def pack_fingerprint(fingerprints: dict, shared: dict, options: dict, annotations_dir) -> dict:
    """The digests the overview, figures.csv and report.pdf are built from: the appendices'
    fingerprints, every commentary file of the period, and the run's options."""
    period_dir = Path(annotations_dir) / str(options["period"])
    commentary = folder_digest(period_dir) if period_dir.is_dir() else None
    return {
        "version": RECORD_VERSION,
        **shared,
        "appendices": digest(fingerprints),
        "annotations": commentary,
        "options": digest(options),
    }


def read(executed_dir: Path) -> dict:
    """The build record of a pack's previous run (empty when there is none or it is unreadable)."""
    try:
        record = json.loads((Path(executed_dir) / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return {}
    return record


def outputs(staging: Path) -> dict:
    """relative path -> sha256 of every file a pack's staging folder holds (its executed
    notebooks under ``executed/``), as it is about to be published."""
    staging = Path(staging)
    return {
        p.relative_to(staging).as_posix(): file_digest(p)
        for p in sorted(staging.rglob("*"))
        if p.is_file() and p.name != RECORD_NAME
    }


def unchanged_outputs(record: dict, final: Path, executed_final: Path, names) -> bool:
    """Whether the published files ``names`` (relative paths as :func:`outputs` gives them)
    are byte for byte what the recorded run published: a page edited or deleted since is
    built again."""
    recorded = record.get("outputs", {})
    for name in names:
        head, _, rest = name.partition("/")
        path = Path(executed_final) / rest if head == "executed" else Path(final) / name
        if recorded.get(name) is None or file_digest(path) != recorded[name]:
            return False
    return True


def write(
    executed_dir: Path, pack: dict, appendices: dict, complete: bool, published: dict
) -> None:
    """Write the build record: the pack's fingerprint, whether the run was complete (every
    appendix ran cleanly and report.pdf was made when asked for), the fingerprint of each
    appendix that ran cleanly (a failed one is left out, so it is never reused) and the
    digest of every file published (:func:`outputs`)."""
    record = {
        "version": RECORD_VERSION,
        "pack": pack,
        "complete": bool(complete),
        "appendices": appendices,
        "outputs": published,
    }
    Path(executed_dir).mkdir(parents=True, exist_ok=True)
    (Path(executed_dir) / RECORD_NAME).write_text(
        json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
