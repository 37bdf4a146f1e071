"""XmR limits and the "Making Data Count" rules on short hand-made series.

The baseline used throughout is 12 points alternating 12, 10 (ending below the mean): mean 11,
every moving range 2 so MR-bar = 2, limits 11 +/- 2.66 * 2 = 5.68 .. 16.32, sigma = 2 / 1.128 =
1.773 so the 2-sigma band is 7.454 .. 14.546. Limits are computed from the baseline only
(``baseline=12``) so the hand values hold whatever is appended.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from perfpack import spc

BASE = [12, 10] * 6


def test_xmr_limits_by_hand():
    limits = spc.xmr_limits(BASE)
    assert limits["mean"] == pytest.approx(11.0)
    assert limits["mr_mean"] == pytest.approx(2.0)
    assert limits["ucl"] == pytest.approx(16.32)
    assert limits["lcl"] == pytest.approx(5.68)
    assert limits["sigma"] == pytest.approx(2 / 1.128)
    assert limits["upper_2sigma"] == pytest.approx(11 + 4 / 1.128)


def test_lower_limit_floored_at_zero_for_counts():
    # mean 1.2, moving ranges 0, 1, 1, 5 -> 1.75; 1.2 - 2.66 * 1.75 < 0
    assert spc.xmr_limits([0, 0, 1, 0, 5])["lcl"] == 0.0
    assert spc.xmr_limits([0, 0, 1, 0, 5], floor_at_zero=False)["lcl"] == pytest.approx(
        1.2 - 2.66 * 1.75
    )


def _signals(tail, improvement="Reduction"):
    return spc.special_causes(BASE + tail, improvement, baseline=12)


# (appended points, rule expected to fire, which appended positions are flagged, side)
@pytest.mark.parametrize(
    ("tail", "rule", "flagged", "side"),
    [
        ([20], "beyond_limit", [0], "high"),  # 20 > 16.32
        ([5], "beyond_limit", [0], "low"),  # 5 < 5.68
        ([16], None, [], None),  # inside the limits, alone beyond 2 sigma
        ([11.5] * 7, "shift", list(range(7)), "high"),  # 7 above the mean
        # the baseline ends below the mean, so start the low run after a point above it
        ([11.5] + [10.5] * 7, "shift", list(range(1, 8)), "low"),
        ([11.5] * 6, None, [], None),  # 6 above: not yet
        ([11.5] * 3 + [11] + [11.5] * 3, None, [], None),  # a point on the mean breaks the run
        ([8, 9, 10, 11, 12, 13, 14], "trend", list(range(7)), "high"),  # 7 rising
        ([14, 13, 12, 11, 10, 9, 8], "trend", list(range(7)), "low"),  # 7 falling
        ([9, 10, 11, 12, 13, 14], None, [], None),  # 10 -> 9 falls, so only 6 rise
        ([8, 9, 10, 10, 12, 13, 14], None, [], None),  # a repeated value breaks the trend
        ([15, 11, 15], "two_of_three", [0, 2], "high"),  # 15 > 14.546 twice in three
        ([7, 11, 7], "two_of_three", [0, 2], "low"),  # 7 < 7.454 twice in three
        ([15, 11, 11, 15], None, [], None),  # never two in any three
        ([15, 11, 7], None, [], None),  # two beyond 2 sigma, but on opposite sides
    ],
)
def test_rules_fire_and_do_not_fire(tail, rule, flagged, side):
    table = _signals(tail)
    appended = table.iloc[len(BASE) :].reset_index(drop=True)
    assert not table.iloc[: len(BASE)]["special_cause"].any()
    assert appended.index[appended["special_cause"]].tolist() == flagged
    if rule is not None:
        assert appended.loc[flagged, rule].all()
        assert set(appended.loc[flagged, "rule"]) == {rule}
        assert appended.loc[flagged, side].all()


@pytest.mark.parametrize(
    ("tail", "improvement", "signal"),
    [
        ([20], "Reduction", "concern"),  # high is bad when the target is a reduction
        ([20], "Increase", "improvement"),
        ([5], "Reduction", "improvement"),
        ([5], "Increase", "concern"),
        ([14, 13, 12, 11, 10, 9, 8], "Reduction", "improvement"),  # falling trend
        ([8, 9, 10, 11, 12, 13, 14], "Reduction", "concern"),
        ([11.5] * 7, "Increase", "improvement"),
    ],
)
def test_direction_classification(tail, improvement, signal):
    table = _signals(tail, improvement)
    assert table.iloc[-1]["signal"] == signal
    assert (table.iloc[: len(BASE)]["signal"] == "common cause").all()


def test_rule_precedence_limit_beats_shift():
    # 7 points above the mean, the last beyond the upper limit
    table = _signals([11.5] * 6 + [20])
    assert table.iloc[-1]["rule"] == "beyond_limit"
    assert table.iloc[-1]["shift"] and table.iloc[-1]["beyond_limit"]


def test_special_causes_rejects_unknown_direction():
    with pytest.raises(ValueError):
        spc.special_causes(BASE, "Sideways")


def test_flat_series_has_no_signals_beyond_a_run():
    # no spread: every point on the mean, no runs (on-mean points break runs), no trend
    table = spc.special_causes([5] * 10)
    assert not table["special_cause"].any()


def test_xmr_table_columns_and_moving_range():
    months = pd.period_range("2019-01", periods=4, freq="M")
    table = spc.xmr(pd.Series([10, 14, 11, 11], index=months))
    assert list(table.index) == list(months)
    assert np.isnan(table["moving_range"].iloc[0])
    assert table["moving_range"].iloc[1:].tolist() == [4, 3, 0]
    assert table["mean"].iloc[0] == pytest.approx(11.5)
    assert table["ucl"].iloc[0] == pytest.approx(11.5 + 2.66 * 7 / 3)
    for column in ("lcl", "beyond_limit", "shift", "trend", "two_of_three", "signal"):
        assert column in table


@pytest.mark.parametrize(
    ("tail", "improvement", "text"),
    [
        ([11.5] * 7, "Reduction", "special cause — concern: 7 points above the mean"),
        ([11.5] + [10.5] * 8, "Reduction", "special cause — improvement: 8 points below the mean"),
        ([20], "Increase", "special cause — improvement: the latest point is above the upper"),
        ([14, 13, 12, 11, 10, 9, 8], "Reduction", "special cause — improvement: 7 points falling"),
        (
            [15, 11, 15],
            "Reduction",
            "special cause — concern: 2 of the last 3 points close to the upper",
        ),
        ([11], "Reduction", "common cause variation"),
    ],
)
def test_summary_in_words(tail, improvement, text):
    values = BASE + tail
    table = spc.xmr(pd.Series(values, dtype=float), improvement, baseline=12)
    assert spc.summary(table).startswith(text)


def test_summary_warns_with_few_points():
    table = spc.xmr(pd.Series([3, 4, 5, 4, 3], dtype=float))
    assert "fewer than 12" in spc.summary(table)


@pytest.mark.parametrize(("n_points", "warned"), [(6, True), (12, False)])
def test_spc_chart_alt_text_and_warning(n_points, warned):
    months = pd.period_range("2019-01", periods=n_points, freq="M")
    monthly = pd.Series(([12, 10] * 6)[:n_points], index=months)
    fig, alt = spc.spc_chart(monthly, "Figure 1. Monthly volume of Test", "Reduction", "Offences")
    try:
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert any("Warning" in t for t in texts) is warned
        assert fig.axes[0].get_title() == "Figure 1. Monthly volume of Test"
        assert fig.axes[0].get_legend() is not None
        assert alt.startswith("Figure 1. Monthly volume of Test")
        assert "January 2019" in alt and "Mean 11" in alt
    finally:
        plt.close(fig)
