"""Checking what a data.police.uk download holds before and while it is read.

``perfpack.ingest.police_uk.read`` reads downloads with pyarrow for speed; this module makes every
fault a one-line :class:`DownloadError` naming the file (the zip member), line and column:

- zip members: a path outside the archive (absolute or ``..``), encryption, a compression
  method zipfile cannot read, a member over the size limit or expanding implausibly (a zip
  bomb), damaged data (bad CRC, truncated);
- file bytes: empty, UTF-16/UTF-32, NUL bytes, a header with a repeated or missing column, a
  header with no rows (refused: data.police.uk publishes no empty month files; an empty file
  is a damaged or truncated download, never "0 records");
- pyarrow failures re-read with the ``csv`` module to find the line and column;
- converted values: coordinates not finite or off the globe, text with control characters or
  over ``MAX_CELL_CHARS`` characters, months and dates that are not dates, True/False flags
  that are neither.
"""

from __future__ import annotations

import csv
import io
import lzma
import re
import zipfile
import zlib
from pathlib import PurePosixPath

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from perfpack.data.safe_input import (
    MAX_CELL_CHARS,
    InputError,
    check_size,
    clip,
    control_character,
    foreign_digit,
    max_input_bytes,
)
from perfpack.ingest.csv_text import UnreadableRecord, csv_records

#: Compression methods the standard library reads.
SUPPORTED_COMPRESSION = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}
#: A member expanding more than this many times (CSV deflates about 5-15 times) is refused as a
#: likely zip bomb, once it is over ``_BOMB_FLOOR`` bytes uncompressed.
MAX_COMPRESSION_RATIO = 200
_BOMB_FLOOR = 8 * 1024 * 1024
#: The control characters of ``safe_input.CONTROL_PATTERN`` in RE2 syntax (pyarrow.compute).
_CONTROL_RE2 = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]"
)
_NOT_SPACE = re.compile(rb"\S")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class DownloadError(InputError):
    """A download that cannot be read as data.police.uk files: one line naming file, line,
    column and problem."""


# --------------------------------------------------------------------------------------------
# zip members


def check_member(info: zipfile.ZipInfo, archive: str) -> None:
    """Refuse a zip member perfpack will not read (see the module notes)."""
    name = info.filename
    where = f"{archive}: member {clip(name, 80)}"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or re.match(r"[A-Za-z]:", name):
        raise DownloadError(f"{where} has a path outside the archive (absolute or '..')")
    if info.flag_bits & 0x1:
        raise DownloadError(f"{where} is encrypted (password-protected); use an unencrypted zip")
    if info.compress_type not in SUPPORTED_COMPRESSION:
        raise DownloadError(
            f"{where} uses compression method {info.compress_type}, which cannot be read "
            "(deflate, bzip2, lzma or stored only); re-zip it"
        )
    try:
        check_size(info.file_size, f"{where} (uncompressed)")
    except InputError as bad:
        raise DownloadError(str(bad)) from None
    if info.file_size > _BOMB_FLOOR and info.file_size > MAX_COMPRESSION_RATIO * max(
        info.compress_size, 1
    ):
        raise DownloadError(
            f"{where} expands {info.file_size // max(info.compress_size, 1):,} times "
            f"(over {MAX_COMPRESSION_RATIO}): not a data file (a zip bomb?)"
        )


def read_member(archive: zipfile.ZipFile, name: str, archive_name: str) -> bytes:
    """A member's bytes, never more than the size limit, with damage reported as
    :class:`DownloadError`."""
    limit = max_input_bytes()
    try:
        info = archive.getinfo(name)
        check_member(info, archive_name)
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except DownloadError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        KeyError,
        ValueError,
    ) as bad:
        raise DownloadError(
            f"{archive_name}: member {clip(name, 80)} is damaged ({clip(str(bad), 60)}); "
            "download it again"
        ) from None
    if len(data) > limit:
        raise DownloadError(f"{archive_name}: member {clip(name, 80)} is over the size limit")
    return data


# --------------------------------------------------------------------------------------------
# file bytes and header


def _header(data: bytes) -> tuple[list[str], int]:
    """The header's fields (byte-order mark dropped) and the offset where the rows start."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    ends = [i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0]
    end = min(ends) if ends else len(body)
    try:
        line = body[:end].decode("utf-8")
    except UnicodeDecodeError as bad:
        raise _not_utf8(bad, body, 1, None) from None
    fields = next(csv.reader([line]), [])
    return fields, (len(data) - len(body)) + end


def _not_utf8(bad: UnicodeDecodeError, body: bytes, line: int, column: str | None):
    where = f"line {line}" + (f", column {clip(column)}" if column else "")
    return ValueError(f"{where}: not UTF-8 text (byte 0x{body[bad.start]:02x}); save as UTF-8")


def check_bytes(data: bytes, name: str, columns) -> None:
    """Refuse a file that is empty, not UTF-8 text, holds only a header, or whose header
    repeats a column or lacks one of ``columns``."""
    if not data or data.isspace():
        raise DownloadError(f"{name}: the file is empty; download it again")
    for bom, encoding in ((b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom) or data.startswith(b"\x00\x00\xfe\xff"):
            raise DownloadError(f"{name}: saved as {encoding} or UTF-32; save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DownloadError(f"{name} line {line}: holds a NUL byte (0x00); not UTF-8 CSV text")
    try:
        header, end = _header(data)
    except ValueError as bad:
        raise DownloadError(f"{name} {bad}") from None
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise DownloadError(
                f"{name} line 1, column {clip(column)}: appears more than once in the header"
            )
        seen.add(column)
    for column in columns:
        if column not in seen:
            hint = ""
            if len(header) == 1 and any(d in header[0] for d in (";", "\t", "|")):
                hint = "; the file must be comma-separated"
            raise DownloadError(
                f"{name} line 1, column {clip(column)}: missing from the header{hint}"
            )
    if _NOT_SPACE.search(data, end) is None:
        raise DownloadError(
            f"{name}: no data rows (the file holds only a header); data.police.uk publishes "
            "no empty month files, so the download is damaged or incomplete"
        )


def diagnose(name: str, data: bytes, numeric_columns, arrow_error: Exception) -> DownloadError:
    """The first fault in a file pyarrow could not read, found with the ``csv`` module."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = body.count(b"\n", 0, bad.start) + 1
        return DownloadError(
            f"{name} line {line}: not UTF-8 text (byte 0x{body[bad.start]:02x}); save as UTF-8"
        )
    header: list[str] | None = None
    try:
        for start, record in csv_records(text):
            if header is None:
                header = record
                continue
            if len(record) != len(header):
                return DownloadError(
                    f"{name} line {start}: {len(record)} fields, but the header (line 1) "
                    f"has {len(header)}"
                )
            for column in numeric_columns:
                value = record[header.index(column)]
                if value.strip() and not _NUMBER.fullmatch(value.strip()):
                    return DownloadError(
                        f"{name} line {start}, column {column!r}: {clip(value)} is not a "
                        f"number{digit_note(value)}"
                    )
    except UnreadableRecord as unreadable:
        bad = unreadable.reason
        problem = (
            "a quoted field opened in the record starting on this line is never closed"
            if "unexpected end of data" in str(bad)
            else f"cannot be read as CSV ({bad})"
        )
        return DownloadError(f"{name} line {unreadable.start}: {problem}")
    return DownloadError(
        f"{name}: not a data.police.uk CSV as expected ({clip(str(arrow_error), 100)})"
    )


def digit_note(value: str) -> str:
    """``; '٣' (ARABIC-INDIC DIGIT THREE) is not a digit 0-9`` or ``""``."""
    found = foreign_digit(value)
    return "" if found is None else f"; {found} is not a digit 0-9"


# --------------------------------------------------------------------------------------------
# converted values


def line_of_row(data: bytes, row: int) -> int:
    """The line on which data row ``row`` (0-based, header excluded) starts."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    reader = csv.reader(io.StringIO(body.decode("utf-8", "replace"), newline=""))
    end, seen = 0, -1
    for record in reader:
        start, end = end + 1, reader.line_num
        if not record:
            continue
        if seen == row:
            return start
        seen += 1
    return end


class RowLocator:
    """Maps a row of concatenated files back to its file and line (read again only on error)."""

    def __init__(self, source, paths, counts):
        self.source = source
        self.paths = list(paths)
        self.ends = np.cumsum(np.asarray(counts, dtype=np.int64))

    def fail(self, row: int, column: str, value, problem: str) -> DownloadError:
        index = int(np.searchsorted(self.ends, row, side="right"))
        first = int(self.ends[index - 1]) if index else 0
        path = self.paths[index]
        line = line_of_row(self.source.read(path), row - first)
        label = self.source.label(path)
        return DownloadError(f"{label} line {line}, column {column!r}: {clip(value)} {problem}")


def text_fault(values: list) -> tuple[int, str] | None:
    """The first value (index, problem) with a control character or too long, or None."""
    for i, value in enumerate(values):
        if value is None:
            continue
        bad = control_character(value)
        if bad is not None:
            return i, f"holds a control character ({bad})"
        if len(value) > MAX_CELL_CHARS:
            return i, f"is too long (at most {MAX_CELL_CHARS:,} characters)"
    return None


#: Bytes that may start a refused control character: the C0 controls but tab, line feed and
#: carriage return, DEL, and every non-ASCII byte (the C1 and bidirectional controls are
#: multi-byte in UTF-8; text with such bytes is checked character by character).
_SUSPECT_BYTES = np.zeros(256, dtype=bool)
_SUSPECT_BYTES[[b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D)]] = True
_SUSPECT_BYTES[0x7F:] = True


def _plainly_clean(array: pa.Array) -> bool:
    """True when a string array's bytes hold no suspect byte and no value is longer than
    ``MAX_CELL_CHARS`` bytes (so none is longer in characters): nothing to refuse. False means
    "check each value" (:func:`check_text` then finds the fault, if any)."""
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return False
    if len(array) == 0:
        return True
    _, offsets_buffer, data = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)[
        array.offset : array.offset + len(array) + 1
    ]
    if int(np.diff(offsets).max()) > MAX_CELL_CHARS:
        return False
    if data is None:
        return True
    raw = np.frombuffer(data, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
    if raw.size == 0 or (int(raw.min()) >= 0x20 and int(raw.max()) < 0x7F):
        return True  # printable ASCII only (the usual case), found without a byte table
    return not bool(_SUSPECT_BYTES[raw].any())


def check_text(column: pa.ChunkedArray, name: str, locator: RowLocator) -> None:
    """Refuse control characters or over-long text in a string or dictionary column."""
    array = column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    if isinstance(array, pa.ChunkedArray):  # pragma: no cover - pyarrow version difference
        array = array.chunk(0)
    if _plainly_clean(array):
        return
    if pa.types.is_dictionary(array.type):
        if _plainly_clean(array.dictionary):
            return
        found = text_fault(array.dictionary.to_pylist())
        if found is None:
            return
        code, problem = found
        indices = array.indices.to_numpy(zero_copy_only=False)
        row = int(np.flatnonzero(indices == code)[0])
        raise locator.fail(row, name, array.dictionary[code].as_py(), problem)
    flagged = pc.or_(
        pc.match_substring_regex(array, _CONTROL_RE2),
        pc.greater(pc.utf8_length(array), MAX_CELL_CHARS),
    ).fill_null(False)
    if pc.any(flagged).as_py():
        row = int(np.flatnonzero(flagged.to_numpy(zero_copy_only=False))[0])
        value = array[row].as_py()
        raise locator.fail(row, name, value, text_fault([value])[1])


def check_coordinates(lon: np.ndarray, lat: np.ndarray, locator: RowLocator) -> None:
    """Refuse coordinates that are infinite or off the globe (missing ones are allowed)."""
    for values, name, bound in ((lon, "Longitude", 180.0), (lat, "Latitude", 90.0)):
        bad = ~np.isnan(values) & ~(np.abs(values) <= bound)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise locator.fail(
                row,
                name,
                repr(float(values[row])),
                f"is not a {name.lower()} (-{bound:g} to {bound:g})",
            )
