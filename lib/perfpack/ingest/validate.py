"""Checking a force records extract against its contract (``perfpack.data.contracts``).

Everything here works on text: an extract is read with every cell as a string (blank = ``""``),
so nothing is coerced before it has been checked. Each check is vectorised over a whole column
and reports its problems as rows of a *problems table* (``line``, ``order``, ``message``), where
``line`` is the line number in the file (the header is line 1) and every ``message`` is one line
naming file, line, column and problem, e.g.::

    crimes.csv line 17, column 'recorded_date': '2019-13-01' is not a date (YYYY-MM-DD)

The parsers (``parse_date``, ``parse_datetime_local``, ``parse_int`` ...) are shared with
canonicalisation in ``perfpack.ingest.extracts``, so what is checked is exactly what is converted.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from perfpack.data import reference
from perfpack.data.contracts import Column, Contract
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.safe_input import (  # noqa: F401 (ERROR_PREFIX, IngestError re-exported)
    CONTROL_PATTERN,
    ERROR_PREFIX,
    MAX_CELL_CHARS,
    MAX_ERROR_CHARS,
    IngestError,
    InputError,
    clip,
    foreign_digit,
    one_line,
)

#: Datetimes are written as tz-naive Europe/London wall-clock time at this resolution.
DATETIME_DTYPE = "datetime64[ns]"
LOCAL_TIMEZONE = "Europe/London"
UTF8_BOM = b"\xef\xbb\xbf"
#: Byte-order marks of encodings that are not UTF-8 (UTF-32 first: its LE mark starts like
#: UTF-16's).
UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)

# [0-9], never \d: \d also matches Arabic-Indic, full-width and other scripts' digits.
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME = _DATE + r"[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?"
_OFFSET = r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
_INT = r"-?[0-9]+"
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: Years a ``datetime64[ns]`` can hold whole (1677-09-21 to 2262-04-11): dates outside are refused.
FIRST_YEAR, LAST_YEAR = 1678, 2261
#: The prefix of an error line; the message after it keeps the line within MAX_ERROR_CHARS.

FLAG_VALUES = {"Y": True, "N": False}
BOOL_VALUES = {"True": True, "False": False}

#: Reference tables that hold rows for more than one scheme: only these rows are allowed values.
#: A force extract carries Home Office offence codes, never data.police.uk crime types.
REFERENCE_ROW_FILTERS: dict[str, tuple[str, str]] = {"offence_themes": ("scheme", "ho_code")}

#: Pairs ``(later, earlier)`` per table: ``later`` may not be before ``earlier`` when both are set.
ORDER_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "missing_episodes": (("found_at", "reported_at"),),
}


@dataclass(frozen=True)
class Extract:
    """A CSV extract read as text: ``frame`` (every cell ``str``), the header as written, and
    ``lines`` (aligned with ``frame``): the line in the file on which each record starts."""

    file_name: str
    header: tuple[str, ...]
    frame: pd.DataFrame
    lines: pd.Series
    header_line: int = 1


# --------------------------------------------------------------------------------------------
# problems tables


def empty_problems() -> pd.DataFrame:
    """A problems table with no rows."""
    return pd.DataFrame(
        {
            "line": pd.Series([], dtype="int64"),
            "order": pd.Series([], dtype="int64"),
            "message": pd.Series([], dtype="str"),
        }
    )


def location(file_name: str, line: int | None = None, column: str | None = None) -> str:
    """``crimes.csv line 17, column 'npt'`` (parts left out when not known)."""
    text = file_name
    if line is not None:
        text += f" line {line}"
    if column is not None:
        text += f", column {clip(column)}"
    return text


def problem_row(
    file_name: str, line: int | None, column: str | None, problem: str, order: int = 0
) -> pd.DataFrame:
    """A one-row problems table for a single problem."""
    table = problem_table(f"{location(file_name, line, column)}: {problem}")
    return table.assign(line=line or 0, order=order)


def cell_problems(
    extract: Extract, column: str, bad: pd.Series, describe, order: int
) -> pd.DataFrame:
    """Problems for the rows of ``column`` where ``bad`` is True.

    ``describe`` is the problem text, or a function mapping the offending values (a Series of
    ``repr`` strings, e.g. ``'2019-13-01'``) to it, vectorised (``lambda v: v + " is not a date"``).
    Messages are written for the first ``IngestError.MAX_KEPT`` rows only (the rest are blank but
    counted), so a file where every cell is bad costs no more memory than its line numbers.
    """
    if not bool(bad.any()):
        return empty_problems()
    lines = extract.lines[bad]
    shown = lines.index[: IngestError.MAX_KEPT]
    prefix = (
        f"{extract.file_name} line " + lines[shown].astype("str") + f", column {clip(column)}: "
    )
    if isinstance(describe, str):
        text = prefix + describe
    else:
        values = extract.frame.loc[shown, column].map(clip).astype("str")
        text = prefix + describe(values).astype("str")
    messages = pd.Series("", index=lines.index, dtype="str")
    messages.loc[shown] = text.loc[shown].astype("str")
    return pd.DataFrame(
        {
            "line": lines.astype("int64").to_numpy(),
            "order": np.full(len(lines), order, dtype="int64"),
            "message": messages.to_numpy(),
        }
    ).astype({"message": "str"})


def problem_table(message: str) -> pd.DataFrame:
    """A one-row problems table holding a message made elsewhere (a file-level fault)."""
    return pd.DataFrame(
        {
            "line": pd.Series([0], dtype="int64"),
            "order": pd.Series([0], dtype="int64"),
            "message": pd.Series([message], dtype="str"),
        }
    )


def combine(problems: list[pd.DataFrame]) -> pd.DataFrame:
    """All problems in file order: by line, then by the column's place in the header."""
    problems = [p for p in problems if len(p)]
    if not problems:
        return empty_problems()
    together = pd.concat(problems, ignore_index=True)
    return together.sort_values(["line", "order"], kind="stable").reset_index(drop=True)


def error_from(problems_by_file: dict[str, pd.DataFrame]) -> IngestError | None:
    """One ``IngestError`` for every problem found, or None when there are none.

    The message is the first problem of the first file that has any, followed by
    ``(and N more problems in this file)`` and, when other files have problems too, how many.
    """
    failing = {name: p for name, p in problems_by_file.items() if len(p)}
    if not failing:
        return None
    first_file, first = next(iter(failing.items()))
    notes = []
    if len(first) > 1:
        more = len(first) - 1
        notes.append(f"and {more} more problem{'s' if more != 1 else ''} in this file")
    others = [f"{name} {len(p)}" for name, p in failing.items() if name != first_file]
    if others:
        notes.append("problems in other files: " + ", ".join(others))
    message = first["message"].iloc[0]
    if notes:
        suffix = f" ({'; '.join(notes)})"
        room = MAX_ERROR_CHARS - len(ERROR_PREFIX) - len(suffix)
        message = one_line(message, max(room, 80)) + suffix
    every = [m for p in failing.values() for m in p["message"].head(IngestError.MAX_KEPT)]
    return IngestError(message, tuple(every), sum(len(p) for p in failing.values()))


# --------------------------------------------------------------------------------------------
# reading


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
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line, width = 1, 0
    records: list[list[str]] = []
    starts: list[int] = []
    ragged: list[tuple[int, int]] = []
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record:
                continue
            if header is None:
                header, header_line, width = record, start, len(record)
                continue
            if len(record) != width:
                ragged.append((start, len(record)))
                continue
            records.append(record)
            starts.append(start)
    except csv.Error as bad:
        start = previous_end + 1
        if reader.line_num > start or "unexpected end of data" in str(bad):
            problem = (
                "a quoted field opened in the record starting on this line is never closed "
                "(unterminated quote)"
            )
            if reader.line_num > start and "unexpected end of data" not in str(bad):
                problem = f"a quoted field is not closed before line {reader.line_num} ({bad})"
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


# --------------------------------------------------------------------------------------------
# parsers: text -> values (missing where blank or not valid)


def is_blank(values: pd.Series) -> pd.Series:
    """True where a cell is empty or only spaces."""
    return values.str.strip() == ""


def parse_date(values: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` text -> datetime64 (midnight); NaT where blank or not a real date.

    Parameters
    ----------
    values : pandas.Series of str

    Returns
    -------
    pandas.Series of ``DATETIME_DTYPE``, aligned with ``values``.
    """
    shaped = values.str.fullmatch(_DATE) & holdable_year(values)
    parsed = pd.to_datetime(values.where(shaped), format="%Y-%m-%d", errors="coerce")
    return parsed.astype(DATETIME_DTYPE)


def holdable_year(values: pd.Series) -> pd.Series:
    """True where the text starts with a year ``FIRST_YEAR`` .. ``LAST_YEAR`` (the years a
    ``datetime64[ns]`` holds whole), False otherwise."""
    years = pd.to_numeric(values.str.slice(0, 4).where(values.str.match(r"[0-9]{4}")), "coerce")
    return ((years >= FIRST_YEAR) & (years <= LAST_YEAR)).fillna(False).astype(bool)


def parse_datetime_local(values: pd.Series) -> pd.Series:
    """ISO 8601 date and time -> tz-naive Europe/London wall-clock datetime64.

    A value with a UTC offset (``2019-07-01T13:00:00+01:00``, ``...Z``) is converted to local
    time; a value without one (``2019-07-01 13:00``) is taken to be local time already. A date
    with no time, or anything else, is NaT.

    Parameters
    ----------
    values : pandas.Series of str

    Returns
    -------
    pandas.Series of ``DATETIME_DTYPE``, aligned with ``values``.
    """
    holdable = holdable_year(values)
    with_offset = values.str.fullmatch(_DATETIME + _OFFSET) & holdable
    naive = values.str.fullmatch(_DATETIME) & holdable
    result = pd.Series(pd.NaT, index=values.index, dtype=DATETIME_DTYPE)
    if bool(with_offset.any()):
        aware = pd.to_datetime(values[with_offset], format="ISO8601", utc=True, errors="coerce")
        local = aware.dt.tz_convert(LOCAL_TIMEZONE).dt.tz_localize(None)
        result[with_offset] = local.astype(DATETIME_DTYPE)
    if bool(naive.any()):
        plain = pd.to_datetime(values[naive], format="ISO8601", errors="coerce")
        result[naive] = plain.astype(DATETIME_DTYPE)
    return result


def parse_int(values: pd.Series) -> pd.Series:
    """Whole-number text (``42``, ``-3``, ``007``) -> Int64; NA where blank or not whole."""
    shaped = values.str.fullmatch(_INT)
    numbers = pd.to_numeric(values.where(shaped), errors="coerce")
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    fits = numbers.notna() & (numbers.abs() < 2**53)
    out[fits] = numbers[fits].astype("int64")
    return out


def parse_number(values: pd.Series) -> pd.Series:
    """Decimal text (``52.58``, ``-2.1``, ``1e3``) -> float64; NaN where blank, not a number or
    too large to hold (``1e999``)."""
    shaped = values.str.fullmatch(_NUMBER)
    numbers = pd.to_numeric(values.where(shaped), errors="coerce").astype("float64")
    return numbers.where(np.isfinite(numbers))


def parse_choice_bool(values: pd.Series, spellings: dict[str, bool]) -> pd.Series:
    """Text -> nullable boolean through ``spellings`` (``{"Y": True, "N": False}``); NA otherwise
    (blank or any other spelling: matching is exact, ``"y"`` is not ``"Y"``)."""
    mapped = values.map(spellings)
    return mapped.astype("boolean")


def parse_flag(values: pd.Series) -> pd.Series:
    """``Y``/``N`` -> True/False (boolean); NA where blank or anything else."""
    return parse_choice_bool(values, FLAG_VALUES)


def parse_bool(values: pd.Series) -> pd.Series:
    """``True``/``False`` (data.police.uk's spelling) -> boolean; NA where blank or else."""
    return parse_choice_bool(values, BOOL_VALUES)


def first_of_month(datetimes: pd.Series) -> pd.Series:
    """Each datetime's month, as the first day of that month at midnight (NaT stays NaT)."""
    return datetimes.dt.to_period("M").dt.to_timestamp().astype(DATETIME_DTYPE)


def time_known(local_datetimes: pd.Series) -> pd.Series:
    """False where the local time is exactly 00:00:00 (a date-only record), True otherwise,
    NA where the datetime is missing."""
    midnight = local_datetimes == local_datetimes.dt.normalize()
    return (~midnight).astype("boolean").mask(local_datetimes.isna())


# --------------------------------------------------------------------------------------------
# allowed values


def allowed_values(column: Column, reference_dir: Path = REFERENCE_DIR) -> frozenset[str]:
    """The values a ``choice`` column may hold: its ``allowed`` tuple, or the column of the
    reference table named by ``allowed_from`` (rows filtered by ``REFERENCE_ROW_FILTERS``)."""
    if column.allowed_from is None:
        return frozenset(column.allowed)
    table_name, table_column = column.allowed_from
    table = reference.table(table_name, Path(reference_dir))
    if table_name in REFERENCE_ROW_FILTERS:
        key, wanted = REFERENCE_ROW_FILTERS[table_name]
        table = table[table[key] == wanted]
    return frozenset(table[table_column])


def allowed_source(column: Column) -> str:
    """Where a ``choice`` column's allowed values are listed, for error messages."""
    if column.allowed_from is None:
        if len(column.allowed) <= 6:
            return "allowed: " + ", ".join(column.allowed)
        return "allowed values are listed in data/README.md"
    table_name, table_column = column.allowed_from
    where = f"allowed values: data/reference/{table_name}.csv, column {table_column!r}"
    if table_name in REFERENCE_ROW_FILTERS:
        key, wanted = REFERENCE_ROW_FILTERS[table_name]
        where += f" where {key} is {wanted}"
    return where


# --------------------------------------------------------------------------------------------
# checks


def check_header(extract: Extract, contract: Contract) -> pd.DataFrame:
    """Problems with the header: repeated, missing, misspelt and unexpected columns.

    A column not in the contract that closely resembles a missing one (``difflib``, ignoring
    case) is reported as misspelt with the contract name suggested; the missing column it
    stands for is then not reported again.
    """
    name, line = extract.file_name, extract.header_line
    header = list(extract.header)
    expected = contract.column_names
    missing = [c for c in expected if c not in header]
    problems = []
    seen: set[str] = set()
    for position, column in enumerate(header):
        if column in seen:
            problems.append(
                problem_row(name, line, column, "appears more than once in the header", position)
            )
        seen.add(column)
        if column in expected:
            continue
        lowered = {c.lower(): c for c in missing}
        close = difflib.get_close_matches(column.strip().lower(), list(lowered), n=1, cutoff=0.6)
        if close:
            suggestion = lowered[close[0]]
            missing.remove(suggestion)
            text = f"not a {contract.table} column; did you mean {suggestion!r}?"
        else:
            text = (
                f"unexpected column (not in the {contract.table} contract; "
                "the columns are listed in data/README.md)"
            )
        problems.append(problem_row(name, line, column, text, position))
    for column in missing:
        order = len(header) + expected.index(column)
        problems.append(problem_row(name, line, column, "missing from the header", order))
    return combine(problems)


def check_column(
    extract: Extract,
    column: Column,
    reference_dir: Path = REFERENCE_DIR,
) -> pd.DataFrame:
    """Problems with one column's values: blank when required, not of its kind, out of bounds,
    not an allowed value. A blank optional cell is never a problem."""
    values = extract.frame[column.name]
    order = extract.header.index(column.name)
    blank = is_blank(values)
    filled = ~blank
    problems = [text_problems(extract, column.name, order)]
    if column.required:
        problems.append(
            cell_problems(extract, column.name, blank, "blank, but a value is required", order)
        )
    kind = column.kind
    numeric_kinds = ("date", "datetime", "int", "number")
    digits = digit_notes(values) if kind in numeric_kinds else None
    if kind in ("date", "datetime"):
        far = filled & values.str.match(r"[0-9]{4}-") & ~holdable_year(values)
        problems.append(
            cell_problems(
                extract,
                column.name,
                far,
                lambda v: (
                    v + f" is too far in the past or future (years {FIRST_YEAR} to "
                    f"{LAST_YEAR} only)"
                ),
                order,
            )
        )
    if kind == "date":
        bad = filled & ~far & parse_date(values).isna()
        problems.append(
            cell_problems(
                extract,
                column.name,
                bad,
                lambda v: v + " is not a date (YYYY-MM-DD)" + digits[v.index],
                order,
            )
        )
    elif kind == "datetime":
        bad = filled & ~far & parse_datetime_local(values).isna()
        problems.append(
            cell_problems(
                extract,
                column.name,
                bad,
                lambda v: (
                    v + " is not a date and time (ISO 8601, e.g. 2019-03-07 14:25 or "
                    "2019-03-07T14:25:00+01:00)" + digits[v.index]
                ),
                order,
            )
        )
    elif kind == "int":
        numbers = parse_int(values)
        whole = values.str.fullmatch(_INT)
        not_whole = filled & ~whole
        problems.append(
            cell_problems(
                extract,
                column.name,
                not_whole,
                lambda v: v + " is not a whole number" + digits[v.index],
                order,
            )
        )
        if column.bounds is not None:
            low, high = column.bounds
            beyond = ((numbers < low) | (numbers > high)).fillna(False).astype(bool)
            # whole numbers too large to hold are out of bounds too
            outside = beyond | (whole & numbers.isna())
            problems.append(
                cell_problems(
                    extract,
                    column.name,
                    outside.astype(bool),
                    lambda v: v + f" is out of bounds (allowed {low} to {high})",
                    order,
                )
            )
    elif kind == "flag":
        bad = filled & ~values.isin(list(FLAG_VALUES))
        problems.append(
            cell_problems(extract, column.name, bad, lambda v: v + " is not a flag (Y or N)", order)
        )
    elif kind == "bool":
        bad = filled & ~values.isin(list(BOOL_VALUES))
        problems.append(
            cell_problems(extract, column.name, bad, lambda v: v + " is not True or False", order)
        )
    elif kind == "number":
        bad = filled & parse_number(values).isna()
        problems.append(
            cell_problems(
                extract,
                column.name,
                bad,
                lambda v: v + " is not a number (decimal, digits 0-9)" + digits[v.index],
                order,
            )
        )
    elif kind == "choice":
        allowed = allowed_values(column, reference_dir)
        bad = filled & ~values.isin(sorted(allowed))
        where = allowed_source(column)
        problems.append(
            cell_problems(
                extract,
                column.name,
                bad,
                lambda v: v + f" is not an allowed {column.name} ({where})",
                order,
            )
        )
    elif kind != "text":
        raise ValueError(f"contract column {column.name!r} has an unknown kind {kind!r}")
    return combine(problems)


def digit_notes(values: pd.Series) -> pd.Series:
    """For each cell: ``""``, or a note naming the first digit that is not 0-9 it holds
    (``; '٣' (ARABIC-INDIC DIGIT THREE) is not a digit 0-9``)."""
    notes = pd.Series("", index=values.index, dtype="str")
    other = values.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).astype(bool)
    if bool(other.any()):
        found = values[other].map(foreign_digit)
        has = found.notna()
        notes[found.index[has]] = "; " + found[has].astype("str") + " is not a digit 0-9"
    return notes


def text_problems(extract: Extract, column: str, order: int) -> pd.DataFrame:
    """Cells holding a control character (``safe_input.CONTROL_PATTERN``) or longer than
    ``MAX_CELL_CHARS`` characters: refused in every column, whatever its kind."""
    values = extract.frame[column]
    control = values.str.contains(CONTROL_PATTERN, regex=True).fillna(False).astype(bool)
    long = (values.str.len() > MAX_CELL_CHARS).fillna(False).astype(bool)
    found = [
        cell_problems(
            extract,
            column,
            control,
            lambda v: (
                v
                + " holds a control character ("
                + values[v.index].map(
                    lambda t: f"U+{ord(re.search(CONTROL_PATTERN, t).group()):04X}"
                )
                + "); remove it"
            ),
            order,
        ),
        cell_problems(
            extract,
            column,
            long & ~control,
            lambda v: v + f" is too long (at most {MAX_CELL_CHARS:,} characters)",
            order,
        ),
    ]
    return combine(found)


def parse_column(values: pd.Series, column: Column) -> pd.Series:
    """A checked column's values in their own type (dates/datetimes -> datetime64, int -> Int64,
    flag/bool -> boolean, number -> float64, text/choice -> the text itself)."""
    parsers = {
        "date": parse_date,
        "datetime": parse_datetime_local,
        "int": parse_int,
        "flag": parse_flag,
        "bool": parse_bool,
        "number": parse_number,
    }
    parser = parsers.get(column.kind)
    return values if parser is None else parser(values)


def check_duplicate_ids(extract: Extract, contract: Contract) -> pd.DataFrame:
    """A repeated id is a problem on each later line, naming the line it first appeared on."""
    ids = extract.frame[contract.id_column]
    repeated = ids.duplicated(keep="first") & ~is_blank(ids)
    if not bool(repeated.any()):
        return empty_problems()
    first_line = extract.lines.groupby(ids.to_numpy()).transform("min")
    order = extract.header.index(contract.id_column)
    return cell_problems(
        extract,
        contract.id_column,
        repeated,
        lambda v: (
            v + " is a duplicate id (first on line " + first_line[repeated].astype("str") + ")"
        ),
        order,
    )


def check_period(
    extract: Extract, contract: Contract, first_month: pd.Period, last_month: pd.Period
) -> pd.DataFrame:
    """Dates in the contract's ``period_column`` whose (local) month lies outside the stated
    ``first_month`` .. ``last_month`` of the raw manifest."""
    column = contract.column(contract.period_column)
    when = parse_column(extract.frame[column.name], column)
    months = when.dt.to_period("M")
    outside = when.notna() & ((months < first_month) | (months > last_month))
    order = extract.header.index(column.name)
    return cell_problems(
        extract,
        column.name,
        outside.fillna(False).astype(bool),
        lambda v: v + f" is outside the stated period {first_month}..{last_month} (manifest.yml)",
        order,
    )


def check_order(extract: Extract, contract: Contract) -> pd.DataFrame:
    """``ORDER_RULES``: e.g. a missing person cannot be found before being reported missing."""
    problems = []
    for later_name, earlier_name in ORDER_RULES.get(contract.table, ()):
        later = parse_column(extract.frame[later_name], contract.column(later_name))
        earlier = parse_column(extract.frame[earlier_name], contract.column(earlier_name))
        bad = (later.notna() & earlier.notna() & (later < earlier)).astype(bool)
        earlier_text = extract.frame.loc[bad, earlier_name].map(repr).astype("str")
        problems.append(
            cell_problems(
                extract,
                later_name,
                bad,
                lambda v, t=earlier_text, n=earlier_name: v + f" is before {n} " + t,
                extract.header.index(later_name),
            )
        )
    return combine(problems)


def check_extract(
    extract: Extract,
    contract: Contract,
    first_month: pd.Period,
    last_month: pd.Period,
    reference_dir: Path = REFERENCE_DIR,
) -> pd.DataFrame:
    """Every problem in an extract, in file order (empty when it meets its contract).

    The header is checked first; when it is wrong the values are not checked (their columns
    cannot be trusted). Otherwise: each column's values, then duplicate ids, dates outside the
    stated period and the order of paired datetimes, each only on values that parsed.
    """
    header_problems = check_header(extract, contract)
    if len(header_problems):
        return header_problems
    problems = [check_column(extract, c, reference_dir) for c in contract.columns]
    problems.append(check_duplicate_ids(extract, contract))
    problems.append(check_period(extract, contract, first_month, last_month))
    problems.append(check_order(extract, contract))
    return combine(problems)
