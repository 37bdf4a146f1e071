"""Disclosure audit of a published table: can any hidden cell be worked out?

A table with hidden cells publishes more than its shown numbers: the rows and columns that add up
to totals (shown in the table or published elsewhere on the page), sums that tie two tables
together (BAME = Asian + Black + Mixed + Other), and what the marks themselves say. For every
hidden cell this module computes the smallest and the largest value consistent with everything
published, by linear programming (``scipy.optimize.linprog``): minimise and maximise the cell
subject to the published sums, the shown values and the bounds the marks give. This is the
protection-interval audit that statistical offices run on tables before release with tau-ARGUS
(Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, section 4.3; de Wolf,
"Using linear programming to audit tables", tau-ARGUS manual, the "audit" of a suppression
pattern) and the R package sdcTable (``attack()``/``protectTable()`` checks, Meindl 2023).

Attacker model
--------------
The reader knows every shown cell, every published sum (:class:`Publication` ``relations``),
every published ordering (``inequalities``: a total of overlapping groups is at most their sum
and at least each; a place's individuals plus repeaters are at most its episodes) and an upper
bound for a cell when one is published (``upper``). Counts are whole numbers of zero
or more, and zeros are published as ``0``, so:

* a cell shown ``"<5"`` (state ``"primary"``) lies in ``[1, threshold - 1]``;
* a cell shown ``"[c]"`` (``"secondary"``) lies in ``[0, inf)``, and, since every count from 1 to
  ``threshold - 1`` is always shown as ``"<5"``, a careful reader knows it is in
  ``[threshold, inf)``. The audit runs under both models and must pass under both;
* a ``"withheld"`` cell is never published (a part of a published total that the table does not
  show, such as the children who went missing only once from a place whose individuals and
  repeaters are shown); it lies in ``[0, inf)``.

A hidden cell FAILS when its range holds a single whole number (it is pinned), or, for a
``"[c]"`` cell, when the range lies within ``1 .. threshold - 1`` (the reader learns it is a small
count). A withheld cell fails only when its true count is 1 to ``threshold - 1`` and it is
pinned (a withheld zero or large count is no more disclosive than a shown one).

The ranges are those of the linear relaxation (cells as real numbers, rounded inwards to whole
numbers), as in tau-ARGUS; a cell that only whole-number reasoning could pin would not be caught.
A table that fails is not published: :func:`require` raises :class:`DisclosureError` naming the
table and the cell, and :func:`audit_frame` does that for every publication a DataFrame carries
in ``frame.attrs["sdc"]`` (see :func:`perfpack.core.disclosure.suppress_small`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SHOWN, PRIMARY, SECONDARY, WITHHELD = "", "primary", "secondary", "withheld"
STATES = (SHOWN, PRIMARY, SECONDARY, WITHHELD)
#: ``frame.attrs`` key holding the list of :class:`Publication` records behind a table.
ATTRS_KEY = "sdc"
#: The two readers: "[c]" known to be ``threshold`` or more, and "[c]" anything from 0.
MODELS = ("at_least", "any")
_EPS = 1e-7


class DisclosureError(ValueError):
    """A table would let a reader work out a hidden count (the audit failed)."""


@dataclass(eq=False)  # compared by identity: pandas compares attrs when it concatenates
class Publication:
    """What one table (or a set of linked tables) publishes, with the true counts behind it.

    Attributes
    ----------
    values : Series
        Every cell's true count (whole numbers of zero or more), indexed by unique labels.
        Hidden values never enter the audit's constraints; they are used only to decide whether
        a withheld cell is a small count and to report.
    states : Series
        Same index: ``""`` shown (or published elsewhere), ``"primary"`` (shown ``"<5"``),
        ``"secondary"`` (shown ``"[c]"``) or ``"withheld"`` (never published).
    relations : list of (label, list of labels)
        Published sums: ``values[total] == values[parts].sum()``.
    threshold : int
        Counts from 1 to ``threshold - 1`` are small.
    upper : Series, optional
        An upper bound the reader knows for some cells (NaN or missing: none).
    name : str
        What the table is called (its caption), for messages.
    inequalities : list of (list of labels, list of labels)
        Published orderings: ``(lesser, greater)`` means ``values[lesser].sum() <=
        values[greater].sum()`` (people in overlapping groups: everyone is at most the sum of
        the groups and at least each group).
    """

    values: pd.Series
    states: pd.Series
    relations: list = field(default_factory=list)
    threshold: int = 5
    upper: pd.Series | None = None
    name: str = ""
    inequalities: list = field(default_factory=list)

    def __deepcopy__(self, memo):
        # a record of what was published: pandas deep-copies ``attrs`` on every operation, so
        # the record is shared, not copied
        return self


def _matrix(rows, n: int) -> np.ndarray:
    """Relations as a (k, n) matrix; (0, n) for none (also for a table with no cells)."""
    if rows is None or n == 0:
        return np.zeros((0, n))
    return np.asarray(rows, dtype="float64").reshape(-1, n)


class Auditor:
    """The linear programmes of one set of cells and sums, reusable for many suppression
    patterns (the suppression search in :mod:`perfpack.core.disclosure` asks many times).

    Parameters
    ----------
    values : array of float
        True counts, one per cell.
    equations : 2-D array
        One row per published sum: ``equations @ values == 0``.
    threshold : int
        Counts from 1 to ``threshold - 1`` are small.
    ceiling : array of float, optional
        Reader-known upper bounds (``inf`` for none).
    """

    def __init__(self, values, equations, threshold: int = 5, ceiling=None, inequalities=None):
        self.values = np.asarray(values, dtype="float64")
        n = len(self.values)
        self.equations = _matrix(equations, n)
        self.inequalities = _matrix(inequalities, n)
        self.threshold = int(threshold)
        self.ceiling = np.full(n, np.inf) if ceiling is None else np.asarray(ceiling, float)
        self._rows_of = [np.flatnonzero(self.equations[:, j]).tolist() for j in range(n)]
        self._members = [np.flatnonzero(row).tolist() for row in self.equations]
        self._urows_of = [np.flatnonzero(self.inequalities[:, j]).tolist() for j in range(n)]
        self._umembers = [np.flatnonzero(row).tolist() for row in self.inequalities]
        self._memo: dict = {}

    def bounds(self, i: int, state: str, model: str) -> tuple[float, float]:
        """What the mark alone tells the reader about hidden cell ``i``."""
        top = float(self.ceiling[i])
        if state == PRIMARY:
            return 1.0, min(self.threshold - 1.0, top)
        if state == SECONDARY and model == "at_least":
            return float(self.threshold), top
        return 0.0, top

    def component(self, i: int, states) -> list[int]:
        """The hidden cells tied to cell ``i`` through sums: only they bear on its range."""
        found, queue = {i}, [i]
        while queue:
            cell = queue.pop()
            linked = [self._members[r] for r in self._rows_of[cell]]
            linked += [self._umembers[r] for r in self._urows_of[cell]]
            for members in linked:
                for other in members:
                    if states[other] != SHOWN and other not in found:
                        found.add(other)
                        queue.append(other)
        return sorted(found)

    def extreme(self, i: int, states, model: str, sign: float) -> float:
        """The least (``sign`` 1) or greatest (-1) value of hidden cell ``i`` consistent with
        what is published; NaN when the published figures contradict each other."""
        from scipy.optimize import linprog

        unknown = self.component(i, states)
        key = (i, model, sign, tuple(unknown), tuple(states[j] for j in unknown))
        if key in self._memo:
            return self._memo[key]
        unknown_a = np.array(unknown)
        shown = np.array([j for j in range(len(self.values)) if states[j] == SHOWN], dtype=int)
        rows = sorted({r for j in unknown for r in self._rows_of[j]})
        matrix, target = None, None
        if rows:
            matrix = self.equations[np.ix_(rows, unknown_a)]
            target = -self.equations[np.ix_(rows, shown)] @ self.values[shown]
        urows = sorted({r for j in unknown for r in self._urows_of[j]})
        below, limit = None, None
        if urows:
            below = self.inequalities[np.ix_(urows, unknown_a)]
            limit = -self.inequalities[np.ix_(urows, shown)] @ self.values[shown]
        objective = np.zeros(len(unknown))
        objective[unknown.index(i)] = sign
        result = linprog(
            objective,
            A_ub=below,
            b_ub=limit,
            A_eq=matrix,
            b_eq=target,
            bounds=[self.bounds(j, states[j], model) for j in unknown],
            method="highs",
        )
        if result.status == 2:  # HiGHS's presolve reports "infeasible or unbounded" as 2
            feasible = linprog(
                np.zeros(len(unknown)),
                A_ub=below,
                b_ub=limit,
                A_eq=matrix,
                b_eq=target,
                bounds=[self.bounds(j, states[j], model) for j in unknown],
                method="highs",
            )
            if feasible.status == 0:
                result = feasible
                result.status = 3
        if result.status == 3:  # unbounded: no limit that way
            value = -sign * math.inf
        elif result.status == 2:  # infeasible
            value = math.nan
        elif result.status != 0:
            raise RuntimeError(f"disclosure audit failed: {result.message}")
        else:
            value = sign * result.fun
        self._memo[key] = value
        return value

    def interval(self, i: int, states, model: str = "at_least") -> tuple[float, float]:
        """The least and greatest value of hidden cell ``i`` consistent with what is published
        (``math.nan`` both when the published figures contradict each other)."""
        low = self.extreme(i, states, model, 1.0)
        if math.isnan(low):
            return math.nan, math.nan
        return low, self.extreme(i, states, model, -1.0)

    def failure(self, i: int, states) -> str | None:
        """Why hidden cell ``i`` fails the audit (see the module note), or None.

        The true count is feasible under both readers when the marks are right, so a cell is
        free when some value other than its own is feasible: the greatest value is tried
        first and the least only when needed. A "[c]" can then always reach ``threshold``,
        so it is never confined within 1 to ``threshold - 1``; the reader taking "[c]" as
        anything from 0 has a wider range than the other, so the pinning test of the
        narrower ("[c]" at least ``threshold``) covers both.
        """
        state = states[i]
        if state == SHOWN:
            return None
        value = self.values[i]
        if state == WITHHELD and not 1 <= value < self.threshold:
            return None
        for row in self._rows_of[i]:  # a sum whose other cells are all shown gives it away
            if all(states[j] == SHOWN for j in self._members[row] if j != i):
                return "pinned to one value"
        high = self.extreme(i, states, "at_least", -1.0)
        if not math.isnan(high):
            if math.isinf(high) or math.floor(high + _EPS) >= value + 1:
                return None
            low = self.extreme(i, states, "at_least", 1.0)
            if math.ceil(low - _EPS) <= value - 1:
                return None
            return "pinned to one value"
        low, high = self.interval(i, states, "any")  # the marks do not fit the counts
        if math.isnan(low):
            return "the published figures contradict each other"
        if whole_numbers(low, high) <= 1:
            return "pinned to one value"
        if state == SECONDARY and low >= 1 - _EPS and high <= self.threshold - 1 + _EPS:
            return f"confined within 1 to {self.threshold - 1}"
        return None

    def failures(self, states, cells=None) -> list[tuple[int, str]]:
        """Every hidden cell (of ``cells``, default all) that fails, with the reason."""
        cells = range(len(self.values)) if cells is None else cells
        out = []
        for i in cells:
            reason = self.failure(i, states)
            if reason:
                out.append((i, reason))
        return out


def whole_numbers(low: float, high: float) -> int:
    """How many whole numbers lie in ``[low, high]`` (2 for an unbounded range)."""
    if math.isinf(high):
        return 2
    return int(math.floor(high + _EPS) - math.ceil(low - _EPS) + 1)


def equations_for(cells: list, relations) -> np.ndarray:
    """The matrix of published sums over ``cells``: row ``k`` is ``total - sum(parts)``."""
    position = {cell: i for i, cell in enumerate(cells)}
    matrix = np.zeros((len(relations), len(cells)))
    for row, (total, parts) in enumerate(relations):
        try:
            matrix[row, position[total]] += 1.0
            for part in parts:
                matrix[row, position[part]] -= 1.0
        except KeyError as missing:
            raise ValueError(f"a sum names a cell that is not in the table: {missing}") from None
    return matrix


def inequalities_for(cells: list, inequalities) -> np.ndarray:
    """The matrix of published orderings over ``cells``: row ``k`` is ``lesser - greater``
    (at most 0)."""
    position = {cell: i for i, cell in enumerate(cells)}
    matrix = np.zeros((len(inequalities), len(cells)))
    for row, (lesser, greater) in enumerate(inequalities):
        try:
            for cell in lesser:
                matrix[row, position[cell]] += 1.0
            for cell in greater:
                matrix[row, position[cell]] -= 1.0
        except KeyError as missing:
            raise ValueError(f"an ordering names a cell not in the table: {missing}") from None
    return matrix


def auditor_for(publication: Publication) -> Auditor:
    """An :class:`Auditor` for ``publication``."""
    cells = list(publication.values.index)
    ceiling = None
    if publication.upper is not None:
        ceiling = publication.upper.reindex(cells).astype("float64").fillna(np.inf).to_numpy()
    return Auditor(
        publication.values.to_numpy(dtype="float64"),
        equations_for(cells, publication.relations),
        publication.threshold,
        ceiling,
        inequalities_for(cells, publication.inequalities),
    )


def audit(publication: Publication) -> pd.DataFrame:
    """The protection interval of every hidden cell of ``publication``, under both readers.

    Returns
    -------
    DataFrame
        One row per hidden cell: ``cell`` (label), ``state``, ``value`` (the true count),
        ``low_at_least``/``high_at_least`` (reader knows "[c]" is ``threshold`` or more),
        ``low_any``/``high_any`` (reader takes "[c]" as anything from 0), and ``failure``
        (``""`` when the cell is safe, else why it is not).
    """
    auditor = auditor_for(publication)
    states = list(publication.states.reindex(publication.values.index).fillna(SHOWN))
    unknown = set(states) - set(STATES)
    if unknown:
        raise ValueError(f"unknown suppression state(s): {sorted(unknown)}")
    rows = []
    for i, cell in enumerate(publication.values.index):
        if states[i] == SHOWN:
            continue
        low_a, high_a = auditor.interval(i, states, "at_least")
        low_b, high_b = auditor.interval(i, states, "any")
        rows.append(
            {
                "cell": cell,
                "state": states[i],
                "value": publication.values.iloc[i],
                "low_at_least": low_a,
                "high_at_least": high_a,
                "low_any": low_b,
                "high_any": high_b,
                "failure": auditor.failure(i, states) or "",
            }
        )
    columns = ["cell", "state", "value", "low_at_least", "high_at_least", "low_any", "high_any"]
    return pd.DataFrame(rows, columns=[*columns, "failure"])


def _describe(cell) -> str:
    if isinstance(cell, tuple) and len(cell) == 2:
        return f"row {cell[0]!r}, column {cell[1]!r}"
    return f"cell {cell!r}"


def _range_text(low: float, high: float) -> str:
    if math.isnan(low):
        return "no consistent value"
    top = "no upper limit" if math.isinf(high) else f"{math.floor(high + _EPS)}"
    return f"range {math.ceil(low - _EPS)} to {top}"


def require(publication: Publication, name: str | None = None) -> pd.DataFrame:
    """Run :func:`audit` and raise :class:`DisclosureError` if any hidden cell fails.

    The message names the table (``name``, default ``publication.name``), the first failing cell
    (row and column) and the range found. Returns the audit when every cell passes.
    """
    result = audit(publication)
    failing = result[result["failure"] != ""]
    if len(failing):
        first = failing.iloc[0]
        mark = {PRIMARY: '"<5"', SECONDARY: '"[c]"', WITHHELD: "unpublished"}[first["state"]]
        low, high = first["low_at_least"], first["high_at_least"]
        if first["failure"].startswith("confined"):
            low, high = first["low_any"], first["high_any"]
        title = name or publication.name or "a table"
        raise DisclosureError(
            f"table {title!r} fails the disclosure audit: {_describe(first['cell'])} "
            f"(hidden {mark}) is {first['failure']} ({_range_text(low, high)}) by what the "
            f"table publishes; {len(failing)} hidden cell(s) fail"
        )
    return result


def publications(frame) -> list[Publication]:
    """The :class:`Publication` records a published DataFrame carries (``attrs["sdc"]``)."""
    return list(getattr(frame, "attrs", {}).get(ATTRS_KEY, []))


def audit_frame(frame: pd.DataFrame, name: str | None = None) -> None:
    """Audit every publication behind ``frame`` (:func:`require`); a DisclosureError names
    ``name`` (the caption) when one fails."""
    for publication in publications(frame):
        require(publication, name)


def carry(target: pd.DataFrame, *sources) -> pd.DataFrame:
    """Attach the publications of ``sources`` (DataFrames, Series or :class:`Publication`) to
    ``target`` so that the audit follows a table rebuilt for display; returns ``target``."""
    records = publications(target)
    for source in sources:
        found = [source] if isinstance(source, Publication) else publications(source)
        records.extend(r for r in found if not any(r is s for s in records))
    target.attrs[ATTRS_KEY] = records
    return target


def small_count_cells(frame: pd.DataFrame, columns, threshold: int = 5) -> list[tuple]:
    """Cells of ``columns`` that show a raw count from 1 to ``threshold - 1`` (a number, or
    text such as ``"3"``): ``(row label, column)`` pairs. Marks and other text are ignored."""
    found = []
    for column in columns:
        for label, value in frame[column].items():
            if isinstance(value, str):
                text = value.replace(",", "").strip()
                if not text.isdigit():
                    continue
                number = int(text)
            elif isinstance(value, (bool, np.bool_)) or value is None:
                continue
            elif isinstance(value, (int, float, np.integer, np.floating)):
                if pd.isna(value) or float(value) != round(float(value)):
                    continue
                number = int(value)
            else:
                continue
            if 1 <= number < threshold:
                found.append((label, column))
    return found
