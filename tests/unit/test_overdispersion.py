"""Overdispersion in funnel plots and changes by area (Spiegelhalter 2005) on hand-worked tables.

Every expected value is worked by hand from the formulas of Spiegelhalter DJ, Statistics in
Medicine 2005;24:1185-1202 and Qual Saf Health Care 2005;14:347-351 (the arithmetic is in the
comments), never taken from running perfpack.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from perfpack.core import overdispersion as od
from perfpack.core import stats

Z95, Z998 = 1.959964, 3.090232
AREAS = list("ABCDEF")

# Six areas of 25,000 residents at a target of 1 per 1,000: expected E = 25 each (sqrt 5).
# Counts are squares, so z = 2 (sqrt(count) - sqrt(E)) = 2 (2-5, 3-5, 4-5, 5-5, 6-5, 7-5)
#   = -6, -4, -2, 0, 2, 4.
SPREAD = pd.Series([4, 9, 16, 25, 36, 49], index=AREAS)
POPULATION = pd.Series([25_000] * 6, index=AREAS)


def test_winsorise_hand_values():
    # n = 5: the 10th percentile sits 0.4 of the way from -3 to -1 (-2.2), the 90th 0.6 of the
    # way from 1 to 5 (3.4)
    assert od.winsorise([-3, -1, 0, 1, 5]) == pytest.approx([-2.2, -1, 0, 1, 3.4])


def test_dispersion_of_the_six_areas():
    funnel = od.rate_funnel(SPREAD, POPULATION, target=1.0)
    # winsorised at 10%: n = 6, the 10th percentile is halfway from -6 to -4 (-5), the 90th
    # halfway from 2 to 4 (3): -5, -4, -2, 0, 2, 3; squares 25 + 16 + 4 + 0 + 4 + 9 = 58
    assert funnel.units["z"].tolist() == pytest.approx([-6, -4, -2, 0, 2, 4])
    assert funnel.units["z_winsorised"].tolist() == pytest.approx([-5, -4, -2, 0, 2, 3])
    test = funnel.test
    assert test.phi == pytest.approx(58 / 6)  # 9.667
    assert test.statistic == pytest.approx(58.0)
    assert test.df == 5
    # chi-squared on 5 df: the 99.9% point is 20.5, and 58 is far beyond it
    assert test.p_value < 0.001
    assert test.overdispersed
    # DerSimonian-Laird: w = 1 / s^2 = 4E = 100 each; sum w = 600, sum w^2 / sum w = 100;
    # tau2 = (58 - 5) / (600 - 100) = 0.106
    assert test.tau2 == pytest.approx(0.106)
    assert funnel.method == "additive"


def test_additive_limits_widen_and_bring_every_area_inside():
    funnel = od.rate_funnel(SPREAD, POPULATION, target=1.0)
    row = funnel.units.loc["A"]
    # s = 1 / (2 sqrt 25) = 0.1; sd = sqrt(0.01 + 0.106) = 0.340588
    # 95%: (1 -/+ 1.959964 * 0.340588)^2 = 0.332460^2, 1.667540^2 = 0.110530, 2.780690
    assert row["lower_95"] == pytest.approx(0.110530, abs=1e-5)
    assert row["upper_95"] == pytest.approx(2.780690, abs=1e-5)
    # 99.8%: 3.090232 * 0.340588 = 1.052495 > 1, so the lower limit is 0; upper 2.052495^2
    assert row["lower_99.8"] == 0.0
    assert row["upper_99.8"] == pytest.approx(4.212736, abs=1e-5)
    # area A: (sqrt(4 / 25) - 1) / 0.340588 = -0.6 / 0.340588 = -1.761662
    assert row["z_adjusted"] == pytest.approx(-1.761662, abs=1e-5)
    assert set(funnel.units["position"]) == {"within"}
    assert funnel.outside() == []
    # drawn lines give the same limits at the same population
    line = funnel.limits([25_000]).iloc[0]
    assert line["upper_95"] == pytest.approx(row["upper_95"])


def test_poisson_limits_flag_the_same_areas():
    funnel = od.rate_funnel(SPREAD, POPULATION, target=1.0, method="poisson")
    assert funnel.method == "poisson" and funnel.test.overdispersed
    # 4 and 49 against an expected 25 are far outside exact Poisson 99.8% limits:
    # P(X <= 4) and P(X >= 49) for Poisson(25) are both below 0.001
    assert funnel.units.loc["A", "position"] == "below 99.8%"
    assert funnel.units.loc["F", "position"] == "above 99.8%"
    assert funnel.units.loc["D", "position"] == "within"
    assert "not adjusted" in funnel.description()


def test_multiplicative_limits():
    funnel = od.rate_funnel(SPREAD, POPULATION, target=1.0, method="multiplicative")
    assert funnel.method == "multiplicative"
    # sd = sqrt(phi) * s = sqrt(9.6667) * 0.1 = 0.310913;
    # 95%: (1 -/+ 1.959964 * 0.310913)^2 = 0.390630^2, 1.609370^2 = 0.152586, 2.590096
    row = funnel.units.loc["A"]
    assert row["lower_95"] == pytest.approx(0.152586, abs=1e-5)
    assert row["upper_95"] == pytest.approx(2.590096, abs=1e-5)
    assert "multiplicative" in funnel.description()


def test_no_overdispersion_keeps_exact_poisson_limits():
    # z = -2, 0, 0, 0, 0, 2; winsorised -1, 0, 0, 0, 0, 1 (halfway to the neighbours);
    # phi = 2 / 6 = 0.333, n phi = 2 < 5 = n - 1: tau2 = 0, P(chi2(5) >= 2) = 0.849
    counts = pd.Series([16, 25, 25, 25, 25, 36], index=AREAS)
    funnel = od.rate_funnel(counts, POPULATION, target=1.0)
    assert funnel.test.phi == pytest.approx(1 / 3)
    assert funnel.test.p_value == pytest.approx(0.849145, abs=1e-5)
    assert not funnel.test.overdispersed
    assert funnel.test.tau2 == 0.0
    assert funnel.method == "poisson"
    exact = stats.funnel_limits(25_000, 1.0, z=(od.Z_95, od.Z_998))
    assert funnel.units.loc["A", "upper_95"] == pytest.approx(exact.loc[0, "upper_1.95996"])
    assert "No evidence that" in funnel.description()
    assert "exact Poisson limits" in funnel.description()


def test_tau2_with_unequal_weights():
    # expected 4, 9, 16, 25 (populations 4,000 ... 25,000 at 1 per 1,000); counts 16, 1, 36, 9
    # z = 2 (4 - 2), 2 (1 - 3), 2 (6 - 4), 2 (3 - 5) = 4, -4, 4, -4; the percentiles are -4
    # and 4, so nothing changes; phi = 64 / 4 = 16
    # w = 4E = 16, 36, 64, 100: sum 216; sum w^2 = 256 + 1296 + 4096 + 10000 = 15648;
    # tau2 = (64 - 3) / (216 - 15648 / 216) = 61 / 143.5556 = 0.424923
    funnel = od.rate_funnel(
        pd.Series([16, 1, 36, 9], index=list("PQRS")),
        pd.Series([4_000, 9_000, 16_000, 25_000], index=list("PQRS")),
        target=1.0,
    )
    assert funnel.test.phi == pytest.approx(16.0)
    assert funnel.test.tau2 == pytest.approx(0.424923, abs=1e-6)
    # P: (sqrt(16 / 4) - 1) / sqrt(1/16 + 0.424923) = 1 / 0.698157 = 1.432342
    assert funnel.units.loc["P", "z_adjusted"] == pytest.approx(1.432342, abs=1e-5)


def test_pooled_target_and_rates_per_other_units():
    # 139 events over 150,000 residents: 0.926667 per 1,000, 92.6667 per 100,000
    funnel = od.rate_funnel(SPREAD, POPULATION)
    assert funnel.target == pytest.approx(139 / 150)
    per_100k = od.rate_funnel(SPREAD.to_numpy(), POPULATION.to_numpy(), per=100_000)
    assert per_100k.target == pytest.approx(92.666667)
    assert per_100k.units["rate"].iloc[0] == pytest.approx(16.0)  # 4 / 25,000 * 100,000
    assert per_100k.test.phi == pytest.approx(funnel.test.phi)


def test_units_without_exposure_are_left_out():
    counts = pd.Series([4, 9, 16, 25, 36, 49, 3], index=[*AREAS, "G"])
    populations = pd.Series([25_000] * 6 + [math.nan], index=[*AREAS, "G"])
    funnel = od.rate_funnel(counts, populations, target=1.0)
    assert funnel.test.n_units == 6
    assert funnel.test.phi == pytest.approx(58 / 6)
    assert funnel.units.loc["G", "position"] == "no population"


def test_too_few_units_are_not_tested():
    funnel = od.rate_funnel([4, 49], [25_000, 25_000], target=1.0)
    assert not funnel.test.tested and not funnel.test.overdispersed
    assert funnel.method == "poisson"
    assert funnel.description().startswith("Too few units (2)")


@pytest.mark.parametrize(
    ("counts", "exposures", "kwargs"),
    [
        ([1, -1, 2], [10, 10, 10], {}),
        ([1, 2], [10, 10, 10], {}),
        ([1, 2, 3], [10, 10, 10], {"method": "bogus"}),
        ([1, 2, 3], [10, 10, 10], {"target": 0.0}),
    ],
)
def test_rate_funnel_rejects_bad_input(counts, exposures, kwargs):
    with pytest.raises(ValueError):
        od.rate_funnel(counts, exposures, **kwargs)


# --------------------------------------------------------------------------------------------
# changes between two windows

# Six areas with 100 offences each last year and 50, 70, 100, 100, 140, 200 this year.
PREVIOUS = pd.Series([100] * 6, index=AREAS)
CURRENT = pd.Series([50, 70, 100, 100, 140, 200], index=AREAS)


def test_change_judgement_overdispersed_hand_values():
    judged = od.change_judgement(PREVIOUS, CURRENT)
    units = judged.units
    # A: Y = log(50.5 / 100.5) = -0.688184; s^2 = 50 / 50.5^2 + 100 / 100.5^2
    #   = 0.019606 + 0.009901 = 0.029507
    assert units.loc["A", "log_ratio"] == pytest.approx(-0.688184, abs=1e-6)
    assert units.loc["A", "s"] ** 2 == pytest.approx(0.029507, abs=1e-6)
    # pooled change, with the same 0.5 as each unit's: c = log(660.5 / 600.5) = 0.095234;
    # z_A = (-0.688184 - 0.095234) / 0.171776 = -4.560726
    assert judged.pooled_log_ratio == pytest.approx(0.095234, abs=1e-6)
    assert units.loc["A", "z"] == pytest.approx(-4.560726, abs=1e-5)
    # z = -4.561, -2.904, -0.677, -0.677, 1.840, 4.882; winsorised to -3.7325 and 3.3608 at
    # the ends; sum of squares 37.961, phi = 6.3269; P(chi2(5) >= 37.96) < 0.001
    assert judged.test.phi == pytest.approx(6.326896, abs=1e-5)
    assert judged.test.overdispersed
    # w = 1 / s^2 = 33.890, 41.693, 50.502, 50.502, 58.847, 67.222: tau2 = (37.961 - 5) /
    # (sum w - sum w^2 / sum w) = 32.961 / 249.893 = 0.131902
    assert judged.test.tau2 == pytest.approx(0.131902, abs=1e-5)
    assert judged.method == "additive"
    # against the pooled change, the centre tau2 was estimated around:
    # A: (-0.688184 - 0.095234) / sqrt(0.029507 + 0.131902) = -1.949982, p = 0.051178;
    # F: (log(200.5 / 100.5) - 0.095234) / sqrt(0.014876 + 0.131902) = 1.554156, p = 0.120147;
    # C (100 -> 100): (0 - 0.095234) / sqrt(0.019801 + 0.131902) = -0.244510, p = 0.806836
    assert units.loc["A", "p_value"] == pytest.approx(0.051178, abs=1e-5)
    assert units.loc["F", "p_value"] == pytest.approx(0.120147, abs=1e-5)
    assert units.loc["C", "p_value"] == pytest.approx(0.806836, abs=1e-5)
    # the exact Poisson test of no change in A itself: 100 -> 50 is far beyond chance
    # (Binomial(150, 0.5) tail); A's fall is, against the pooled rise, no evidence of a
    # difference at 5% once the spread between the areas is allowed for
    assert units.loc["A", "p_exact"] < 0.001
    assert not units["significant"].any()
    note = judged.description("NPTs", "NPT")
    assert "vary more than chance alone" in note and "not by the Poisson test alone" in note
    assert "differs from the NPTs' pooled change" in note
    assert "test of no change" not in note


def test_change_judgement_multiplicative():
    judged = od.change_judgement(PREVIOUS, CURRENT, method="multiplicative")
    # F: (0.690657 - 0.095234) / sqrt(6.326896 * 0.014876) = 1.940836 -> p = 0.052278;
    # A: (-0.688184 - 0.095234) / sqrt(6.326896 * 0.029507) = -1.813170 -> p = 0.069806
    assert judged.units.loc["F", "p_value"] == pytest.approx(0.052278, abs=1e-5)
    assert judged.units.loc["A", "p_value"] == pytest.approx(0.069806, abs=1e-5)
    assert not judged.units["significant"].any()


def test_change_judgement_without_overdispersion_is_the_exact_test():
    previous = pd.Series([10, 12, 9, 11, 40])
    current = pd.Series([11, 10, 10, 12, 20])
    judged = od.change_judgement(previous, current, method="additive")
    # z around the pooled log(63.5 / 82.5) = -0.261758: 0.8459, 0.2136, 0.8292, 0.8629,
    # -1.5622; winsorised (n = 5: 0.4 and 0.6 of the way in from each end) the squares add to
    # 2.9074: phi = 0.5815 and, on 4 df, P(chi2 >= x) = exp(-x / 2) (1 + x / 2) = 0.5734
    assert judged.test.phi == pytest.approx(0.581475, abs=1e-5)
    assert judged.test.p_value == pytest.approx(0.573443, abs=1e-5)
    assert not judged.test.overdispersed
    assert judged.method == "poisson"
    # so the exact test against the pooled change decides: the current share is
    # 63.5 / 146 = 0.434932 (= e^c / (1 + e^c)); 40 -> 20 is 20 of 60 where 26.1 are
    # expected: summing Binomial(60, 0.434932) over outcomes no likelier than 20 gives
    # p = 0.119569 -- the force fell too, so this area's fall is no evidence of a difference
    assert judged.units.loc[4, "p_value"] == pytest.approx(0.119569, abs=1e-5)
    assert not judged.units["significant"].any()
    # its own fall, 40 -> 20, is beyond chance: 2 * sum_{k<=20} C(60, k) / 2**60 = 0.013489
    assert judged.units.loc[4, "p_exact"] == pytest.approx(0.013489, abs=1e-6)
    assert "exact Poisson test" in judged.description()
    assert "pooled change" in judged.description()


def test_change_judgement_with_empty_areas():
    judged = od.change_judgement(
        pd.Series([0, 100, 100, 100]), pd.Series([0, 50, 100, 200]), method="additive"
    )
    assert judged.test.n_units == 3
    assert judged.units.loc[0, "p_value"] == 1.0
    assert np.isnan(judged.units.loc[0, "z"])
