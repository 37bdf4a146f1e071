"""Checking a force records extract against its contract (``perfpack.data.contracts``).

Everything here works on text: an extract is read with every cell as a string (blank = ``""``),
so nothing is coerced before it has been checked. Each check is vectorised over a whole column
and reports its problems as rows of a *problems table* (``line``, ``order``, ``message``), where
``line`` is the line number in the file (the header is line 1) and every ``message`` is one line
naming file, line, column and problem, e.g.::

    crimes.csv line 17, column 'recorded_date': '2019-13-01' is not a date (YYYY-MM-DD)

Reading the text is :mod:`perfpack.ingest.csv_text`, the problems tables
:mod:`perfpack.ingest.problems`, and the parsers (shared with canonicalisation, so what is
checked is exactly what is converted) :mod:`perfpack.ingest.parsers`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from perfpack.data import reference
from perfpack.data.contracts import Column, Contract
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.safe_input import (
    CONTROL_PATTERN,
    MAX_CELL_CHARS,
    IngestError,
    clip,
    foreign_digit,
)
from perfpack.ingest.csv_text import Extract
from perfpack.ingest.parsers import (
    BOOL_VALUES,
    FIRST_YEAR,
    FLAG_VALUES,
    INT_PATTERN,
    LAST_YEAR,
    holdable_year,
    is_blank,
    parse_column,
    parse_date,
    parse_datetime_local,
    parse_int,
    parse_number,
)
from perfpack.ingest.problems import combine, empty_problems, problem_row

#: Reference tables that hold rows for more than one scheme: only these rows are allowed values.
#: A force extract carries Home Office offence codes, never data.police.uk crime types.
REFERENCE_ROW_FILTERS: dict[str, tuple[str, str]] = {"offence_themes": ("scheme", "ho_code")}

#: Pairs ``(later, earlier)`` per table: ``later`` may not be before ``earlier`` when both are set.
ORDER_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "missing_episodes": (("found_at", "reported_at"),),
}


# --------------------------------------------------------------------------------------------
# problems in cells


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
        whole = values.str.fullmatch(INT_PATTERN)
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
