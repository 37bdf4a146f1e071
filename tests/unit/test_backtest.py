"""The back-test on a rolling origin, the choice of the headline projection by its record, and
the flags on a degenerate model fit, on series small enough to work by hand."""

import numpy as np
import pandas as pd
import pytest

from perfpack.core import backtest, projections
from perfpack.present import projection_text

TRENDS_AND_NAIVE = [backtest.SAME_AS_LAST_YEAR, "12-month trend", "6-month trend", "3-month trend"]


def _months(values, start="2018-01"):
    index = pd.period_range(start, periods=len(values), freq="M")
    return pd.Series(np.asarray(values, dtype=float), index=index)


# First year: 10 for nine months, then 10, 13, 16 (sum 129). Second year: 15 a month (180).
HAND = _months([10] * 10 + [13, 16] + [15] * 12)


def test_origins():
    assert backtest.origins(36) == [24]
    assert backtest.origins(40) == [24, 25, 26, 27, 28]
    assert backtest.origins(60) == list(range(37, 49))  # the latest 12 at most
    assert backtest.origins(35) == []


def test_hand_worked_backtest_and_choice():
    # One origin (December 2018), fitted on the first 12 months, scored on the next 12 (180).
    # 3-month trend through 10, 13, 16: y = 7 + 3t; t = 4..15 sums to 12*7 + 3*114 = 426.
    # 6-month trend through 10, 10, 10, 10, 13, 16: slope 19.5/17.5, intercept 11.5 - 3.5*slope;
    #   t = 7..18: 12*intercept + 150*slope = 138 - 42*slope + 150*slope = 138 + 108*19.5/17.5.
    # 12-month trend: slope 46.5/143, intercept 10.75 - 6.5*slope;
    #   t = 13..24: 129 - 78*slope + 222*slope = 129 + 144*46.5/143.
    # Same as last year: 129.
    projected = {
        "3-month trend": 426.0,
        "6-month trend": 138 + 108 * 19.5 / 17.5,
        "12-month trend": 129 + 144 * 46.5 / 143,
        backtest.SAME_AS_LAST_YEAR: 129.0,
    }
    errors = backtest.rolling_backtest(HAND, min_training=12, methods=TRENDS_AND_NAIVE)
    assert errors["origin"].unique().tolist() == [pd.Period("2018-12", "M")]
    table = errors.set_index("method")
    for method, total in projected.items():
        assert table.loc[method, "projected_total"] == pytest.approx(total)
        assert table.loc[method, "actual_total"] == 180.0
        assert table.loc[method, "abs_pct_error"] == pytest.approx(abs(total - 180) / 180 * 100)
    assert table["inside_95"].isna().all()
    summary = backtest.backtest_summary(errors)
    assert summary["method"].tolist() == TRENDS_AND_NAIVE  # simplest first
    assert (summary["origins"] == 1).all()
    # errors: 28.3% (same as last year), 2.3% (12 months), 43.5% (6), 136.7% (3)
    assert backtest.choose_method(summary) == "12-month trend"
    assert backtest.choose_method(summary, exclude=["12-month trend"]) == backtest.SAME_AS_LAST_YEAR


def test_errors_are_averaged_over_origins():
    # 25 months give two origins with 12 months up to them: November and December 2018.
    series = _months([10] * 12 + [20] + [10] * 12)
    errors = backtest.rolling_backtest(
        series, min_training=12, methods=[backtest.SAME_AS_LAST_YEAR]
    )
    # origin 1: fitted on months 1-12 (120), actual months 13-24 = 20 + 11*10 = 130
    # origin 2: fitted on months 2-13 (11*10 + 20 = 130), actual months 14-25 = 120
    assert errors["projected_total"].tolist() == [120.0, 130.0]
    assert errors["actual_total"].tolist() == [130.0, 120.0]
    summary = backtest.backtest_summary(errors)
    assert summary.loc[0, "origins"] == 2
    assert summary.loc[0, "mean_abs_pct_error"] == pytest.approx((10 / 130 + 10 / 120) * 50)
    # the latest origin's numbers are shown beside the mean
    assert summary.loc[0, "projected_total"] == 130.0


def test_ties_go_to_the_simpler_method():
    summary = pd.DataFrame(
        {
            "method": [backtest.MODEL, "3-month trend", backtest.SAME_AS_LAST_YEAR],
            "mean_abs_pct_error": [5.0, 5.0, 5.0],
        }
    )
    assert backtest.choose_method(summary) == backtest.SAME_AS_LAST_YEAR
    assert backtest.choose_method(summary.iloc[:2]) == "3-month trend"
    assert backtest.choose_method(summary.iloc[:0]) is None


@pytest.mark.parametrize(
    "params, expected",
    [
        # the theft-from-a-vehicle fit of the issue: alpha ~ 1, phi at 0.8, gamma = 0
        (
            {
                "smoothing_level": 0.9999,
                "smoothing_trend": 0.5,
                "smoothing_seasonal": 0.0,
                "damping_trend": 0.8,
            },
            ["α = 1.00", "γ = 0.00", "φ = 0.80"],
        ),
        # well inside every bound: not flagged
        (
            {
                "smoothing_level": 0.5,
                "smoothing_trend": 0.1,
                "smoothing_seasonal": 0.2,
                "damping_trend": 0.9,
            },
            [],
        ),
        # beta at alpha, gamma at 1 - alpha, phi at its upper bound 0.98
        (
            {
                "smoothing_level": 0.4,
                "smoothing_trend": 0.395,
                "smoothing_seasonal": 0.595,
                "damping_trend": 0.978,
            },
            ["β = 0.40, at its upper bound", "γ = 0.59, at its upper bound", "φ = 0.98"],
        ),
        # beta ~ 0; a non-seasonal model (no gamma) is judged on what it has
        ({"smoothing_level": 0.3, "smoothing_trend": 0.005, "damping_trend": 0.9}, ["β = 0.01"]),
    ],
)
def test_degenerate_parameters(params, expected):
    reasons = backtest.degenerate_reasons(params)
    assert len(reasons) == len(expected)
    for reason, start in zip(reasons, expected, strict=True):
        assert reason.startswith(start)


def test_interval_wider_than_the_observed_range():
    observed = _months([10, 20, 15, 12])  # range 10: over a year 12 x 10 = 120
    assert backtest.degenerate_reasons({}, (100.0, 220.0), observed) == []
    (reason,) = backtest.degenerate_reasons({}, (100.0, 221.0), observed)
    assert "12 × (20 − 10) = 120" in reason and "100 to 221" in reason


def _ets(total, params, lower=90.0, upper=110.0):
    return projections.EtsForecast(
        model="ETS(A,Ad,A)",
        monthly=pd.Series(dtype=float),
        total=total,
        lower_80=lower,
        upper_80=upper,
        lower_95=lower,
        upper_95=upper,
        base_total=100.0,
        pct_change=total - 100.0,
        params=params,
    )


GOOD = {"smoothing_level": 0.5, "smoothing_trend": 0.1, "smoothing_seasonal": 0.2}
BAD = {"smoothing_level": 0.9999, "smoothing_trend": 0.1, "smoothing_seasonal": 0.0}


@pytest.mark.parametrize(
    "params, headline", [(GOOD, backtest.MODEL), (BAD, backtest.SAME_AS_LAST_YEAR)]
)
def test_a_degenerate_model_is_never_the_headline(params, headline):
    monthly = _months([8, 9, 10, 11, 12, 13] * 2)  # last 12 months: 126; range 5
    report = projections.report_projections(monthly)
    summary = pd.DataFrame(
        {
            "method": [backtest.SAME_AS_LAST_YEAR, "12-month trend", backtest.MODEL],
            "origins": [1, 1, 1],
            "mean_abs_pct_error": [3.0, 9.0, 1.0],  # the model has the best record
        }
    )
    selection = backtest.select_projection(monthly, report, _ets(105.0, params), summary)
    assert selection.method == headline and selection.chosen_by_record
    assert bool(selection.flags) == (params is BAD)
    assert selection.report_total == pytest.approx(report.iloc[-1]["projected_total"])
    if headline == backtest.SAME_AS_LAST_YEAR:
        assert (selection.projected_total, selection.pct_change) == (126.0, 0.0)
        assert selection.mean_abs_pct_error == 3.0
        text = projection_text.selection_sentence(selection)
        assert text.startswith("**Headline projection: same as last year**, 126 offences")
        assert "never the headline: its fit is degenerate (α = 1.00" in text
        assert "The report's own method, the 12-month trend, projects" in text
    else:
        assert selection.projected_total == 105.0


def test_without_a_backtest_the_report_method_is_shown():
    monthly = _months(range(1, 13))
    report = projections.report_projections(monthly)
    empty = backtest.backtest_summary(backtest.rolling_backtest(monthly))
    selection = backtest.select_projection(monthly, report, None, empty)
    assert selection.method == backtest.REPORT_METHOD and not selection.chosen_by_record
    assert "no back-test" in projection_text.selection_sentence(selection)
    assert "too short for any origin" in projection_text.design_note(
        backtest.rolling_backtest(monthly)
    )


def test_design_note_names_origins_and_source():
    errors = backtest.rolling_backtest(HAND, min_training=12, methods=TRENDS_AND_NAIVE)
    note = projection_text.design_note(errors)
    assert "Hyndman and Athanasopoulos" in note and "section 5.10" in note
    assert "absolute percentage error" in note and "one origin, December 2018" in note


def test_display_table_and_figures():
    errors = backtest.rolling_backtest(HAND, min_training=12, methods=TRENDS_AND_NAIVE)
    summary = backtest.backtest_summary(errors)
    report = projections.report_projections(HAND)
    selection = backtest.select_projection(HAND, report, None, summary)
    shown = projection_text.display_table(summary, selection).set_index("Method")
    assert shown.loc["12-month trend", "Used as"] == "headline (lowest error); the report's method"
    assert shown.loc["12-month trend", "Absolute % error (1 origin)"] == "2.3%"
    assert shown.loc["3-month trend", "Error"] == "+246"
    figures = backtest.selection_figures(selection, summary, "2019-01/2019-12")
    picked = figures[figures["measure"] == "projection_selected_pct"]
    assert picked["group"].tolist() == ["12-month trend"]
    errors_shown = figures[figures["measure"] == "backtest_abs_pct_error"].set_index("group")
    assert errors_shown.loc["3-month trend", "value"] == pytest.approx(246 / 180 * 100)


def test_same_as_last_year_row_and_used_as():
    table = projections.report_projections(HAND)[["method", "projected_total", "pct_change"]]
    shown = projection_text.with_same_as_last_year(table, HAND)
    assert shown["method"].tolist()[3] == backtest.SAME_AS_LAST_YEAR
    assert shown.iloc[3]["projected_total"] == 180.0 and shown.iloc[3]["pct_change"] == 0.0
    assert projection_text.used_as("6-month trend", None) == "–"


def test_short_series_is_tested_without_the_model():
    # 25 months: no origin has 24 months up to it and 12 after, so the model is left out and
    # the other methods are scored from origins with 12 months up to them (months 12 and 13)
    errors = backtest.rolling_backtest(_months(range(25)), n_sims=50)
    assert backtest.MODEL not in set(errors["method"])
    assert errors["origin"].unique().tolist() == [pd.Period("2018-12", "M"), pd.Period("2019-01")]
    assert "too short to back-test the seasonal model" in projection_text.design_note(errors)


def test_no_model_no_degenerate_figure():
    monthly = _months(range(1, 13))
    selection = backtest.select_projection(
        monthly,
        projections.report_projections(monthly),
        None,
        backtest.backtest_summary(backtest.rolling_backtest(monthly)),
    )
    figures = backtest.selection_figures(selection, pd.DataFrame(), "2019-01/2019-12")
    assert "ets_degenerate" not in set(figures["measure"])
    assert figures.set_index("measure").loc["projection_selected_by_record", "value"] == 0
