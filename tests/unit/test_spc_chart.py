"""The XmR chart drawn from an SPC table: warnings, rebases and suggested rebases on the chart and
in its alt text (hand-made series as in test_spc.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from perfpack.core import spc
from perfpack.present import spc_chart

BASE = [12, 10] * 6  # mean 11, MR-bar 2 (test_spc.py)
STEP = BASE + [22, 20] * 6  # a second level: mean 21, MR-bar 2 (the step's MR of 12 screened)


@pytest.mark.parametrize(("n_points", "warned"), [(6, True), (12, False)])
def test_spc_chart_alt_text_and_warning(n_points, warned):
    months = pd.period_range("2019-01", periods=n_points, freq="M")
    monthly = pd.Series(([12, 10] * 6)[:n_points], index=months)
    fig, alt = spc_chart.spc_chart(
        monthly, "Figure 1. Monthly volume of Test", "Reduction", "Offences"
    )
    try:
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert any("Warning" in t for t in texts) is warned
        assert fig.axes[0].get_title() == "Figure 1. Monthly volume of Test"
        assert fig.axes[0].get_legend() is not None
        assert alt.startswith("Figure 1. Monthly volume of Test")
        assert "January 2019" in alt and "Mean 11" in alt
    finally:
        plt.close(fig)


def test_spc_chart_shows_rebase_and_suggestion():
    months = pd.period_range("2018-01", periods=24, freq="M")
    monthly = pd.Series(STEP, index=months, dtype=float)
    table = spc.xmr(monthly, "Reduction", rebase={"2019-01": "New team"})
    fig, alt = spc_chart.spc_chart(monthly, "Figure X", "Reduction", table=table)
    try:
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert "Rebased: New team" in texts  # the name before any ":"
        assert "Rebased from January 2019: New team" in alt
    finally:
        plt.close(fig)
    suggested = spc.xmr(monthly, "Reduction", baseline=12)
    fig, alt = spc_chart.spc_chart(monthly, "Figure X", "Reduction", table=suggested)
    try:
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert "Suggested rebase (not applied)" in texts
        assert "Suggested rebase (not applied): 12 points in a row above the mean" in alt
    finally:
        plt.close(fig)


# Icons: NHSRplotthedots ptd_get_icons (variation) and its assurance tests
# (test-ptd_calculate_assurance_type.R: limits 1..3, 5..7, 1..5 with target 4).
