"""Missing-persons definitions: hand-worked edge-case tables (never values from running the code),
the report's published figures for the cost and the forecast, and the reference table."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from perfpack import missing
from perfpack.windows import Window, comparison_windows

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
    assert missing.episode_count(table, PREVIOUS) == in_previous
    assert missing.episode_count(table, CURRENT) == in_current


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
    assert missing.individual_count(table, PREVIOUS) == 2  # P1, P3
    assert missing.individual_count(table, CURRENT) == 2  # P1, P2
    assert missing.episode_count(table, CURRENT) == 3


@pytest.mark.parametrize(
    "age, child",
    [(0, True), (17, True), (18, False), (19, False), (None, False)],
)
def test_child_episode_is_under_18_at_report(age, child):
    table = episodes([{"age": age}])
    assert missing.is_child_episode(table).tolist() == [child]


def test_person_turning_18_between_episodes():
    table = episodes(
        [
            {"reported_at": "2019-02-01 10:00", "age": 17},
            {"reported_at": "2019-09-01 10:00", "age": 18},
        ]
    )
    assert missing.child_episode_count(table, CURRENT) == 1
    assert missing.child_share(table, CURRENT) == pytest.approx(50.0)
    # still one individual, and a repeat one
    assert missing.individual_count(table, CURRENT) == 1
    assert missing.repeat_individual_count(table, CURRENT) == 1


def test_child_share_empty_window_is_none():
    assert missing.child_share(episodes([{"reported_at": "2016-01-01"}]), CURRENT) is None


def test_report_child_share_is_under_18():
    # The report: 2,599 child (under 18) episodes of 3,812 -> "68%".
    assert round(2599 / 3812 * 100) == 68


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
    people = missing.monthly_individuals(table, CURRENT)
    assert len(people) == 12
    assert people[pd.Period("2019-03", "M")] == 2
    assert people[pd.Period("2019-04", "M")] == 1
    assert people.sum() == 3
    eps = missing.monthly_episodes(table, CURRENT)
    assert eps[pd.Period("2019-03", "M")] == 3
    kids = missing.monthly_child_episodes(table, CURRENT)
    assert kids[pd.Period("2019-03", "M")] == 1 and kids.sum() == 1


def test_chart_window_starts_at_first_data_month():
    table = episodes([{"reported_at": "2017-03-15"}])
    window = missing.chart_window(table, "2019-12", 36)
    assert (str(window.start), str(window.end)) == ("2017-03", "2019-12")
    early = episodes([{"reported_at": "2015-03-15"}])
    window = missing.chart_window(early, "2019-12", 36)
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
    assert missing.repeat_individual_count(table, CURRENT) == 2
    assert missing.repeat_rate(table, CURRENT) == pytest.approx(50.0)
    assert missing.repeat_episode_share(table, CURRENT) == pytest.approx(5 / 7 * 100)
    assert missing.episodes_per_individual(table, CURRENT) == pytest.approx(7 / 4)
    # P4 has one episode in each window: a repeat in neither
    assert missing.repeat_individual_count(table, PREVIOUS) == 0
    assert missing.repeat_episode_share(table, PREVIOUS) == pytest.approx(0.0)


def test_repeat_measures_with_no_episodes():
    table = episodes([{"reported_at": "2016-01-01"}])
    assert missing.repeat_individual_count(table, CURRENT) == 0
    assert missing.repeat_rate(table, CURRENT) is None
    assert missing.repeat_episode_share(table, CURRENT) is None
    assert missing.episodes_per_individual(table, CURRENT) is None
    assert missing.concentration(table, CURRENT) is None


@pytest.mark.parametrize(
    "episode_counts, expected",
    [
        # 10 people: top 10% = 1 person (5 of 14 episodes)
        ([5, 1, 1, 1, 1, 1, 1, 1, 1, 1], 5 / 14 * 100),
        # 11 people: ceil(1.1) = 2 people (4 + 3 of 17)
        ([4, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2], 7 / 17 * 100),
        # 1 person: they are the top group
        ([3], 100.0),
        # ties at the cut-off: the group stays at 2 people (2 + 2 of 2*20 = 40)
        ([2] * 20, 4 / 40 * 100),
    ],
)
def test_concentration(episode_counts, expected):
    rows = []
    for p, k in enumerate(episode_counts):
        rows += [{"person_id": f"P{p}", "reported_at": f"2019-{m + 1:02d}-03"} for m in range(k)]
    assert missing.concentration(episodes(rows), CURRENT) == pytest.approx(expected)


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
    durations = missing.episode_durations(table, CURRENT, censor_at_window_end=censor)
    assert durations["open"].tolist() == is_open
    assert durations["found_after_window"].tolist() == [False] * 4 + [True]
    assert durations["hours"].iloc[:3].tolist() == [10.0, 24.0, 72.0]
    assert durations["hours"].isna().tolist() == is_open
    summary = missing.duration_summary(table, CURRENT, censor_at_window_end=censor)
    assert (summary.episodes, summary.found, summary.open) == (5, found, 5 - found)
    assert summary.mean_hours == pytest.approx(mean)
    assert summary.median_hours == pytest.approx(median)
    # found within 24 h (inclusive) over ALL 5 episodes: an open one is not within 24 h
    assert summary.share_found_within_24h == pytest.approx(within)
    assert summary.found_after_window == (0 if censor else 1)


def test_boundary_episode_has_its_duration_in_its_own_window():
    # reported 31 Dec 2018, found 1 Jan 2019: a 2018 episode lasting 3 hours
    table = episodes([{"reported_at": "2018-12-31 22:00", "found_at": "2019-01-01 01:00"}])
    assert missing.duration_summary(table, PREVIOUS).mean_hours == pytest.approx(3.0)
    assert missing.episode_durations(table, CURRENT).empty
    # known only after 2018 ended: open at the window's end when censored
    censored = missing.episode_durations(table, PREVIOUS, censor_at_window_end=True)
    assert censored["open"].tolist() == [True]


def test_duration_no_episodes_and_bad_times():
    empty = missing.duration_summary(episodes([{"reported_at": "2016-01-01"}]), CURRENT)
    assert (empty.episodes, empty.mean_hours, empty.share_found_within_24h) == (0, None, None)
    bad = episodes([{"reported_at": "2019-03-01 10:00", "found_at": "2019-03-01 09:00"}])
    with pytest.raises(ValueError, match="before they were reported"):
        missing.duration_summary(bad, CURRENT)


# --- return-home interviews ------------------------------------------------------------------


@pytest.mark.parametrize(
    "found, rhi, within",
    [
        # found 23:00 on 1 March: + 72 h is 23:00 on 4 March -> interviews to 4 March count
        ("2019-03-01 23:00", "2019-03-04", True),
        ("2019-03-01 23:00", "2019-03-05", False),
        # the day of return counts
        ("2019-03-01 23:00", "2019-03-01", True),
        # dated before the return: a recording error, not within 72 hours
        ("2019-03-01 23:00", "2019-02-28", False),
        # found just after midnight: + 72 h is 00:30 on 4 March -> 4 March still counts
        ("2019-03-01 00:30", "2019-03-04", True),
        # no interview
        ("2019-03-01 23:00", None, False),
        # not returned
        (None, "2019-03-02", False),
    ],
)
def test_rhi_within_72h(found, rhi, within):
    table = episodes([{"reported_at": "2019-03-01 08:00", "found_at": found, "rhi_date": rhi}])
    assert missing.rhi_within_72h(table).tolist() == [within]


def test_rhi_share_is_of_returned_children():
    table = episodes(
        [
            # returned children: 2 within 72 h, 1 late, 1 none -> 2 of 4 = 50%
            {"age": 12, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-02"},
            {"age": 15, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-04"},
            {"age": 16, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-10"},
            {"age": 17, "found_at": "2019-06-01 20:00"},
            # not counted: a child still missing, an adult with an interview
            {"age": 14, "found_at": None},
            {"age": 30, "found_at": "2019-06-01 20:00", "rhi_date": "2019-06-02"},
        ]
    )
    assert missing.rhi_72h_share(table, CURRENT) == pytest.approx(50.0)
    assert missing.rhi_72h_share(table, PREVIOUS) is None


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
    assert missing.cost_avoided(previous, current, unit) == expected


def test_cost_avoided_rejects_negative_unit_cost():
    with pytest.raises(ValueError):
        missing.cost_avoided(10, 5, -1)


def test_reference_constants_from_report():
    cost = missing.unit_cost()
    assert cost.value == 2415 and cost.price_year == "2011/12" and "Portsmouth" in cost.source
    assert missing.investment().value == 198_000
    forecast = missing.forecast_2018()
    assert forecast.to_dict() == {2019: 5050, 2020: 4950, 2021: 4850, 2022: 4800}


def test_forecast_vs_actual_only_complete_years():
    table = episodes(
        [
            {"reported_at": "2019-05-01"},
            {"reported_at": "2019-12-31 23:00"},
            {"reported_at": "2020-01-02"},
        ]
    )
    got = missing.forecast_vs_actual(table, "2019-12")
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
    figs = missing.theme_figures(table, "2019-12", cost_per_episode=100)
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
    assert set(figs["group"]) == {""}


def test_theme_figures_default_unit_cost_from_reference():
    table = episodes(
        [
            {"reported_at": "2018-05-01"},
            {"reported_at": "2018-06-01"},
            {"reported_at": "2019-05-01"},
        ]
    )
    figs = missing.theme_figures(table, "2019-12").set_index("measure")
    assert figs.loc["unit_cost", "value"] == 2415
    assert figs.loc["cost_avoided", "value"] == 2415


# --- deep dive -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "age, looked_after, place, cohort",
    [
        (14, True, "Care home", missing.CARE_HOME_CHILDREN),
        (14, False, "Care home", missing.CARE_HOME_CHILDREN),
        (14, True, "Foster placement", missing.LOOKED_AFTER),
        (14, None, "Foster placement", missing.EVERYONE_ELSE),
        (18, True, "Care home", missing.EVERYONE_ELSE),  # an adult, not a child in care
        (40, False, "Hospital", missing.HOSPITAL_ADULTS),
        (12, False, "Hospital", missing.EVERYONE_ELSE),  # a child from hospital
        (30, False, "Family home", missing.EVERYONE_ELSE),
        (None, False, "Hospital", missing.EVERYONE_ELSE),
    ],
)
def test_cohort_of(age, looked_after, place, cohort):
    table = episodes([{"age": age, "looked_after": looked_after, "location_type": place}])
    assert missing.cohort_of(table).tolist() == [cohort]


def test_select_cohort():
    table = episodes([{"age": 14, "location_type": "Care home"}, {"age": 40}])
    assert len(missing.select_cohort(table, "all")) == 2
    assert len(missing.select_cohort(table, missing.CARE_HOME_CHILDREN)) == 1
    with pytest.raises(ValueError, match="unknown cohort"):
        missing.select_cohort(table, "nobody")


def test_repeat_rate_test_textbook():
    # Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided p = 34/70 = 0.4857
    assert missing.repeat_rate_test(3, 4, 1, 4) == pytest.approx(34 / 70)
    assert missing.repeat_rate_test(0, 0, 1, 4) is None


def test_cohort_summary_hand_worked():
    care = {"age": 14, "looked_after": True, "location_type": "Care home", "location_id": "CH01"}
    table = episodes(
        [
            # care-home children: 2018 K twice, L once; 2019 K once, L once
            {**care, "person_id": "K", "reported_at": "2018-02-01"},
            {**care, "person_id": "K", "reported_at": "2018-03-01"},
            {**care, "person_id": "L", "reported_at": "2018-04-01"},
            {**care, "person_id": "K", "reported_at": "2019-02-01"},
            {**care, "person_id": "L", "reported_at": "2019-04-01"},
            # hospital adult: M twice in 2019
            {
                "person_id": "M",
                "age": 50,
                "location_type": "Hospital",
                "location_id": "H1",
                "reported_at": "2019-05-01",
            },
            {
                "person_id": "M",
                "age": 50,
                "location_type": "Hospital",
                "location_id": "H1",
                "reported_at": "2019-06-01",
            },
        ]
    )
    summary = missing.cohort_summary(table, PREVIOUS, CURRENT)
    assert list(summary.index) == [*missing.COHORTS, "All episodes"]
    row = summary.loc[missing.CARE_HOME_CHILDREN]
    assert (row["episodes_previous"], row["episodes_current"]) == (3, 2)
    assert (row["individuals_previous"], row["individuals_current"]) == (2, 2)
    assert (row["repeat_individuals_previous"], row["repeat_individuals_current"]) == (1, 0)
    assert row["repeat_rate_previous"] == pytest.approx(50.0)
    assert row["repeat_rate_change_points"] == pytest.approx(-50.0)
    # [[1, 1], [0, 2]]: p = 1 (either table as extreme)
    assert row["repeat_rate_p_value"] == pytest.approx(1.0)
    hosp = summary.loc[missing.HOSPITAL_ADULTS]
    assert hosp["episodes_previous"] == 0 and pd.isna(hosp["repeat_rate_previous"])
    assert hosp["repeat_individuals_current"] == 1
    assert summary.loc["All episodes", "episodes_current"] == 4

    places = missing.top_locations(table, PREVIOUS, CURRENT, "Care home", n=10)
    assert places.to_dict("records") == [
        {
            "location_id": "CH01",
            "episodes_previous": 3,
            "episodes_current": 2,
            "individuals_current": 2,
            "repeat_individuals_current": 0,
        }
    ]


@pytest.mark.parametrize(
    "age, band",
    [
        (0, "under 12"),
        (11, "under 12"),
        (12, "12-15"),
        (17, "16-17"),
        (18, "18-24"),
        (64, "40-64"),
        (65, "65 and over"),
        (None, "not recorded"),
    ],
)
def test_age_band(age, band):
    assert missing.age_band(pd.Series([age], dtype="Int64")).tolist() == [band]


def test_case_studies_are_anonymous_timelines():
    table = episodes(
        [
            # Y1: 6 episodes (most) -> Case A; an adult, so no return interviews are due
            *[
                {
                    "person_id": "Y1",
                    "reported_at": f"{day} 09:00",
                    "found_at": f"{day} 12:00",
                    "age": 70,
                }
                for day in (
                    "2019-05-01",
                    "2019-05-11",  # 10 days: 1 week
                    "2019-05-12",  # 1 day: under 1 week
                    "2019-05-30",  # 18 days: 2 weeks
                    "2019-07-01",  # 32 days: 4 weeks
                    "2019-12-30",  # 182 days = 5.98 months: 5 months
                )
            ],
            # Z9: 5 episodes -> Case B; turns 18 between episodes 2 and 3
            {
                "person_id": "Z9",
                "reported_at": "2018-11-20 10:00",
                "found_at": "2018-11-20 15:00",
                "age": 17,
                "rhi_date": "2018-11-21",
                "location_type": "Care home",
                "location_id": "CH77",
            },
            {
                "person_id": "Z9",
                "reported_at": "2019-01-05 22:00",  # 46 days after 20 Nov: 6 weeks
                "found_at": "2019-01-07 08:00",
                "age": 17,
                "rhi_date": "2019-01-20",
            },
            # 27 days: 3 weeks; no found time
            {"person_id": "Z9", "reported_at": "2019-02-01 09:00", "found_at": None, "age": 18},
            # 3 days: under 1 week
            {
                "person_id": "Z9",
                "reported_at": "2019-02-04 09:00",
                "age": 18,
                "found_at": "2019-02-04 10:00",
            },
            # 117 days = 3.84 months: 3 months
            {
                "person_id": "Z9",
                "reported_at": "2019-06-01 09:00",
                "age": 18,
                "found_at": "2019-06-01 10:00",
            },
            # X1: 4 episodes -> fewer than 5, never a case
            *[{"person_id": "X1", "reported_at": f"2019-0{m}-01 09:00"} for m in (1, 2, 3, 4)],
        ]
    )
    timeline = missing.case_studies(table, PREVIOUS, CURRENT, n=5)
    assert timeline["case"].tolist() == ["Case A"] * 6 + ["Case B"] * 5
    a = timeline[timeline["case"] == "Case A"]
    assert a["gap"].tolist() == ["–", "1 week", "under 1 week", "2 weeks", "4 weeks", "5 months"]
    b = timeline[timeline["case"] == "Case B"]
    assert b["gap"].tolist() == ["–", "6 weeks", "3 weeks", "under 1 week", "3 months"]
    assert pd.isna(b["gap_weeks"].iloc[0])
    assert b["gap_weeks"].tolist()[1:3] == [6.0, 3.0]
    # one age band, the first episode's: turning 18 is not shown
    assert b["age_band"].tolist() == ["16-17"] * 5
    assert b["duration"].tolist()[:3] == ["under 6 hours", "1 to 3 days", "still open"]
    assert b["return_interview"].tolist()[:3] == ["within 72 hours", "later", "not applicable"]
    text = timeline.to_string()
    for secret in ("Z9", "Y1", "X1", "CH77", "E00", "2018", "2019", "18-24"):
        assert secret not in text
    overview = missing.case_overview(timeline)
    assert overview.loc["Case A"].tolist() == [
        "65 and over",
        "5 to 9",
        "2 weeks",
        "not applicable",
        "Family home",
    ]
    # gaps 0, 3, 6 weeks and 3 months: the shorter middle one is 3 weeks; 1 of 2 interviews
    assert overview.loc["Case B"].tolist() == [
        "16-17",
        "5 to 9",
        "3 weeks",
        "half or more",
        "Family home, Care home",
    ]
    assert len(missing.case_studies(table, PREVIOUS, CURRENT, n=1)["case"].unique()) == 1
    shown = missing.display_timeline(timeline)
    assert shown.columns.tolist() == [
        "Case",
        "Episode",
        "Gap since previous episode",
        "Risk grade",
        "Looked after",
        "Went missing from",
        "Time missing",
        "Return interview",
    ]
    cases = missing.display_case_overview(overview, PREVIOUS, CURRENT)
    assert cases["Case"].tolist() == ["Case A", "Case B"]
    assert cases["Typical gap between episodes"].tolist() == ["2 weeks", "3 weeks"]


@pytest.mark.parametrize(
    "within, children, words",
    [
        (0, 0, "not applicable"),
        (0, 3, "none"),
        (1, 3, "fewer than half"),
        (1, 2, "half or more"),
        (2, 3, "half or more"),
        (3, 3, "all"),
    ],
)
def test_interview_words(within, children, words):
    assert missing.interview_words(within, children) == words


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
    profile = missing.vulnerability_profile(table, PREVIOUS, CURRENT)
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
    got = missing.counts_by_column(
        table, PREVIOUS, CURRENT, "risk_grade", ["High", "Medium", "Low", "No apparent risk"]
    )
    assert got["current"].tolist() == [2, 0, 1, 0]
    assert got["current_share"].tolist()[0] == pytest.approx(200 / 3)
    assert got["previous"].sum() == 0


def test_window_end():
    assert missing.window_end(Window(pd.Period("2019-01", "M"), pd.Period("2019-12", "M"))) == (
        pd.Timestamp("2020-01-01")
    )


# --- words: the report's figures in, the report's sentences out -------------------------------


def test_episodes_sentence_report_wording():
    text = missing.episodes_sentence(5022, 3812, PREVIOUS, CURRENT)
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
    assert missing.individuals_sentence(previous, current) == expected


def test_children_sentences_report_figures():
    text = missing.children_sentence(3330, 2599, PREVIOUS, CURRENT)
    assert text == (
        "The number of missing episodes where the missing person is a child or young person "
        "under 18 has decreased by 22% from 3,330 in the period 1st January 2018 to 31st "
        "December 2018 compared to 2,599 in the period 1st January 2019 to 31st December 2019."
    )
    share = missing.child_share_sentence(2599, 3812)
    assert share.startswith("68% of missing episodes in the last 12 months (2,599 of 3,812)")
    assert "under-18s" in share


def test_cost_sentence_report_figures():
    cost = missing.UnitCost(2415, "2011/12", "University of Portsmouth")
    invested = missing.UnitCost(198000, "2019/20", "MPIT made part of the establishment")
    text = missing.cost_sentence(5022, 3812, cost, invested)
    assert "fell by 1,210 (5,022 to 3,812)" in text
    assert "£2,415 per episode" in text
    assert "£2,415 per missing person episode at 2011/12 prices" in text
    assert "Source: University of Portsmouth." in text
    assert "£2,922,150 of non-cashable cost avoided" in text
    assert "£198,000" in text
    override = missing.unit_cost(override=1000)
    assert override.value == 1000 and override.price_year == ""
    assert "set for this run" in missing.cost_sentence(5, 3, override, invested)
    rise = missing.cost_sentence(100, 110, cost, invested)
    assert "rose by 10" in rise and "£24,150 of additional" in rise


def test_forecast_sentence_report_figures():
    table = pd.DataFrame(
        {"forecast_2018": [5050, 4950], "actual": pd.array([3812, pd.NA], dtype="Int64")},
        index=[2019, 2020],
    )
    # 5,050 - 3,812 = 1,238; 1,238 / 5,050 = 24.5% -> "25%" (half up)
    assert missing.forecast_sentence(table, 2019) == (
        "The demand forecast made in 2018 expected 5,050 missing episodes in 2019; the year "
        "ended with 3,812, 1,238 (25%) below the forecast."
    )
    assert "no complete year" in missing.forecast_sentence(table, 2020)


def test_duration_sentence_says_how_open_episodes_count():
    prev = missing.DurationSummary(10, 9, 1, 25.0, 8.0, 80.0)
    cur = missing.DurationSummary(10, 8, 2, 23.25, 7.0, 70.0)
    text = missing.duration_sentence(prev, cur)
    assert "23.3 hours in the last 12 months against 25.0 hours" in text
    assert "7% shorter" in text  # 23.25 / 25 = 0.93
    # 2 and 1 open are counts of 1 to 4: not given
    assert "Fewer than 5 episodes of the last 12 months (fewer than 5 of the previous)" in text
    assert "left out of the mean and median" in text
    assert "not found within 24 hours" in text
    many = missing.duration_sentence(
        missing.DurationSummary(100, 100, 0, 25.0, 8.0, 80.0, 0),
        missing.DurationSummary(100, 93, 7, 23.25, 7.0, 70.0, 12),
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
    summary = missing.summary_table(table, PREVIOUS, CURRENT)
    shown = missing.display_summary(summary, PREVIOUS, CURRENT).set_index("Measure")
    assert list(shown.columns) == ["Jan 2018 to Dec 2018", "Jan 2019 to Dec 2019", "Change"]
    assert shown.loc["Missing episodes"].tolist() == ["1", "2", "100.0%"][:2] + ["100%"]
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
    got = missing.counts_by_column(
        table, PREVIOUS, CURRENT, "risk_grade", ["High", "Medium", "Low"]
    )
    shown = missing.display_counts(got, PREVIOUS, CURRENT, "Risk grade").set_index("Risk grade")
    # current column: 3 hidden -> the smallest other non-zero count (12) hidden too
    assert shown["Jan 2019 to Dec 2019"].tolist() == ["<5", "20", "[c]"]
    assert shown["Share, Jan 2019 to Dec 2019"].tolist() == ["–", "57.1%", "–"]
    assert shown["Jan 2018 to Dec 2018"].tolist() == ["0", "0", "0"]


def test_cohort_table_hides_small_cohorts():
    care = {"age": 14, "looked_after": True, "location_type": "Care home"}
    rows = []
    # care-home children: 2018 three people (one twice); 2019 two people once each
    rows += [
        {**care, "person_id": p, "reported_at": d}
        for p, d in [
            ("K", "2018-02-01"),
            ("K", "2018-03-01"),
            ("L", "2018-04-01"),
            ("N", "2018-05-01"),
            ("K", "2019-02-01"),
            ("L", "2019-04-01"),
        ]
    ]
    # hospital adults: 6 people once in each year
    for i in range(6):
        for d in ("2018-08-01", "2019-08-01"):
            rows.append(
                {"person_id": f"H{i}", "age": 50, "location_type": "Hospital", "reported_at": d}
            )
    # everyone else: 10 people in each year, 5 of them twice in 2019
    for i in range(10):
        rows.append({"person_id": f"Q{i}", "reported_at": "2018-06-01"})
        rows.append({"person_id": f"Q{i}", "reported_at": "2019-06-01"})
        if i < 5:
            rows.append({"person_id": f"Q{i}", "reported_at": "2019-07-01"})
    table = episodes(rows)
    summary = missing.cohort_summary(table, PREVIOUS, CURRENT)
    shown = missing.cohort_table(summary, PREVIOUS, CURRENT).set_index("Cohort")
    row = shown.loc[missing.CARE_HOME_CHILDREN]
    assert row["Episodes, Jan 2018 to Dec 2018"] == "<5"
    assert row["Repeat rate, Jan 2018 to Dec 2018"] == "–"
    assert row["Fisher's exact test"] == "–"
    # down each column the cohorts add up to "All episodes": the care-home count (<5) would be
    # revealed by subtraction, so the next smallest cohort's count (hospital 6) is hidden too
    hospital = shown.loc[missing.HOSPITAL_ADULTS]
    assert hospital["Episodes, Jan 2018 to Dec 2018"] == "[c]"
    assert hospital["Individuals, Jan 2019 to Dec 2019"] == "[c]"
    assert hospital["Repeat individuals, Jan 2019 to Dec 2019"] == "0"
    assert hospital["Repeat rate, Jan 2019 to Dec 2019"] == "–"
    assert shown.loc["All episodes", "Episodes, Jan 2019 to Dec 2019"] == "23"
    other = shown.loc[missing.EVERYONE_ELSE]
    assert other["Episodes, Jan 2019 to Dec 2019"] == "15"
    # 5 repeaters of 10 in 2019, none in 2018: [[0, 10], [5, 5]] -> Fisher p
    # = 2 * C(10, 0) C(10, 5) / C(20, 5) = 2 * 252 / 15504 = 0.032508 -> 0.033 (two figures)
    assert other["Repeat rate, Jan 2019 to Dec 2019"] == "50.0%"
    assert other["Change in repeat rate"] == "+50.0 points"
    assert other["Fisher's exact test"] == "p = 0.033"
    findings = missing.cohort_findings(summary)
    assert f"**{missing.CARE_HOME_CHILDREN}**: too few people" in findings
    assert "rose from 0.0% to 50.0%" in findings
    assert (
        "a change this size would be unusual by chance alone (Fisher's exact test, p = 0.033)"
        in findings
    )
    assert "unlikely to be chance" not in findings and "could well be chance" not in findings
    figs = missing.deep_dive_figures(table, "2019-12")
    care_eps = figs[
        (figs["measure"] == "cohort_episodes") & (figs["group"] == missing.CARE_HOME_CHILDREN)
    ]
    assert care_eps["value"].isna().all()
    conc = figs[figs["measure"] == "concentration_top10_share"]
    # 2019: 23 episodes of 18 people; the top ceil(1.8) = 2 people have 2 each -> 4/23
    assert conc["value"].iloc[1] == pytest.approx(4 / 23 * 100)


def test_cohort_location_table_totals_and_suppression():
    care = {"age": 14, "looked_after": True, "location_type": "Care home"}
    rows = [{**care, "person_id": f"C{i}"} for i in range(12)]
    rows += [{"age": 40, "location_type": "Hospital", "person_id": f"H{i}"} for i in range(3)]
    rows += [{"age": 40, "location_type": "Family home", "person_id": f"F{i}"} for i in range(30)]
    shown = missing.cohort_location_table(episodes(rows), CURRENT).set_index("Cohort")
    assert shown.loc["Total", "Total"] == "45"
    assert shown.loc[missing.HOSPITAL_ADULTS, "Hospital"] == "<5"
    # the hospital row holds one small cell and its total (3) -> the total is small too
    assert shown.loc[missing.HOSPITAL_ADULTS, "Total"] == "<5"
    # the Total row holds Family home 30 + Care home 12 + Hospital 3 (hidden) = 45: one hidden
    # cell, so the smallest other (Care home 12) is hidden, and then down the Care home column
    # the care-home children's 12 as well
    assert shown.loc["Total", ["Family home", "Care home", "Hospital"]].tolist() == [
        "30",
        "[c]",
        "<5",
    ]
    assert shown.loc[missing.CARE_HOME_CHILDREN, "Care home"] == "[c]"
    assert shown.loc[missing.EVERYONE_ELSE, "Family home"] == "30"


def test_location_table_publishes_ids_and_hides_small_counts():
    rows = [
        {"location_type": "Hospital", "location_id": "H1", "age": 50, "person_id": f"P{i}"}
        for i in range(6)
    ]
    rows += [{"location_type": "Hospital", "location_id": "H2", "age": 50, "person_id": "Z"}]
    places = missing.top_locations(episodes(rows), PREVIOUS, CURRENT, "Hospital")
    shown = missing.location_table(places, PREVIOUS, CURRENT)
    assert shown["Place (pseudonymous id)"].tolist() == ["H1", "H2"]
    assert shown["Episodes, Jan 2019 to Dec 2019"].tolist() == ["6", "<5"]


def test_charts_have_alt_text():
    import matplotlib.pyplot as plt

    rows = []
    for i in range(10):
        rows += [
            {"person_id": f"Q{i}", "reported_at": "2018-06-01"},
            {"person_id": f"Q{i}", "reported_at": "2019-06-01"},
        ]
        if i < 5:
            rows.append({"person_id": f"Q{i}", "reported_at": "2019-08-01"})
    table = episodes(rows)
    summary = missing.cohort_summary(table, PREVIOUS, CURRENT)
    fig, alt = missing.cohort_repeat_chart(summary, PREVIOUS, CURRENT)
    assert "Everyone else: 0.0% then 50.0%" in alt
    plt.close(fig)
    # no one with 5 episodes: no case study, and the alt text says so
    fig, alt = missing.case_timeline_chart(missing.case_studies(table, PREVIOUS, CURRENT, n=2))
    assert "No one went missing 5 times or more" in alt
    plt.close(fig)
    # the review's case: 9 episodes; gaps sorted 0, 1, 5 weeks, 2, 3, 3, 5, 6 months -> the
    # shorter middle one is 2 months; interviews within 72 hours after episodes 1, 3, 5, 7, 9
    fig, alt = missing.case_timeline_chart(
        missing.case_studies(review_case(), PREVIOUS, CURRENT, n=2)
    )
    assert (
        "Case A: 5 to 9 episodes, aged 12-15 at the first, typical gap 2 months, children's "
        "return interviews within 72 hours: half or more." in alt
    )
    plt.close(fig)


def test_case_studies_with_no_repeaters():
    import matplotlib.pyplot as plt

    table = episodes([{"person_id": "X1"}, {"person_id": "X2"}])
    timeline = missing.case_studies(table, PREVIOUS, CURRENT, n=5)
    assert timeline.empty
    overview = missing.case_overview(timeline)
    assert overview.empty
    assert missing.display_case_overview(overview, PREVIOUS, CURRENT).empty
    assert missing.display_timeline(timeline).empty
    fig, alt = missing.case_timeline_chart(timeline)
    assert alt
    plt.close(fig)


# --- disclosure review: the reviewer's inputs, by hand ----------------------------------------

# The reviewer's Case A: a looked-after child in a care home, first missing on 13 January 2018
# aged 15, 16 by the episode 132 days later (the 16th birthday between days 121 and 132), still
# going missing in December 2019. Gaps in days: 38, 83, 11, 99, 118, 6, 158, 193 (706 in all).
REVIEW_CASE_DATES = [
    ("2018-01-13 10:00", 15),
    ("2018-02-20 10:00", 15),
    ("2018-05-14 10:00", 15),  # day 121
    ("2018-05-25 10:00", 16),  # day 132: turned 16 in between
    ("2018-09-01 10:00", 16),
    ("2018-12-28 10:00", 16),
    ("2019-01-03 10:00", 16),  # across 1 January: the old "Period" label flipped here
    ("2019-06-10 10:00", 17),
    ("2019-12-20 10:00", 17),
]


def review_case() -> pd.DataFrame:
    care = {"looked_after": True, "location_type": "Care home", "location_id": "CH01"}
    return episodes(
        [
            {
                **care,
                "person_id": "KID",
                "reported_at": reported,
                "found_at": reported[:11] + "18:00",
                "age": age,
                "rhi_date": reported[:10] if i % 2 == 0 else None,
            }
            for i, (reported, age) in enumerate(REVIEW_CASE_DATES)
        ]
    )


def _published_case_text(timeline: pd.DataFrame) -> str:
    import matplotlib.pyplot as plt

    shown = missing.display_timeline(timeline)
    cases = missing.display_case_overview(missing.case_overview(timeline), PREVIOUS, CURRENT)
    fig, alt = missing.case_timeline_chart(timeline)
    plt.close(fig)
    return "\n".join([shown.to_csv(index=False), cases.to_csv(index=False), alt])


def _gap_lower_bound_days(text: str) -> float:
    """The fewest days a published gap can be (what an attacker adds up)."""
    if text in ("–", "under 1 week"):
        return 0.0
    number, unit = text.split()
    if unit.startswith("week"):
        return 7.0 * int(number)
    assert unit.startswith("month"), text
    return float(math.ceil(int(number) * 365.25 / 12))  # whole days, at least k months


def test_case_studies_pin_no_date_and_no_birthday():
    timeline = missing.case_studies(review_case(), PREVIOUS, CURRENT, n=5)
    shown = missing.display_timeline(timeline)
    text = _published_case_text(timeline)
    # no window per episode (the switch of window on 1 January pinned day 0 to a date)
    assert not {"Period", "Day"} & set(shown.columns)
    for word in ("previous 12 months", "last 12 months", "period", "current", "day"):
        assert word not in text.lower(), word
    # gaps in weeks or months, not a running day count: 38 days -> 5 weeks, 83 -> 2 months...
    assert shown["Gap since previous episode"].tolist() == [
        "–",
        "5 weeks",
        "2 months",
        "1 week",
        "3 months",
        "3 months",
        "under 1 week",
        "5 months",
        "6 months",
    ]
    # one age band per case, at the first episode: the 16th birthday leaves no trace
    assert "12-15" in text and "16-17" not in text
    # the attack: the first episode is no earlier than 1 Jan 2018 and the last no later than
    # 31 Dec 2019, so day 0 lies in [1 Jan 2018, 31 Dec 2019 - shortest possible span]. With day
    # counts that was 24 days; with the published gaps it is more than three months
    # (at least 35 + 61 + 7 + 92 + 92 + 0 + 153 + 183 = 623 days; 730 - 623 = 107 days)
    shortest = sum(_gap_lower_bound_days(t) for t in shown["Gap since previous episode"])
    assert shortest == 623
    assert 730 - shortest == 107
    # the episode total is banded, never split by window
    cases = missing.display_case_overview(missing.case_overview(timeline), PREVIOUS, CURRENT)
    assert cases.columns.tolist() == [
        "Case",
        "Age band at first episode",
        "Episodes, Jan 2018 to Dec 2019",
        "Typical gap between episodes",
        "Return interviews within 72 hours",
        "Places gone missing from",
    ]
    assert cases.iloc[0].tolist()[:3] == ["Case A", "12-15", "5 to 9"]


@pytest.mark.parametrize(
    "n_episodes, band",
    [
        (5, "5 to 9"),
        (9, "5 to 9"),
        (10, "10 to 19"),
        (29, "20 to 29"),
        (30, "30 or more"),
        (57, "30 or more"),
    ],
)
def test_episode_total_band(n_episodes, band):
    assert missing.episode_total_band(n_episodes) == band


@pytest.mark.parametrize(
    "days, text, weeks",
    [
        (0, "under 1 week", 0.0),
        (6, "under 1 week", 0.0),
        (7, "1 week", 1.0),
        (13, "1 week", 1.0),
        (14, "2 weeks", 2.0),
        (62, "8 weeks", 8.0),  # the last gap given in weeks
        (63, "2 months", 2 * 365.25 / 12 / 7),  # 9 weeks on: whole months, rounded down
        (91, "2 months", 2 * 365.25 / 12 / 7),
        (92, "3 months", 3 * 365.25 / 12 / 7),
        (400, "13 months", 13 * 365.25 / 12 / 7),
    ],
)
def test_gap_as_published(days, text, weeks):
    assert missing.gap_text(days) == text
    assert missing.gap_weeks(days) == pytest.approx(weeks)


def test_case_studies_need_five_episodes():
    # 4 episodes over two years is a count of 1-4: not a case study
    rows = [{"person_id": "F", "reported_at": f"2019-0{m}-01"} for m in (1, 2, 3, 4)]
    assert missing.case_studies(episodes(rows), PREVIOUS, CURRENT).empty
    rows.append({"person_id": "F", "reported_at": "2019-05-01"})
    assert missing.case_studies(episodes(rows), PREVIOUS, CURRENT)["case"].nunique() == 1


def test_profile_hides_change_beside_hidden_count():
    # High risk: previous 3, current 12 -> "<5 | 12 | 300%" gave previous = 12 / 4 = 3
    rows = [{"risk_grade": "High", "reported_at": "2018-06-01"}] * 3
    rows += [{"risk_grade": "High", "reported_at": "2019-06-01"}] * 12
    shown = missing.display_profile(
        missing.vulnerability_profile(episodes(rows), PREVIOUS, CURRENT), PREVIOUS, CURRENT
    ).set_index("Measure")
    assert shown.loc["Episodes graded High risk"].tolist() == ["<5", "12", "–"]
    # care homes: 0 -> 0, no change to show; a shown pair keeps its change
    rows += [{"location_type": "Hospital", "reported_at": d} for d in ["2018-03-01"] * 10]
    rows += [{"location_type": "Hospital", "reported_at": d} for d in ["2019-03-01"] * 5]
    shown = missing.display_profile(
        missing.vulnerability_profile(episodes(rows), PREVIOUS, CURRENT), PREVIOUS, CURRENT
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
    summary = missing.summary_table(table, PREVIOUS, CURRENT)
    shown = missing.display_summary(summary, PREVIOUS, CURRENT).set_index("Measure")
    # previous 0 open (shown), current 2 (hidden), and no change beside a hidden count
    assert shown.loc["Still open (no found time)"].tolist() == ["0", "<5", "–"]
    figs = missing.theme_figures(table, "2019-12", cost_per_episode=100)
    opened = figs[figs["measure"] == "open_episodes"].set_index("window")["value"]
    assert opened[PREVIOUS.label] == 0
    assert pd.isna(opened[CURRENT.label])
    text = missing.duration_sentence(
        missing.duration_summary(table, PREVIOUS), missing.duration_summary(table, CURRENT)
    )
    # 2 open and 1 found after the window: both counts of 1-4, so neither is given
    assert "fewer than 5 episodes of the last 12 months (0 of the previous)" in text.lower()
    assert "2 episodes" not in text and "1 episode" not in text
    assert "had no found time" in text and "no duration is made up for them" in text
