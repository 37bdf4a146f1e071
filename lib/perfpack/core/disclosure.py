"""Small-count suppression for published tables: one routine, proved by an audit.

A published count of 1 to 4 could point at a person, so it is shown as ``"<5"`` (primary
suppression). Hiding it is not enough when sums of cells are published (a row or column total in
the table, a total printed elsewhere on the page, a sum shared with another table): the hidden
cell may then be worked out. A ``1, 1, 10 | 12`` row published as ``<5 | <5 | 10 | 12`` gives
both hidden cells away (they add up to 2 and each is at least 1). So every table goes through
:func:`protect`, which hides further cells (secondary suppression, shown ``"[c]"``, the
Government Statistical Service mark for "confidential") until the disclosure audit of
:mod:`perfpack.core.sdc_audit` passes: for every hidden cell, the least and greatest value
consistent with everything published (a linear programme) must not pin it to one value, and a
``"[c]"`` must not be confined within 1 to 4. The audit, not the heuristic, is the proof.

The search for the secondary cells is :func:`perfpack.core.suppression_search.search`. Zeros are
always shown and never chosen (a zero is published as ``0``). A small count that nothing can
protect (the only non-zero part of a total published elsewhere) is left failing: the audit then
stops the table (:class:`perfpack.core.sdc_audit.DisclosureError`).

Tables in the usual layout go through :func:`suppress_small` (and :func:`suppressed_crosstab`),
which declare the sums for :func:`protect`: a totals row or column shown in the table; a total
for every row and/or column published elsewhere (``along``, default both); other sums published
elsewhere on the page (``known_sums``); and sums inside each row with a part not shown
(``row_sums``: a place's individuals are its repeaters plus those who went missing once).
Tables tied by sums that cross them (BAME in one table is Asian + Black + Mixed + Other in
another) go through :func:`linked_suppression`, which is :func:`protect` with cells labelled by
the caller. Each result carries its :class:`perfpack.core.sdc_audit.Publication` in
``attrs["sdc"]``; :func:`perfpack.present.html.table_html` audits it again before the table is
shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfpack.core import sdc_audit, suppression_search
from perfpack.core.sdc_audit import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    WITHHELD,
    DisclosureError,
    audit_frame,
    carry,
)

SECONDARY_MARK = "[c]"

__all__ = [
    "SECONDARY_MARK",
    "DisclosureError",
    "audit_frame",
    "carry",
    "linked_suppression",
    "primary_mark",
    "protect",
    "render",
    "suppress_small",
    "suppressed_crosstab",
    "suppression_mask",
    "suppression_note",
]


def primary_mark(threshold: int = 5) -> str:
    """The text shown instead of a small count: ``"<5"`` for the default threshold."""
    return f"<{threshold}"


def suppression_note(threshold: int = 5) -> str:
    """The footnote a published table with suppressed cells carries."""
    return (
        f'Counts of 1 to {threshold - 1} are shown as "{primary_mark(threshold)}"; a cell '
        f'shown as "{SECONDARY_MARK}" is hidden as well so that no hidden count can be worked '
        "out from the totals and other figures published."
    )


def _counts_matrix(frame: pd.DataFrame, columns: list) -> np.ndarray:
    """The count cells as a float matrix (NaN for missing); a ValueError for anything that is
    not a whole number of zero or more."""
    values = frame[columns].apply(pd.to_numeric, errors="raise").astype("float64").to_numpy()
    present = values[~np.isnan(values)]
    if (present < 0).any() or (present != np.round(present)).any():
        raise ValueError("suppression works on counts: whole numbers of zero or more")
    return values


# --------------------------------------------------------------------------------------------
# the one routine


def protect(
    counts: pd.Series,
    relations,
    threshold: int = 5,
    withheld=(),
    priority: pd.Series | None = None,
    upper: pd.Series | None = None,
    known=(),
    secondary: bool = True,
    name: str = "",
    inequalities=(),
) -> tuple[pd.Series, sdc_audit.Publication]:
    """Primary and secondary suppression of a set of cells tied by published sums.

    Parameters
    ----------
    counts : Series
        Every cell, whole numbers of zero or more, indexed by unique hashable labels.
    relations : iterable of (label, list of labels)
        Published sums: ``(total, parts)`` means ``counts[total] == counts[parts].sum()``. A
        ValueError if the counts break one.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are hidden and must not be worked out.
    withheld : iterable of labels
        Cells never published (a part of a total the table does not show). Never marked, but a
        small count among them is protected like any other.
    priority : Series, optional
        Cost of hiding each cell (lower is hidden first); default 0.
    upper : Series, optional
        An upper bound the reader knows for a cell when it is hidden; default none.
    known : iterable of labels
        Cells published elsewhere in full: always shown, never chosen, not protected.
    secondary : bool, default True
        Hide further cells until the audit passes. With False only small counts are hidden
        and the result is still audited: a DisclosureError if a hidden cell can be worked out.
    name : str
        What the table is called, for messages.
    inequalities : iterable of (list of labels, list of labels)
        Published orderings, ``(lesser, greater)``: the sum of ``lesser`` is at most that of
        ``greater`` (a total of overlapping groups). A ValueError if the counts break one.

    Returns
    -------
    (Series of str, Publication)
        The state of each cell (``""``, ``"primary"``, ``"secondary"`` or ``"withheld"``) and
        the :class:`perfpack.core.sdc_audit.Publication` to audit.
    """
    cells = list(counts.index)
    if len(set(cells)) != len(cells):
        raise ValueError("each cell label must be unique")
    values = _counts_matrix(counts.to_frame("n"), ["n"])[:, 0]
    if np.isnan(values).any():
        raise ValueError("every cell of linked tables needs a count")
    relations = [(total, list(parts)) for total, parts in relations]
    equations = sdc_audit.equations_for(cells, relations)
    broken = np.abs(equations @ values) > 1e-9
    if broken.any():
        raise ValueError(f"the counts break the sum for {relations[int(np.argmax(broken))][0]!r}")
    inequalities = [(list(lesser), list(greater)) for lesser, greater in inequalities]
    orderings = sdc_audit.inequalities_for(cells, inequalities)
    if (orderings @ values > 1e-9).any():
        raise ValueError("the counts break an ordering (a group larger than its total)")
    position = {cell: i for i, cell in enumerate(cells)}
    n = len(cells)
    cost = np.zeros(n) if priority is None else priority.reindex(cells).fillna(0).to_numpy(float)
    ceiling = np.full(n, np.inf)
    if upper is not None:
        ceiling = upper.reindex(cells).astype("float64").fillna(np.inf).to_numpy()
    fixed = np.zeros(n, dtype=bool)
    fixed[[position[cell] for cell in known]] = True
    small = (values >= 1) & (values < threshold) & ~fixed
    state = [SHOWN] * n
    for i in np.flatnonzero(small):
        state[i] = PRIMARY
    for cell in withheld:
        state[position[cell]] = WITHHELD
    state = suppression_search.search(
        values, equations, orderings, state, threshold, ceiling, cost, fixed, secondary
    )
    states = pd.Series(state, index=counts.index, dtype="str")
    publication = sdc_audit.Publication(
        values=pd.Series(values, index=counts.index),
        states=states.copy(),
        relations=relations,
        threshold=threshold,
        upper=None if upper is None else pd.Series(ceiling, index=counts.index),
        name=name,
        inequalities=inequalities,
    )
    if not secondary:
        sdc_audit.require(publication, name or None)
    states.attrs[sdc_audit.ATTRS_KEY] = [publication]
    return states, publication


def linked_suppression(
    counts: pd.Series,
    relations,
    threshold: int = 5,
    withheld=(),
    priority: pd.Series | None = None,
    upper: pd.Series | None = None,
    known=(),
) -> pd.Series:
    """Which cells of one or more linked tables to hide so that no hidden count can be worked
    out: :func:`protect` (see it for the parameters), returning only the states.

    The returned Series carries its :class:`perfpack.core.sdc_audit.Publication` in
    ``attrs["sdc"]``; attach it to the published table with :func:`perfpack.core.sdc_audit.carry`.
    A small count that nothing can protect (the only non-zero part of a total in ``known``)
    stays "primary" and the audit of the table will fail.
    """
    states, _ = protect(counts, relations, threshold, withheld, priority, upper, known)
    return states


# --------------------------------------------------------------------------------------------
# tables in rows and columns


def _row_names(frame: pd.DataFrame, columns: list) -> list:
    """How to name each row in messages: the index, or the first label column when the index
    is only positions."""
    labels = [c for c in frame.columns if c not in columns]
    if isinstance(frame.index, pd.RangeIndex) and labels:
        return [str(v) for v in frame[labels[0]]]
    return list(frame.index)


def _plan(
    frame: pd.DataFrame,
    columns,
    threshold: int = 5,
    secondary: bool = True,
    total_row=None,
    total_column=None,
    along: str = "both",
    known_sums=(),
    row_sums=(),
    column_sums=(),
    row_orderings=(),
    name: str = "",
) -> tuple[pd.DataFrame, sdc_audit.Publication]:
    """The suppression mask of a table and its publication (see :func:`suppression_mask`)."""
    if along not in ("both", "rows", "columns", "none"):
        raise ValueError("along must be 'both', 'rows', 'columns' or 'none'")
    if not secondary:  # the old "adds up to nothing" switch: now audited, never a leak
        along = "none"
    columns = list(columns)
    values = _counts_matrix(frame, columns)
    rows = _row_names(frame, columns)
    if len(set(rows)) != len(rows):
        rows = list(range(len(frame)))
    n_rows = len(rows)
    cell = {(i, j): (rows[i], columns[j]) for i in range(n_rows) for j in range(len(columns))}
    present = {k: v for k, v in cell.items() if not np.isnan(values[k])}
    counts = {label: values[k] for k, label in present.items()}
    cost = {label: 0.0 for label in counts}
    known, withheld, relations = [], [], []
    t_row = None if total_row is None else list(frame.index).index(total_row)
    t_col = None if total_column is None else columns.index(total_column)
    for k, label in present.items():
        if k[0] == t_row or k[1] == t_col:
            cost[label] = 1.0  # a total only when no body cell will do

    orderings = []

    def add_sum(total_label, part_keys, shown_total: bool = False):
        parts = [present[k] for k in part_keys if k in present]
        total, added = counts[total_label], sum(counts[p] for p in parts)
        if (
            shown_total
            and total != added
            and all(counts[p] <= total for p in parts)
            and (total < added)
        ):  # groups that overlap (a person in two): at most their sum, at least each
            orderings.append(([total_label], parts))
            orderings.extend(([p], [total_label]) for p in parts)
            return
        relations.append((total_label, parts))

    def add_known(label, part_keys):
        counts[label] = float(sum(values[k] for k in part_keys if k in present))
        known.append(label)
        add_sum(label, part_keys)

    body_cols = [j for j in range(len(columns)) if j != t_col]
    body_rows = [i for i in range(n_rows) if i != t_row]
    for i in range(n_rows):
        line = [(i, j) for j in body_cols]
        if t_col is not None and (i, t_col) in present:
            add_sum(present[(i, t_col)], line, shown_total=True)
        elif along in ("both", "rows") and len(line) > 1:
            add_known(("row total", rows[i]), line)
    for j in range(len(columns)):
        line = [(i, j) for i in body_rows]
        if t_row is not None and (t_row, j) in present:
            add_sum(present[(t_row, j)], line, shown_total=True)
        elif along in ("both", "columns") and len(line) > 1:
            add_known(("column total", columns[j]), line)
    for number, cells in enumerate(known_sums):
        keys = [(rows.index(r) if r in rows else list(frame.index).index(r), columns.index(c))
                for r, c in cells]  # fmt: skip
        add_known(("published sum", number), keys)

    def position(row) -> int:
        return rows.index(row) if row in rows else list(frame.index).index(row)

    def inner_sum(total_key, specs, where: str) -> None:
        """A sum inside one line; ``specs`` are table keys or (label, value) of parts the
        table does not show (value NaN: the total less the others)."""
        if total_key not in present:
            return  # no published total in this line: nothing ties the parts
        labels = []
        for spec in specs:
            if isinstance(spec[0], tuple):  # a part the table does not show
                label, value = spec
                counts[label] = value
                withheld.append(label)
                labels.append(label)
            elif spec in present:
                labels.append(present[spec])
        derived = [p for p in labels if np.isnan(counts[p])]
        if len(derived) > 1:
            raise ValueError(f"in {where}, more than one part of a sum has no count")
        for label in derived:
            rest = values[total_key] - sum(counts[p] for p in labels if p != label)
            if rest < 0:
                raise ValueError(f"in {where}, the parts of a sum exceed its total")
            counts[label] = rest
        relations.append((present[total_key], labels))

    for total, parts in row_sums:
        for i in range(n_rows):
            specs = []
            for part in parts:
                if part in columns:
                    specs.append((i, columns.index(part)))
                elif part in frame.columns:
                    specs.append(((rows[i], part), float(pd.to_numeric(frame[part]).iloc[i])))
                else:
                    specs.append(((rows[i], part), np.nan))
            key = (i, columns.index(total)) if total in columns else None
            inner_sum(key, specs, f"row {rows[i]!r}")
    for total, parts in column_sums:
        for j, column in enumerate(columns):
            specs = [
                (position(part), j)
                if part in rows or part in frame.index
                else ((part, column), np.nan)
                for part in parts
            ]
            inner_sum((position(total), j), specs, f"column {column!r}")
    for lesser, greater in row_orderings:
        for i in range(n_rows):
            sides = [
                [present[(i, columns.index(c))] for c in side if (i, columns.index(c)) in present]
                for side in (lesser, greater)
            ]
            if all(sides):
                orderings.append((sides[0], sides[1]))
    series = pd.Series(counts, dtype="float64")
    series.index = pd.Index(list(counts), tupleize_cols=False)
    states, publication = protect(
        series,
        relations,
        threshold,
        withheld=withheld,
        priority=pd.Series(cost).reindex(series.index).fillna(0.0),
        known=known,
        secondary=secondary,
        name=name,
        inequalities=orderings,
    )
    labels = np.full(values.shape, "", dtype=object)
    for k, label in present.items():
        labels[k] = states[label]
    mask = pd.DataFrame(labels, index=frame.index, columns=columns)
    mask.attrs[sdc_audit.ATTRS_KEY] = [publication]
    return mask, publication


def suppression_mask(
    frame: pd.DataFrame,
    columns,
    threshold: int = 5,
    secondary: bool = True,
    total_row=None,
    total_column=None,
    along: str = "both",
    known_sums=(),
    row_sums=(),
    column_sums=(),
    row_orderings=(),
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
        Hide further cells until no hidden cell can be worked out (:func:`protect`). False
        (kept for old callers) says no line adds up to a figure published elsewhere (as
        ``along="none"``) and hides nothing more, but the table is still audited against the
        totals it shows, ``known_sums`` and ``row_sums``: a
        :class:`~perfpack.core.sdc_audit.DisclosureError` if a hidden cell can be worked out.
    total_row : label, optional
        Index label of a row of column totals shown in the table: each column's body cells add
        up to it. It is hidden only when no body cell will do. A total below its column's sum
        and at least each cell (groups that overlap: a person in two cohorts) is taken as what
        it is, at most the sum and at least each part.
    total_column : str, optional
        Name of a row-total column among ``columns``, handled likewise.
    along : {"both", "rows", "columns", "none"}, default "both"
        Lines whose total is published elsewhere though the table does not show it: each row
        (across the count columns), each column (down the rows), both, or none (a top list, or
        columns that are different measures).
    known_sums : iterable of list of (row, column)
        Further sums of cells published elsewhere on the page; each list is one sum (a list of
        one cell: that cell is published elsewhere). Rows are named as in the index, or by
        the first label column when the index is only positions.
    row_sums : iterable of (str, list of str)
        Sums inside every row: ``("individuals", ["repeaters", "once"])`` says a row's
        individuals are its repeaters plus those who went missing once. A part that is not
        among ``columns`` is not published but protected: taken from its column of ``frame``
        if there is one, else worked out as the total less the other parts (one at most).
    column_sums : iterable of (row, list of rows)
        Sums inside every column, the same way: ``("From care homes", ["Children from care
        homes", "adults"])``; a part that is not a row of the table is worked out.
    row_orderings : iterable of (list of str, list of str)
        Orderings inside every row, between count columns: ``(["individuals", "repeaters"],
        ["episodes"])`` says individuals plus repeaters are at most the episodes (a repeater
        has two or more).

    Returns
    -------
    DataFrame
        Same index and ``columns`` as the count cells, holding ``""`` (shown), ``"primary"``
        or ``"secondary"``; ``attrs["sdc"]`` holds the publication to audit.
    """
    mask, _ = _plan(
        frame,
        columns,
        threshold,
        secondary,
        total_row,
        total_column,
        along,
        known_sums,
        row_sums,
        column_sums,
        row_orderings,
    )
    return mask


def suppress_small(
    frame: pd.DataFrame,
    columns,
    threshold: int = 5,
    secondary: bool = True,
    total_row=None,
    total_column=None,
    thousands: bool = True,
    along: str = "both",
    known_sums=(),
    row_sums=(),
    column_sums=(),
    row_orderings=(),
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
        Also hide (as ``"[c]"``) what would let a hidden count be worked out; with False the
        table is audited as it stands (see :func:`suppression_mask`).
    total_row, total_column : optional
        A totals row (index label) or column (name, among ``columns``) shown in the table.
    thousands : bool, default True
        Write shown counts with thousands separators (``"1,234"``).
    along, known_sums, row_sums, column_sums, row_orderings : optional
        The sums published elsewhere or implied, see :func:`suppression_mask`.

    Returns
    -------
    DataFrame
        Same index and columns; each count column of dtype ``str``. A missing count stays
        missing. ``attrs["sdc"]`` holds the publication the display path audits.

    Examples
    --------
    >>> t = pd.DataFrame({"home": ["H01", "H02"], "2018": [3, 10], "2019": [12, 20]})
    >>> suppress_small(t, ["2018", "2019"])["2018"].tolist()
    ['<5', '[c]']
    """
    columns = list(columns)
    mask, publication = _plan(
        frame,
        columns,
        threshold,
        secondary,
        total_row,
        total_column,
        along,
        known_sums,
        row_sums,
        column_sums,
        row_orderings,
    )
    return render(frame, mask, threshold, thousands, publication)


def render(
    frame: pd.DataFrame,
    mask: pd.DataFrame,
    threshold: int = 5,
    thousands: bool = True,
    publication: sdc_audit.Publication | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with the count columns of ``mask`` as text: ``"<5"`` where the mask
    says ``"primary"``, ``"[c]"`` where ``"secondary"``, else the count.

    For tables whose cells were chosen together with other tables' in one :func:`protect` call
    (a page's linked tables): ``mask`` has the index of ``frame`` and the states of the count
    columns; ``publication`` (the joint one) is carried in ``attrs["sdc"]``.
    """
    out = frame.copy()
    small = primary_mark(threshold)
    for column in mask.columns:
        numbers = pd.to_numeric(frame[column]).astype("float64")
        shown = [
            None if pd.isna(n) else (f"{int(n):,}" if thousands else str(int(n))) for n in numbers
        ]
        texts = pd.Series(shown, index=frame.index, dtype="str")
        texts = texts.mask(mask[column].to_numpy() == PRIMARY, small)
        texts = texts.mask(mask[column].to_numpy() == SECONDARY, SECONDARY_MARK)
        out[column] = texts
    out.attrs[sdc_audit.ATTRS_KEY] = [] if publication is None else [publication]
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
        ``total_label``; every cell text, small counts hidden so that the audit passes across
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
