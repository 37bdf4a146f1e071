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

Tables tied together by sums that cross them (BAME in one table is Asian + Black + Mixed + Other
in another), or whose hidden cells could be pinned by what the marks say (two "<5" adding up to
8 are both 4), go through :func:`linked_suppression`, which checks every small count against
every published sum.
"""

from __future__ import annotations

import math

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


# --------------------------------------------------------------------------------------------
# linked tables: cells tied together by known sums


_SHOWN, _PRIMARY, _SECONDARY, _WITHHELD = 0, 1, 2, 3
_STATE_NAMES = ("", "primary", "secondary", "withheld")


def linked_suppression(
    counts: pd.Series,
    relations,
    threshold: int = 5,
    withheld=(),
    priority: pd.Series | None = None,
    upper: pd.Series | None = None,
    known=(),
) -> pd.Series:
    """Which cells of one or more linked tables to hide so that no small count can be worked out.

    The row-and-column rule of :func:`suppression_mask` misses sums that cross tables (BAME is
    Asian + Black + Mixed + Other, each published in a different table) and what a reader knows
    about hidden cells: a ``"<5"`` is 1 to 4 and a ``"[c]"`` at least 5, because every
    non-zero count under 5 is shown as ``"<5"``. So two ``"<5"`` cells that must add up to 8
    are both 4. Here every cell is a variable, every known sum an equation, and a small count
    is safe only when the published figures (the shown cells, the equations and those bounds)
    leave it at least two possible values. That is checked with a linear programme for the
    least and the greatest value each small count can take. While some small count is
    pinned to one value, the cheapest shown cell (lowest ``priority``, then smallest count)
    whose hiding frees it is hidden too, if one costs no more than the cheapest cell in a sum
    with it; otherwise every shown cell in a sum with a hidden one is hidden and the search
    goes on. Finally each hidden cell not needed is shown again, most costly first, so the
    figures that matter most stay shown where cheaper ones can be hidden instead. Zeros are
    always shown and never chosen.

    Parameters
    ----------
    counts : Series
        Every cell, whole numbers of zero or more, indexed by any hashable label (for instance
        ``(team, group)`` tuples).
    relations : iterable of (label, list of labels)
        Known sums: ``(total, parts)`` means ``counts[total] == counts[parts].sum()``. A
        ValueError if the counts break one.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` must not be worked out.
    withheld : iterable of labels
        Cells the reader never sees (not published, or already hidden for another reason).
        They are never marked primary or secondary, but a small count among them is protected
        like any other.
    priority : Series, optional
        Cost of hiding each cell (lower is hidden first); default 0 for every cell. Give the
        figures that matter most the highest cost.
    upper : Series, optional
        An upper bound the reader knows for a cell's value when it is hidden (for instance the
        number of searches behind a count of positive outcomes); default none.
    known : iterable of labels
        Cells published elsewhere in full (a window's total searches): always shown, never
        hidden and, whatever their value, not protected.

    Returns
    -------
    Series of str
        Same index as ``counts``: ``""`` (shown), ``"primary"`` (1 to ``threshold - 1``),
        ``"secondary"`` (hidden to protect a small count) or ``"withheld"``.

    Notes
    -----
    The check treats counts as real numbers between their bounds (a linear programme), so a
    value that only whole-number reasoning could pin down would not be caught. A small count
    that nothing can protect (the only non-zero part of a total in ``known``) stays "primary":
    the total published elsewhere gives it away whatever this table does.
    """
    from scipy.optimize import linprog

    cells = list(counts.index)
    if len(set(cells)) != len(cells):
        raise ValueError("each cell label must be unique")
    position = {cell: i for i, cell in enumerate(cells)}
    values = _counts_matrix(counts.to_frame("n"), ["n"])[:, 0]
    if np.isnan(values).any():
        raise ValueError("every cell of linked tables needs a count")
    relations = [(total, list(parts)) for total, parts in relations]
    equations = np.zeros((len(relations), len(cells)))
    for row, (total, parts) in enumerate(relations):
        equations[row, position[total]] += 1.0
        for part in parts:
            equations[row, position[part]] -= 1.0
    broken = np.abs(equations @ values) > 1e-9
    if broken.any():
        raise ValueError(f"the counts break the sum for {relations[int(np.argmax(broken))][0]!r}")

    n = len(cells)
    cost = np.zeros(n) if priority is None else priority.reindex(cells).fillna(0).to_numpy(float)
    ceiling = np.full(n, np.inf)
    if upper is not None:
        ceiling = upper.reindex(cells).fillna(np.inf).to_numpy(float)
    small = (values >= 1) & (values < threshold)
    fixed = np.zeros(n, dtype=bool)
    fixed[[position[cell] for cell in known]] = True
    small &= ~fixed
    state = np.full(n, _SHOWN, dtype=np.int8)
    state[small] = _PRIMARY
    state[[position[cell] for cell in withheld]] = _WITHHELD
    protected = [int(i) for i in np.flatnonzero(small)]
    partners = [set() for _ in range(n)]  # cells sharing a sum with each cell
    for row in equations:
        members = set(np.flatnonzero(row).tolist())
        for i in members:
            partners[i] |= members - {i}

    def bounds(i: int, states: np.ndarray) -> tuple[float, float]:
        top = ceiling[i]
        if states[i] == _PRIMARY:
            return 1.0, min(threshold - 1.0, top)
        if states[i] == _SECONDARY:
            return float(threshold), top
        return 0.0, top

    def whole_numbers(low: float, high: float) -> int:
        if math.isinf(high):
            return 2
        return int(math.floor(high + 1e-7) - math.ceil(low - 1e-7) + 1)

    equations_of = [np.flatnonzero(equations[:, j]).tolist() for j in range(n)]
    memo: dict = {}

    def component(i: int, states: np.ndarray) -> list[int]:
        """The hidden cells tied to cell ``i`` through sums of hidden cells: only they bear on
        what ``i`` can be."""
        found, queue = {i}, [i]
        while queue:
            cell = queue.pop()
            for row in equations_of[cell]:
                for other in np.flatnonzero(equations[row]).tolist():
                    if states[other] != _SHOWN and other not in found:
                        found.add(other)
                        queue.append(other)
        return sorted(found)

    def pinned(i: int, states: np.ndarray) -> bool:
        """Whether the published figures leave cell ``i`` only one whole-number value (and
        its mark alone did not already)."""
        own = bounds(i, states)
        if whole_numbers(*own) <= 1:
            return False  # nothing hiding more could change
        unknown = np.array(component(i, states))
        key = (i, tuple(unknown.tolist()), tuple(states[unknown].tolist()))
        if key in memo:
            return memo[key]
        known = np.flatnonzero(states == _SHOWN)
        rows = np.flatnonzero(np.abs(equations[:, unknown]).sum(axis=1) > 0)
        matrix = equations[np.ix_(rows, unknown)]
        target = -equations[np.ix_(rows, known)] @ values[known]
        limits = [bounds(int(j), states) for j in unknown]
        column = int(np.flatnonzero(unknown == i)[0])
        found = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(unknown))
            objective[column] = sign
            result = linprog(
                objective,
                A_eq=matrix if len(rows) else None,
                b_eq=target if len(rows) else None,
                bounds=limits,
                method="highs",
            )
            if result.status == 3:  # unbounded: no upper limit
                found = [0.0, math.inf]
                break
            if result.status != 0:
                raise RuntimeError(f"disclosure check failed: {result.message}")
            found.append(sign * result.fun)
        memo[key] = whole_numbers(found[0], found[1]) <= 1
        return memo[key]

    def first_pinned(states: np.ndarray) -> int | None:
        return next((i for i in protected if pinned(i, states)), None)

    def order(indices) -> list[int]:
        return sorted(indices, key=lambda j: (cost[j], values[j], j))

    while (exposed := first_pinned(state)) is not None:
        hidden = set(np.flatnonzero(state != _SHOWN).tolist())
        candidates = order(
            j
            for j in range(n)
            if state[j] == _SHOWN and values[j] > 0 and not fixed[j] and partners[j] & hidden
        )
        if not candidates:
            break
        # one cell no dearer than the cheapest in a sum with the exposed cell, if one will do
        direct = [j for j in candidates if j in partners[exposed]]
        limit = cost[direct[0]] if direct else -np.inf
        choice = None
        for j in (j for j in candidates if cost[j] <= limit):
            trial = state.copy()
            trial[j] = _SECONDARY
            if not pinned(exposed, trial):
                choice = j
                break
        if choice is not None:
            state[choice] = _SECONDARY
        else:  # no one cell will do: hide the whole frontier, the pruning below re-shows
            state[candidates] = _SECONDARY

    for j in reversed(order(np.flatnonzero(state == _SECONDARY).tolist())):
        trial = state.copy()
        trial[j] = _SHOWN
        if first_pinned(trial) is None:
            state = trial

    return pd.Series(np.array(_STATE_NAMES, dtype=object)[state], index=counts.index, dtype="str")
