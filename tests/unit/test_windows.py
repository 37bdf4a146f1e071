"""12-month windows: an edge-case table with hand-worked expectations."""

import pandas as pd
import pytest

from perfpack.core.windows import Window, comparison_windows, last_months, ordinal, parse_period


@pytest.mark.parametrize(
    "period, lag, previous, current",
    [
        (
            "2019-12",
            0,
            ("2018-01", "2018-12"),
            ("2019-01", "2019-12"),
        ),  # the report's crime windows
        (
            "2019-12",
            1,
            ("2017-12", "2018-11"),
            ("2018-12", "2019-11"),
        ),  # stop search, a month behind
        ("2020-01", 0, ("2018-02", "2019-01"), ("2019-02", "2020-01")),  # across a year end
        ("2020-03", 3, ("2018-01", "2018-12"), ("2019-01", "2019-12")),  # lag crossing a year
        ("2016-02", 0, ("2014-03", "2015-02"), ("2015-03", "2016-02")),  # leap-year February end
    ],
)
def test_comparison_windows(period, lag, previous, current):
    prev, cur = comparison_windows(period, lag)
    assert (str(prev.start), str(prev.end)) == previous
    assert (str(cur.start), str(cur.end)) == current
    assert prev.n_months == cur.n_months == 12


def test_report_wording_and_label():
    _, current = comparison_windows("2019-12")
    assert current.describe() == "1st January 2019 to 31st December 2019"
    assert current.label == "2019-01/2019-12"
    assert last_months("2019-12", 3, lag_months=1).label == "2019-09/2019-11"
    assert comparison_windows("2016-02")[1].describe().endswith("29th February 2016")


@pytest.mark.parametrize(
    "stamp, inside",
    [
        ("2018-12-31 23:59:59", False),  # the last second before the window
        ("2019-01-01 00:00:00", True),  # the first moment
        ("2019-12-31 23:59:59", True),  # any time on the last day counts
        ("2020-01-01 00:00:00", False),  # the first moment after
    ],
)
def test_contains_boundaries(stamp, inside):
    _, current = comparison_windows("2019-12")
    assert bool(current.contains(pd.Series([pd.Timestamp(stamp)])).iloc[0]) is inside


@pytest.mark.parametrize("bad", ["2019-13", "2019-1", "19-12", "December 2019", "", "2019-00"])
def test_bad_period_is_refused(bad):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period(bad)


def test_window_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Window(pd.Period("2019-12", "M"), pd.Period("2019-01", "M"))


@pytest.mark.parametrize(
    "day, text",
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (30, "30th"),
        (31, "31st"),
    ],
)
def test_ordinal(day, text):
    assert ordinal(day) == text
