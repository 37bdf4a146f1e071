"""Stop-search definitions and measures (issue 4), and the theme's figures
(:func:`perfpack.themes.stopsearch.analyse`).

Expected values come from the reference tables (the real data.police.uk outcome, object and
ethnicity values), the published report (pages 12-16), the 2011 Census figures in
../shared/data/SOURCES.md, and small tables worked by hand -- never from running the code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from perfpack.data.contracts import CANONICAL, OBJECTS_OF_SEARCH
from perfpack.data.reference import theme_spec
from perfpack.data.tables import ProcessedTables, open_tables
from perfpack.themes import stopsearch as ss
from perfpack.themes.base import ThemeResult
from perfpack.themes.stopsearch import measures as sm
from perfpack.themes.stopsearch import page
from tests.conftest import one_figure

NFA = "A no further action disposal"
WHITE_BRITISH = "White - English/Welsh/Scottish/Northern Irish/British"
INDIAN = "Asian/Asian British - Indian"
CARIBBEAN = "Black/African/Caribbean/Black British - Caribbean"
MIXED_WBC = "Mixed/Multiple ethnic groups - White and Black Caribbean"
OTHER_NOT_STATED = "Other ethnic group - Not stated"


SPEC = theme_spec("stop_search")


def figures_of(searches: pd.DataFrame, period: str = "2019-12") -> pd.DataFrame:
    """Every figure the force-extract theme publishes for ``searches``."""
    return ss.analyse(ProcessedTables.of(stop_searches=searches), SPEC, period).figures().to_frame()


def make_searches(rows: list[dict]) -> pd.DataFrame:
    """A canonical ``stop_searches`` table from a few hand-written rows (defaults filled)."""
    defaults = {
        "search_id": None,
        "datetime": "2019-10-15 14:30",
        "time_known": True,
        "npt": "Stafford",
        "team": "Response",
        "type": "Person search",
        "legislation": "Misuse of Drugs Act 1971 (section 23)",
        "object_of_search": "Controlled drugs",
        "outcome": NFA,
        "outcome_linked": None,
        "age_range": "18-24",
        "gender": "Male",
        "self_defined_ethnicity": WHITE_BRITISH,
        "officer_defined_ethnicity": "White",
    }
    records = []
    for i, row in enumerate(rows):
        record = {**defaults, **row}
        record["search_id"] = record["search_id"] or f"S{i:05d}"
        records.append(record)
    frame = pd.DataFrame(records, columns=list(CANONICAL["stop_searches"]))
    frame["datetime"] = pd.to_datetime(frame["datetime"], format="%Y-%m-%d %H:%M")
    frame["month"] = frame["datetime"].dt.to_period("M").dt.to_timestamp()
    frame["time_known"] = frame["time_known"].astype("boolean")
    frame["outcome_linked"] = frame["outcome_linked"].astype("boolean")
    for column, kind in CANONICAL["stop_searches"].items():
        if kind == "str":
            frame[column] = frame[column].astype("str")
    return frame


# ---------------------------------------------------------------- outcome definitions

OUTCOME_CASES = [
    # outcome (data.police.uk wording, current and pre-2019), positive, arrest, community
    ("A no further action disposal", False, False, False),
    ("Nothing found - no further action", False, False, False),
    ("Arrest", True, True, False),
    ("Suspect arrested", True, True, False),
    ("Community resolution", True, False, True),
    ("Local resolution", True, False, True),
    ("Penalty Notice for Disorder", True, False, False),
    ("Offender given penalty notice", True, False, False),
    ("Summons / charged by post", True, False, False),
    ("Suspect summonsed to court", True, False, False),
    ("Caution (simple or conditional)", True, False, False),
    ("Offender cautioned", True, False, False),
    ("Khat or Cannabis warning", True, False, False),
    ("Offender given drugs possession warning", True, False, False),
    ("Article found - Detailed outcome unavailable", True, False, False),
    (None, False, False, False),  # blank: not positive, still a search
    ("", False, False, False),
    ("  Arrest  ", True, True, False),  # stray spaces
]


@pytest.mark.parametrize(("outcome", "positive", "arrest", "community"), OUTCOME_CASES)
def test_outcome_definitions(outcome, positive, arrest, community):
    values = pd.Series([outcome], dtype="str")
    assert sm.is_positive_outcome(values).tolist() == [positive]
    assert sm.is_arrest(values).tolist() == [arrest]
    assert sm.is_community_resolution(values).tolist() == [community]


@pytest.mark.parametrize("outcome", ["Found", "NFA", "arrest"])
def test_unknown_outcome_is_an_error_naming_it(outcome):
    with pytest.raises(ValueError, match=outcome):
        sm.is_positive_outcome(pd.Series([outcome]))


def test_outcome_category_blank_stays_missing():
    categories = sm.outcome_category(pd.Series(["Arrest", None, "Local resolution"]))
    assert categories.iloc[0] == "arrest"
    assert pd.isna(categories.iloc[1])
    assert categories.iloc[2] == "community_resolution"


@pytest.mark.parametrize(
    ("linked", "expected"),
    [
        (True, True),
        (False, False),
        (None, False),  # blank: not a find, stays in the denominator
        (pd.NA, False),
        ("True", True),  # data.police.uk spelling
        ("False", False),
        ("", False),
    ],
)
def test_is_find(linked, expected):
    assert sm.is_find(pd.Series([linked], dtype=object)).tolist() == [expected]


def test_is_find_on_boolean_dtype_and_unknown_values():
    linked = pd.Series([True, False, None, None], dtype="boolean")
    assert sm.is_find(linked).tolist() == [True, False, False, False]
    with pytest.raises(ValueError, match="yes"):
        sm.is_find(pd.Series(["yes"]))


def test_outcome_rates_hand_worked():
    # 8 searches: 2 arrests, 1 community resolution, 1 caution, 4 NFA -> positive 4/8;
    # linked True on 3, False on 1, blank on 4 -> find rate 3/8 (blanks in the denominator)
    searches = make_searches(
        [
            {"outcome": "Arrest", "outcome_linked": True},
            {"outcome": "Suspect arrested", "outcome_linked": True},
            {"outcome": "Community resolution", "outcome_linked": True},
            {"outcome": "Offender cautioned", "outcome_linked": False},
            {"outcome": NFA},
            {"outcome": NFA},
            {"outcome": "Nothing found - no further action"},
            {"outcome": NFA},
        ]
    )
    rates = sm.outcome_rates(searches).set_index("measure")
    assert rates.loc["positive_outcome_rate", "rate"] == pytest.approx(50.0)
    assert rates.loc["arrest_rate", "rate"] == pytest.approx(25.0)
    assert rates.loc["community_resolution_rate", "rate"] == pytest.approx(12.5)
    assert rates.loc["find_rate", "rate"] == pytest.approx(37.5)
    assert rates["searches"].tolist() == [8, 8, 8, 8]
    assert rates.loc["arrest_rate", "count"] == 2


def test_outcome_rates_with_no_searches_are_none():
    rates = sm.outcome_rates(make_searches([]))
    assert rates["rate"].isna().all()


def test_outcome_comparison_carries_national_figures():
    searches = make_searches([{"outcome": "Arrest"}, {"outcome": NFA}])
    table = sm.outcome_comparison(searches, searches).set_index("measure")
    # the report: national positive 27%, arrest 16%, local resolution 11%; no national find rate
    assert table.loc["positive_outcome_rate", "national"] == 27
    assert table.loc["arrest_rate", "national"] == 16
    assert table.loc["community_resolution_rate", "national"] == 11
    assert pd.isna(table.loc["find_rate", "national"])


# ---------------------------------------------------------------- date-only records, hours, age


@pytest.mark.parametrize(("time_known", "date_only"), [(True, False), (False, True), (None, True)])
def test_is_date_only(time_known, date_only):
    assert sm.is_date_only(pd.Series([time_known], dtype="boolean")).tolist() == [date_only]


def test_hour_of_day_leaves_out_date_only_records():
    searches = make_searches(
        [
            {"datetime": "2019-10-01 00:00", "time_known": False},
            {"datetime": "2019-10-02 00:00", "time_known": False},
            {"datetime": "2019-10-03 00:30", "time_known": True},  # a real 00:30 stays
            {"datetime": "2019-10-03 15:00", "time_known": True},
            {"datetime": "2019-10-04 15:59", "time_known": True},
            {"datetime": "2019-10-05 23:10", "time_known": True},
        ]
    )
    hours = sm.hour_of_day_counts(searches).set_index("hour")["searches"]
    assert list(hours.index) == list(range(24))
    assert hours[0] == 1 and hours[15] == 2 and hours[23] == 1
    assert hours.sum() == 4
    assert sm.date_only_count(searches) == 2
    assert sm.date_only_share(searches) == pytest.approx(100 * 2 / 6)
    note = page.date_only_note(sm.date_only_count(searches), len(searches))
    assert "2 of 6 searches" in note and "33.3%" in note and "left out" in note


def test_date_only_note_when_every_time_is_known():
    assert "Every search" in page.date_only_note(0, 1)


def test_age_breakdown_lists_every_range_in_order():
    searches = make_searches(
        [
            {"age_range": "18-24"},
            {"age_range": "18-24"},
            {"age_range": "over 34"},
            {"age_range": None},
        ]
    )
    table = sm.age_breakdown(searches)
    assert table["age_range"].tolist() == [
        "under 10",
        "10-17",
        "18-24",
        "25-34",
        "over 34",
        "Not recorded",
    ]
    assert table["searches"].tolist() == [0, 0, 2, 0, 1, 1]
    assert table["share"].tolist() == pytest.approx([0, 0, 50, 0, 25, 25])
    with pytest.raises(ValueError):
        sm.age_group(pd.Series(["35-44"]))


# ---------------------------------------------------------------- objects


def test_object_shares_and_monthly_offensive_weapons():
    searches = make_searches(
        [{"object_of_search": "Controlled drugs"}] * 6
        + [{"object_of_search": "Offensive weapons", "datetime": "2019-09-10 12:00"}] * 2
        + [{"object_of_search": "Offensive weapons", "datetime": "2019-11-30 23:59"}]
        + [{"object_of_search": "Stolen goods"}]
    )
    shares = sm.object_shares(searches)
    assert shares["object"].tolist() == ["Controlled drugs", "Offensive weapons", "Stolen goods"]
    assert shares["searches"].tolist() == [6, 3, 1]
    assert shares["share"].tolist() == pytest.approx([60, 30, 10])
    assert set(shares["object"]) <= set(OBJECTS_OF_SEARCH)
    window = ss.team_window(SPEC, "2019-12")  # Sep - Nov 2019
    monthly = sm.monthly_object_counts(searches, window)
    assert monthly.tolist() == [2, 0, 1]  # October has none and still shows 0
    assert "Offensive weapons (30%)" in page.object_sentence(shares)


# ---------------------------------------------------------------- windows and prose


def test_windows_follow_the_theme_lag():
    windows = SPEC.windows("2019-12")
    assert windows.previous.label == "2017-12/2018-11"
    assert windows.current.label == "2018-12/2019-11"
    assert ss.team_window(SPEC, "2019-12").label == "2019-09/2019-11"
    # figure 15 keeps its three months when the comparison windows are shorter
    assert ss.team_window(SPEC, "2019-12", window_months=1).label == "2019-09/2019-11"


def test_volume_sentence_in_the_reports_words():
    windows = SPEC.windows("2019-12")
    sentence = page.volume_sentence(3797, 6031, windows.previous, windows.current)
    assert "increased by 59% from 3,797 searches in the period 1st December 2017 to 30th " in (
        sentence
    )
    assert "November 2018 compared to 6,031 in the period 1st December 2018 to 30th November" in (
        sentence
    )


def test_national_sentence_from_the_reference_table():
    sentence = page.national_sentence()
    assert "over 370,000 searches" in sentence and "32%" in sentence


def test_outcome_sentence_rounds_to_one_decimal():
    comparison = pd.DataFrame(
        {
            "measure": list(sm.OUTCOME_MEASURES),
            "label": list(sm.OUTCOME_MEASURES.values()),
            "previous": [31.3, 15.0, 14.0, 20.0],
            "current": [29.06, 14.44, 13.85, 18.0],
            "national": [27.0, 16.0, 11.0, None],
        }
    )
    text = page.outcome_sentence(comparison)
    assert "31.3% in the previous 12 months and 29.1% in the current" in text
    assert "arrest rate is 14.4% (national 16%)" in text
    assert "resolution 13.9% (national 11%)" in text


# ---------------------------------------------------------------- the theme's figures


def test_analyse_figures_hand_worked():
    rows = (
        # previous window (Dec 2017 - Nov 2018): 2 searches, 1 positive
        [
            {"datetime": "2017-12-01 09:00", "outcome": "Arrest"},
            {"datetime": "2018-11-30 23:59", "outcome": NFA},
        ]
        # current window (Dec 2018 - Nov 2019): 4 searches
        + [
            {
                "datetime": "2018-12-01 00:00",
                "time_known": False,
                "outcome": "Arrest",
                "outcome_linked": True,
            },
            {
                "datetime": "2019-05-05 10:00",
                "outcome": "Community resolution",
                "object_of_search": "Offensive weapons",
            },
            {"datetime": "2019-10-01 18:00", "outcome": NFA, "team": "Tactical"},
            {
                "datetime": "2019-11-30 18:00",
                "outcome": NFA,
                "team": "Tactical",
                "self_defined_ethnicity": None,
            },
        ]
        # outside both windows: December 2019 (the stop-search lag) and November 2017
        + [{"datetime": "2019-12-01 10:00"}, {"datetime": "2017-11-30 10:00"}]
    )
    figures = figures_of(make_searches(rows))

    def value(measure, window="", group=""):
        chosen = figures[
            (figures["measure"] == measure)
            & (figures["window"] == window)
            & (figures["group"] == group)
        ]
        assert len(chosen) == 1, (measure, window, group)
        return chosen["value"].iloc[0]

    previous, current, last3 = "2017-12/2018-11", "2018-12/2019-11", "2019-09/2019-11"
    assert value("count_previous", previous) == 2
    assert value("count_current", current) == 4
    assert value("pct_change", current) == pytest.approx(100.0)
    assert value("positive_outcome_rate", previous) == pytest.approx(50.0)
    assert value("positive_outcome_rate", current) == pytest.approx(50.0)
    assert value("arrest_rate", current) == pytest.approx(25.0)
    assert value("community_resolution_rate", current) == pytest.approx(25.0)
    assert value("find_rate", current) == pytest.approx(25.0)
    assert value("object_share", current, "Controlled drugs") == pytest.approx(75.0)
    assert value("object_share", current, "Offensive weapons") == pytest.approx(25.0)
    assert value("monthly_offensive_weapon_searches", "2019-05/2019-05") == 1
    assert value("date_only_count", current) == 1
    assert value("date_only_share", current) == pytest.approx(25.0)
    assert value("hour_count", current, "18") == 2
    assert value("hour_count", current, "00") == 0  # the date-only record is not at midnight
    # the last three months hold two Tactical searches: counts of 1-4 are not published
    assert math.isnan(value("team_searches", last3, "Tactical"))
    assert value("team_searches", last3, "Response") == 0
    # the current window holds 3 White searches and 1 with no ethnicity, 4 in all (published):
    # both small, so neither count nor anything built on it is published
    for measure in ("searches_by_ethnicity", "share_by_ethnicity", "rate_per_1000_by_ethnicity"):
        assert math.isnan(value(measure, current, "White")), measure
    assert math.isnan(value("disparity_ratio", current, "White"))
    assert math.isnan(value("not_stated_share", current))
    assert value("searches_by_ethnicity", current, "All") == 4
    assert value("searches_by_ethnicity", current, "Black") == 0
    # Stafford's 4 searches are "<5" on the page: blank in the figures too
    assert math.isnan(value("count_current", current, "Stafford"))
    for measure in (
        "team_positive_outcome_rate",
        "team_share",
        "disparity_ratio_ci_low",
        "searches_by_ethnicity",
        "age_share",
    ):
        assert (figures["measure"] == measure).any(), measure
    assert set(figures["theme"]) == {"stop_search"}


def test_figures_hide_ethnicity_figures_with_their_counts():
    # current window: 20 White, 2 Mixed, 6 with no ethnicity (28, published as the volume).
    # Mixed (2) is hidden; 28 - 20 would give it back with Not stated, so Not stated (6, the
    # cheapest: it has no rate) goes too; 8 = M + N with N at least 5 leaves M 1 to 3.
    rows = (
        [{"self_defined_ethnicity": WHITE_BRITISH}] * 20
        + [{"self_defined_ethnicity": MIXED_WBC}] * 2
        + [{"self_defined_ethnicity": None}] * 6
    )
    figures = figures_of(make_searches(rows))
    current = figures[figures["window"] == "2018-12/2019-11"]

    def value(measure, group=""):
        chosen = current[(current["measure"] == measure) & (current["group"] == group)]
        assert len(chosen) == 1, (measure, group)
        return chosen["value"].iloc[0]

    for measure in (
        "searches_by_ethnicity",
        "share_by_ethnicity",
        "rate_per_1000_by_ethnicity",
        "disparity_ratio",
        "disparity_ratio_ci_low",
        "disparity_ratio_ci_high",
    ):
        assert math.isnan(value(measure, "Mixed")), measure
    assert math.isnan(value("searches_by_ethnicity", "Not stated"))
    assert math.isnan(value("not_stated_share"))
    assert value("searches_by_ethnicity", "White") == 20
    assert value("share_by_ethnicity", "White") == pytest.approx(100 * 20 / 28, abs=1e-6)
    assert value("rate_per_1000_by_ethnicity", "White") == pytest.approx(
        20 / 1_032_327 * 1000, abs=1e-6
    )
    assert value("disparity_ratio", "White") == 1
    assert value("disparity_ratio", "Asian") == 0  # no Asian searches: shown, nothing hidden


def test_age_suppression_protects_against_the_published_total():
    # 7 under 10, 3 aged 10-17, 4 aged 18-24, 30 aged 25-34, none older, none unrecorded:
    # 3 and 4 are hidden; 3 + 4 = 44 - 7 - 30 with both 1 to 4 leaves 3+4 (or 4+3): fine
    searches = make_searches(
        [{"age_range": "under 10"}] * 7
        + [{"age_range": "10-17"}] * 3
        + [{"age_range": "18-24"}] * 4
        + [{"age_range": "25-34"}] * 30
    )
    states = sm.age_suppression(sm.age_breakdown(searches))
    assert states.tolist() == ["", "primary", "primary", "", "", ""]
    # 1 and 4 would add up to 5: a "<5" pair adding to 5 could be 1+4, 2+3, ...: fine; but
    # 4 and 4 (8) are both 4, so the smallest other count (7) goes too
    searches = make_searches(
        [{"age_range": "under 10"}] * 7
        + [{"age_range": "10-17"}] * 4
        + [{"age_range": "18-24"}] * 4
        + [{"age_range": "25-34"}] * 30
    )
    states = sm.age_suppression(sm.age_breakdown(searches))
    assert states.tolist() == ["secondary", "primary", "primary", "", "", ""]
    fig, alt = page.age_chart(sm.age_breakdown(searches))
    assert "under 10: [c]; 10-17: <5; 18-24: <5; 25-34: 30" in alt


def test_charts_have_alt_text():
    searches = make_searches(
        [{"age_range": "18-24"}] * 6
        + [{"age_range": "under 10"}]
        + [{"datetime": "2019-10-01 00:00", "time_known": False}]
    )
    fig, alt = page.age_chart(sm.age_breakdown(searches))
    assert "under 10: <5" in alt
    fig, alt = page.hour_chart(sm.hour_of_day_counts(searches), sm.date_only_count(searches))
    assert "1 date-only searches are not shown" in alt
    monthly = sm.monthly_object_counts(
        searches, ss.team_window(SPEC, "2019-12"), "Controlled drugs"
    )
    fig, alt = page.monthly_object_chart(monthly, "Controlled drugs")
    assert "September 2019" in alt


# ---------------------------------------------------------------- the theme interface


def test_analyse_a_processed_folder_gives_the_published_volume(demo_processed):
    # the report, page 12: 3,797 searches Dec 2017 - Nov 2018, 6,031 Dec 2018 - Nov 2019
    result = ss.analyse(open_tables(demo_processed), SPEC, "2019-12", 12)
    assert isinstance(result, ThemeResult)
    assert (result.previous_count, result.current_count) == (3797, 6031)
    figures = result.figures().to_frame()
    assert one_figure(figures, "count_current", "2018-12/2019-11") == 6031
    assert set(figures["theme"]) == {"stop_search"}
    assert result.peer_view is None and result.census_note == ""  # a force extract


def test_captions_are_numbered_as_in_the_printed_report():
    # the report's captions, pages 12-16 (figure 15 with the team table's window)
    result = ss.analyse(ProcessedTables.of(stop_searches=make_searches([{}])), SPEC, "2019-12")
    assert result.caption("monthly") == "Figure 10. Monthly Volume of Stop Searches"
    assert result.caption("area_change") == (
        "Figure 11. Volume change by Neighbourhood policing team of Stop Searches over a 12 "
        "month period"
    )
    assert result.caption("hour") == "Figure 14. Time of Stop Searches across a 24 hour period"
    assert result.caption("teams") == (
        "Figure 15. Stop Search by Team, 1st September 2019 to 30th November 2019"
    )
