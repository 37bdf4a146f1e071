"""Change by area on a hand-made table."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from perfpack import areas

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


def test_significance_per_area(table):
    # 30 vs 0: p = 2 * 0.5**30; 0 vs 0: p = 1
    assert table.loc["C", "p_value"] == pytest.approx(2 * 0.5**30)
    assert bool(table.loc["C", "significant"])
    assert table.loc["D", "p_value"] == 1.0


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
    fig, alt = areas.change_chart(frame, "Figure 5. Volume change by NPT")
    try:
        assert "2 decreased" in alt and "Newcastle +19" in alt
        labels = [t.get_text() for t in fig.axes[0].texts]
        assert "+19 (+26%)" in labels and "-20 (-50%)" in labels
    finally:
        plt.close(fig)
    fig, alt = areas.funnel_chart(frame, 0.5, "Funnel plot of NPT rates")
    try:
        assert alt.startswith("Funnel plot of NPT rates: funnel plot")
        assert "Newcastle (above" in alt
    finally:
        plt.close(fig)
