"""Exact Poisson test, rates and funnel limits against hand-worked values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfpack.core import stats


@pytest.mark.parametrize(
    ("previous", "current", "p_value", "significant", "verdict"),
    [
        # 0 then 5: all five in one window, P = 2 * 0.5**5 = 0.0625 -> 0.063 (two figures)
        (0, 5, 0.0625, False, "There is no evidence of a change at the 5% level (p = 0.063)."),
        (5, 0, 0.0625, False, "There is no evidence of a change at the 5% level (p = 0.063)."),
        # 0 then 6: 2 * 0.5**6 = 0.03125 -- beyond chance at 5%
        (0, 6, 0.03125, True, "A rise this size would be unusual by chance alone (p = 0.031)."),
        # 4 then 1: 2 * (C(5,0) + C(5,1)) / 32 = 12/32 = 0.375 -> 0.38 (half up)
        (4, 1, 0.375, False, "There is no evidence of a change at the 5% level (p = 0.38)."),
        # 2 then 8: 2 * (1 + 10 + 45) / 1024 = 0.109375 -> 0.11
        (2, 8, 112 / 1024, False, "There is no evidence of a change at the 5% level (p = 0.11)."),
        # 10 then 0: 2 / 1024 = 0.00195 -> 0.0020
        (
            10,
            0,
            2 / 1024,
            True,
            "A fall this size would be unusual by chance alone (p = 0.0020).",
        ),
        # equal counts: the two tails cover everything
        (7, 7, 1.0, False, "The two periods have the same count (p = 1.0)."),
        # nothing in either window
        (0, 0, 1.0, False, "There were no events in either period."),
    ],
)
def test_poisson_change_test_hand_values(previous, current, p_value, significant, verdict):
    result = stats.poisson_change_test(previous, current)
    assert result.previous == previous and result.current == current
    assert result.p_value == pytest.approx(p_value, rel=1e-9)
    assert result.significant is significant
    assert result.verdict == verdict


def test_no_verdict_calls_a_change_chance():
    # p >= 0.05 is absence of evidence, never evidence of chance (issue 11)
    for previous, current in [(0, 5), (4, 1), (855, 800), (10, 12)]:
        verdict = stats.poisson_change_test(previous, current).verdict.lower()
        assert "likely" not in verdict and "could well be chance" not in verdict
        assert "no evidence of a change at the 5% level" in verdict


def test_poisson_change_test_textbook_10_vs_20():
    # 10 vs 20 events: 2 * sum_{k<=10} C(30, k) / 2**30 = 0.0987 (R: binom.test(10, 30))
    expected = 2 * sum(math.comb(30, k) for k in range(11)) / 2**30
    assert expected == pytest.approx(0.09874, abs=1e-5)
    assert stats.poisson_change_test(20, 10).p_value == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(("previous", "current"), [(-1, 3), (2.5, 3), (3, None)])
def test_poisson_change_test_rejects_non_counts(previous, current):
    with pytest.raises(ValueError):
        stats.poisson_change_test(previous, current)


@pytest.mark.parametrize(
    ("p_value", "text"),
    [
        # two significant figures, rounded half up
        (0.0625, "p = 0.063"),
        (0.03125, "p = 0.031"),
        # the published demo robbery change, 855 -> 764: binom.test(764, 1619) p = 0.025272;
        # the overview printed 0.025 and the appendix 0.03 (issue 11); both now 0.025
        (0.025272, "p = 0.025"),
        (0.2176, "p = 0.22"),
        (0.004, "p = 0.0040"),
        (0.0043, "p = 0.0043"),
        (0.001, "p = 0.0010"),
        (0.00099, "p < 0.001"),
        (0.0004, "p < 0.001"),
        (0.0, "p < 0.001"),
        (1.0, "p = 1.0"),
        (0.995, "p = 1.0"),  # 0.995 -> 1.0, still two figures
        (0.0996, "p = 0.10"),  # not 0.100
        (0.00999, "p = 0.010"),
        # never rounded across 0.05: two figures would show 0.050 for a value below it
        (0.0496, "p = 0.0496"),
        (0.0495, "p = 0.0495"),
        (0.04996, "p = 0.04996"),
        (0.0504, "p = 0.050"),  # at or above 0.05 either way: two figures are enough
        (0.05, "p = 0.050"),
        (0.0505, "p = 0.051"),
        (0.0449, "p = 0.045"),
    ],
)
def test_format_p_value(p_value, text):
    assert stats.format_p_value(p_value) == text


@pytest.mark.parametrize(
    ("count", "population", "rate"),
    [
        (764, 1_135_935, 0.672574),  # 764 / 1135.935; the report's robbery rate, 0.7
        (0, 100, 0.0),
        (5, 1000, 5.0),
    ],
)
def test_rate_per_1000(count, population, rate):
    assert stats.rate_per_1000(count, population) == pytest.approx(rate, abs=1e-6)


@pytest.mark.parametrize("population", [0, -5, None, math.nan])
def test_rate_per_1000_without_population_is_nan(population):
    assert math.isnan(stats.rate_per_1000(3, population))


# Poisson(4) cumulative probabilities by hand: F(0)=e^-4=0.018316, F(1)=5e^-4=0.091578,
# F(7)=0.948866, F(8)=0.978637, F(10)=0.997160, F(11)=0.999085.
@pytest.mark.parametrize(
    ("method", "column", "rate"),
    [
        ("exact", "lower_1.96", 1 / 4),  # smallest k with F(k) >= 0.025 is 1
        ("exact", "upper_1.96", 8 / 4),  # smallest k with F(k) >= 0.975 is 8
        ("exact", "lower_3.09", 0.0),  # F(0) >= 0.001 already
        ("exact", "upper_3.09", 11 / 4),  # F(10) < 0.999 <= F(11)
        # interpolated: 8 - (0.978637 - 0.975) / (0.978637 - 0.948866) = 7.87783
        ("spiegelhalter", "upper_1.96", 7.87783 / 4),
        # 1 - (0.091578 - 0.025) / (0.091578 - 0.018316) = 0.09124
        ("spiegelhalter", "lower_1.96", 0.09124 / 4),
        ("spiegelhalter", "lower_3.09", 0.0),  # negative interpolation floored at 0
        ("normal", "upper_1.96", (4 + 1.96 * 2) / 4),
        ("normal", "lower_1.96", (4 - 1.96 * 2) / 4),
        ("normal", "lower_3.09", 0.0),  # 4 - 3.09 * 2 < 0
    ],
)
def test_funnel_limits_expected_four(method, column, rate):
    limits = stats.funnel_limits(4000, 1.0, method=method)
    assert limits.loc[0, "expected"] == pytest.approx(4.0)
    assert limits.loc[0, "rate_per_1000"] == pytest.approx(1.0)
    assert limits.loc[0, column] == pytest.approx(rate, abs=1e-4)


def test_funnel_limits_narrow_as_population_grows():
    limits = stats.funnel_limits([4000, 40_000, 400_000], 1.0)
    width = limits["upper_1.96"] - limits["lower_1.96"]
    assert width.is_monotonic_decreasing
    assert (limits["upper_3.09"] >= limits["upper_1.96"]).all()
    assert (limits["lower_3.09"] <= limits["lower_1.96"]).all()


@pytest.mark.parametrize("population", [0, -1])
def test_funnel_limits_reject_bad_population(population):
    with pytest.raises(ValueError):
        stats.funnel_limits(population, 1.0)


@pytest.mark.parametrize(
    ("count", "position"),
    [
        (4, "within"),
        (7, "within"),  # 7 < 7.878
        (9, "above 95%"),  # P(X >= 9) = 0.021 < 0.025; 8 is within (P(X >= 8) = 0.051)
        (12, "above 99.8%"),
        (0, "below 95%"),  # 0 < 0.091; the 99.8% lower limit is 0
    ],
)
def test_funnel_position(count, position):
    assert stats.funnel_position(count, 4000, 1.0) == position


@pytest.mark.parametrize(
    "count, position",
    [
        # expected 4 events (population 4,000 at 1 per 1,000). P(X >= 8) = 0.0511: within 95%
        (8, "within"),
        # P(X >= 9) = 0.0214 < 0.025: above the 95% limit; P(X >= 10) = 0.0081 > 0.001
        (9, "above 95%"),
        (10, "above 95%"),
        # P(X >= 12) = 0.00092 < 0.001: above the 99.8% limit
        (12, "above 99.8%"),
        # P(X <= 0) = exp(-4) = 0.0183 < 0.025: below 95%
        (0, "below 95%"),
        (1, "within"),  # P(X <= 1) = 5 exp(-4) = 0.0916
    ],
)
def test_funnel_position_uses_exact_poisson_tails(count, position):
    assert stats.funnel_position(count, 4000, 1.0) == position


@pytest.mark.parametrize(
    "p, text",
    [
        (0.0496, "p = 0.0496"),  # 0.050 would put a value below 0.05 at the threshold
        (0.0504, "p = 0.050"),
        (0.054, "p = 0.054"),
        (0.03, "p = 0.030"),
        (0.2, "p = 0.20"),
        (0.004, "p = 0.0040"),
        (0.0004, "p < 0.001"),
    ],
)
def test_p_values_near_the_threshold_stay_on_their_side(p, text):
    assert stats.format_p_value(p) == text


@pytest.mark.parametrize("p_value", [-0.1, 1.5, math.nan])
def test_format_p_value_rejects_non_probabilities(p_value):
    with pytest.raises(ValueError):
        stats.format_p_value(p_value)


@pytest.mark.parametrize(
    ("p_value", "number"),
    [(0.025272, "0.025"), (0.0004, "<0.001"), (0.0496, "0.0496"), (0.53, "0.53")],
)
def test_format_p_number_for_tables(p_value, number):
    assert stats.format_p_number(p_value) == number


@pytest.mark.parametrize(
    ("p_value", "kwargs", "phrase"),
    [
        (0.01, {}, "a change this size would be unusual by chance alone (p = 0.010)"),
        (0.06, {}, "no evidence of a change at the 5% level (p = 0.060)"),
        (0.0625, {}, "no evidence of a change at the 5% level (p = 0.063)"),
        (0.05, {}, "no evidence of a change at the 5% level (p = 0.050)"),  # not below 0.05
        (0.0496, {}, "a change this size would be unusual by chance alone (p = 0.0496)"),
        (
            0.0325,
            {"test": "Fisher's exact test"},
            "a change this size would be unusual by chance alone (Fisher's exact test, p = 0.033)",
        ),
        (0.3, {"change": "fall"}, "no evidence of a change at the 5% level (p = 0.30)"),
        (
            0.003,
            {"change": "fall"},
            "a fall this size would be unusual by chance alone (p = 0.0030)",
        ),
        # at the 1% level: 0.03 is no evidence
        (0.03, {"alpha": 0.01}, "no evidence of a change at the 1% level (p = 0.030)"),
    ],
)
def test_significance_phrase(p_value, kwargs, phrase):
    assert stats.significance_phrase(p_value, **kwargs) == phrase


@pytest.mark.parametrize(
    ("p_value", "sentence"),
    [
        (0.01, "A change this size would be unusual by chance alone (p = 0.010)."),
        (0.06, "There is no evidence of a change at the 5% level (p = 0.060)."),
    ],
)
def test_significance_sentence(p_value, sentence):
    assert stats.significance_sentence(p_value) == sentence


@pytest.mark.parametrize(
    ("p_value", "label", "cell"),
    [
        (0.025272, "Unusual by chance alone", "Unusual by chance alone (p = 0.025)"),
        (0.2176, "No evidence of a change", "No evidence of a change (p = 0.22)"),
        (None, "–", "–"),
        (math.nan, "–", "–"),
    ],
)
def test_significance_label_and_cell(p_value, label, cell):
    assert stats.significance_label(p_value) == label
    assert stats.significance_cell(p_value) == cell


@pytest.mark.parametrize(
    ("previous", "current", "p_value", "verdict"),
    [
        (0, 0, 1.0, "There were no events in either period."),
        (5, 5, 1.0, "The two periods have the same count (p = 1.0)."),
        (40, 20, 0.01, "A fall this size would be unusual by chance alone (p = 0.010)."),
        (20, 40, 0.2, "There is no evidence of a change at the 5% level (p = 0.20)."),
    ],
)
def test_change_verdict(previous, current, p_value, verdict):
    assert stats.change_verdict(previous, current, p_value) == verdict


def test_demo_robbery_change_is_worded_once():
    # the report's robbery, 855 -> 764: 2 * P(X <= 764) for X ~ Binomial(1619, 0.5) = 0.025272
    # (R: binom.test(764, 1619)$p.value). The overview printed "p = 0.025" and the appendix
    # "p = 0.03" (issue 11); one formatter now gives both pages "p = 0.025".
    test = stats.poisson_change_test(855, 764)
    assert test.p_value == pytest.approx(0.025272, abs=1e-6)
    assert test.verdict == "A fall this size would be unusual by chance alone (p = 0.025)."
    assert stats.significance_cell(test.p_value) == "Unusual by chance alone (p = 0.025)"


@given(st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_a_shown_p_value_never_crosses_the_threshold(p_value):
    number = stats.format_p_number(p_value)
    if number.startswith("<"):
        assert p_value < 0.001
    else:
        assert (float(number) < stats.ALPHA) == (p_value < stats.ALPHA)
        # and it is the value to the figures shown: within half a unit of the last figure
        digits = len(number.split(".")[1])
        assert abs(float(number) - p_value) <= 0.5 * 10**-digits + 1e-12
