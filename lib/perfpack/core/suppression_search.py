"""The search for secondary suppression: which further cells to hide until no hidden count can
be worked out (used by :func:`perfpack.core.disclosure.protect`, which builds the sums and
records the publication).

While some hidden cell fails the audit (:class:`perfpack.core.sdc_audit.Auditor`), the cheapest
shown cell (lowest priority, then smallest count; totals cost more than body cells) sharing a sum
with it whose hiding makes it pass is hidden; when no single cell does, the cheapest cell sharing
a sum with it is hidden and the search goes on (each step hides one more cell, so it ends).
Finally each secondary cell not needed is shown again, most costly first (with any "[c]" that
showing it pins, since a pinned cell tells the reader nothing new). Zeros and cells published
elsewhere are never chosen.
"""

from __future__ import annotations

import numpy as np

from perfpack.core import sdc_audit
from perfpack.core.sdc_audit import SECONDARY, SHOWN


def search(
    values: np.ndarray,
    equations: np.ndarray,
    orderings: np.ndarray,
    state: list[str],
    threshold: int,
    ceiling: np.ndarray,
    cost: np.ndarray,
    fixed: np.ndarray,
    secondary: bool = True,
) -> list[str]:
    """The state of every cell once the secondary cells are chosen.

    Parameters
    ----------
    values : ndarray
        Every cell's count.
    equations, orderings : ndarray
        The published sums and orderings as rows over the cells
        (:func:`perfpack.core.sdc_audit.equations_for` and ``inequalities_for``).
    state : list of str
        Each cell's state before the search: ``""`` (shown), ``"primary"`` or ``"withheld"``.
    threshold : int
        Counts from 1 to ``threshold - 1`` must not be worked out.
    ceiling : ndarray
        An upper bound the reader knows for each cell (``inf`` for none).
    cost : ndarray
        Cost of hiding each cell (lower is hidden first).
    fixed : ndarray of bool
        Cells published elsewhere in full: never chosen.
    secondary : bool, default True
        False: hide nothing more (the states are returned as given).

    Returns
    -------
    list of str
        The states, with ``"secondary"`` for each cell hidden to protect another.
    """
    n = len(values)
    auditor = sdc_audit.Auditor(values, equations, threshold, ceiling, orderings)
    partners = [set() for _ in range(n)]  # cells sharing a sum with each cell
    for row in np.vstack([equations, orderings]):
        members = set(np.flatnonzero(row).tolist())
        for i in members:
            partners[i] |= members - {i}

    def failing(states) -> set[int]:
        return {i for i in range(n) if auditor.failure(i, states)}

    def order(indices) -> list[int]:
        return sorted(indices, key=lambda j: (cost[j], values[j], j))

    eligible = [j for j in range(n) if state[j] == SHOWN and values[j] > 0 and not fixed[j]]
    # with every eligible cell hidden the reader knows least: a cell still pinned then is given
    # away by cells published elsewhere (never worth hiding), and a small count still failing
    # cannot be protected by this table (the audit will stop it); both asked only when needed
    widest = list(state)
    for j in eligible:
        widest[j] = SECONDARY
    verdicts: dict[int, bool] = {}

    def hopeless(i: int) -> bool:
        if i not in verdicts:
            verdicts[i] = bool(auditor.failure(i, widest))
        return verdicts[i]

    def first_failing(states) -> int | None:
        return next((i for i in range(n) if auditor.failure(i, states) and not hopeless(i)), None)

    while secondary and (exposed := first_failing(state)) is not None:
        hidden = {i for i in range(n) if state[i] != SHOWN}
        candidates = order(
            j for j in eligible if state[j] == SHOWN and partners[j] & hidden and not hopeless(j)
        )
        if not candidates:
            break  # nothing left to hide: the audit will stop the table
        # one cell no dearer than the cheapest in a sum with the failing cell, if one will do
        direct = [j for j in candidates if j in partners[exposed]]
        limit = cost[direct[0]] if direct else -np.inf
        choice = None
        for j in (j for j in candidates if cost[j] <= limit):
            trial = list(state)
            trial[j] = SECONDARY
            if not auditor.failure(exposed, trial):
                choice = j
                break
        if choice is None:  # no one cell will do: the cheapest in a sum with it, then on
            choice = (direct or candidates)[0]
        state[choice] = SECONDARY

    if secondary:  # show again each cell not needed, most costly first
        allowed = failing(state)
        for j in reversed(order(i for i in range(n) if state[i] == SECONDARY)):
            if state[j] != SECONDARY:
                continue
            trial = list(state)
            trial[j] = SHOWN
            # a "[c]" the others now pin tells the reader nothing new when shown: show it too
            # (cells tied one to one, such as a team's and the force's, go back in pairs)
            while pinned := [
                i
                for i in range(n)
                if trial[i] == SECONDARY and auditor.failure(i, trial) == "pinned to one value"
            ]:
                for i in pinned:
                    trial[i] = SHOWN
            if failing(trial) <= allowed:
                state = trial

    return state
