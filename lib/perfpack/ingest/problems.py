"""Problems tables: what is wrong with an extract, one row per problem, and the error made of them.

A problems table has the columns ``line`` (the line in the file; the header is line 1; 0 for a
fault of the whole file), ``order`` (the column's place in the header, to sort problems on one
line) and ``message`` (one line naming file, line, column and problem, e.g.
``crimes.csv line 17, column 'recorded_date': '2019-13-01' is not a date (YYYY-MM-DD)``).
"""

from __future__ import annotations

import pandas as pd

from perfpack.data.safe_input import ERROR_PREFIX, MAX_ERROR_CHARS, IngestError, clip, one_line


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
