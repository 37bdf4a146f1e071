"""Parsing checked text into values: dates, local datetimes, whole numbers, decimals, flags.

Every parser takes a column of text (``pandas.Series`` of ``str``) and gives the values in their
own type, missing where a cell is blank or not valid. They are shared by checking
(``perfpack.ingest.validate``) and canonicalisation (``perfpack.ingest.extracts``), so what is
checked is exactly what is converted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfpack.data.contracts import Column

#: Datetimes are written as tz-naive Europe/London wall-clock time at this resolution.
DATETIME_DTYPE = "datetime64[ns]"
LOCAL_TIMEZONE = "Europe/London"

# [0-9], never \d: \d also matches Arabic-Indic, full-width and other scripts' digits.
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME = _DATE + r"[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?"
_OFFSET = r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
INT_PATTERN = r"-?[0-9]+"
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: Years a ``datetime64[ns]`` can hold whole (1677-09-21 to 2262-04-11): dates outside are refused.
FIRST_YEAR, LAST_YEAR = 1678, 2261

FLAG_VALUES = {"Y": True, "N": False}
BOOL_VALUES = {"True": True, "False": False}


# --------------------------------------------------------------------------------------------
# parsers: text -> values (missing where blank or not valid)


def is_blank(values: pd.Series) -> pd.Series:
    """True where a cell is empty or only spaces."""
    return values.str.strip() == ""


def parse_date(values: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` text -> datetime64 (midnight); NaT where blank or not a real date.

    Parameters
    ----------
    values : pandas.Series of str

    Returns
    -------
    pandas.Series of ``DATETIME_DTYPE``, aligned with ``values``.
    """
    shaped = values.str.fullmatch(_DATE) & holdable_year(values)
    parsed = pd.to_datetime(values.where(shaped), format="%Y-%m-%d", errors="coerce")
    return parsed.astype(DATETIME_DTYPE)


def holdable_year(values: pd.Series) -> pd.Series:
    """True where the text starts with a year ``FIRST_YEAR`` .. ``LAST_YEAR`` (the years a
    ``datetime64[ns]`` holds whole), False otherwise."""
    years = pd.to_numeric(values.str.slice(0, 4).where(values.str.match(r"[0-9]{4}")), "coerce")
    return ((years >= FIRST_YEAR) & (years <= LAST_YEAR)).fillna(False).astype(bool)


def parse_datetime_local(values: pd.Series) -> pd.Series:
    """ISO 8601 date and time -> tz-naive Europe/London wall-clock datetime64.

    A value with a UTC offset (``2019-07-01T13:00:00+01:00``, ``...Z``) is converted to local
    time; a value without one (``2019-07-01 13:00``) is taken to be local time already. A date
    with no time, or anything else, is NaT.

    Parameters
    ----------
    values : pandas.Series of str

    Returns
    -------
    pandas.Series of ``DATETIME_DTYPE``, aligned with ``values``.
    """
    holdable = holdable_year(values)
    with_offset = values.str.fullmatch(_DATETIME + _OFFSET) & holdable
    naive = values.str.fullmatch(_DATETIME) & holdable
    result = pd.Series(pd.NaT, index=values.index, dtype=DATETIME_DTYPE)
    if bool(with_offset.any()):
        aware = pd.to_datetime(values[with_offset], format="ISO8601", utc=True, errors="coerce")
        local = aware.dt.tz_convert(LOCAL_TIMEZONE).dt.tz_localize(None)
        result[with_offset] = local.astype(DATETIME_DTYPE)
    if bool(naive.any()):
        plain = pd.to_datetime(values[naive], format="ISO8601", errors="coerce")
        result[naive] = plain.astype(DATETIME_DTYPE)
    return result


def parse_int(values: pd.Series) -> pd.Series:
    """Whole-number text (``42``, ``-3``, ``007``) -> Int64; NA where blank or not whole."""
    shaped = values.str.fullmatch(INT_PATTERN)
    numbers = pd.to_numeric(values.where(shaped), errors="coerce")
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    fits = numbers.notna() & (numbers.abs() < 2**53)
    out[fits] = numbers[fits].astype("int64")
    return out


def parse_number(values: pd.Series) -> pd.Series:
    """Decimal text (``52.58``, ``-2.1``, ``1e3``) -> float64; NaN where blank, not a number or
    too large to hold (``1e999``)."""
    shaped = values.str.fullmatch(_NUMBER)
    numbers = pd.to_numeric(values.where(shaped), errors="coerce").astype("float64")
    return numbers.where(np.isfinite(numbers))


def parse_choice_bool(values: pd.Series, spellings: dict[str, bool]) -> pd.Series:
    """Text -> nullable boolean through ``spellings`` (``{"Y": True, "N": False}``); NA otherwise
    (blank or any other spelling: matching is exact, ``"y"`` is not ``"Y"``)."""
    mapped = values.map(spellings)
    return mapped.astype("boolean")


def parse_flag(values: pd.Series) -> pd.Series:
    """``Y``/``N`` -> True/False (boolean); NA where blank or anything else."""
    return parse_choice_bool(values, FLAG_VALUES)


def parse_bool(values: pd.Series) -> pd.Series:
    """``True``/``False`` (data.police.uk's spelling) -> boolean; NA where blank or else."""
    return parse_choice_bool(values, BOOL_VALUES)


def first_of_month(datetimes: pd.Series) -> pd.Series:
    """Each datetime's month, as the first day of that month at midnight (NaT stays NaT)."""
    return datetimes.dt.to_period("M").dt.to_timestamp().astype(DATETIME_DTYPE)


def time_known(local_datetimes: pd.Series) -> pd.Series:
    """False where the local time is exactly 00:00:00 (a date-only record), True otherwise,
    NA where the datetime is missing."""
    midnight = local_datetimes == local_datetimes.dt.normalize()
    return (~midnight).astype("boolean").mask(local_datetimes.isna())


def parse_column(values: pd.Series, column: Column) -> pd.Series:
    """A checked column's values in their own type (dates/datetimes -> datetime64, int -> Int64,
    flag/bool -> boolean, number -> float64, text/choice -> the text itself)."""
    parsers = {
        "date": parse_date,
        "datetime": parse_datetime_local,
        "int": parse_int,
        "flag": parse_flag,
        "bool": parse_bool,
        "number": parse_number,
    }
    parser = parsers.get(column.kind)
    return values if parser is None else parser(values)
