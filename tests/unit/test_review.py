"""The exception rule on hand-made series: each half of the rule firing and not firing."""

import pandas as pd
import pytest

from perfpack.core import spc
from perfpack.data import reference
from perfpack.report.review import review_theme
from perfpack.themes import spc_themes

MONTHS = pd.period_range("2018-01", periods=24, freq="M")
# Alternating 6/16 (no runs, no trends) then 11 and a spike of 60: mean 313/24 = 13.04, mean
# moving range (21*10 + 5 + 49)/23 = 11.48, upper limit 13.04 + 2.66*11.48 = 43.6, so only the
# last point is special cause (high); 2-sigma line 33.4 is crossed by no other point.
SPIKE = pd.Series([6, 16] * 11 + [11, 60], index=MONTHS)
STEADY = pd.Series([10, 11] * 12, index=MONTHS)


@pytest.mark.parametrize(
    "series, target, previous, current, p, exception, concern, against",
    [
        (SPIKE, "Reduction", None, None, None, True, True, False),  # a rise is bad news
        (SPIKE, "Increase", None, None, None, False, False, False),  # the same rise is good news
        (STEADY, "Reduction", 100, 150, 0.0017, True, False, True),  # significant rise: against
        (
            STEADY,
            "Increase",
            100,
            150,
            0.0017,
            False,
            False,
            False,
        ),  # significant rise: with target
        (STEADY, "Reduction", 100, 110, 0.53, False, False, False),  # a rise within chance
        (STEADY, "Reduction", 150, 100, 0.0017, False, False, False),  # significant fall: good
    ],
)
def test_exception_rule(series, target, previous, current, p, exception, concern, against):
    result = review_theme("t", series, target, previous, current, p)
    assert result.exception is exception
    assert result.spc_concern is concern
    assert result.significant_against_target is against


def test_no_monthly_points_is_said_not_guessed():
    result = review_theme("t", pd.Series(dtype=float), "Reduction", None, None, None)
    assert not result.exception and "not enough" in result.spc_signal


# A step like stop search's: a year alternating 310/300 (mean 305, ending below it), then a
# year at a higher level alternating 500/510 that ends with 390, 380. Hand-worked:
# - one segment, all 24 points (no settings): mean (12*305 + 5*1010 + 770)/24 = 395; moving
#   ranges 11 x 10, 200, 9 x 10, 120, 10; 200 and 120 are >= 3.267 * 530/23 and are screened,
#   so MR-bar = 210/21 = 10 and the limits are 368.4 .. 421.6: 390 and 380 are common cause
#   (380 is above the 2-sigma line 395 - 17.73 = 377.27) and the latest 3 months show no concern.
# - baseline 12: the mean is 305 and the second year is a run of 12 above it from month 13, a
#   suggested rebase. With the shift's cause in the settings it is applied: the second year's
#   mean is 5820/12 = 485, its moving ranges 9 x 10, 120, 10 (120 screened) give MR-bar 10 and a
#   lower limit of 485 - 26.6 = 458.4, so 390 and 380 are below it: concern for an Increase theme.
STEP_MONTHS = pd.period_range("2017-12", periods=24, freq="M")
STEP = pd.Series([310, 300] * 6 + [500, 510] * 5 + [390, 380], index=STEP_MONTHS, dtype=float)


def _reference(tmp_path, settings_rows, intervention_rows=""):
    (tmp_path / "spc_settings.csv").write_text(
        "# test settings\ntheme,baseline_points,explained_shift,target\n" + settings_rows
    )
    (tmp_path / "interventions.csv").write_text(
        "# test interventions\ntheme,start_month,name,reason\n" + intervention_rows
    )
    return tmp_path


def test_whole_chart_limits_hide_the_latest_fall():
    result = review_theme("ss", STEP, "Increase", None, None, None)
    assert not result.spc_concern and not result.exception
    assert result.variation == "common_cause"


def test_unexplained_shift_is_only_suggested(tmp_path):
    ref = _reference(tmp_path, "ss,12,,\n")
    result = review_theme("ss", STEP, "Increase", None, None, None, reference_dir=ref)
    assert result.suggestions == [
        "suggested rebase from December 2018: 12 points in a row above the mean"
    ]
    assert not result.spc_concern  # 390 and 380 are above the first year's limits


def test_explained_shift_is_rebased_and_reveals_the_fall(tmp_path):
    ref = _reference(tmp_path, 'ss,12,"Action plan (report page 12)",\n')
    table = spc_themes.theme_xmr(STEP, "ss", "Increase", ref)
    start = pd.Period("2018-12", "M")
    assert table.loc[start, "rebase_reason"].startswith(
        "Sustained shift: Action plan (report page 12)"
    )
    assert table.loc[start:, "mean"].eq(485.0).all()
    assert table["lcl"].iloc[-1] == pytest.approx(458.4)
    assert table["signal"].iloc[-2:].eq("concern").all()
    result = review_theme("ss", STEP, "Increase", None, None, None, reference_dir=ref)
    assert result.spc_concern and result.exception and result.suggestions == []
    assert result.variation == "concern_low" and result.assurance is None


def test_intervention_rebase_and_target_from_reference(tmp_path):
    # the dated rebase from interventions.csv splits the chart at December 2018 whatever the
    # run rule says; a target of 450 is below the second year's lower limit 458.4, so an
    # Increase theme consistently passes it.
    ref = _reference(tmp_path, "ss,12,,450\n", "ss,2018-12,TEAM,A new team started\n")
    settings = spc_themes.theme_settings("ss", ref)
    assert settings.baseline == 12 and settings.target == 450.0
    assert settings.rebases == {"2018-12": "TEAM: A new team started"}
    result = review_theme("ss", STEP, "Increase", None, None, None, reference_dir=ref)
    assert result.spc_concern and result.assurance == "pass"


def test_bad_setting_is_a_clear_error(tmp_path):
    ref = _reference(tmp_path, "ss,twelve,,\n")
    with pytest.raises(
        ValueError, match=r"spc_settings.csv: line 3 \(theme ss\), column baseline_points"
    ):
        spc_themes.theme_settings("ss", ref)


def test_real_settings_cover_every_theme():
    themes = reference.themes()
    settings = reference.table("spc_settings")
    assert set(settings["theme"]) == set(themes.index)
    assert spc_themes.theme_settings("missing_persons").rebases["2018-07"].startswith("MPIT")


def test_spc_figures_report_rebases_and_suggestions(tmp_path):
    explained = spc_themes.theme_xmr(STEP, "ss", "Increase", _reference(tmp_path, "ss,12,x,\n"))
    figures = spc_themes.spc_figures(explained).set_index("measure")
    assert figures.loc["spc_rebase", "window"] == "2018-12/2018-12"
    assert figures.loc["spc_mean", "value"] == 485.0
    assert figures.loc["spc_lower_limit", "value"] == pytest.approx(458.4)
    assert figures.loc["spc_mean", "window"] == "2018-12/2019-11"
    suggested = spc_themes.spc_figures(spc.xmr(STEP, "Increase", baseline=12))
    row = suggested[suggested["measure"] == "spc_suggested_rebase"].iloc[0]
    assert (row["window"], row["group"], row["value"]) == ("2018-12/2018-12", "above", 12)
    assert "spc_rebase" not in set(suggested["measure"])
