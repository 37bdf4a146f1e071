"""Crime-theme measures on a hand-made crimes table.

Personal robbery in the table:

- previous window (2018): 2018-03: Newcastle-under-Lyme 2, Stoke-on-Trent North 3, Stafford 3;
  2018-11: Stafford 2 -> 10 offences, 4 knife-related;
- current window (2019): 2019-02: Newcastle-under-Lyme 4, Stafford 1; 2019-11: Stoke-on-Trent
  North 2, Tamworth 1 -> 8 offences, 2 knife-related;
- the data starts in 2017-06 (one theft from a vehicle).

National window Oct 2018 - Sep 2019: 2 (2018-11) + 5 (2019-02) = 7 offences; populations sum to
5,000, so 1.4 per 1,000.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from perfpack.core.windows import Window
from perfpack.data.reference import theme_spec
from perfpack.data.tables import ProcessedTables
from perfpack.themes import crime
from perfpack.themes.crime import measures as crime_measures
from perfpack.themes.crime import projections as crime_projections
from perfpack.themes.crime import sections as crime_sections
from perfpack.themes.crime import text as crime_text

POPULATIONS = pd.Series(
    {"Newcastle-under-Lyme": 1000, "Stoke-on-Trent North": 1000, "Stafford": 2000, "Tamworth": 1000}
)
CURRENT_VICTIMS = [  # (age, sex) for the 8 current robberies, in row order
    (15, "Male"),
    (17, "Male"),
    (18, "Female"),
    (24, "Female"),
    (25, "Male"),
    (49, "Other"),
    (50, "Female"),
    (None, None),
]


def _rows(theme, date, npt, n, knife=0):
    return [
        {"theme": theme, "recorded_date": date, "npt": npt, "knife": i < knife} for i in range(n)
    ]


def _crimes():
    rows = []
    rows += _rows("theft_from_vehicle", "2017-06-10", "Stafford", 1)
    rows += _rows("personal_robbery", "2018-03-05", "Newcastle-under-Lyme", 2, knife=2)
    rows += _rows("personal_robbery", "2018-03-06", "Stoke-on-Trent North", 3, knife=2)
    rows += _rows("personal_robbery", "2018-03-07", "Stafford", 3)
    rows += _rows("personal_robbery", "2018-11-30", "Stafford", 2)
    current = []
    current += _rows("personal_robbery", "2019-02-01", "Newcastle-under-Lyme", 4, knife=1)
    current += _rows("personal_robbery", "2019-02-28", "Stafford", 1)
    current += _rows("personal_robbery", "2019-11-15", "Stoke-on-Trent North", 2, knife=1)
    current += _rows("personal_robbery", "2019-11-16", "Tamworth", 1)
    for row, (age, sex) in zip(current, CURRENT_VICTIMS, strict=True):
        row.update(victim_age=age, victim_sex=sex)
    rows += current
    rows += _rows("theft_from_vehicle", "2019-05-01", "Tamworth", 3)
    rows += _rows(None, "2019-05-02", "Tamworth", 2)  # outside every theme
    frame = pd.DataFrame(rows)
    frame["recorded_date"] = pd.to_datetime(frame["recorded_date"])
    frame["month"] = frame["recorded_date"].dt.to_period("M").dt.to_timestamp()
    frame["theme"] = frame["theme"].astype("str")
    frame["knife"] = frame["knife"].astype("boolean")
    for column in ("victim_age", "suspect_age"):
        frame[column] = pd.array(frame.get(column, pd.Series([None] * len(frame))), dtype="Int64")
    for column in ("victim_sex", "suspect_sex"):
        frame[column] = frame.get(column, pd.Series([None] * len(frame))).astype("str")
    return frame


def _analyse(crimes, theme, populations=POPULATIONS, **kwargs):
    tables = ProcessedTables.of(crimes=crimes)
    return crime.analyse(
        tables, theme_spec(theme), "2019-12", n_sims=200, populations=populations, **kwargs
    )


@pytest.fixture(scope="module")
def crimes():
    return _crimes()


@pytest.fixture(scope="module")
def robbery(crimes):
    return _analyse(crimes, "personal_robbery")


def test_theme_selection(crimes):
    assert len(crime_measures.theme_crimes(crimes, "personal_robbery")) == 18
    assert len(crime_measures.theme_crimes(crimes, "theft_from_vehicle")) == 4
    assert crime_measures.theme_crimes(crimes, "theft_of_vehicle").empty


def test_windows_from_reference():
    windows = theme_spec("personal_robbery").windows("2019-12")
    assert windows.previous.label == "2018-01/2018-12"
    assert windows.current.label == "2019-01/2019-12"
    assert windows.national.label == "2018-10/2019-09"


def test_headline(robbery):
    head = robbery.headline
    assert (head.previous, head.current) == (10, 8)
    assert head.pct_change == pytest.approx(-20.0)
    # 2 * sum_{k<=8} C(18, k) / 2**18 = 2 * 106762 / 262144
    assert head.test.p_value == pytest.approx(2 * 106762 / 262144)
    assert head.sentence == (
        "The number of Personal Robbery offences in Staffordshire has decreased by 20% from 10 "
        "offences in the period 1st January 2018 to 31st December 2018 compared to 8 in the "
        "period 1st January 2019 to 31st December 2019."
    )


def test_national_rate(robbery):
    rate = robbery.national
    assert rate.count == 7
    assert rate.population == 5000
    assert rate.rate_per_1000 == pytest.approx(1.4)
    assert rate.national_rate_per_1000 == 1.4  # the reference table's England & Wales rate
    assert "level with the recorded national average" in crime_text.national_sentence(
        "Personal Robbery", rate
    )


@pytest.mark.parametrize(
    ("rate", "national", "word"),
    [(0.672, 1.4, "below"), (2.06, 2.0, "above"), (2.04, 2.0, "level with"), (1.96, 2.0, "level")],
)
def test_national_sentence_position(rate, national, word):
    window = Window(pd.Period("2018-10", "M"), pd.Period("2019-09", "M"))
    text = crime_text.national_sentence(
        "Theft", crime_measures.NationalRate(1, 1000, rate, national, window), "Staffordshire"
    )
    assert f"Staffordshire is {word}" in text


def test_change_by_npt(robbery):
    table = robbery.by_npt.set_index("area")
    assert table.loc["Newcastle-under-Lyme", ["previous", "current", "change"]].tolist() == [
        2,
        4,
        2,
    ]
    assert table.loc["Stafford", ["previous", "current"]].tolist() == [5, 1]
    assert table.loc["Tamworth", ["previous", "current"]].tolist() == [0, 1]
    assert math.isnan(table.loc["Tamworth", "pct_change"])
    assert table.loc["Stafford", "rate_per_1000"] == pytest.approx(0.5)
    text = crime_text.npt_sentence("Personal Robbery", robbery.by_npt)
    assert text.startswith(
        "Personal Robbery has decreased in two of Staffordshire Police's four Neighbourhood"
    )
    assert "Newcastle-under-Lyme (+2, 100%)" in text and "Tamworth (+1)" in text


def test_monthly_series_starts_with_the_data(robbery):
    monthly = robbery.monthly
    assert str(monthly.index[0]) == "2017-06" and str(monthly.index[-1]) == "2019-12"
    assert len(monthly) == 31
    assert monthly.sum() == 18
    assert monthly[pd.Period("2018-03", "M")] == 8
    assert monthly[pd.Period("2019-11", "M")] == 3
    assert len(robbery.xmr) == 31


def test_projections_present(robbery):
    assert robbery.projections["n_months"].tolist() == [3, 6, 12]
    assert (robbery.projections["current_total"] == 8).all()
    assert robbery.ets.base_total == 8


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "Under 18"),
        (17, "Under 18"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-34"),
        (34, "25-34"),
        (35, "35-49"),
        (49, "35-49"),
        (50, "50+"),
        (120, "50+"),
        (None, "Not known"),
    ],
)
def test_age_band(age, band):
    ages = pd.Series([age], dtype="Int64")
    assert crime_sections.age_band(ages).iloc[0] == band


def test_profile(robbery):
    profile = robbery.profile.set_index(["role", "age_band", "sex"])["count"]
    victims = profile.loc["Victims"]
    assert victims.loc[("Under 18", "Male")] == 2
    assert victims.loc[("18-24", "Female")] == 2
    assert victims.loc[("25-34", "Male")] == 1
    assert victims.loc[("35-49", "Other or not known")] == 1
    assert victims.loc[("50+", "Female")] == 1
    assert victims.loc[("Not known", "Other or not known")] == 1
    assert victims.sum() == 8
    # no suspect details recorded: all 8 not known
    assert profile.loc[("Suspects", "Not known", "Other or not known")] == 8
    assert len(robbery.profile) == 2 * 6 * 3  # every combination, zeros included


def test_profile_table_suppresses_small_counts(robbery):
    table = crime_sections.profile_table(robbery.profile, "Victims").set_index("Age band")
    assert table.loc["Under 18", "Male"] == "<5"
    assert table.loc["Total", "Total"] == "8"


def test_knife_and_northern_share(robbery):
    knife = robbery.knife
    assert (knife.previous, knife.current) == (4, 2)
    assert knife.pct_change == pytest.approx(-50.0)
    assert knife.sentence().startswith(
        "The number of knife related robberies has dropped by 50% (from 4 to 2)"
    )
    # Newcastle 4 + Stoke-on-Trent North 2 of 8 current robberies
    assert robbery.northern_share == pytest.approx(75.0)
    # the three NPTs the report names, as marked in data/reference/npts.csv
    assert set(robbery.northern_npts) == {
        "Stoke-on-Trent North",
        "Stoke-on-Trent South",
        "Newcastle-under-Lyme",
    }


def test_extra_sections_only_for_robbery(crimes):
    vehicle = _analyse(crimes, "theft_from_vehicle")
    assert vehicle.knife is None and vehicle.northern_share is None and vehicle.profile is None
    assert (vehicle.headline.previous, vehicle.headline.current) == (0, 3)
    assert vehicle.headline.pct_change is None


def test_figure_book(robbery):
    figures = robbery.figures().to_frame()
    force = figures[figures["group"] == ""].set_index("measure")
    assert force.loc["count_previous", "value"] == 10
    assert force.loc["count_previous", "window"] == "2018-01/2018-12"
    assert force.loc["count_current", "value"] == 8
    assert force.loc["pct_change", "value"] == pytest.approx(-20.0)
    assert force.loc["rate_per_1000", "value"] == pytest.approx(1.4)
    assert force.loc["rate_per_1000", "window"] == "2018-10/2019-09"
    assert force.loc["national_rate_per_1000", "value"] == pytest.approx(1.4)
    assert force.loc["npts_decreased", "value"] == 2
    assert force.loc["knife_pct_change", "value"] == pytest.approx(-50.0)
    assert force.loc["northern_share", "value"] == pytest.approx(75.0)
    for measure in (
        "projection_3m_pct",
        "projection_6m_pct",
        "projection_12m_pct",
        "change_p_value",
        "knife_count_previous",
        "knife_count_current",
    ):
        assert measure in force.index
    by_npt = figures[figures["group"] != ""]
    stafford = by_npt[by_npt["group"] == "Stafford"].set_index("measure")["value"]
    # Stafford 5 -> 1: the 1 is hidden on the page ("<5"), so figures.csv leaves the NPT's
    # counts, change and tests blank too (its p with the 5 would give the 1 away)
    for measure in ("count_previous", "count_current", "change_p_value", "change_judged_p_value"):
        assert math.isnan(stafford[measure]), measure
    # in the analysis (not published): the exact test of no change, 2 * (C(6,0) + C(6,1)) / 64
    # for 5 -> 1; no overdispersion in these NPTs' changes (test_significance_wording), so the
    # judged p is the exact test against the NPTs' pooled change, current share 8.5 / 19 =
    # 0.447368: 1 of 6 has probability 6 q (1 - q)^5 = 0.1383, and the outcomes no likelier
    # than it (0, 1, 5 and 6 of 6) add to 0.234274
    row = robbery.by_npt.set_index("area").loc["Stafford"]
    assert (row["previous"], row["current"]) == (5, 1)
    assert row["p_value"] == pytest.approx(7 / 32)
    assert row["judged_p_value"] == pytest.approx(0.234274, abs=1e-5)
    monthly = figures[figures["measure"] == "monthly_count"]
    assert len(monthly) == 31 and monthly["window"].iloc[0] == "2017-06/2017-06"


def test_public_theme_without_populations():
    frame = _crimes()
    frame["theme"] = frame["theme"].replace({"personal_robbery": "robbery_all"})
    analysis = _analyse(frame, "robbery_all", populations=None)
    assert (analysis.headline.previous, analysis.headline.current) == (10, 8)
    assert analysis.knife is None and analysis.profile is None
    assert analysis.by_npt["rate_per_1000"].isna().all()
    assert math.isnan(analysis.national.rate_per_1000)
    assert analysis.national.national_rate_per_1000 is None  # no comparator held
    figures = analysis.figures().to_frame()
    assert {"count_previous", "count_current", "npts_decreased"} <= set(figures["measure"])


def test_charts(robbery):
    fig, alt = crime_sections.profile_chart(
        robbery.profile, "Figure 3. Victim and Offender Profile"
    )
    try:
        assert alt.startswith("Figure 3. Victim and Offender Profile")
        assert "Victims: 8 in all" in alt
    finally:
        plt.close(fig)


def test_display_tables(robbery):
    projections = crime_projections.projection_display_table(robbery)
    assert projections["Method"].tolist()[:3] == [
        "3-month trend",
        "6-month trend",
        "12-month trend",
    ]
    backtest = crime_projections.backtest_display_table(robbery)
    assert "Same as last year" in backtest["Method"].tolist()
    assert crime_projections.projection_sentence(robbery).startswith("Against 8 offences")


def test_theme_with_no_offences(crimes):
    analysis = _analyse(crimes, "theft_of_vehicle")
    assert (analysis.headline.previous, analysis.headline.current) == (0, 0)
    assert analysis.headline.test.p_value == 1.0
    assert analysis.monthly.sum() == 0
    assert not analysis.xmr["special_cause"].any()
    assert analysis.projections["projected_total"].tolist() == [0.0, 0.0, 0.0]
    assert analysis.projections["pct_change"].isna().all()
    assert analysis.ets.total == 0.0
    figures = analysis.figures().to_frame()
    assert figures.loc[figures["measure"] == "npts_decreased", "value"].iloc[0] == 0


def test_each_force_rate_names_its_window(robbery):
    # 7 robberies in Oct 2018 - Sep 2019 and 8 in 2019, over 5,000 residents: 1.4 and 1.60
    note = crime_text.rate_windows_note(robbery)
    assert "Staffordshire's 1.4 per 1,000 residents above is for 1st October 2018 to 30th " in note
    assert "current 12 months (1st January 2019 to 31st December 2019)" in note
    assert note.endswith("1.60 per 1,000 residents.")


def test_headline_projection_on_the_page(robbery):
    sentence = crime_projections.headline_projection_sentence(robbery)
    assert sentence.startswith("**Headline projection:")
    shown = crime_projections.projection_display_table(robbery).set_index("Method")
    assert shown.loc["12-month trend", "Used as"].endswith("the report's method")
    assert "Same as last year" in shown.index
    figures = robbery.figures().to_frame()
    assert (figures["measure"] == "projection_selected_pct").sum() == 1


def test_significance_wording(robbery):
    # 10 -> 8: p = 2 * 106762 / 262144 = 0.8145 -> 0.81; no evidence, never "likely chance"
    assert robbery.headline.test.verdict == (
        "There is no evidence of a change at the 5% level (p = 0.81)."
    )
    # the NPTs' changes 2->4, 3->2, 5->1, 0->1: z around the pooled log(8.5 / 10.5) = 1.1108,
    # -0.1665, -1.3933, 1.9649; winsorised squares 5.2323 (phi = 1.31); on 3 df
    # P(chi2 >= x) = erfc(sqrt(x / 2)) + sqrt(2x / pi) exp(-x / 2) = 0.1556: no overdispersion,
    # so exact Poisson tests decide
    assert robbery.table_caption("significance") == (
        "Change by NPT, previous against current 12 months: exact Poisson tests"
    )
    table = crime_text.npt_significance_table(robbery.by_npt).set_index("NPT")
    # Stafford 5 -> 1: the 1 is shown "<5", and no verdict beside it (its p = 0.22, from
    # 2 * (C(6,0) + C(6,1)) / 64 = 0.21875, with the 5 shown would give the 1 away)
    assert table.loc["Stafford", "Current"] == "<5"
    assert table.loc["Stafford", "Verdict"] == "Too few to publish."
    note = robbery.change_note
    assert note.startswith("No evidence that the NPTs' changes vary more than chance alone")
    assert "p = 0.16" in note and "exact Poisson test" in note
    # the last column compares each NPT with the change across all NPTs; Stafford's (p =
    # 0.234274 for 5 -> 1) is not published beside its hidden count either
    against = "Compared against the change across all NPTs: exact Poisson test"
    assert table.loc["Stafford", against] == "–"


def test_significance_table_judges_overdispersed_changes_against_their_spread():
    from perfpack.themes import areas

    # six NPTs, 100 each last year, 50 ... 200 this year (tests/unit/test_overdispersion.py):
    # 100 -> 50 is p < 0.001 by the exact test of no change; against the pooled change,
    # allowing for the spread of the six changes, p = 0.051178
    table = areas.change_by_area(
        pd.Series([100] * 6, index=list("ABCDEF")),
        pd.Series([50, 70, 100, 100, 140, 200], index=list("ABCDEF")),
    )
    shown = crime_text.npt_significance_table(table).set_index("NPT")
    assert shown.loc["A", "Verdict"] == (
        "A fall this size would be unusual by chance alone (p < 0.001)."
    )
    against = "Compared against the change across all NPTs: allowing for the spread between NPTs"
    assert shown.loc["A", against] == "No evidence of a difference (p = 0.051)"
    assert shown.loc["C", "Verdict"] == "The two periods have the same count (p = 1.0)."


def test_the_result_carries_every_figure_of_the_page(robbery):
    from dataclasses import replace

    from perfpack.themes import peers
    from perfpack.themes.base import ThemeResult

    assert isinstance(robbery, ThemeResult)
    figures = robbery.figures().to_frame()
    spc = figures[figures["measure"].str.startswith("spc_")].set_index("measure")
    # no rebase for robbery: one segment, its limits fixed on the first 12 months
    # (2017-06..2018-05), which hold the 8 robberies of March 2018: mean 8 / 12
    assert spc.loc["spc_mean", "value"] == pytest.approx(8 / 12)
    assert spc.loc["spc_mean", "window"] == "2017-06/2019-12"
    assert "peer_rank" not in set(figures["measure"])  # a force extract has no peers
    # a public download's peer comparison goes into the same book (rank 2 of 3 by hand)
    rates = pd.DataFrame(
        [("a", "A", 10, 10_000, 1.0), ("b", "B", 20, 10_000, 2.0), ("c", "C", 30, 10_000, 3.0)],
        columns=["force", "name", "crimes", "population", "rate_per_1000"],
    )
    view = peers.rank_among_peers(rates, "b", ["a", "b", "c"], "Bshire", "Robbery")
    view.window_label = "2019-01/2019-12"
    with_peers = replace(robbery, peer_view=view).figures().to_frame()
    ranked = with_peers[with_peers["measure"].str.startswith("peer_")]
    assert ranked.set_index(["measure", "group"])["value"].to_dict() == {
        ("peer_rank", ""): 2,
        ("peer_group_forces", ""): 3,
        ("peer_rate_per_1000", "a"): 1.0,
        ("peer_rate_per_1000", "b"): 2.0,
        ("peer_rate_per_1000", "c"): 3.0,
    }
