"""Percentage change and the report's sentence about it; one definition for every theme."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from perfpack.core.windows import Window


def round_half_up(value: float, ndigits: int = 0) -> float:
    """Round as people do (2.5 -> 3, -2.5 -> -3), not as Python's banker's ``round`` does."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    quantum = Decimal(1).scaleb(-ndigits)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def percent(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole``; None when ``whole`` is 0.

    Multiplies before dividing: with whole counts, ``part * 100`` is exact, so the one division
    gives the exact value whenever it can be held (29 of 200 is 14.5, which rounds to 15%), where
    ``part / whole * 100`` rounds twice and gives 14.499999999999998 (shown as 14%)."""
    if part is None or whole is None or pd.isna(whole) or whole == 0:
        return None
    return float(part) * 100.0 / float(whole)


def pct_change(previous: float, current: float) -> float | None:
    """Change from ``previous`` to ``current`` as a percentage of ``previous``.

    None when ``previous`` is 0 (a change from nothing has no percentage)."""
    if previous is None or current is None:
        return None
    return percent(current - previous, previous)


def change_word(previous: float, current: float) -> str:
    """'increased', 'decreased' or 'not changed'."""
    if current > previous:
        return "increased"
    if current < previous:
        return "decreased"
    return "not changed"


def format_count(n: float) -> str:
    """Whole counts with thousands separators: 3797 -> '3,797'."""
    return f"{int(round(n)):,}"


def format_pct(value: float | None, ndigits: int = 0) -> str:
    """A percentage for prose, rounded half up; 'n/a' when undefined."""
    if value is None:
        return "n/a"
    rounded = round_half_up(value, ndigits)
    return f"{rounded:.{ndigits}f}%"


def signed_pct(value: float | None, ndigits: int = 0) -> str:
    """A change in percent with its sign, rounded half up: '+59%', '-11%', '0%'; 'n/a' when
    undefined. A change is never shown without its direction."""
    if value is None or pd.isna(value):
        return "n/a"
    rounded = round_half_up(value, ndigits)
    if rounded == 0:
        return f"{0:.{ndigits}f}%"
    return f"{rounded:+.{ndigits}f}%"


def movement(previous: float, current: float) -> str:
    """The verb phrase of the report's sentences: 'has decreased by 11%', 'has increased'
    (from 0, where there is no percentage) or 'has not changed'."""
    word = change_word(previous, current)
    if word == "not changed":
        return "has not changed"
    pct = pct_change(previous, current)
    return f"has {word}" if pct is None else f"has {word} by {format_pct(abs(pct))}"


def change_sentence(
    subject: str,
    previous: int,
    current: int,
    previous_window: Window,
    current_window: Window,
    noun: str = "offences",
    place: str = "Staffordshire",
) -> str:
    """The report's headline sentence, e.g. 'The number of Personal Robbery offences in
    Staffordshire has decreased by 11% from 855 offences in the period 1st January 2018 to
    31st December 2018 compared to 764 in the period 1st January 2019 to 31st December 2019.'"""
    return (
        f"The number of {subject} {noun} in {place} {movement(previous, current)} from "
        f"{format_count(previous)} "
        f"{noun} in the period {previous_window.describe()} compared to {format_count(current)} "
        f"in the period {current_window.describe()}."
    )
