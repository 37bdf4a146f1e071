"""The projection chart: its title, trend lines and model band described in the alt text, and
the flag when the model's fit is degenerate."""

from __future__ import annotations

import matplotlib.pyplot as plt

from perfpack.core import projections
from perfpack.present import projection_chart
from tests.unit.test_projections import _seasonal


def test_projection_chart():
    series = _seasonal(36)
    forecast = projections.ets_forecast(series, n_sims=200)
    fig, alt = projection_chart.projection_chart(series, "Figure 2. Test projections", ets=forecast)
    try:
        assert fig.axes[0].get_title() == "Figure 2. Test projections"
        assert "3-month trend projects" in alt and "95% interval" in alt
    finally:
        plt.close(fig)


def test_projection_chart_says_when_the_model_is_flagged():
    series = _seasonal(36)
    forecast = projections.ets_forecast(series, n_sims=200)
    fig, alt = projection_chart.projection_chart(series, "Test", ets=forecast, model_flagged=True)
    try:
        labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert any(label.endswith(", degenerate fit)") for label in labels)
        assert alt.endswith("Its fit is degenerate, so it is not the headline projection.")
    finally:
        plt.close(fig)
