"""XmR limits and the "Making Data Count" rules on short hand-made series, as NHSRplotthedots
applies them (ptd_spc_standard, ptd_calculate_point_type and its tests).

The baseline used throughout is 12 points alternating 12, 10 (ending below the mean): mean 11,
every moving range 2 so MR-bar = 2, limits 11 +/- 2.66 * 2 = 5.68 .. 16.32, sigma = 2.66 * 2 / 3
= 1.7733 (NHSRplotthedots' "close to a limit" distance is 2 * 2.66 / 3 * MR-bar) so the 2-sigma
band is 7.4533 .. 14.5467. Limits are computed from the baseline only (``baseline=12``,
NHSRplotthedots' fix_after_n_points) so the hand values hold whatever is appended.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from perfpack.core import spc
from perfpack.present import spc_chart, spc_icons

BASE = [12, 10] * 6


def test_xmr_limits_by_hand():
    limits = spc.xmr_limits(BASE)
    assert limits["mean"] == pytest.approx(11.0)
    assert limits["mr_mean"] == pytest.approx(2.0)
    assert limits["ucl"] == pytest.approx(16.32)
    assert limits["lcl"] == pytest.approx(5.68)
    assert limits["sigma"] == pytest.approx(2.66 * 2 / 3)
    assert limits["upper_2sigma"] == pytest.approx(11 + 2 * 2.66 * 2 / 3)


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
        ([15, 12, 15], "two_of_three", [0, 2], "high"),  # 15 > 14.5467 twice, all 3 above
        ([7, 10, 7], "two_of_three", [0, 2], "low"),  # 7 < 7.4533 twice, all 3 below
        ([15, 11, 11, 15], None, [], None),  # never two in any three
        ([15, 11, 7], None, [], None),  # two beyond 2 sigma, but on opposite sides
        # NHSRplotthedots: all three points of the window on the same side of the mean
        ([15, 11, 15], None, [], None),  # the middle point is on the mean
        ([15, 10, 15], None, [], None),  # the middle point is below the mean
        # issue 11's [.., 101, 125, 114, 95, ..] scaled: 17 is beyond the limit (not "close"),
        # so 15 is the only close point in its windows and is not flagged
        ([11.5, 17, 15, 10], "beyond_limit", [1], "high"),
        # ptd_part_of_two_in_three's case c(1, 0, 0, 1, 1): only the last two are flagged
        ([15, 12, 12, 15, 15], "two_of_three", [3, 4], "high"),
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
            [15, 12, 15],
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


def test_trend_takes_precedence_over_a_run():
    # 9 (below the mean) then 7 rising points above it: 8 rising in a row and 7 above the mean.
    # NHSRplotthedots names a point by the first of: limit, trend, two of three, run.
    table = _signals([9, 11.2, 11.4, 11.6, 11.8, 12.0, 12.2, 12.4])
    tail = table.iloc[len(BASE) :]
    assert tail["special_cause"].all() and (tail["rule"] == "trend").all()
    assert tail["high"].all() and tail.iloc[1:]["shift"].all()


def test_outlying_moving_ranges_are_screened():
    # NHSRplotthedots vignette "Deviations from Excel defaults": 1, 2, 1, 2, 10, 1, 2, ... (18
    # points): mean 35/18 = 1.944; moving ranges 1, 1, 1, 8, 9 and twelve 1s, MR-bar 32/17 =
    # 1.882; 8 and 9 are >= 3.267 * 1.882 = 6.15, so MR-bar = 15/15 = 1 and the limits are
    # 1.94 +/- 2.66: 4.6 and -0.72 as the vignette's caption says.
    data = [1, 2, 1, 2, 10] + [1, 2] * 6 + [1]
    screened = spc.xmr_limits(data, floor_at_zero=False)
    assert screened["mean"] == pytest.approx(35 / 18)
    assert screened["mr_mean"] == pytest.approx(1.0)
    assert screened["ucl"] == pytest.approx(35 / 18 + 2.66)
    assert round(screened["ucl"], 1) == 4.6 and round(screened["lcl"], 2) == -0.72
    excel = spc.xmr_limits(data, floor_at_zero=False, screen_outliers=False)
    assert excel["mr_mean"] == pytest.approx(32 / 17)


def test_baseline_fixes_the_limits():
    # limits from the first 12 points only: whatever follows does not move them
    fixed = spc.xmr_limits(BASE + [30, 31, 29], baseline=12)
    assert fixed["mean"] == pytest.approx(11.0) and fixed["ucl"] == pytest.approx(16.32)
    table = spc.special_causes(BASE + [30, 31, 29], baseline=12)
    assert table["in_baseline"].tolist() == [True] * 12 + [False] * 3
    assert table.iloc[12:]["beyond_limit"].all()


STEP = BASE + [22, 20] * 6  # a second level: mean 21, MR-bar 2 (the step's MR of 12 screened)


def test_rebase_gives_each_segment_its_own_limits():
    # Without a rebase: mean 16, moving ranges 2 (22 of them) and 12 (the step): MR-bar
    # 56/23 = 2.435; 12 >= 3.267 * 2.435 so it is screened, MR-bar 2, limits 10.68 .. 21.32:
    # the 22s are beyond the upper limit.
    whole = spc.special_causes(STEP)
    assert whole["mean"].iloc[0] == pytest.approx(16.0)
    assert whole["ucl"].iloc[0] == pytest.approx(21.32)
    assert whole.iloc[12:]["special_cause"].any()
    # Rebased at the 13th point: 11 +/- 5.32 then 21 +/- 5.32, nothing special in either.
    rebased = spc.special_causes(STEP, rebase=[12])
    assert rebased["segment"].tolist() == [0] * 12 + [1] * 12
    assert rebased["mean"].tolist() == [11.0] * 12 + [21.0] * 12
    assert rebased["lcl"].iloc[12] == pytest.approx(21 - 5.32)
    assert not rebased["special_cause"].any()


def test_xmr_rebase_carries_its_reason_and_ignores_months_outside():
    months = pd.period_range("2018-01", periods=24, freq="M")
    monthly = pd.Series(STEP, index=months, dtype=float)
    table = spc.xmr(monthly, rebase={"2019-01": "New team", "2021-01": "Not charted"})
    assert table.loc[pd.Period("2019-01", "M"), "rebase_reason"] == "New team"
    assert (table["rebase_reason"] != "").sum() == 1
    assert table["segment"].max() == 1
    assert spc.suggested_rebases(table).empty
    assert any("Rebased from January 2019: New team" in note for note in spc.rebase_notes(table))


def test_a_sustained_shift_is_suggested_not_applied():
    # BASE then 7 points at 11.5 (above the fixed mean 11): a run of 7 from the 13th point
    months = pd.period_range("2018-01", periods=19, freq="M")
    monthly = pd.Series(BASE + [11.5] * 7, index=months, dtype=float)
    table = spc.xmr(monthly, "Reduction", baseline=12)
    suggestions = spc.suggested_rebases(table)
    assert suggestions[["position", "side", "length"]].values.tolist() == [[12, "above", 7]]
    assert suggestions["month"].iloc[0] == pd.Period("2019-01", "M")
    assert table["segment"].max() == 0  # reported, not applied
    assert table.iloc[12:]["signal"].eq("concern").all()
    assert any(n.startswith("Suggested rebase (not applied)") for n in spc.rebase_notes(table))


def test_a_run_from_the_segments_first_point_is_no_suggestion():
    # 7 above the mean from the very first point: rebasing there would change nothing
    values = [12.0] * 7 + [8.0, 10.0, 8.0, 10.0, 8.0]
    assert spc.suggested_rebases(spc.xmr(pd.Series(values))).empty


@pytest.mark.parametrize(
    ("tail", "direction", "icon"),
    [
        ([11], "Reduction", "common_cause"),
        ([20], "Reduction", "concern_high"),
        ([20], "Increase", "improvement_high"),
        ([5], "Reduction", "improvement_low"),
        ([5], "Increase", "concern_low"),
    ],
)
def test_variation_icon(tail, direction, icon):
    table = spc.xmr(pd.Series(BASE + tail, dtype=float), direction, baseline=12)
    assert spc_icons.variation(table, direction) == icon


@pytest.mark.parametrize(
    ("lcl", "ucl", "direction", "expected"),
    [
        (1, 3, "Increase", "fail"),
        (5, 7, "Increase", "pass"),
        (1, 5, "Increase", "hit_and_miss"),
        (1, 3, "Reduction", "pass"),
        (5, 7, "Reduction", "fail"),
        (1, 5, "Reduction", "hit_and_miss"),
    ],
)
def test_assurance_icon(lcl, ucl, direction, expected):
    table = pd.DataFrame({"lcl": [0, lcl], "ucl": [99, ucl]})  # the latest limits count
    assert spc_icons.assurance(4.0, table, direction) == expected


def test_no_target_no_assurance_icon():
    table = pd.DataFrame({"lcl": [1.0], "ucl": [5.0]})
    assert spc_icons.assurance(None, table, "Increase") is None
    assert "no numeric target" in spc_icons.assurance_svg(None)


@pytest.mark.parametrize("kind", list(spc_icons.VARIATION_WORDS))
def test_variation_svg_is_inline_with_text(kind):
    svg = spc_icons.variation_svg(kind)
    words = spc_icons.VARIATION_WORDS[kind]
    assert svg.startswith("<svg") and f"<title>{words}</title>" in svg
    assert f'aria-label="{words}"' in svg and "script" not in svg and "href" not in svg


@pytest.mark.parametrize("kind", list(spc_icons.ASSURANCE_WORDS))
def test_assurance_svg_is_inline_with_text(kind):
    svg = spc_icons.assurance_svg(kind)
    assert spc_icons.ASSURANCE_WORDS[kind] in svg and "script" not in svg


# The reviewer's case (Reduction): a rise above the upper limit, then a falling trend that
# crosses the mean. Hand-worked: mean 306 / 20 = 15.3; moving ranges sum 59, the 19 is
# screened (>= 3.267 x 59 / 19 = 10.1), so MR-bar = 40 / 18; UCL = 15.3 + 2.66 x 40 / 18 =
# 21.211, LCL = 9.389, 2-sigma lines 19.24 and 11.36.
CROSSING = [10, 12, 9, 11, 10, 12, 11, 30, 28, 26, 24, 22, 20, 18, 10, 11, 9, 12, 10, 11]


def test_trend_points_classed_by_trend_direction_as_nhsrplotthedots_0_2():
    table = spc.special_causes(CROSSING, "Reduction")
    assert table["mean"].iloc[0] == pytest.approx(15.3)
    assert table["ucl"].iloc[0] == pytest.approx(15.3 + 2.66 * 40 / 18)
    # 30..22 are above the UCL: the limit rule names them, high -> concern
    assert list(table["rule"][7:12]) == ["beyond_limit"] * 5
    assert set(table["signal"][7:12]) == {spc.CONCERN}
    # 20 and 18 sit above the mean but in the falling trend 30 -> 10 (8 points): NHSRplotthedots
    # 0.2.x ptd_point_type: "7 Point Trend (Decreasing)" -> -1, x improvement direction -1
    # (decrease) = +1 -> special_cause_improvement (0.1.0 used the side of the mean: concern)
    for position in (12, 13, 14):
        assert table.loc[position, "rule"] == "trend"
        assert bool(table.loc[position, "low"])
        assert table.loc[position, "signal"] == spc.IMPROVEMENT
    # 9 < LCL 9.389 at positions 2 and 16: below the lower limit -> improvement
    assert table.loc[2, "rule"] == table.loc[16, "rule"] == "beyond_limit"
    assert table.loc[16, "signal"] == spc.IMPROVEMENT


def test_latest_point_icon_in_the_crossing_case():
    # the last three points 12, 10, 11 are all below the mean; 10 and 11 are below the lower
    # 2-sigma line 11.36 and above the LCL: two of three low -> improvement, icon "low"
    table = spc.xmr(pd.Series(CROSSING, dtype=float), "Reduction")
    assert table["rule"].iloc[-1] == "two_of_three"
    assert table["signal"].iloc[-1] == spc.IMPROVEMENT
    assert spc_icons.variation(table, "Reduction") == "improvement_low"


def test_flooring_changes_no_rule_outcome_for_counts():
    # mean 1.2, MR-bar 1.75: LCL and lower 2-sigma line (1.2 - 3.103) are below 0
    floored = spc.special_causes([0, 0, 1, 0, 5], floor_at_zero=True)
    raw = spc.special_causes([0, 0, 1, 0, 5], floor_at_zero=False)
    assert floored["lcl"].iloc[0] == 0.0 and floored["lower_2sigma"].iloc[0] == 0.0
    assert raw["lower_2sigma"].iloc[0] == pytest.approx(1.2 - 2 * 2.66 * 1.75 / 3)
    rules = ["beyond_limit", "trend", "two_of_three", "shift", "signal"]
    pd.testing.assert_frame_equal(floored[rules], raw[rules])


def test_rules_judged_on_unfloored_limits():
    # mean 5 / 7, MR-bar 11 / 6, LCL 5/7 - 2.66 x 11/6 = -4.16: -1 is inside the real limit,
    # though below the drawn (floored) 0
    table = spc.special_causes([2, 0, 2, 0, 2, 0, -1], floor_at_zero=True)
    assert table["lcl"].iloc[-1] == 0.0
    assert not table["beyond_limit"].iloc[-1]
    assert table["signal"].iloc[-1] == spc.COMMON_CAUSE


def test_every_short_segment_is_provisional():
    # 6 points before the rebase (as the first stop-search segment), 12 after
    months = pd.period_range("2018-01", periods=18, freq="M")
    monthly = pd.Series([5, 7, 6, 8, 6, 7] + [20, 22, 21, 23, 20, 22] * 2, index=months)
    table = spc.xmr(monthly, "Reduction", rebase={"2018-07": "New policy: test"})
    assert spc.provisional_segments(table) == [
        "only 6 points from January 2018 to June 2018: fewer than 12, so the limits are provisional"
    ]
    assert "only 6 points from January 2018 to June 2018" in spc.summary(table)
    fig, alt = spc_chart.spc_chart(monthly, "Figure 1. Test", "Reduction", table=table)
    try:
        assert any("provisional" in t.get_text() for t in fig.axes[0].texts)
        assert "only 6 points from January 2018" in alt
    finally:
        plt.close(fig)
    # 12 points in every segment: nothing provisional
    whole = spc.xmr(monthly[6:], "Reduction")
    assert spc.provisional_segments(whole) == []
    assert "provisional" not in spc.summary(whole)
