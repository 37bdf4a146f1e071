"""Raw -> processed: validate the force records extracts and write the canonical tables.

``ingest()`` reads ``data/raw/manifest.yml`` and every extract it lists, checks them all against
their contracts (``perfpack.data.contracts``, via ``perfpack.ingest.validate``) before writing
anything,
turns each into its canonical table (``perfpack.data.contracts.CANONICAL``) and writes
``data/processed/<table>.parquet`` plus ``manifest.json``. Outputs are written into a temporary
folder inside the processed folder and then moved into place, so a failed ingest leaves the
processed folder exactly as it was. Raw files are only ever read.

Bad input raises ``IngestError`` (a ``ValueError``) whose message is one line naming file, line,
column and problem; ``main()`` prints it as ``error: <message>`` and returns 2.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from perfpack.data import reference
from perfpack.data.contracts import (
    CANONICAL,
    CONTRACTS,
    MANIFEST_EXTRACT_KEYS,
    MANIFEST_KEYS,
    PROCESSED_SCHEMA_VERSION,
    Contract,
)
from perfpack.data.paths import PROCESSED_DIR, RAW_DIR, REFERENCE_DIR, resolve
from perfpack.data.processed import (  # noqa: F401 (check_processed re-exported)
    PROCESSED_MANIFEST_NAME,
    check_processed,
    write_atomically,
)
from perfpack.data.safe_input import (
    MAX_ERROR_CHARS,
    MAX_MANIFEST_BYTES,
    IngestError,
    InputError,
    check_size,
    clip,
    control_character,
    load_yaml,
    one_line,
)
from perfpack.ingest.csv_text import Extract, read_extract
from perfpack.ingest.memory import lean_memory, release
from perfpack.ingest.parsers import (
    DATETIME_DTYPE,
    first_of_month,
    is_blank,
    parse_bool,
    parse_date,
    parse_datetime_local,
    parse_flag,
    parse_int,
    time_known,
)
from perfpack.ingest.problems import combine, error_from, problem_table
from perfpack.ingest.validate import REFERENCE_ROW_FILTERS, check_extract

__all__ = [
    "check_processed",
    "IngestError",
    "IngestSummary",
    "RawManifest",
    "ExtractSpec",
    "read_manifest",
    "canonicalise",
    "conform",
    "ingest",
    "main",
]

RAW_MANIFEST_NAME = "manifest.yml"
#: Canonical dtype names (``perfpack.data.contracts.CANONICAL``) -> pandas dtypes.
CANONICAL_DTYPES = {
    "str": "str",
    "datetime": DATETIME_DTYPE,
    "month": DATETIME_DTYPE,
    "Int64": "Int64",
    "boolean": "boolean",
}
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
#: The longest force name and note a manifest may give.
MAX_FORCE_CHARS, MAX_NOTE_CHARS = 200, 2000


@dataclass(frozen=True)
class ExtractSpec:
    """One extract listed in the raw manifest: its file and the months it says it covers."""

    table: str
    file: str
    first_month: pd.Period
    last_month: pd.Period


@dataclass(frozen=True)
class RawManifest:
    """``data/raw/manifest.yml``: whose data it is, whether it is synthetic, and the extracts."""

    force: str
    synthetic: bool
    note: str
    extracts: dict[str, ExtractSpec]


@dataclass(frozen=True)
class IngestSummary:
    """What an ingest wrote: the processed folder, rows per table and the manifest it recorded."""

    processed_dir: Path
    rows: dict[str, int]
    manifest: dict = field(repr=False)

    def __str__(self) -> str:
        counts = ", ".join(f"{table} {n:,} rows" for table, n in self.rows.items())
        synthetic = " [synthetic]" if self.manifest.get("synthetic") else ""
        return f"ingested {self.manifest.get('force')}{synthetic}: {counts} -> {self.processed_dir}"


# --------------------------------------------------------------------------------------------
# the raw manifest


def _manifest_error(problem: str) -> IngestError:
    return IngestError(f"{RAW_MANIFEST_NAME}: {problem}")


def _month(value, where: str) -> pd.Period:
    if value is None:
        raise _manifest_error(f"{where} is missing (a month written YYYY-MM, e.g. 2019-12)")
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if not _MONTH.fullmatch(text):
        raise _manifest_error(
            f"{where} is {clip(str(value))}, not a month written YYYY-MM (e.g. 2019-12)"
        )
    year = int(text[:4])
    if not 1900 <= year <= 2200:
        raise _manifest_error(f"{where} is {text!r}: the year must be 1900 to 2200")
    return pd.Period(text, freq="M")


def _unknown_keys(mapping: dict, known: tuple[str, ...], where: str) -> None:
    """Refuse a key the data dictionary does not list (a misspelt key must not be ignored)."""
    for key in mapping:
        if key not in known:
            raise _manifest_error(
                f"unknown key {clip(str(key))}{where} (keys: {', '.join(known)}; "
                "see data/README.md)"
            )


def _plain_text(value, key: str, limit: int, required: bool) -> str:
    """A manifest text value: a string within ``limit`` characters with no control characters
    (line breaks allowed in the note)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _manifest_error(f"{key!r} is missing or blank")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise _manifest_error(f"{key!r} must be text, not {type(value).__name__}")
    text = str(value).strip()
    bad = control_character(text.replace("\n", " ").replace("\t", " "))
    if bad is not None or (required and "\n" in text):
        raise _manifest_error(f"{key!r} holds a control character ({bad or 'a line break'})")
    if len(text) > limit:
        raise _manifest_error(f"{key!r} is {len(text):,} characters long (at most {limit:,})")
    return text


def read_yaml_file(path: Path, name: str = RAW_MANIFEST_NAME, limit: int = MAX_MANIFEST_BYTES):
    """A small YAML file, read safely: size limit first, UTF-8, no anchors, aliases or repeated
    keys (``perfpack.data.safe_input.load_yaml``). Raises ``IngestError``."""
    try:
        check_size(path.stat().st_size, name, limit)
        data = path.read_bytes()
    except InputError as bad:
        raise IngestError(str(bad)) from None
    except OSError as bad:
        raise IngestError(f"{name}: cannot be read ({bad.strerror or bad})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data.count(b"\n", 0, bad.start) + 1
        raise IngestError(
            f"{name} line {line}: not UTF-8 text (byte 0x{data[bad.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    if "\x00" in text:
        raise IngestError(f"{name}: holds a NUL byte (0x00); save the file as UTF-8 text")
    try:
        return load_yaml(text, name)
    except InputError as bad:
        raise IngestError(str(bad)) from None


def read_manifest(raw_dir: Path) -> RawManifest:
    """Read and check ``manifest.yml`` in ``raw_dir``, and that every file it lists is there.

    It must name the force, say whether the data is synthetic, and list each of the three
    extracts (``crimes``, ``stop_searches``, ``missing_episodes``) with ``first_month`` and
    ``last_month`` (``YYYY-MM``) and optionally ``file`` (default: the contract's file name).
    """
    path = Path(raw_dir) / RAW_MANIFEST_NAME
    if path.is_dir():
        raise _manifest_error(f"is a folder in {raw_dir}, not a file")
    if not path.is_file():
        raise _manifest_error(
            f"not found in {raw_dir} (it lists the extracts to ingest; see data/README.md)"
        )
    document = read_yaml_file(path)
    if not isinstance(document, dict):
        raise _manifest_error("must be a mapping with force, synthetic, note and extracts")
    _unknown_keys(document, MANIFEST_KEYS, "")
    force = _plain_text(document.get("force"), "force", MAX_FORCE_CHARS, required=True)
    if "synthetic" not in document:
        raise _manifest_error("'synthetic' is missing; say true (demo force) or false")
    synthetic = document["synthetic"]
    if not isinstance(synthetic, bool):
        raise _manifest_error(f"'synthetic' is {clip(str(synthetic))}; it must be true or false")
    note = _plain_text(document.get("note"), "note", MAX_NOTE_CHARS, required=False)
    extracts = document.get("extracts")
    if extracts is not None and not isinstance(extracts, dict):
        raise _manifest_error(
            f"'extracts' must be a mapping of extract to file and months, not "
            f"{type(extracts).__name__}"
        )
    if not isinstance(extracts, dict):
        raise _manifest_error("'extracts' is missing (it maps each extract to its file and months)")
    unknown = [name for name in extracts if name not in CONTRACTS]
    if unknown:
        raise _manifest_error(
            f"unknown extract {clip(str(unknown[0]))} under 'extracts' "
            f"(known: {', '.join(CONTRACTS)})"
        )
    specs = {}
    used: dict[str, str] = {}
    for table, contract in CONTRACTS.items():
        entry = extracts.get(table)
        if entry is not None and not isinstance(entry, dict):
            raise _manifest_error(
                f"extract {table!r} must be a mapping with file, first_month and last_month, "
                f"not {type(entry).__name__}"
            )
        if not isinstance(entry, dict):
            raise _manifest_error(
                f"no entry for extract {table!r} under 'extracts' "
                "(give its first_month and last_month)"
            )
        _unknown_keys(entry, MANIFEST_EXTRACT_KEYS, f" under {table}")
        file_name = _file_name(entry.get("file"), contract, table)
        if file_name in used:
            raise _manifest_error(
                f"{table} file {file_name!r} is also listed for {used[file_name]}"
            )
        used[file_name] = table
        first = _month(entry.get("first_month"), f"{table} first_month")
        last = _month(entry.get("last_month"), f"{table} last_month")
        if last < first:
            raise _manifest_error(f"{table} last_month {last} is before first_month {first}")
        target = Path(raw_dir) / file_name
        if target.is_dir():
            raise IngestError(
                f"{file_name}: is a folder, not a file (listed in {RAW_MANIFEST_NAME} for {table})"
            )
        if not target.is_file():
            raise IngestError(
                f"{file_name}: not found in {raw_dir} (listed in {RAW_MANIFEST_NAME} for {table})"
            )
        specs[table] = ExtractSpec(table, file_name, first, last)
    return RawManifest(force, synthetic, note, specs)


def _file_name(value, contract: Contract, table: str) -> str:
    """An extract's file name from the manifest (default the contract's): a plain name inside
    the raw folder."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return contract.default_file
    if not isinstance(value, str):
        raise _manifest_error(f"{table} file must be a file name, not {type(value).__name__}")
    if control_character(value) or "\n" in value or "\t" in value or len(value) > 255:
        raise _manifest_error(
            f"{table} file {clip(value)} is not a usable file name (control characters or "
            "over 255 characters)"
        )
    if Path(value).name != value or value in (".", "..") or "\\" in value:
        raise _manifest_error(
            f"{table} file {clip(value)} must be a file name inside the raw folder, not a path"
        )
    return value


# --------------------------------------------------------------------------------------------
# canonical tables


def _text(values: pd.Series) -> pd.Series:
    """Text as the ``str`` dtype with blank cells missing."""
    return values.astype("str").mask(is_blank(values))


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with exactly the canonical columns of ``table``, in order, in their dtypes."""
    spec = CANONICAL[table]
    return pd.DataFrame(
        {name: frame[name].astype(CANONICAL_DTYPES[kind]) for name, kind in spec.items()}
    ).reset_index(drop=True)


def canonical_crimes(extract: pd.DataFrame, reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Recorded crimes extract (checked text) -> the canonical ``crimes`` table.

    ``crime_type`` is the offence's description and ``theme`` its theme (missing when the
    offence is outside every theme), both from ``data/reference/offence_themes.csv`` (scheme
    ``ho_code``); ``local_authority`` comes from ``data/reference/npts.csv``; ``month`` is the
    first day of the recorded month; ``knife`` is the Y/N knife flag as a boolean.
    """
    offences = reference.offence_themes(reference_dir)
    key, wanted = REFERENCE_ROW_FILTERS["offence_themes"]
    offences = offences[offences[key] == wanted].set_index("code")
    npts = reference.npts(reference_dir).set_index("npt")
    recorded = parse_date(extract["recorded_date"])
    codes = extract["offence_code"]
    return conform(
        pd.DataFrame(
            {
                "crime_id": _text(extract["crime_id"]),
                "recorded_date": recorded,
                "month": first_of_month(recorded),
                "offence_code": _text(codes),
                "crime_type": _text(codes.map(offences["description"])),
                "theme": _text(codes.map(offences["theme"])),
                "npt": _text(extract["npt"]),
                "local_authority": _text(extract["npt"].map(npts["local_authority"])),
                "lsoa_code": _text(extract["lsoa_code"]),
                "knife": parse_flag(extract["knife_flag"]),
                "victim_age": parse_int(extract["victim_age"]),
                "victim_sex": _text(extract["victim_sex"]),
                "suspect_age": parse_int(extract["suspect_age"]),
                "suspect_sex": _text(extract["suspect_sex"]),
            }
        ),
        "crimes",
    )


def canonical_stop_searches(extract: pd.DataFrame) -> pd.DataFrame:
    """Stop-search extract (checked text, data.police.uk column names) -> ``stop_searches``.

    ``datetime`` is the ``Date`` as Europe/London wall-clock time (tz-naive); ``time_known`` is
    False when that local time is exactly 00:00:00 (a date-only record); ``outcome_linked`` is
    the ``Outcome linked to object of search`` True/False, missing when blank. Operation,
    coordinates and the clothing-removal flag are not carried into the canonical table.
    """
    when = parse_datetime_local(extract["Date"])
    return conform(
        pd.DataFrame(
            {
                "search_id": _text(extract["Search ID"]),
                "datetime": when,
                "month": first_of_month(when),
                "time_known": time_known(when),
                "npt": _text(extract["NPT"]),
                "team": _text(extract["Team"]),
                "type": _text(extract["Type"]),
                "legislation": _text(extract["Legislation"]),
                "object_of_search": _text(extract["Object of search"]),
                "outcome": _text(extract["Outcome"]),
                "outcome_linked": parse_bool(extract["Outcome linked to object of search"]),
                "age_range": _text(extract["Age range"]),
                "gender": _text(extract["Gender"]),
                "self_defined_ethnicity": _text(extract["Self-defined ethnicity"]),
                "officer_defined_ethnicity": _text(extract["Officer-defined ethnicity"]),
            }
        ),
        "stop_searches",
    )


def canonical_missing_episodes(extract: pd.DataFrame) -> pd.DataFrame:
    """Missing-person episodes extract (checked text) -> ``missing_episodes``.

    ``reported_at``/``found_at`` are Europe/London local datetimes (``found_at`` NaT when
    blank: still missing); ``month`` is the month reported; ``looked_after`` is the Y/N
    looked-after-child flag; ``rhi_date`` the return-home interview date (NaT when none).
    """
    reported = parse_datetime_local(extract["reported_at"])
    return conform(
        pd.DataFrame(
            {
                "episode_id": _text(extract["episode_id"]),
                "person_id": _text(extract["person_id"]),
                "reported_at": reported,
                "found_at": parse_datetime_local(extract["found_at"]),
                "month": first_of_month(reported),
                "age": parse_int(extract["age"]),
                "risk_grade": _text(extract["risk_grade"]),
                "looked_after": parse_flag(extract["looked_after_child"]),
                "location_type": _text(extract["location_type"]),
                "location_id": _text(extract["location_id"]),
                "npt": _text(extract["npt"]),
                "rhi_date": parse_date(extract["rhi_date"]),
            }
        ),
        "missing_episodes",
    )


def canonicalise(
    table: str, extract: pd.DataFrame, reference_dir: Path = REFERENCE_DIR
) -> pd.DataFrame:
    """A checked extract (all text) -> its canonical table (``CANONICAL[table]``)."""
    if table == "crimes":
        return canonical_crimes(extract, reference_dir)
    if table == "stop_searches":
        return canonical_stop_searches(extract)
    if table == "missing_episodes":
        return canonical_missing_episodes(extract)
    raise KeyError(f"unknown table {table!r}; tables are {', '.join(CANONICAL)}")


# --------------------------------------------------------------------------------------------
# ingest


def _month_text(period) -> str | None:
    return None if pd.isna(period) else str(period)


def _input_record(spec: ExtractSpec, digest: str, table: pd.DataFrame) -> dict:
    months = table["month"].dropna()
    return {
        "extract": spec.table,
        "table": spec.table,
        "file": spec.file,
        "sha256": digest,
        "rows": int(len(table)),
        "first_month": str(spec.first_month),
        "last_month": str(spec.last_month),
        "data_first_month": _month_text(months.min().to_period("M")) if len(months) else None,
        "data_last_month": _month_text(months.max().to_period("M")) if len(months) else None,
    }


def _check_one(
    contract: Contract, spec: ExtractSpec, data: bytes, reference_dir: Path
) -> tuple[Extract | None, pd.DataFrame]:
    """Read and check one extract: ``(extract, problems)``; ``extract`` is None when the file
    cannot be read at all (empty, not UTF-8, not CSV)."""
    try:
        extract, unreadable_rows = read_extract(data, spec.file)
    except IngestError as fault:
        return None, problem_table(str(fault))
    found = check_extract(extract, contract, spec.first_month, spec.last_month, reference_dir)
    return extract, combine([unreadable_rows, found])


def _read_input(path: Path, name: str) -> bytes:
    """A raw file's bytes, refused before reading when over the size limit
    (``perfpack.data.safe_input.max_input_bytes``) or unreadable."""
    try:
        check_size(path.stat().st_size, name)
        return path.read_bytes()
    except InputError as bad:
        raise IngestError(str(bad)) from None
    except OSError as bad:
        raise IngestError(f"{name}: cannot be read ({bad.strerror or bad})") from None


def ingest(
    raw_dir: str | Path | None = None,
    processed_dir: str | Path | None = None,
    *,
    reference_dir: str | Path | None = None,
) -> IngestSummary:
    """Validate the raw extracts and rebuild the processed tables.

    Parameters
    ----------
    raw_dir : path, optional
        Folder holding ``manifest.yml`` and the extracts (default ``data/raw``). Only read.
    processed_dir : path, optional
        Folder to write ``<table>.parquet`` and ``manifest.json`` into (default
        ``data/processed``); created if needed. Other files in it are left alone.
    reference_dir : path, optional
        Reference tables (default ``data/reference``).

    Returns
    -------
    IngestSummary

    Raises
    ------
    IngestError
        On any problem with the manifest or an extract; nothing has then been written.
    """
    raw_dir = resolve(raw_dir, RAW_DIR)
    processed_dir = resolve(processed_dir, PROCESSED_DIR)
    reference_dir = resolve(reference_dir, REFERENCE_DIR)
    raw_manifest = read_manifest(raw_dir)
    with lean_memory():
        outputs, records = _check_and_canonicalise(raw_manifest, raw_dir, reference_dir)
        manifest = {
            "schema_version": PROCESSED_SCHEMA_VERSION,
            "force": raw_manifest.force,
            "synthetic": raw_manifest.synthetic,
            "note": raw_manifest.note,
            "data_source": "force",
            "inputs": [records[t] for t in CONTRACTS],
        }
        write_atomically(processed_dir, outputs, manifest)
        del outputs
    return IngestSummary(processed_dir, {t: records[t]["rows"] for t in CONTRACTS}, manifest)


def _check_and_canonicalise(
    raw_manifest: RawManifest, raw_dir: Path, reference_dir: Path
) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """Each extract in turn: read, check and (while no file so far has a problem) canonicalise
    it, then drop its text frame before the next is read, so only one extract's text is held
    at a time. Returns ``(canonical tables, input records)`` by table; raises the
    ``IngestError`` naming every file's problems when any has one."""
    outputs: dict[str, pd.DataFrame] = {}
    records: dict[str, dict] = {}
    problems: dict[str, pd.DataFrame] = {}
    for table, contract in CONTRACTS.items():
        spec = raw_manifest.extracts[table]
        data = _read_input(raw_dir / spec.file, spec.file)
        digest = hashlib.sha256(data).hexdigest()
        extract, found = _check_one(contract, spec, data, reference_dir)
        del data  # the checked text frame is all that is kept
        problems[spec.file] = found
        if extract is not None and not any(len(p) for p in problems.values()):
            canonical = canonicalise(table, extract.frame, reference_dir)
            del extract
            records[table] = _input_record(spec, digest, canonical)
            outputs[table] = canonical
            del canonical
        else:
            del extract
        release()
    error = error_from(problems)
    if error is not None:
        raise error
    return outputs, records


def main(argv: list[str] | None = None) -> int:
    """``perfpack ingest [--raw DIR] [--processed DIR]``: 0 on success, 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="perfpack ingest", description="Validate data/raw and rebuild data/processed."
    )
    parser.add_argument("--raw", help="raw folder (default data/raw)")
    parser.add_argument("--processed", help="processed folder (default data/processed)")
    args = parser.parse_args(argv)
    try:
        summary = ingest(args.raw, args.processed)
    except InputError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except OSError as problem:  # an unwritable processed folder: nothing was replaced
        print(
            one_line(
                f"error: cannot write {problem.filename or args.processed}: "
                f"{problem.strerror or problem}",
                MAX_ERROR_CHARS,
            ),
            file=sys.stderr,
        )
        return 2
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
