"""Small-count suppression for published tables.

A published count of 1 to 4 could point at a person, so it is shown as ``"<5"`` (primary
suppression). Hiding it is not enough when the row or column total is known (shown in the table,
or published elsewhere in the report): the one hidden cell is then ``total - the others``. So
every row and every column of a table must hold either no hidden cell or at least two; when a
line holds exactly one, the smallest other non-zero count in it is hidden too (secondary
suppression, shown as ``"[c]"``, the Government Statistical Service mark for "confidential").
The rule is applied again until no line holds a single hidden cell. Zeros are always shown and
never chosen for secondary suppression: a line whose only other cells are zeros has a total equal
to its small count, and that total (if the table shows it) is hidden as a small count itself.

By default rows and columns are both treated as having a known total, whether or not the table
shows one, because the report usually publishes it somewhere. Pass ``along="columns"`` (or
``"rows"``) when only one direction adds up (a table whose columns are different measures), and
``secondary=False`` for a table whose lines add up to no published figure (a "top 10" list).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SECONDARY_MARK = "[c]"


def primary_mark(threshold: int = 5) -> str:
    """The text shown instead of a small count: ``"<5"`` for the default threshold."""
    return f"<{threshold}"


def suppression_note(threshold: int = 5) -> str:
    """The footnote a published table with suppressed cells carries."""
    return (
        f'Counts of 1 to {threshold - 1} are shown as "{primary_mark(threshold)}"; a cell '
        f'shown as "{SECONDARY_MARK}" is hidden as well so that a row or column total cannot '
        "reveal a small count."
    )


def _counts_matrix(frame: pd.DataFrame, columns: list) -> np.ndarray:
    """The count cells as a float matrix (NaN for missing); a ValueError for anything that is
    not a whole number of zero or more."""
    values = frame[columns].apply(pd.to_numeric, errors="raise").astype("float64").to_numpy()
    present = values[~np.isnan(values)]
    if (present < 0).any() or (present != np.round(present)).any():
        raise ValueError("suppression works on counts: whole numbers of zero or more")
    return values


def suppression_mask(
    frame: pd.DataFrame,
    columns,
    threshold: int = 5,
    secondary: bool = True,
    total_row=None,
    total_column=None,
    along: str = "both",
) -> pd.DataFrame:
    """Which count cells to hide, and why.

    Parameters
    ----------
    frame : DataFrame
        The table as it will be published, one row per row of the table.
    columns : list of str
        The count columns (the cells that may be hidden). Label columns are left out.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are hidden (primary suppression).
    secondary : bool, default True
        Hide further cells so that no row or column holds exactly one hidden cell.
    total_row : label, optional
        Index label of a row of column totals, if the table has one. It takes part in the column
        lines (it is their total) and is only chosen for secondary suppression as a last resort.
    total_column : str, optional
        Name of a row-total column among ``columns``, if the table has one; handled likewise.
    along : {"both", "rows", "columns"}, default "both"
        Which lines have a known total and so need secondary suppression: each row (across the
        count columns), each column (down the rows), or both.

    Returns
    -------
    DataFrame
        Same index and ``columns`` as the count cells, holding ``""`` (shown), ``"primary"``
        or ``"secondary"``.
    """
    if along not in ("both", "rows", "columns"):
        raise ValueError("along must be 'both', 'rows' or 'columns'")
    columns = list(columns)
    values = _counts_matrix(frame, columns)
    n_rows, n_cols = values.shape
    filled = np.nan_to_num(values, nan=0.0)
    state = np.zeros(values.shape, dtype=np.int8)  # 0 shown, 1 primary, 2 secondary
    state[(filled >= 1) & (filled < threshold)] = 1

    margin = np.zeros(values.shape, dtype=bool)
    if total_row is not None:
        margin[list(frame.index).index(total_row), :] = True
    if total_column is not None:
        margin[:, columns.index(total_column)] = True

    def lines():
        if along in ("both", "rows"):
            for i in range(n_rows):
                yield [(i, j) for j in range(n_cols)]
        if along in ("both", "columns"):
            for j in range(n_cols):
                yield [(i, j) for i in range(n_rows)]

    changed = secondary
    while changed:
        changed = False
        for line in lines():
            hidden = [cell for cell in line if state[cell]]
            if len(hidden) != 1:
                continue
            candidates = [cell for cell in line if not state[cell] and filled[cell] > 0]
            if not candidates:
                continue
            # the smallest non-zero body cell; a total only when no body cell is left
            choice = min(candidates, key=lambda c: (margin[c], filled[c]))
            state[choice] = 2
            changed = True

    labels = np.array(["", "primary", "secondary"], dtype=object)[state]
    return pd.DataFrame(labels, index=frame.index, columns=columns)


def suppress_small(
    frame: pd.DataFrame,
    columns,
    threshold: int = 5,
    secondary: bool = True,
    total_row=None,
    total_column=None,
    thousands: bool = True,
    along: str = "both",
) -> pd.DataFrame:
    """A copy of ``frame`` ready to publish: the count ``columns`` as text, small counts hidden.

    Parameters
    ----------
    frame : DataFrame
        The table, counts as numbers (int, float or nullable Int64).
    columns : list of str
        The count columns. Other columns are returned unchanged.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are shown as ``"<threshold>"`` (``"<5"``).
    secondary : bool, default True
        Also hide (as ``"[c]"``) the smallest other count in any row or column that would
        otherwise hold exactly one hidden cell, repeating until none does. See the module note.
    total_row, total_column : optional
        A totals row (index label) or column (name, among ``columns``); see
        :func:`suppression_mask`. A total of 1 to 4 is itself hidden.
    thousands : bool, default True
        Write shown counts with thousands separators (``"1,234"``).
    along : {"both", "rows", "columns"}, default "both"
        Which lines add up to a known total (see :func:`suppression_mask`).

    Returns
    -------
    DataFrame
        Same index and columns; each count column of dtype ``str``. A missing count stays missing.

    Examples
    --------
    >>> t = pd.DataFrame({"home": ["H01", "H02"], "2018": [3, 10], "2019": [12, 20]})
    >>> suppress_small(t, ["2018", "2019"])["2018"].tolist()
    ['<5', '[c]']
    """
    columns = list(columns)
    mask = suppression_mask(frame, columns, threshold, secondary, total_row, total_column, along)
    out = frame.copy()
    small = primary_mark(threshold)
    for column in columns:
        numbers = pd.to_numeric(frame[column]).astype("float64")
        shown = [
            None if pd.isna(n) else (f"{int(n):,}" if thousands else str(int(n))) for n in numbers
        ]
        texts = pd.Series(shown, index=frame.index, dtype="str")
        texts = texts.mask(mask[column] == "primary", small)
        texts = texts.mask(mask[column] == "secondary", SECONDARY_MARK)
        out[column] = texts
    return out


def suppressed_crosstab(
    records: pd.DataFrame,
    index: str,
    columns: str,
    threshold: int = 5,
    total_label: str = "Total",
    row_order=None,
    column_order=None,
) -> pd.DataFrame:
    """Count records by two characteristics, add totals, and hide small counts.

    Parameters
    ----------
    records : DataFrame
        One row per event (e.g. per missing episode). Never published itself.
    index, columns : str
        The columns to cross-tabulate (e.g. ``"cohort"`` by ``"location_type"``).
    threshold : int, default 5
        As for :func:`suppress_small`.
    total_label : str, default "Total"
        Label of the totals row and column.
    row_order, column_order : list, optional
        Categories to show, in order; a category with no records shows 0.

    Returns
    -------
    DataFrame
        Rows ``index`` values then ``total_label``; columns the ``columns`` values then
        ``total_label``; every cell text, small counts hidden with secondary suppression across
        the body and the totals.
    """
    table = pd.crosstab(records[index], records[columns])
    if row_order is not None:
        table = table.reindex(index=list(row_order), fill_value=0)
    if column_order is not None:
        table = table.reindex(columns=list(column_order), fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table.index = [str(i) for i in table.index]
    table[total_label] = table.sum(axis=1)
    table.loc[total_label] = table.sum(axis=0)
    table.index.name = index
    table.columns.name = columns
    return suppress_small(
        table, list(table.columns), threshold, total_row=total_label, total_column=total_label
    )
