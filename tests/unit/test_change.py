"""% change, its rounding and the report's sentence: hand-worked and published values."""

import pytest

from perfpack.core.change import (
    change_sentence,
    format_pct,
    pct_change,
    percent,
    round_half_up,
    signed_pct,
)
from perfpack.core.windows import comparison_windows


@pytest.mark.parametrize(
    "previous, current, shown",
    [
        (855, 764, "-11%"),  # published: Personal Robbery decreased by 11%
        (3123, 3031, "-3%"),  # published: Theft from a Motor Vehicle decreased by 3%
        (1891, 1741, "-8%"),  # published: Theft of a Motor Vehicle decreased by 8%
        (3797, 6031, "59%"),  # published: Stop searches increased by 59%
        (5022, 3812, "-24%"),  # published: missing episodes decreased by 24%
        (3330, 2599, "-22%"),  # published: child episodes decreased by 22%
        (73, 92, "26%"),  # published: Newcastle robbery up 26% (19 more)
        (200, 205, "3%"),  # exactly 2.5% rounds half up, not to even
        (200, 195, "-3%"),  # and -2.5% rounds away from zero
        (8, 9, "13%"),  # 12.5% -> 13%
        (200, 229, "15%"),  # exactly 14.5%: (229-200)/200*100 is 14.499999999999998 in floats
        (200, 171, "-15%"),  # exactly -14.5%
        (10, 10, "0%"),
    ],
)
def test_pct_change_rounding(previous, current, shown):
    assert format_pct(pct_change(previous, current)) == shown


def test_change_from_zero_has_no_percentage():
    assert pct_change(0, 5) is None
    assert format_pct(None) == "n/a"


@pytest.mark.parametrize(
    "value, ndigits, expected",
    [
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (29.05, 1, 29.1),
        (0.125, 2, 0.13),
    ],
)
def test_round_half_up(value, ndigits, expected):
    assert round_half_up(value, ndigits) == expected


def test_sentence_matches_report_wording():
    previous, current = comparison_windows("2019-12")
    text = change_sentence("Personal Robbery", 855, 764, previous, current)
    assert (
        "has decreased by 11% from 855 offences in the period 1st January 2018 to 31st "
        "December 2018 compared to 764 in the period 1st January 2019 to 31st December 2019" in text
    )


def test_sentence_for_an_increase_and_no_change():
    previous, current = comparison_windows("2019-12", 1)
    text = change_sentence("Stop and Search", 3797, 6031, previous, current, noun="searches")
    assert "has increased by 59% from 3,797 searches" in text
    assert "1st December 2018 to 30th November 2019" in text
    assert "has not changed" in change_sentence("X", 5, 5, previous, current)


@pytest.mark.parametrize(
    "part, whole, shown",
    [(29, 200, "15%"), (2599, 3812, "68%"), (1, 8, "13%"), (0, 5, "0%"), (5, 0, "n/a")],
)
def test_percent_of_whole(part, whole, shown):
    assert format_pct(percent(part, whole)) == shown


@pytest.mark.parametrize(
    "value, text",
    [
        (58.84, "+59%"),  # stop search: never "59%"
        (-10.64, "-11%"),
        (14.5, "+15%"),  # half up
        (0.4, "0%"),  # no sign on nothing
        (-0.4, "0%"),
        (None, "n/a"),
    ],
)
def test_signed_pct(value, text):
    assert signed_pct(value) == text
