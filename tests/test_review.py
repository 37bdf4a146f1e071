"""The exception rule on hand-made series: each half of the rule firing and not firing."""

import pandas as pd
import pytest

from perfpack.review import review_theme

MONTHS = pd.period_range("2018-01", periods=24, freq="M")
# Alternating 6/16 (no runs, no trends) then 11 and a spike of 60: mean 313/24 = 13.04, mean
# moving range (21*10 + 5 + 49)/23 = 11.48, upper limit 13.04 + 2.66*11.48 = 43.6, so only the
# last point is special cause (high); 2-sigma line 33.4 is crossed by no other point.
SPIKE = pd.Series([6, 16] * 11 + [11, 60], index=MONTHS)
STEADY = pd.Series([10, 11] * 12, index=MONTHS)


@pytest.mark.parametrize(
    "series, target, previous, current, p, exception, concern, against",
    [
        (SPIKE, "Reduction", None, None, None, True, True, False),  # a rise is bad news
        (SPIKE, "Increase", None, None, None, False, False, False),  # the same rise is good news
        (STEADY, "Reduction", 100, 150, 0.0017, True, False, True),  # significant rise: against
        (
            STEADY,
            "Increase",
            100,
            150,
            0.0017,
            False,
            False,
            False,
        ),  # significant rise: with target
        (STEADY, "Reduction", 100, 110, 0.53, False, False, False),  # a rise within chance
        (STEADY, "Reduction", 150, 100, 0.0017, False, False, False),  # significant fall: good
    ],
)
def test_exception_rule(series, target, previous, current, p, exception, concern, against):
    result = review_theme("t", series, target, previous, current, p)
    assert result.exception is exception
    assert result.spc_concern is concern
    assert result.significant_against_target is against


def test_no_monthly_points_is_said_not_guessed():
    result = review_theme("t", pd.Series(dtype=float), "Reduction", None, None, None)
    assert not result.exception and "not enough" in result.spc_signal
