"""Missing-persons definitions: hand-worked edge-case tables (never values from running the code),
the report's published figures for the cost and the forecast, and the reference table."""

from __future__ import annotations

import pandas as pd
import pytest

from perfpack.core.windows import Window, comparison_windows
from perfpack.data.reference import theme_spec
from perfpack.data.tables import ProcessedTables
from perfpack.themes import missing
from perfpack.themes.missing import (
    analysis,
    costs,
    display,
    forecast,
    measures,
    repeats,
    words,
)

PREVIOUS, CURRENT = comparison_windows("2019-12")  # Jan-Dec 2018, Jan-Dec 2019

COLUMNS = [
    "episode_id",
    "person_id",
    "reported_at",
    "found_at",
    "month",
    "age",
    "risk_grade",
    "looked_after",
    "location_type",
    "location_id",
    "npt",
    "rhi_date",
]


def episodes(rows: list[dict]) -> pd.DataFrame:
    """A canonical missing_episodes table from short rows (defaults fill the rest)."""
    full = []
    for i, row in enumerate(rows):
        base = {
            "episode_id": f"E{i:03d}",
            "person_id": "P1",
            "reported_at": "2019-06-01 10:00",
            "found_at": None,
            "age": 30,
            "risk_grade": "Medium",
            "looked_after": False,
            "location_type": "Family home",
            "location_id": None,
            "npt": "Stafford",
            "rhi_date": None,
        }
        base.update(row)
        full.append(base)
    frame = pd.DataFrame(full)
    frame["reported_at"] = pd.to_datetime(frame["reported_at"], format="mixed")
    frame["found_at"] = pd.to_datetime(frame["found_at"], format="mixed")
    frame["rhi_date"] = pd.to_datetime(frame["rhi_date"], format="mixed")
    frame["month"] = frame["reported_at"].dt.to_period("M").dt.to_timestamp()
    frame["age"] = frame["age"].astype("Int64")
    frame["looked_after"] = frame["looked_after"].astype("boolean")
    for column in ("episode_id", "person_id", "risk_grade", "location_type", "location_id", "npt"):
        frame[column] = frame[column].astype("str")
    return frame[COLUMNS]


def theme_figures(table: pd.DataFrame, period: str = "2019-12", **options) -> pd.DataFrame:
    """Every figure the appendix publishes for ``table`` (:func:`missing.analyse`)."""
    spec = theme_spec("missing_persons")
    result = missing.analyse(ProcessedTables.of(missing_episodes=table), spec, period, **options)
    return result.figures().to_frame()


# --- episodes and individuals ----------------------------------------------------------------


@pytest.mark.parametrize(
    "reported, found, in_previous, in_current",
    [
        # spans the boundary: reported in 2018, found in 2019 -> belongs to 2018 only
        ("2018-12-31 23:30", "2019-01-01 02:00", 1, 0),
        # the first instant of 2019
        ("2019-01-01 00:00", "2019-01-01 05:00", 0, 1),
        # any time on the last day of the window
        ("2019-12-31 23:59", None, 0, 1),
        # the day before the previous window
        ("2017-12-31 23:59", "2018-01-01 01:00", 0, 0),
    ],
)
def test_episode_belongs_to_window_of_report(reported, found, in_previous, in_current):
    table = episodes([{"reported_at": reported, "found_at": found}])
    assert measures.episode_count(table, PREVIOUS) == in_previous
    assert measures.episode_count(table, CURRENT) == in_current


def test_individuals_distinct_people_per_window():
    table = episodes(
        [
            {"person_id": "P1", "reported_at": "2018-05-01 10:00"},  # both windows
            {"person_id": "P1", "reported_at": "2019-05-01 10:00"},
            {"person_id": "P2", "reported_at": "2019-02-01 10:00"},  # twice in 2019
            {"person_id": "P2", "reported_at": "2019-03-01 10:00"},
            {"person_id": "P3", "reported_at": "2018-12-31 22:00"},  # 2018 only
        ]
    )
    assert measures.individual_count(table, PREVIOUS) == 2  # P1, P3
    assert measures.individual_count(table, CURRENT) == 2  # P1, P2
    assert measures.episode_count(table, CURRENT) == 3


@pytest.mark.parametrize(
    "age, child",
    [(0, True), (17, True), (18, False), (19, False), (None, False)],
)
def test_child_episode_is_under_18_at_report(age, child):
    table = episodes([{"age": age}])
    assert measures.is_child_episode(table).tolist() == [child]


def test_person_turning_18_between_episodes():
    table = episodes(
        [
            {"reported_at": "2019-02-01 10:00", "age": 17},
            {"reported_at": "2019-09-01 10:00", "age": 18},
        ]
    )
    assert measures.child_episode_count(table, CURRENT) == 1
    assert measures.child_share(table, CURRENT) == pytest.approx(50.0)
    # still one individual, and a repeat one
    assert measures.individual_count(table, CURRENT) == 1
    assert repeats.repeat_individual_count(table, CURRENT) == 1


def test_child_share_empty_window_is_none():
    assert measures.child_share(episodes([{"reported_at": "2016-01-01"}]), CURRENT) is None


def test_report_child_share_is_under_18():
    # The report's "68% of Missing Episodes are of people aged 18 or under" is 2,599 / 3,812:
    # under-18 episodes. Aged 17, 18 and 10: two of three are child episodes (67%), where "18
    # or under" would make it all three.
    table = episodes([{"age": 17}, {"age": 18}, {"age": 10}])
    assert measures.child_share(table, CURRENT) == pytest.approx(200 / 3)
    text = words.child_share_sentence(2599, 3812)
    assert text.startswith("68% of missing episodes in the last 12 months (2,599 of 3,812)")
    assert "under 18" in text


# --- monthly series --------------------------------------------------------------------------


def test_monthly_individuals_count_a_person_once_a_month():
    table = episodes(
        [
            {"person_id": "P1", "reported_at": "2019-03-02 10:00"},
            {"person_id": "P1", "reported_at": "2019-03-20 10:00"},
            {"person_id": "P1", "reported_at": "2019-04-01 10:00"},
            {"person_id": "P2", "reported_at": "2019-03-05 10:00", "age": 12},
        ]
    )
    people = measures.monthly_individuals(table, CURRENT)
    assert len(people) == 12
    assert people[pd.Period("2019-03", "M")] == 2
    assert people[pd.Period("2019-04", "M")] == 1
    assert people.sum() == 3
    eps = measures.monthly_episodes(table, CURRENT)
    assert eps[pd.Period("2019-03", "M")] == 3
    kids = measures.monthly_child_episodes(table, CURRENT)
    assert kids[pd.Period("2019-03", "M")] == 1 and kids.sum() == 1


def test_chart_window_starts_at_first_data_month():
    table = episodes([{"reported_at": "2017-03-15"}])
    window = measures.chart_window(table, "2019-12", 36)
    assert (str(window.start), str(window.end)) == ("2017-03", "2019-12")
    early = episodes([{"reported_at": "2015-03-15"}])
    window = measures.chart_window(early, "2019-12", 36)
    assert (str(window.start), str(window.end)) == ("2017-01", "2019-12")


# --- repeats ---------------------------------------------------------------------------------


def test_repeats_hand_worked():
    # 2019: P1 x3, P2 x2, P3 x1, P4 x1 (P4 also once in 2018) -> 7 episodes, 4 individuals,
    # repeat individuals P1, P2 = 2; repeat episodes 3 + 2 = 5 of 7; rate 2/4 = 50%.
    rows = (
        [{"person_id": "P1", "reported_at": f"2019-0{m}-01"} for m in (1, 2, 3)]
        + [{"person_id": "P2", "reported_at": f"2019-0{m}-01"} for m in (4, 5)]
        + [{"person_id": "P3", "reported_at": "2019-06-01"}]
        + [
            {"person_id": "P4", "reported_at": "2019-07-01"},
            {"person_id": "P4", "reported_at": "2018-07-01"},
        ]
    )
    table = episodes(rows)
    assert repeats.repeat_individual_count(table, CURRENT) == 2
    assert repeats.repeat_rate(table, CURRENT) == pytest.approx(50.0)
    assert repeats.repeat_episode_share(table, CURRENT) == pytest.approx(5 / 7 * 100)
    assert repeats.episodes_per_individual(table, CURRENT) == pytest.approx(7 / 4)
    # P4 has one episode in each window: a repeat in neither
    assert repeats.repeat_individual_count(table, PREVIOUS) == 0
    assert repeats.repeat_episode_share(table, PREVIOUS) == pytest.approx(0.0)


def test_repeat_measures_with_no_episodes():
    table = episodes([{"reported_at": "2016-01-01"}])
    assert repeats.repeat_individual_count(table, CURRENT) == 0
    assert repeats.repeat_rate(table, CURRENT) is None
    assert repeats.repeat_episode_share(table, CURRENT) is None
    assert repeats.episodes_per_individual(table, CURRENT) is None


# --- duration --------------------------------------------------------------------------------


DURATION_ROWS = [
    {"reported_at": "2019-03-01 10:00", "found_at": "2019-03-01 20:00"},  # 10 h
    {"reported_at": "2019-03-02 10:00", "found_at": "2019-03-03 10:00"},  # 24 h exactly
    {"reported_at": "2019-03-04 10:00", "found_at": "2019-03-07 10:00"},  # 72 h
    {"reported_at": "2019-03-05 10:00", "found_at": None},  # no found time: open
    # reported in the window, found after it ended (8 h)
    {"reported_at": "2019-12-31 20:00", "found_at": "2020-01-01 04:00"},
]


@pytest.mark.parametrize(
    "censor, is_open, found, mean, median, within",
    [
        # as of the extract: only the episode with no found time is open
        (False, [False, False, False, True, False], 4, (10 + 24 + 72 + 8) / 4, 17.0, 60.0),
        # censored at the window's end: the one found in January is open too
        (True, [False, False, False, True, True], 3, (10 + 24 + 72) / 3, 24.0, 40.0),
    ],
)
def test_duration_hand_worked(censor, is_open, found, mean, median, within):
    table = episodes(DURATION_ROWS)
    durations = measures.episode_durations(table, CURRENT, censor_at_window_end=censor)
    assert durations["open"].tolist() == is_open
    assert durations["found_after_window"].tolist() == [False] * 4 + [True]
    assert durations["hours"].iloc[:3].tolist() == [10.0, 24.0, 72.0]
    assert durations["hours"].isna().tolist() == is_open
    summary = measures.duration_summary(table, CURRENT, censor_at_window_end=censor)
    assert (summary.episodes, summary.found, summary.open) == (5, found, 5 - found)
    assert summary.mean_hours == pytest.approx(mean)
    assert summary.median_hours == pytest.approx(median)
    # found within 24 h (inclusive) over ALL 5 episodes: an open one is not within 24 h
    assert summary.share_found_within_24h == pytest.approx(within)
    assert summary.found_after_window == (0 if censor else 1)


def test_boundary_episode_has_its_duration_in_its_own_window():
    # reported 31 Dec 2018, found 1 Jan 2019: a 2018 episode lasting 3 hours
    table = episodes([{"reported_at": "2018-12-31 22:00", "found_at": "2019-01-01 01:00"}])
    assert measures.duration_summary(table, PREVIOUS).mean_hours == pytest.approx(3.0)
    assert measures.episode_durations(table, CURRENT).empty
    # known only after 2018 ended: open at the window's end when censored
    censored = measures.episode_durations(table, PREVIOUS, censor_at_window_end=True)
    assert censored["open"].tolist() == [True]


def test_duration_no_episodes_and_bad_times():
    empty = measures.duration_summary(episodes([{"reported_at": "2016-01-01"}]), CURRENT)
    assert (empty.episodes, empty.mean_hours, empty.share_found_within_24h) == (0, None, None)
    bad = episodes([{"reported_at": "2019-03-01 10:00", "found_at": "2019-03-01 09:00"}])
    with pytest.raises(ValueError, match="before they were reported"):
        measures.duration_summary(bad, CURRENT)


# --- return-home interviews ------------------------------------------------------------------


@pytest.mark.parametrize(
    "found, rhi, within",
    [
        # Dates only (the extract's contract): an interview counts only when the whole of its
        # day ends within 72 hours of the return. Found 00:01 on 1 March: 3 March ends at
        # 00:00 on 4 March, 71 h 59 min after -> counts.
        ("2019-03-01 00:01", "2019-03-03", True),
        # found 23:59 on 28 February: 3 March ends 72 h 01 min after -> not counted (it may have
        # been in time: the count is conservative)
        ("2019-02-28 23:59", "2019-03-03", False),
        # found at midnight: 3 March ends exactly 72 h after -> counts (72 h inclusive)
        ("2019-03-01 00:00", "2019-03-03", True),
        # found 23:00 on 1 March: comparing dates alone accepted 4 March (up to 96 h later)
        ("2019-03-01 23:00", "2019-03-04", False),
        ("2019-03-01 23:00", "2019-03-03", True),
        # the day of return counts
        ("2019-03-01 23:00", "2019-03-01", True),
        # dated before the return: a recording error, not within 72 hours
        ("2019-03-01 23:00", "2019-02-28", False),
        # no interview
        ("2019-03-01 23:00", None, False),
        # not returned
        (None, "2019-03-02", False),
    ],
)
def test_rhi_within_72h(found, rhi, within):
    table = episodes([{"reported_at": "2019-03-01 08:00", "found_at": found, "rhi_date": rhi}])
    assert not measures.rhi_has_times(table["rhi_date"])
    assert measures.rhi_within_72h(table).tolist() == [within]


def test_rhi_within_72h_with_interview_times():
    # with times recorded the rule is exact: 71 h 59 min counts, 72 h 01 min does not
    found = "2019-03-01 10:00"
    table = episodes(
        [
            {"reported_at": "2019-03-01 08:00", "found_at": found, "rhi_date": rhi}
            for rhi in (
                "2019-03-04 09:59",
                "2019-03-04 10:00",
                "2019-03-04 10:01",
                "2019-03-01 09:00",
            )
        ]
    )
    assert measures.rhi_has_times(table["rhi_date"])
    assert measures.rhi_within_72h(table).tolist() == [True, True, False, False]


def test_rhi_share_is_of_returned_children():
    table = episodes(
        [
            # returned children: 2 within 72 h, 1 late, 1 none -> 2 of 4 = 50%
            {"age": 12, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-02"},
            {"age": 15, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-03"},
            {"age": 16, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-10"},
            {"age": 17, "found_at": "2019-06-01 20:00"},
            # not counted: a child still missing, an adult with an interview
            {"age": 14, "found_at": None},
            {"age": 30, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-02"},
        ]
    )
    assert measures.rhi_72h_share(table, CURRENT) == pytest.approx(50.0)
    assert measures.rhi_72h_share(table, PREVIOUS) is None


# --- cost, forecast, reference ---------------------------------------------------------------


@pytest.mark.parametrize(
    "previous, current, unit, expected",
    [
        (5022, 3812, 2415, 2_922_150),  # the report, page 19
        (100, 100, 2415, 0),
        (90, 100, 10, -100),  # a rise is a cost, shown negative
        (5, 3, 0, 0),
    ],
)
def test_cost_avoided(previous, current, unit, expected):
    assert costs.cost_avoided(previous, current, unit) == expected


def test_cost_avoided_rejects_negative_unit_cost():
    with pytest.raises(ValueError):
        costs.cost_avoided(10, 5, -1)


def test_reference_constants_from_report():
    cost = costs.unit_cost()
    assert cost.value == 2415 and cost.price_year == "2011/12" and "Portsmouth" in cost.source
    assert costs.investment().value == 198_000
    predicted = forecast.forecast_2018()
    assert predicted.to_dict() == {2019: 5050, 2020: 4950, 2021: 4850, 2022: 4800}


def test_forecast_vs_actual_only_complete_years():
    table = episodes(
        [
            {"reported_at": "2019-05-01"},
            {"reported_at": "2019-12-31 23:00"},
            {"reported_at": "2020-01-02"},
        ]
    )
    got = forecast.forecast_vs_actual(table, "2019-12")
    assert got.loc[2019, "actual"] == 2
    assert got.loc[2019, "difference"] == 2 - 5050
    assert pd.isna(got.loc[2020, "actual"])
    assert got.loc[2019, "pct_of_forecast"] == pytest.approx(2 / 5050 * 100)


# --- theme figures on a hand-worked table ----------------------------------------------------


def test_theme_figures_hand_worked():
    table = episodes(
        [
            # 2018: 4 episodes, 3 people (A twice), children 2; durations 10 h, 20 h, 30 h, open
            {
                "person_id": "A",
                "reported_at": "2018-02-01 10:00",
                "found_at": "2018-02-01 20:00",
                "age": 15,
            },
            {
                "person_id": "A",
                "reported_at": "2018-03-01 10:00",
                "found_at": "2018-03-02 06:00",
                "age": 15,
            },
            {"person_id": "B", "reported_at": "2018-04-01 10:00", "found_at": "2018-04-02 16:00"},
            {"person_id": "C", "reported_at": "2018-12-31 23:00", "found_at": None},
            # 2019: 2 episodes, 2 people (A once, D once); children 1 (A, returned, RHI next day)
            {
                "person_id": "A",
                "reported_at": "2019-02-01 10:00",
                "found_at": "2019-02-01 18:00",
                "age": 16,
                "rhi_date": "2019-02-02",
            },
            {"person_id": "D", "reported_at": "2019-07-01 10:00", "found_at": "2019-07-01 22:00"},
        ]
    )
    figs = theme_figures(table, unit_cost=100)
    cur, prev = CURRENT.label, PREVIOUS.label

    def value(measure, window=cur):
        rows = figs[(figs["measure"] == measure) & (figs["window"] == window)]
        assert len(rows) == 1, measure
        return rows["value"].iloc[0]

    assert value("count_previous", prev) == 4
    assert value("count_current") == 2
    assert value("pct_change") == pytest.approx(-50.0)
    assert value("individuals_previous", prev) == 3
    assert value("individuals_current") == 2
    assert value("individuals_change") == -1
    assert value("child_episodes_previous", prev) == 2
    assert value("child_episodes_current") == 1
    assert value("child_share") == pytest.approx(50.0)
    assert value("mean_duration_hours", prev) == pytest.approx(20.0)  # open one left out
    assert value("mean_duration_hours") == pytest.approx(10.0)
    assert value("mean_duration_pct_change") == pytest.approx(-50.0)
    assert pd.isna(value("open_episodes", prev))  # 1 open episode: hidden (1 to 4)
    assert value("repeat_individuals", prev) == 1
    assert value("repeat_individuals") == 0
    assert value("repeat_episode_share", prev) == pytest.approx(50.0)
    assert value("rhi_72h_share") == pytest.approx(100.0)
    assert value("forecast_2019") == 5050
    assert value("cost_avoided") == 200
    assert value("unit_cost", "") == 100
    assert 0 <= value("change_p_value") <= 1
    # the appendix's own measures have no group; the headline projection and the back-test
    # are grouped by method (perfpack.core.backtest.selection_figures)
    by_method = figs["measure"].str.startswith(("projection_selected", "backtest_"))
    assert set(figs.loc[~by_method, "group"]) == {""}


def test_theme_figures_default_unit_cost_from_reference():
    table = episodes(
        [
            {"reported_at": "2018-05-01"},
            {"reported_at": "2018-06-01"},
            {"reported_at": "2019-05-01"},
        ]
    )
    figs = theme_figures(table).set_index("measure")
    assert figs.loc["unit_cost", "value"] == 2415
    assert figs.loc["cost_avoided", "value"] == 2415


def test_vulnerability_profile_hand_worked():
    table = episodes(
        [
            {
                "age": 14,
                "looked_after": True,
                "location_type": "Care home",
                "risk_grade": "High",
                "reported_at": "2018-02-01",
            },
            {
                "age": 14,
                "looked_after": True,
                "location_type": "Care home",
                "reported_at": "2019-02-01",
            },
            {"age": 40, "location_type": "Hospital", "reported_at": "2019-03-01"},
            {"age": 40, "location_type": "Care home", "reported_at": "2019-04-01"},
        ]
    )
    profile = measures.vulnerability_profile(table, PREVIOUS, CURRENT)
    assert profile.loc["Episodes of looked-after children", ["previous", "current"]].tolist() == [
        1,
        1,
    ]
    assert profile.loc["Episodes from care homes", ["previous", "current"]].tolist() == [1, 2]
    assert profile.loc["Episodes of children from care homes", "current"] == 1
    assert profile.loc["Episodes from hospitals", ["previous", "current"]].tolist() == [0, 1]
    assert profile.loc["Episodes graded High risk", ["previous", "current"]].tolist() == [1, 0]


def test_counts_by_column_keeps_empty_categories():
    table = episodes([{"risk_grade": "High"}, {"risk_grade": "High"}, {"risk_grade": "Low"}])
    got = measures.counts_by_column(
        table, PREVIOUS, CURRENT, "risk_grade", ["High", "Medium", "Low", "No apparent risk"]
    )
    assert got["current"].tolist() == [2, 0, 1, 0]
    assert got["current_share"].tolist()[0] == pytest.approx(200 / 3)
    assert got["previous"].sum() == 0


def test_window_end():
    assert measures.window_end(Window(pd.Period("2019-01", "M"), pd.Period("2019-12", "M"))) == (
        pd.Timestamp("2020-01-01")
    )


# --- words: the report's figures in, the report's sentences out -------------------------------


def test_episodes_sentence_report_wording():
    text = words.episodes_sentence(5022, 3812, PREVIOUS, CURRENT)
    assert text == (
        "The number of missing episodes in Staffordshire has decreased by 24% from 5,022 "
        "episodes in the period 1st January 2018 to 31st December 2018 compared to 3,812 in the "
        "period 1st January 2019 to 31st December 2019."
    )


@pytest.mark.parametrize(
    "previous, current, expected",
    [
        (
            2491,
            1943,
            "548 fewer individuals went missing in the last 12 months (1,943) than in "
            "the previous 12 months (2,491), a decrease of 22%.",
        ),
        (
            100,
            110,
            "10 more individuals went missing in the last 12 months (110) than in the "
            "previous 12 months (100), an increase of 10%.",
        ),
        (
            0,
            3,
            "3 more individuals went missing in the last 12 months (3) than in the previous "
            "12 months (0).",
        ),
        (
            7,
            7,
            "The same number of individuals went missing in the last 12 months as in the "
            "previous 12 months (7).",
        ),
    ],
)
def test_individuals_sentence(previous, current, expected):
    assert words.individuals_sentence(previous, current) == expected


def test_children_sentences_report_figures():
    text = words.children_sentence(3330, 2599, PREVIOUS, CURRENT)
    assert text == (
        "The number of missing episodes where the missing person is a child or young person "
        "under 18 has decreased by 22% from 3,330 in the period 1st January 2018 to 31st "
        "December 2018 compared to 2,599 in the period 1st January 2019 to 31st December 2019."
    )
    share = words.child_share_sentence(2599, 3812)
    assert share.startswith("68% of missing episodes in the last 12 months (2,599 of 3,812)")
    assert "under-18s" in share


def test_cost_sentence_report_figures():
    cost = costs.UnitCost(2415, "2011/12", "University of Portsmouth")
    invested = costs.UnitCost(198000, "2019/20", "MPIT made part of the establishment")
    text = words.cost_sentence(5022, 3812, cost, invested)
    assert "fell by 1,210 (5,022 to 3,812)" in text
    assert "£2,415 per episode" in text
    assert "£2,415 per missing person episode at 2011/12 prices" in text
    assert "Source: University of Portsmouth." in text
    assert "£2,922,150 of non-cashable cost avoided" in text
    assert "£198,000" in text
    override = costs.unit_cost(override=1000)
    assert override.value == 1000 and override.price_year == ""
    assert "set for this run" in words.cost_sentence(5, 3, override, invested)
    rise = words.cost_sentence(100, 110, cost, invested)
    assert "rose by 10" in rise and "£24,150 of additional" in rise


def test_forecast_sentence_report_figures():
    table = pd.DataFrame(
        {"forecast_2018": [5050, 4950], "actual": pd.array([3812, pd.NA], dtype="Int64")},
        index=[2019, 2020],
    )
    # 5,050 - 3,812 = 1,238; 1,238 / 5,050 = 24.5% -> "25%" (half up)
    assert words.forecast_sentence(table, 2019) == (
        "The demand forecast made in 2018 expected 5,050 missing episodes in 2019; the year "
        "ended with 3,812, 1,238 (25%) below the forecast."
    )
    assert "no complete year" in words.forecast_sentence(table, 2020)


def test_duration_sentence_says_how_open_episodes_count():
    prev = measures.DurationSummary(10, 9, 1, 25.0, 8.0, 80.0)
    cur = measures.DurationSummary(10, 8, 2, 23.25, 7.0, 70.0)
    text = words.duration_sentence(prev, cur)
    assert "23.3 hours in the last 12 months against 25.0 hours" in text
    assert "7% shorter" in text  # 23.25 / 25 = 0.93
    # 2 and 1 open are counts of 1 to 4: not given
    assert "Fewer than 5 episodes of the last 12 months (fewer than 5 of the previous)" in text
    assert "left out of the mean and median" in text
    assert "not found within 24 hours" in text
    many = words.duration_sentence(
        measures.DurationSummary(100, 100, 0, 25.0, 8.0, 80.0, 0),
        measures.DurationSummary(100, 93, 7, 23.25, 7.0, 70.0, 12),
    )
    assert "7 episodes of the last 12 months (0 of the previous) had no found time" in many
    assert "12 episodes of the last 12 months (0 of the previous) were reported" in many


def test_display_summary_formats():
    table = episodes(
        [
            {"person_id": "A", "reported_at": "2018-02-01 10:00", "found_at": "2018-02-01 20:00"},
            {"person_id": "A", "reported_at": "2019-02-01 10:00", "found_at": "2019-02-01 15:00"},
            {"person_id": "B", "reported_at": "2019-03-01 10:00", "found_at": "2019-03-01 12:00"},
        ]
    )
    summary = analysis.summary_table(table, PREVIOUS, CURRENT)
    shown = display.display_summary(summary, PREVIOUS, CURRENT).set_index("Measure")
    assert list(shown.columns) == ["Jan 2018 to Dec 2018", "Jan 2019 to Dec 2019", "Change"]
    assert shown.loc["Missing episodes"].tolist() == ["1", "2", "+100%"]  # a change has its sign
    assert shown.loc["Mean hours missing (found episodes)"].tolist()[:2] == [
        "10.0 hours",
        "3.5 hours",
    ]
    assert shown.loc["Child share of episodes (%)", "Change"] == "+0.0 points"
    assert shown.loc["Episodes per individual"].tolist()[:2] == ["1.00", "1.00"]
    assert shown.loc["Repeat rate (% of individuals)"].tolist() == ["0.0%", "0.0%", "+0.0 points"]
    assert shown.loc["Found within 24 hours (% of all episodes)"].tolist()[:2] == [
        "100.0%",
        "100.0%",
    ]


def test_display_counts_hides_small_counts():
    table = episodes(
        [{"risk_grade": "High"}] * 3
        + [{"risk_grade": "Low"}] * 12
        + [{"risk_grade": "Medium"}] * 20
    )
    got = measures.counts_by_column(
        table, PREVIOUS, CURRENT, "risk_grade", ["High", "Medium", "Low"]
    )
    shown = display.display_counts(got, PREVIOUS, CURRENT, "Risk grade").set_index("Risk grade")
    # current column: 3 hidden -> the smallest other non-zero count (12) hidden too
    assert shown["Jan 2019 to Dec 2019"].tolist() == ["<5", "20", "[c]"]
    assert shown["Share, Jan 2019 to Dec 2019"].tolist() == ["–", "57.1%", "–"]
    assert shown["Jan 2018 to Dec 2018"].tolist() == ["0", "0", "0"]


def test_profile_hides_change_beside_hidden_count():
    # High risk: previous 3, current 12 -> "<5 | 12 | 300%" gave previous = 12 / 4 = 3
    rows = [{"risk_grade": "High", "reported_at": "2018-06-01"}] * 3
    rows += [{"risk_grade": "High", "reported_at": "2019-06-01"}] * 12
    shown = display.display_profile(
        measures.vulnerability_profile(episodes(rows), PREVIOUS, CURRENT), PREVIOUS, CURRENT
    ).set_index("Measure")
    assert shown.loc["Episodes graded High risk"].tolist() == ["<5", "12", "–"]
    # care homes: 0 -> 0, no change to show; a shown pair keeps its change
    rows += [{"location_type": "Hospital", "reported_at": d} for d in ["2018-03-01"] * 10]
    rows += [{"location_type": "Hospital", "reported_at": d} for d in ["2019-03-01"] * 5]
    shown = display.display_profile(
        measures.vulnerability_profile(episodes(rows), PREVIOUS, CURRENT), PREVIOUS, CURRENT
    ).set_index("Measure")
    assert shown.loc["Episodes from hospitals"].tolist() == ["10", "5", "-50%"]


OPEN_ROWS = [
    # 2018: 6 found; 2019: 7 episodes, 2 still open (no found time), 1 found after 2019 ended
    *[
        {"reported_at": f"2018-0{m}-01 10:00", "found_at": f"2018-0{m}-01 12:00"}
        for m in range(1, 7)
    ],
    *[
        {"reported_at": f"2019-0{m}-01 10:00", "found_at": f"2019-0{m}-01 12:00"}
        for m in range(1, 5)
    ],
    {"reported_at": "2019-07-01 10:00", "found_at": None},
    {"reported_at": "2019-08-01 10:00", "found_at": None},
    {"reported_at": "2019-12-31 22:00", "found_at": "2020-01-01 02:00"},
]


def test_open_episodes_of_one_to_four_are_hidden():
    table = episodes(OPEN_ROWS)
    summary = analysis.summary_table(table, PREVIOUS, CURRENT)
    shown = display.display_summary(summary, PREVIOUS, CURRENT).set_index("Measure")
    # previous 0 open (shown), current 2 (hidden), and no change beside a hidden count
    assert shown.loc["Still open (no found time)"].tolist() == ["0", "<5", "–"]
    figs = theme_figures(table, unit_cost=100)
    opened = figs[figs["measure"] == "open_episodes"].set_index("window")["value"]
    assert opened[PREVIOUS.label] == 0
    assert pd.isna(opened[CURRENT.label])
    text = words.duration_sentence(
        measures.duration_summary(table, PREVIOUS), measures.duration_summary(table, CURRENT)
    )
    # 2 open and 1 found after the window: both counts of 1-4, so neither is given
    assert "fewer than 5 episodes of the last 12 months (0 of the previous)" in text.lower()
    assert "2 episodes" not in text and "1 episode" not in text
    assert "had no found time" in text and "no duration is made up for them" in text


# --- cost avoided as a sourced range ---------------------------------------------------------


def test_unit_cost_range_from_the_research():
    # Shalev Greene and Pakes (2012): GBP 1,325 to 2,415 for a medium-risk investigation
    sourced = costs.unit_cost_range()
    assert (sourced.low.value, sourced.high.value) == (1325, 2415)
    assert sourced.low.price_year == sourced.high.price_year == "2011/12"
    assert "Shalev Greene" in sourced.basis and "medium-risk" in sourced.basis
    assert costs.unit_cost_range(override=1000) is None  # one cost set for the run


def test_cost_avoided_range_arithmetic():
    sourced = costs.unit_cost_range()
    # published: 5,022 -> 3,812 is 1,210 fewer; 1,210 x 1,325 = 1,603,250; x 2,415 = 2,922,150
    assert costs.cost_avoided_range(5022, 3812, sourced) == (1_603_250, 2_922_150)
    assert costs.cost_avoided_range(100, 110, sourced) == (-13_250, -24_150)


def test_cost_sentence_gives_the_range_and_the_reports_figure():
    cost = costs.unit_cost()
    invested = costs.UnitCost(198000, "2019/20", "MPIT")
    text = words.cost_sentence(5022, 3812, cost, invested, costs.unit_cost_range())
    assert (
        "At £1,325 to £2,415 per episode that is £1,603,250 to £2,922,150 of non-cashable" in text
    )
    assert (
        "The published report's figure, £2,922,150, applies £2,415 to every episode (the upper"
        in text
    )
    assert "2011/12 prices" in text and "Portsmouth" in text
    rise = words.cost_sentence(100, 110, cost, invested, costs.unit_cost_range())
    assert "rose by 10" in rise and "£13,250 to £24,150 of additional" in rise


def test_theme_figures_cost_range():
    table = episodes(
        [
            {"reported_at": "2018-05-01 10:00", "found_at": "2018-05-01 12:00"},
            {"reported_at": "2018-06-01 10:00", "found_at": "2018-06-01 12:00"},
            {"reported_at": "2019-05-01 10:00", "found_at": "2019-05-01 12:00"},
        ]
    )
    figs = theme_figures(table).set_index("measure")
    assert figs.loc["cost_avoided", "value"] == 2415  # the report's figure: the upper end
    assert figs.loc["cost_avoided_low", "value"] == 1325
    assert figs.loc["cost_avoided_high", "value"] == 2415
    assert figs.loc["unit_cost_low", "value"] == 1325


def test_rhi_rule_note_says_how_it_counts():
    dates = episodes([{"found_at": "2019-03-01 10:00", "rhi_date": "2019-03-02"}])
    assert "lower bound" in measures.rhi_rule_note(dates)
    times = episodes([{"found_at": "2019-03-01 10:00", "rhi_date": "2019-03-02 11:30"}])
    assert "date and time" in measures.rhi_rule_note(times)


def test_appendix_text_and_code_agree_on_episodes_found_after_the_window():
    # The code keeps the real duration of an episode found after its window ended (default
    # censor_at_window_end=False); the appendix's definition must say the same, not call it open.
    import json

    from tests.conftest import PROJECT_ROOT

    table = episodes([{"reported_at": "2019-12-31 20:00", "found_at": "2020-01-01 08:00"}])
    assert measures.episode_durations(table, CURRENT)["hours"].tolist() == [12.0]
    notebook = json.loads((PROJECT_ROOT / "notebooks" / "05_missing_persons.ipynb").read_text())
    duration = next(
        "".join(c["source"])
        for c in notebook["cells"]
        if "".join(c["source"]).startswith("## Duration")
    )
    duration = " ".join(duration.split())
    assert "keeps its real duration even when the person was found after that window" in duration
    assert "found only after its window ended" not in duration
