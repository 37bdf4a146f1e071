"""Reading a CSV extract's bytes strictly, as text: UTF-8 only, every cell a string.

Nothing is coerced before it has been checked: an extract is read with every cell as a string
(blank = ``""``), keeping the line each record starts on. File-level faults (empty, not UTF-8,
UTF-16, NUL bytes, an unreadable or unterminated quote) raise ``IngestError`` naming the line.

:func:`csv_records` is the one strict record walker (the ``csv`` module, tracking the line each
record starts on); ``perfpack.ingest.police_uk.input_checks`` uses it too, to find the line of a
fault pyarrow could not place.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from perfpack.data.safe_input import IngestError
from perfpack.ingest.problems import empty_problems, location

UTF8_BOM = b"\xef\xbb\xbf"
#: Byte-order marks of encodings that are not UTF-8 (UTF-32 first: its LE mark starts like
#: UTF-16's).
UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


@dataclass(frozen=True)
class Extract:
    """A CSV extract read as text: ``frame`` (every cell ``str``), the header as written, and
    ``lines`` (aligned with ``frame``): the line in the file on which each record starts."""

    file_name: str
    header: tuple[str, ...]
    frame: pd.DataFrame
    lines: pd.Series
    header_line: int = 1


class UnreadableRecord(Exception):
    """The ``csv`` module could not read the record starting on line ``start``: it stopped on
    line ``line_num`` with ``reason`` (a ``csv.Error``)."""

    def __init__(self, start: int, line_num: int, reason: csv.Error):
        super().__init__(str(reason))
        self.start = start
        self.line_num = line_num
        self.reason = reason


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record of CSV ``text`` with the line it starts on (the first line is 1).

    The standard ``csv`` module in strict mode reads the text; quoted fields may span lines,
    and empty records (blank lines) are skipped. A record it cannot read raises
    :class:`UnreadableRecord` naming the line the record starts on and the line it stopped on.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if record:
                yield start, record
    except csv.Error as bad:
        raise UnreadableRecord(previous_end + 1, reader.line_num, bad) from None


def decode_utf8(data: bytes, file_name: str) -> str:
    """The text of an extract: UTF-8, with an optional byte-order mark dropped.

    Raises ``IngestError`` for an empty (0-byte) file and for bytes that are not UTF-8, naming
    the line (and, where it can tell, the column) of the first bad byte.
    """
    if len(data) == 0:
        raise IngestError(f"{file_name}: the file is empty (0 bytes)")
    for bom, encoding in UTF16_32_BOMS:
        if data.startswith(bom):
            raise IngestError(
                f"{file_name}: saved as {encoding} (it starts with that byte-order mark); "
                "save the file as UTF-8"
            )
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    if not body.strip():
        raise IngestError(f"{file_name}: the file is empty (only blank lines or spaces)")
    nul = body.find(b"\x00")
    if nul >= 0:
        line = body.count(b"\n", 0, nul) + 1
        raise IngestError(
            f"{file_name} line {line}: holds a NUL byte (0x00): not a text file, or saved as "
            "UTF-16; save the file as UTF-8 text"
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = body.count(b"\n", 0, bad.start) + 1
        line_start = body.rfind(b"\n", 0, bad.start) + 1
        column = _column_at(body, line_start, bad.start) if line > 1 else None
        byte = body[bad.start]
        raise IngestError(
            f"{location(file_name, line, column)}: not UTF-8 text (byte 0x{byte:02x}); "
            "save the file as UTF-8"
        ) from None


_BLANK_FILE = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\n\r\x0b\x0c]*")
_CHECK_CHUNK = 2**20


def check_utf8(data: bytes, file_name: str) -> None:
    """Refuse what :func:`decode_utf8` refuses, with the same messages, without holding a
    decoded copy of the file: the bytes are validated a megabyte at a time, and only a file
    that fails is decoded whole (by :func:`decode_utf8`, to name the line and column)."""
    suspect = (
        len(data) == 0
        or any(data.startswith(bom) for bom, _ in UTF16_32_BOMS)
        or _BLANK_FILE.fullmatch(data) is not None
        or data.find(b"\x00") >= 0
    )
    if not suspect:
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(data)
        try:
            for start in range(0, len(data), _CHECK_CHUNK):
                stop = start + _CHECK_CHUNK
                decoder.decode(view[start:stop], final=stop >= len(data))
            return
        except UnicodeDecodeError:
            pass
    decode_utf8(data, file_name)


def _column_at(body: bytes, line_start: int, position: int) -> str | None:
    """Best effort: the header name of the field that byte ``position`` falls in."""
    try:
        header_line = body[: body.index(b"\n")].decode("utf-8").rstrip("\r")
        header = next(csv.reader([header_line]))
        prefix = body[line_start:position].decode("utf-8", errors="replace")
        fields = next(csv.reader([prefix + "x"]))
    except (ValueError, StopIteration, csv.Error):
        return None
    index = len(fields) - 1
    return header[index] if 0 <= index < len(header) else None


def read_extract(data: bytes, file_name: str) -> tuple[Extract, pd.DataFrame]:
    """Parse an extract's bytes into an ``Extract`` (all text) and a problems table.

    File-level faults (empty file, not UTF-8, no data rows, unreadable CSV) raise ``IngestError``
    at once; records with the wrong number of fields are reported as problems and left out.
    Entirely blank lines are skipped.

    A well-formed file (one record per line) is parsed by pyarrow; anything else (records with
    quoted line breaks or the wrong number of fields, a repeated header name) by the standard
    ``csv`` module, which tracks the line each record starts on.
    """
    check_utf8(data, file_name)
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    fast = _read_one_record_per_line(body, file_name)
    if fast is not None:
        return fast, empty_problems()
    return _read_record_by_record(decode_utf8(data, file_name), file_name)


def _read_one_record_per_line(content: str | bytes, file_name: str) -> Extract | None:
    """The fast path: None unless every record is one physical line with the header's width.

    ``content`` is the file's UTF-8 bytes (or its text). Lines are found with numpy on the bytes
    and the rows handed to pyarrow as a view, so no copy of the text is made line by line.
    """
    body = content.encode("utf-8") if isinstance(content, str) else content
    if not body:
        return None
    codes = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(codes == 10)
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [len(body)]])
    lengths = stops - starts
    first_byte = codes[np.minimum(starts, len(body) - 1)]
    blank = (lengths == 0) | ((lengths == 1) & (first_byte == 13))
    filled = np.flatnonzero(~blank) + 1
    del codes, first_byte, blank, lengths
    if len(filled) < 2:
        return None
    header_line = int(filled[0])
    header_text = body[starts[header_line - 1] : stops[header_line - 1]].decode("utf-8")
    try:
        header = next(csv.reader([header_text.rstrip("\r")], strict=True))
    except (csv.Error, StopIteration):
        return None
    if len(set(header)) != len(header) or len(header) == 1:
        return None
    names = [f"c{i}" for i in range(len(header))]
    rows = pa.py_buffer(memoryview(body)[int(starts[header_line]) :])
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(rows),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.large_string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.num_rows != len(filled) - 1:
        return None
    # large_string is what pandas' str dtype holds, so the columns are handed over, not copied
    columns = table.columns
    del table
    frame = pd.DataFrame({i: columns[i].to_pandas().astype("str") for i in range(len(names))})
    del columns
    frame.columns = header
    lines = pd.Series(filled[1:], dtype="int64")
    return Extract(file_name, tuple(header), frame, lines, header_line)


def _check_delimiter(header: list[str], line: int, file_name: str) -> None:
    """Refuse a header of one field that holds another delimiter (``;``, tab or ``|``)."""
    if len(header) != 1:
        return
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        if header[0].count(delimiter) >= 2:
            raise IngestError(
                f"{file_name} line {line}: the header has no commas but is split by {name}; "
                "the file must be comma-separated (CSV)"
            )


def _read_record_by_record(text: str, file_name: str) -> tuple[Extract, pd.DataFrame]:
    """The careful path: the ``csv`` module, one record at a time, tracking line numbers."""
    header: list[str] | None = None
    header_line, width = 1, 0
    records: list[list[str]] = []
    starts: list[int] = []
    ragged: list[tuple[int, int]] = []
    try:
        for start, record in csv_records(text):
            if header is None:
                header, header_line, width = record, start, len(record)
                continue
            if len(record) != width:
                ragged.append((start, len(record)))
                continue
            records.append(record)
            starts.append(start)
    except UnreadableRecord as unreadable:
        start, line_num, bad = unreadable.start, unreadable.line_num, unreadable.reason
        if line_num > start or "unexpected end of data" in str(bad):
            problem = (
                "a quoted field opened in the record starting on this line is never closed "
                "(unterminated quote)"
            )
            if line_num > start and "unexpected end of data" not in str(bad):
                problem = f"a quoted field is not closed before line {line_num} ({bad})"
        else:
            problem = f"cannot be read as CSV ({bad})"
        raise IngestError(f"{location(file_name, start)}: {problem}") from None
    if header is None:
        raise IngestError(f"{file_name}: the file is empty (no header, no rows)")
    _check_delimiter(header, header_line, file_name)
    if not records and not ragged:
        raise IngestError(f"{file_name}: no data rows (the file holds only a header)")
    columns = list(zip(*records, strict=True)) if records else [()] * width
    frame = pd.DataFrame({i: pd.Series(values, dtype="str") for i, values in enumerate(columns)})
    frame.columns = header
    lines = pd.Series(starts, dtype="int64")
    return Extract(file_name, tuple(header), frame, lines, header_line), _ragged_problems(
        ragged, file_name, header_line, width
    )


def _ragged_problems(ragged, file_name: str, header_line: int, width: int) -> pd.DataFrame:
    """Records with the wrong number of fields (messages for the first ``MAX_KEPT`` only)."""
    if not ragged:
        return empty_problems()
    messages = [
        (
            f"{file_name} line {start}: {n} field{'s' if n != 1 else ''}, "
            f"but the header (line {header_line}) has {width}"
        )
        if k < IngestError.MAX_KEPT
        else ""
        for k, (start, n) in enumerate(ragged)
    ]
    return pd.DataFrame(
        {
            "line": pd.Series([start for start, _ in ragged], dtype="int64"),
            "order": pd.Series(np.zeros(len(ragged), dtype="int64")),
            "message": pd.Series(messages, dtype="str"),
        }
    )
