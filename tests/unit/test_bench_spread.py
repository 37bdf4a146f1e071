"""Repeated timings for make bench: medians with min-max, and ratios of alternating runs,
on hand-worked numbers."""

import pytest
from tools import bench_spread


@pytest.mark.parametrize(
    "values, expected",
    [
        ([3.0, 1.0, 2.0], {"median": 2.0, "min": 1.0, "max": 3.0}),
        ([1.0, 2.0, 3.0, 10.0], {"median": 2.5, "min": 1.0, "max": 10.0}),  # even: mean of 2, 3
        ([4.0, None], {"median": 4.0, "min": 4.0, "max": 4.0}),
        ([], {"median": None, "min": None, "max": None}),
    ],
)
def test_spread(values, expected):
    assert bench_spread.spread(values) == expected


def test_a_run_between_two_others_is_compared_with_their_mean():
    # batch 10, naive 5, batch 20, naive 10, batch 30: (10+20)/2/5 = 3, (20+30)/2/10 = 2.5
    assert bench_spread.paired_ratios([10, 20, 30], [5, 10]) == [3.0, 2.5]


def test_runs_in_pairs_are_compared_in_turn():
    assert bench_spread.paired_ratios([2.0, 3.0], [1.0, 4.0]) == [2.0, 0.75]
    with pytest.raises(ValueError, match="3 measured runs cannot pair with 1"):
        bench_spread.paired_ratios([1, 2, 3], [1])


def test_spread_text():
    assert bench_spread.spread_text(0.254, 0.31) == " (0.25-0.31x)"
    assert bench_spread.spread_text(9.5, 12.25, " s", 1) == " (9.5-12.2 s)"
    assert bench_spread.spread_text(None, None) == ""
