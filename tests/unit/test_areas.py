"""Change by area on a hand-made table."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from perfpack.core import overdispersion
from perfpack.present import funnelplot
from perfpack.themes import area_charts, areas

PREVIOUS = pd.Series({"Newcastle": 73, "B": 40, "C": 30})
CURRENT = pd.Series({"Newcastle": 92, "B": 20})
POPULATIONS = pd.Series({"Newcastle": 129_441, "B": 100_000, "C": 50_000, "D": 70_000})


@pytest.fixture
def table():
    return areas.change_by_area(PREVIOUS, CURRENT, POPULATIONS).set_index("area")


@pytest.mark.parametrize(
    ("area", "previous", "current", "change", "pct", "rate", "decreased"),
    [
        # Newcastle: +19 on 73 is +26.03% (the report's "+26% ... 19 more")
        ("Newcastle", 73, 92, 19, 19 / 73 * 100, 92 / 129.441, False),
        ("B", 40, 20, -20, -50.0, 0.2, True),
        ("C", 30, 0, -30, -100.0, 0.0, True),  # none this year
        ("D", 0, 0, 0, math.nan, 0.0, False),  # only in the population list
    ],
)
def test_change_by_area_rows(table, area, previous, current, change, pct, rate, decreased):
    row = table.loc[area]
    assert (row["previous"], row["current"], row["change"]) == (previous, current, change)
    if math.isnan(pct):
        assert math.isnan(row["pct_change"])
    else:
        assert row["pct_change"] == pytest.approx(pct)
    assert row["rate_per_1000"] == pytest.approx(rate)
    assert bool(row["decreased"]) is decreased


def test_significance_per_area():
    table = areas.change_by_area(PREVIOUS, CURRENT, POPULATIONS, method="poisson")
    table = table.set_index("area")
    # did C change? 30 vs 0: p = 2 * 0.5**30; 0 vs 0: p = 1
    assert table.loc["C", "p_value"] == pytest.approx(2 * 0.5**30)
    assert table.loc["D", "p_value"] == 1.0
    # does C's change differ from the change across all areas? current share 112.5 / 256 =
    # 0.439453 (143 -> 112, with the 0.5s); 0 of 30 has probability 0.560547**30 = 2.9e-8,
    # and with the outcomes no likelier than it (the top of the range) p = 4.3210e-8
    assert table.loc["C", "judged_p_value"] == pytest.approx(4.320969e-8, rel=1e-5)
    assert bool(table.loc["C", "significant"])
    # B, 40 -> 20 (20 of 60 where 26.4 are expected): p = 0.118085, no evidence of a difference
    assert table.loc["B", "judged_p_value"] == pytest.approx(0.118085, abs=1e-5)
    # Newcastle rose (73 -> 92) while the rest fell: 92 of 165 where 72.5 expected, p = 0.002772
    assert table.loc["Newcastle", "judged_p_value"] == pytest.approx(0.002772, abs=1e-5)
    assert table.loc["D", "judged_p_value"] == 1.0
    assert set(table["change_method"]) == {"poisson"}


# Six NPTs, 100 offences each last year; this year 50, 70, 100, 100, 140, 200: the changes
# vary far more than Poisson counts would (hand-worked in tests/unit/test_overdispersion.py:
# phi = 6.327, tau2 = 0.131908 on the log-ratio scale).
SIX = list("ABCDEF")
SIX_PREVIOUS = pd.Series([100] * 6, index=SIX)
SIX_CURRENT = pd.Series([50, 70, 100, 100, 140, 200], index=SIX)


def test_overdispersed_changes_are_judged_against_the_spread():
    table = areas.change_by_area(SIX_PREVIOUS, SIX_CURRENT).set_index("area")
    # the exact test alone: 100 -> 50 is far beyond chance (p < 0.001) ...
    assert table.loc["A", "p_value"] < 0.001
    # ... against the pooled change log(660.5 / 600.5) = 0.095234 and the spread of the six
    # changes: (-0.688184 - 0.095234) / sqrt(0.029507 + 0.131902) = -1.949982, p = 0.051178,
    # no evidence of a difference from the change across all NPTs
    assert table.loc["A", "judged_p_value"] == pytest.approx(0.051178, abs=1e-5)
    assert not table["significant"].any()
    assert set(table["change_method"]) == {"additive"}
    shown = areas.display_table(table.reset_index()).set_index("NPT")
    assert shown.loc["A", "p-value (exact Poisson test of no change)"] == "<0.001"
    assert shown.loc["A", "Change at the 5% level"] == "Unusual by chance alone"
    against = "p-value (against the change across all NPTs: allowing for the spread between NPTs)"
    assert shown.loc["A", against] == "0.051"
    verdict = "Differs from the change across all NPTs at the 5% level"
    assert shown.loc["A", verdict] == "No evidence of a difference"
    note = areas.change_note(table.reset_index())
    assert "NPTs' changes vary more than chance alone" in note
    assert "additive random effects" in note


def test_display_table_verdicts_with_the_exact_test():
    poisson = areas.change_by_area(PREVIOUS, CURRENT, POPULATIONS, method="poisson")
    shown = areas.display_table(poisson).set_index("NPT")
    # 30 vs 0: p = 2 * 0.5**30 < 0.001; 40 vs 20: 2 * sum_{k<=20} C(60, k) / 2**60 = 0.013489
    assert shown.loc["C", "p-value (exact Poisson test of no change)"] == "<0.001"
    assert shown.loc["B", "p-value (exact Poisson test of no change)"] == "0.013"
    assert shown.loc["B", "Change at the 5% level"] == "Unusual by chance alone"
    # 73 vs 92: p = 0.16
    assert shown.loc["Newcastle", "Change at the 5% level"] == "No evidence of a change"
    # against the change across all NPTs (exact test, share 0.439453; test_significance_per_area)
    against = "p-value (against the change across all NPTs: exact Poisson test)"
    verdict = "Differs from the change across all NPTs at the 5% level"
    assert shown.loc["B", against] == "0.12"
    assert shown.loc["B", verdict] == "No evidence of a difference"
    assert shown.loc["Newcastle", against] == "0.0028"
    assert shown.loc["Newcastle", verdict] == "Differs beyond chance"
    assert "Change beyond chance?" not in shown.columns


def test_n_decreased(table):
    assert areas.n_decreased(table) == 2


def test_without_populations_rates_are_missing():
    table = areas.change_by_area(PREVIOUS, CURRENT)
    assert table["area"].tolist() == ["B", "C", "Newcastle"]
    assert table["rate_per_1000"].isna().all()


def test_area_only_in_current_window():
    table = areas.change_by_area(pd.Series({"A": 1}), pd.Series({"A": 1, "E": 4}))
    row = table.set_index("area").loc["E"]
    assert (row["previous"], row["current"]) == (0, 4)
    assert math.isnan(row["pct_change"])


def test_npt_populations_from_reference():
    populations = areas.npt_populations()
    assert len(populations) == 10
    assert populations["Newcastle-under-Lyme"] == 129_441


@pytest.mark.parametrize(("n", "word"), [(0, "none"), (4, "four"), (9, "nine"), (12, "12")])
def test_number_word(n, word):
    assert areas.number_word(n) == word


def test_display_table_formats(table):
    shown = areas.display_table(table.reset_index()).set_index("NPT")
    assert shown.loc["Newcastle", "Change"] == "+19"
    assert shown.loc["Newcastle", "% change"] == "+26%"
    assert shown.loc["D", "% change"] == "n/a"
    assert shown.loc["B", "Rate per 1,000"] == "0.20"


def test_charts_have_titles_and_alt_text(table):
    frame = table.reset_index()
    fig, alt = area_charts.change_chart(frame, "Figure 5. Volume change by NPT")
    try:
        assert "2 decreased" in alt and "Newcastle +19" in alt
        labels = [t.get_text() for t in fig.axes[0].texts]
        assert "+19 (+26%)" in labels and "-20 (-50%)" in labels
    finally:
        plt.close(fig)
    fig, alt = area_charts.funnel_chart(frame, 0.5, "Funnel plot of NPT rates", method="poisson")
    try:
        assert alt.startswith("Funnel plot of NPT rates: funnel plot")
        assert "Newcastle (above" in alt
        assert "with exact Poisson 95% and 99.8% limits." in alt
    finally:
        plt.close(fig)


def test_funnel_chart_says_which_limits_it_draws():
    # six NPTs of 25,000 residents with 4, 9, ..., 49 offences against a force rate of 1 per
    # 1,000 (expected 25 each): phi = 58 / 6, tau2 = 0.106 (tests/unit/test_overdispersion.py)
    frame = areas.change_by_area(
        pd.Series([10] * 6, index=SIX),
        pd.Series([4, 9, 16, 25, 36, 49], index=SIX),
        pd.Series([25_000] * 6, index=SIX),
    )
    funnel = area_charts.area_funnel(frame, 1.0)
    assert funnel.method == "additive"
    assert funnel.test.tau2 == pytest.approx(0.106)
    assert funnel.outside() == []
    fig, alt = area_charts.funnel_chart(frame, 1.0, "Rates")
    try:
        legend = fig.axes[0].get_legend()
        assert " ".join(legend.get_title().get_text().split()) == (
            "Limits widened for overdispersion (additive random effects)"
        )
        assert "95% limits" in [t.get_text() for t in legend.get_texts()]
        notes = " ".join(t.get_text() for t in fig.texts)
        assert "overdispersion factor 9.67" in notes and "DerSimonian-Laird" in notes
        assert "Outside the 95% limits: none" in alt
        # the first NPT's 4 is hidden on the page ("<5"), and a second count with it (the
        # current column adds up to the force's total): neither point is drawn (rate x
        # population would give the count back), though the limits allow for both
        assert "2 with too few offences to publish not shown." in alt
        assert len(fig.axes[0].collections[0].get_offsets()) == 4
        assert "with 95% and 99.8% limits widened for overdispersion (additive random" in alt
    finally:
        plt.close(fig)
    poisson = area_charts.area_funnel(frame, 1.0, method="poisson")
    # exact Poisson limits flag 4 and 9 (below 99.8%) and 49 (above 99.8%) of an expected 25
    assert {"A", "B", "F"} <= set(poisson.outside())


def test_change_note_names_local_authorities():
    table = areas.change_by_area(SIX_PREVIOUS, SIX_CURRENT)
    note = areas.change_note(table, areas.LOCAL_AUTHORITY_NAMES)
    assert note.startswith("The local authorities' changes vary more than chance alone")
    assert "each local authority's change is judged against the spread" in note


def test_funnel_figure_for_many_units_names_only_those_outside():
    # 20 forces of 25,000 at a national 1 per 1,000 (expected 25): 18 on it, one with 4 and one
    # with 49 events, both beyond the exact Poisson 99.8% limits (P(X <= 4), P(X >= 49) < 0.001)
    names = [f"Force {i}" for i in range(20)]
    funnel = overdispersion.rate_funnel(
        pd.Series([25] * 18 + [4, 49], index=names),
        pd.Series([25_000] * 20, index=names),
        target=1.0,
        method="poisson",
    )
    fig, alt = funnelplot.funnel_figure(funnel, "Robbery by force", "forces", "National rate")
    try:
        assert sorted(t.get_text() for t in fig.axes[0].texts) == ["Force 18", "Force 19"]
        assert "for 20 forces" in alt and "around the national rate of 1.00" in alt
        assert "Force 18 (below 99.8%), Force 19 (above 99.8%)" in alt
    finally:
        plt.close(fig)


def test_counts_with_no_area_are_published_like_any_count():
    # 3 searches with no area this year, 12 last year: the 3 reads "fewer than 5" on the page
    # and is blank in figures.csv; 0 and 12 are shown as they are
    note = areas.unplaced_note(12, 3, noun="searches")
    assert note.startswith("fewer than 5 searches in the current 12 months and 12 in the ")
    assert areas.unplaced_note(0, 0) == ""
    assert math.isnan(areas.published_count(3)) and areas.published_count(12) == 12
    assert areas.published_count(0) == 0
