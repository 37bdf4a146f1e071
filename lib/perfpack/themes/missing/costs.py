"""Missing persons: cost v benefit. **Cost avoided** is ``(previous episodes - current
episodes) x unit cost``, shown as a range from the low to the high end of the sourced unit cost
(:func:`unit_cost_range`), the report's own figure being the high end. Unit costs and the MPIT
investment come from ``data/reference/missing_persons.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR

# cost v benefit and the 2018 forecast


@dataclass(frozen=True)
class UnitCost:
    """The average cost of one missing-person episode and where it comes from."""

    value: float
    price_year: str
    source: str


def _constant(item: str, reference_dir: Path) -> pd.Series:
    table = reference.missing_persons_constants(reference_dir)
    rows = table[table["item"] == item]
    if rows.empty:
        raise KeyError(f"data/reference/missing_persons.csv has no {item!r} row")
    return rows.iloc[0]


def unit_cost(reference_dir: Path = REFERENCE_DIR, override: float | None = None) -> UnitCost:
    """The unit cost of an episode from ``data/reference/missing_persons.csv`` (GBP, with its
    price year and source note), or ``override`` (a notebook parameter) when given, labelled as
    set for the run."""
    if override is not None and not pd.isna(override):
        if float(override) < 0:
            raise ValueError("the unit cost must be a non-negative amount")
        return UnitCost(
            float(override), "", "set for this run as a parameter, not the reference table's"
        )
    row = _constant("unit_cost", Path(reference_dir))
    return UnitCost(float(row["value"]), str(row["year"]), str(row["note"]))


@dataclass(frozen=True)
class UnitCostRange:
    """The sourced range of the unit cost (see :func:`unit_cost_range`)."""

    low: UnitCost
    high: UnitCost
    #: Where the range comes from and what it covers (the reference table's ``#`` lines).
    basis: str


def unit_cost_range(
    reference_dir: Path = REFERENCE_DIR, override: float | None = None
) -> UnitCostRange | None:
    """The low and high unit cost of an episode (``unit_cost_low``, ``unit_cost_high`` in
    ``data/reference/missing_persons.csv``: GBP 1,325 to 2,415 for a medium-risk investigation,
    Shalev Greene and Pakes, University of Portsmouth, 2012, 2011/12 prices), with the source
    lines that say what it covers. None when ``override`` sets one unit cost for the run."""
    if override is not None and not pd.isna(override):
        return None
    reference_dir = Path(reference_dir)
    low, high = (
        _constant("unit_cost_low", reference_dir),
        _constant("unit_cost_high", reference_dir),
    )
    if float(low["value"]) > float(high["value"]):
        raise ValueError(
            "data/reference/missing_persons.csv: unit_cost_low is above unit_cost_high"
        )
    lines = reference.source_lines("missing_persons", reference_dir)
    basis = next((line for line in lines if line.startswith("unit cost range:")), "")
    return UnitCostRange(
        UnitCost(float(low["value"]), str(low["year"]), str(low["note"])),
        UnitCost(float(high["value"]), str(high["year"]), str(high["note"])),
        basis.removeprefix("unit cost range:").strip(),
    )


def cost_avoided_range(
    previous_episodes: int, current_episodes: int, costs: UnitCostRange
) -> tuple[float, float]:
    """Cost avoided at the low and at the high unit cost: 5,022 -> 3,812 at GBP 1,325 to 2,415
    is 1,210 x 1,325 = GBP 1,603,250 to 1,210 x 2,415 = GBP 2,922,150 (the report's figure)."""
    return (
        cost_avoided(previous_episodes, current_episodes, costs.low.value),
        cost_avoided(previous_episodes, current_episodes, costs.high.value),
    )


def investment(reference_dir: Path = REFERENCE_DIR) -> UnitCost:
    """The MPIT investment (GBP), its financial year and note, in the same shape as a unit cost."""
    row = _constant("investment", Path(reference_dir))
    return UnitCost(float(row["value"]), str(row["year"]), str(row["note"]))


def cost_avoided(previous_episodes: int, current_episodes: int, cost_per_episode: float) -> float:
    """Non-cashable cost avoided: ``(previous_episodes - current_episodes) x cost_per_episode``.

    Negative when episodes rose (a cost incurred, not avoided). 5,022 -> 3,812 at GBP 2,415 is
    1,210 x 2,415 = GBP 2,922,150.
    """
    if cost_per_episode is None or pd.isna(cost_per_episode) or cost_per_episode < 0:
        raise ValueError("the unit cost must be a non-negative amount")
    return float((int(previous_episodes) - int(current_episodes)) * float(cost_per_episode))
