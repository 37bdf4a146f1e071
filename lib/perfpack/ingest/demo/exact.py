"""Small exact helpers of the demo force: whole-number shares, weighted picks, dates and times.

Every helper is deterministic given its random ``numpy`` Generator, so the same seed gives the
same records.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import numpy as np

from perfpack.ingest.demo.force import YEARS


def largest_remainder(weights, total: int) -> np.ndarray:
    """Whole numbers proportional to ``weights`` that sum exactly to ``total``.

    Parameters
    ----------
    weights : array-like of float
        Non-negative weights (at least one positive unless ``total`` is 0).
    total : int
        The sum the result must have (>= 0).

    Returns
    -------
    numpy.ndarray of int
        Hamilton's method: floors of the exact quotas, the remaining units to the largest
        fractional parts (ties to the earlier position).
    """
    w = np.asarray(weights, dtype=float)
    total = int(total)
    if total < 0 or (w < 0).any():
        raise ValueError("weights and total must be non-negative")
    if w.sum() == 0:
        if total == 0:
            return np.zeros(len(w), dtype=int)
        raise ValueError("cannot share a positive total over zero weights")
    quota = w / w.sum() * total
    base = np.floor(quota + 1e-9).astype(int)
    rest = total - int(base.sum())
    order = np.argsort(-(quota - base), kind="stable")
    base[order[:rest]] += 1
    return base


def projection_pct(monthly, n: int) -> float:
    """The report's projection: % change of the next 12 months on the last 12.

    An OLS line ``y = a + b t`` through the last ``n`` values (t = 1..n), carried forward to
    t = n+1..n+12 with each month floored at 0 and summed, compared with the sum of the last 12
    values. (``perfpack.core.projections`` is the published implementation; this copy only lets the
    demo check its own calibration.)
    """
    y = np.asarray(monthly, dtype=float)[-n:]
    t = np.arange(1, n + 1, dtype=float)
    b = ((t - t.mean()) * (y - y.mean())).sum() / ((t - t.mean()) ** 2).sum()
    a = y.mean() - b * t.mean()
    future = np.clip(a + b * np.arange(n + 1, n + 13), 0, None).sum()
    total = float(np.sum(np.asarray(monthly, dtype=float)[-12:]))
    return (future - total) / total * 100.0


def _uk_local_offset(local: datetime) -> tuple[datetime, str]:
    """UK wall-clock time and its UTC offset (``+00:00`` GMT, ``+01:00`` BST).

    BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
    October. A wall-clock time that does not exist (01:00-01:59 on the spring-forward day) is
    moved one hour on; an ambiguous one (01:00-01:59 on the fall-back day) is read as BST.
    """
    year = local.year
    start = last_sunday(year, 3)
    end = last_sunday(year, 10)
    start_local = datetime(start.year, start.month, start.day, 1, 0)
    if start_local <= local < start_local + timedelta(hours=1):
        local = local + timedelta(hours=1)
    bst_from = datetime(start.year, start.month, start.day, 2, 0)
    bst_to = datetime(end.year, end.month, end.day, 2, 0)
    return local, ("+01:00" if bst_from <= local < bst_to else "+00:00")


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 6) % 7)


def police_uk_datetime(local: datetime) -> str:
    """data.police.uk's stop-search ``Date``: ``2019-03-07T14:25:00+00:00`` (UK wall clock)."""
    local, offset = _uk_local_offset(local)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


def age_on(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def pick(rng: np.random.Generator, options: dict, size: int) -> list:
    """``size`` draws from ``{value: weight}``."""
    values = list(options)
    p = np.asarray(list(options.values()), dtype=float)
    idx = rng.choice(len(values), size=size, p=p / p.sum())
    return [values[i] for i in idx]


def pick_u(options: dict, u: float):
    """The value of ``{value: weight}`` that the uniform number ``u`` in [0, 1) falls on."""
    target = u * sum(options.values())
    acc = 0.0
    for value, weight in options.items():
        acc += weight
        if target < acc:
            return value
    return value


def pick1(rng: np.random.Generator, options: dict):
    """One draw from ``{value: weight}`` (fast: no array set-up)."""
    return pick_u(options, rng.random())


def exact_labels(rng, n: int, counts: dict[str, int], weights: dict[str, np.ndarray]):
    """Give each of ``n`` items one label so that label ``k`` is used exactly ``counts[k]`` times.

    Labels are placed one after another by weighted sampling without replacement
    (``weights[k]`` is a per-item weight, uniform when missing); the last label takes what is
    left. The counts must add up to ``n``.
    """
    if sum(counts.values()) != n:
        raise ValueError("label counts must add up to the number of items")
    out = np.empty(n, dtype=object)
    free = np.arange(n)
    labels = list(counts)
    for label in labels[:-1]:
        k = counts[label]
        if k == 0:
            continue
        w = weights.get(label)
        p = None if w is None else w[free] / w[free].sum()
        chosen = rng.choice(len(free), size=k, replace=False, p=p)
        out[free[chosen]] = label
        free = np.delete(free, chosen)
    out[free] = labels[-1]
    return out


def month_index(year: int, month: int) -> int:
    return (year - YEARS[0]) * 12 + month - 1


def random_day(rng, year: int, month: int) -> int:
    return int(rng.integers(1, calendar.monthrange(year, month)[1] + 1))
