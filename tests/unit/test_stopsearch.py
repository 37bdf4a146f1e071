"""Stop-search definitions and measures (issue 4).

Expected values come from the reference tables (the real data.police.uk outcome, object and
ethnicity values), the published report (pages 12-16), the 2011 Census figures in
../shared/data/SOURCES.md, and small tables worked by hand -- never from running the code.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from perfpack.data.contracts import CANONICAL, OBJECTS_OF_SEARCH
from perfpack.themes import stopsearch as ss

NFA = "A no further action disposal"
WHITE_BRITISH = "White - English/Welsh/Scottish/Northern Irish/British"
INDIAN = "Asian/Asian British - Indian"
CARIBBEAN = "Black/African/Caribbean/Black British - Caribbean"
MIXED_WBC = "Mixed/Multiple ethnic groups - White and Black Caribbean"
OTHER_NOT_STATED = "Other ethnic group - Not stated"


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
    assert ss.is_positive_outcome(values).tolist() == [positive]
    assert ss.is_arrest(values).tolist() == [arrest]
    assert ss.is_community_resolution(values).tolist() == [community]


@pytest.mark.parametrize("outcome", ["Found", "NFA", "arrest"])
def test_unknown_outcome_is_an_error_naming_it(outcome):
    with pytest.raises(ValueError, match=outcome):
        ss.is_positive_outcome(pd.Series([outcome]))


def test_outcome_category_blank_stays_missing():
    categories = ss.outcome_category(pd.Series(["Arrest", None, "Local resolution"]))
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
    assert ss.is_find(pd.Series([linked], dtype=object)).tolist() == [expected]


def test_is_find_on_boolean_dtype_and_unknown_values():
    linked = pd.Series([True, False, None, None], dtype="boolean")
    assert ss.is_find(linked).tolist() == [True, False, False, False]
    with pytest.raises(ValueError, match="yes"):
        ss.is_find(pd.Series(["yes"]))


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
    rates = ss.outcome_rates(searches).set_index("measure")
    assert rates.loc["positive_outcome_rate", "rate"] == pytest.approx(50.0)
    assert rates.loc["arrest_rate", "rate"] == pytest.approx(25.0)
    assert rates.loc["community_resolution_rate", "rate"] == pytest.approx(12.5)
    assert rates.loc["find_rate", "rate"] == pytest.approx(37.5)
    assert rates["searches"].tolist() == [8, 8, 8, 8]
    assert rates.loc["arrest_rate", "count"] == 2


def test_outcome_rates_with_no_searches_are_none():
    rates = ss.outcome_rates(make_searches([]))
    assert rates["rate"].isna().all()


def test_outcome_comparison_carries_national_figures():
    searches = make_searches([{"outcome": "Arrest"}, {"outcome": NFA}])
    table = ss.outcome_comparison(searches, searches).set_index("measure")
    # the report: national positive 27%, arrest 16%, local resolution 11%; no national find rate
    assert table.loc["positive_outcome_rate", "national"] == 27
    assert table.loc["arrest_rate", "national"] == 16
    assert table.loc["community_resolution_rate", "national"] == 11
    assert pd.isna(table.loc["find_rate", "national"])


# ---------------------------------------------------------------- ethnicity definitions

ETHNICITY_CASES = [
    (WHITE_BRITISH, "White", "White"),
    ("White - Irish", "White", "White"),
    ("White - Gypsy or Irish Traveller", "White", "White"),
    ("White - Any other White background", "White", "White"),
    (INDIAN, "Asian", "BAME"),
    ("Asian/Asian British - Pakistani", "Asian", "BAME"),
    ("Asian/Asian British - Bangladeshi", "Asian", "BAME"),
    ("Asian/Asian British - Chinese", "Asian", "BAME"),  # Chinese counted in Asian
    ("Asian/Asian British - Any other Asian background", "Asian", "BAME"),
    ("Black/African/Caribbean/Black British - African", "Black", "BAME"),
    (CARIBBEAN, "Black", "BAME"),
    (
        "Black/African/Caribbean/Black British - Any other Black/African/Caribbean background",
        "Black",
        "BAME",
    ),
    (MIXED_WBC, "Mixed", "BAME"),
    ("Mixed/Multiple ethnic groups - White and Black African", "Mixed", "BAME"),
    ("Mixed/Multiple ethnic groups - White and Asian", "Mixed", "BAME"),
    ("Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", "Mixed", "BAME"),
    ("Other ethnic group - Arab", "Other", "BAME"),
    ("Other ethnic group - Any other ethnic group", "Other", "BAME"),
    (OTHER_NOT_STATED, "Not stated", "Not known"),
    (None, "Not stated", "Not known"),  # blank: not recorded, never dropped
    ("", "Not stated", "Not known"),
]


@pytest.mark.parametrize(("self_defined", "group", "report_group"), ETHNICITY_CASES)
def test_ethnicity_grouping(self_defined, group, report_group):
    values = pd.Series([self_defined], dtype="str")
    assert ss.ethnic_group(values).tolist() == [group]
    assert ss.report_ethnic_group(values).tolist() == [report_group]


@pytest.mark.parametrize(
    ("self_defined", "not_recorded"),
    [(None, True), ("", True), (OTHER_NOT_STATED, False), (WHITE_BRITISH, False)],
)
def test_ethnicity_not_recorded_is_only_the_blank(self_defined, not_recorded):
    assert ss.is_ethnicity_not_recorded(pd.Series([self_defined], dtype="str")).tolist() == [
        not_recorded
    ]


def test_unknown_ethnicity_is_an_error():
    with pytest.raises(ValueError, match="Martian"):
        ss.ethnic_group(pd.Series(["Martian"]))


# ---------------------------------------------------------------- date-only records, hours, age


@pytest.mark.parametrize(("time_known", "date_only"), [(True, False), (False, True), (None, True)])
def test_is_date_only(time_known, date_only):
    assert ss.is_date_only(pd.Series([time_known], dtype="boolean")).tolist() == [date_only]


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
    hours = ss.hour_of_day_counts(searches).set_index("hour")["searches"]
    assert list(hours.index) == list(range(24))
    assert hours[0] == 1 and hours[15] == 2 and hours[23] == 1
    assert hours.sum() == 4
    assert ss.date_only_count(searches) == 2
    assert ss.date_only_share(searches) == pytest.approx(100 * 2 / 6)
    note = ss.date_only_note(searches)
    assert "2 of 6 searches" in note and "33.3%" in note and "left out" in note


def test_date_only_note_when_every_time_is_known():
    assert "Every search" in ss.date_only_note(make_searches([{}]))


def test_age_breakdown_lists_every_range_in_order():
    searches = make_searches(
        [
            {"age_range": "18-24"},
            {"age_range": "18-24"},
            {"age_range": "over 34"},
            {"age_range": None},
        ]
    )
    table = ss.age_breakdown(searches)
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
        ss.age_group(pd.Series(["35-44"]))


# ---------------------------------------------------------------- objects


def test_object_shares_and_monthly_offensive_weapons():
    searches = make_searches(
        [{"object_of_search": "Controlled drugs"}] * 6
        + [{"object_of_search": "Offensive weapons", "datetime": "2019-09-10 12:00"}] * 2
        + [{"object_of_search": "Offensive weapons", "datetime": "2019-11-30 23:59"}]
        + [{"object_of_search": "Stolen goods"}]
    )
    shares = ss.object_shares(searches)
    assert shares["object"].tolist() == ["Controlled drugs", "Offensive weapons", "Stolen goods"]
    assert shares["searches"].tolist() == [6, 3, 1]
    assert shares["share"].tolist() == pytest.approx([60, 30, 10])
    assert set(shares["object"]) <= set(OBJECTS_OF_SEARCH)
    window = ss.windows_for("2019-12")[2]  # Sep - Nov 2019
    monthly = ss.monthly_object_counts(searches, window)
    assert monthly.tolist() == [2, 0, 1]  # October has none and still shows 0
    assert "Offensive weapons (30%)" in ss.object_sentence(shares)


# ---------------------------------------------------------------- windows and prose


def test_windows_follow_the_theme_lag():
    previous, current, last_three = ss.windows_for("2019-12")
    assert previous.label == "2017-12/2018-11"
    assert current.label == "2018-12/2019-11"
    assert last_three.label == "2019-09/2019-11"


def test_volume_sentence_in_the_reports_words():
    previous, current, _ = ss.windows_for("2019-12")
    sentence = ss.volume_sentence(3797, 6031, previous, current)
    assert "increased by 59% from 3,797 searches in the period 1st December 2017 to 30th " in (
        sentence
    )
    assert "November 2018 compared to 6,031 in the period 1st December 2018 to 30th November" in (
        sentence
    )


def test_national_sentence_from_the_reference_table():
    sentence = ss.national_sentence()
    assert "over 370,000 searches" in sentence and "32%" in sentence


def test_outcome_sentence_rounds_to_one_decimal():
    comparison = pd.DataFrame(
        {
            "measure": list(ss.OUTCOME_MEASURES),
            "label": list(ss.OUTCOME_MEASURES.values()),
            "previous": [31.3, 15.0, 14.0, 20.0],
            "current": [29.06, 14.44, 13.85, 18.0],
            "national": [27.0, 16.0, 11.0, None],
        }
    )
    text = ss.outcome_sentence(comparison)
    assert "31.3% in the previous 12 months and 29.1% in the current" in text
    assert "arrest rate is 14.4% (national 16%)" in text
    assert "resolution 13.9% (national 11%)" in text


# ---------------------------------------------------------------- teams (figure 15)


def published_response_rows() -> list[dict]:
    """The report's Response row, Sep-Nov 2019: 237 searches, 67 positive (28.27%); BAME 37
    with 14 positive (37.84%); White 166 with 47 positive (28.31%); 20 with no ethnicity
    recorded and (237 - 37 - 166 - 20 =) 14 'Not stated'; 67 - 14 - 47 = 6 of those 34
    positive. Counts recovered from the published ratios (seeds README)."""
    rows = []

    def add(n, n_positive, ethnicity):
        for i in range(n):
            rows.append(
                {
                    "team": "Response",
                    "self_defined_ethnicity": ethnicity,
                    "outcome": "Arrest" if i < n_positive else NFA,
                }
            )

    add(20, 8, INDIAN)
    add(17, 6, CARIBBEAN)
    add(166, 47, WHITE_BRITISH)
    add(20, 4, None)
    add(14, 2, OTHER_NOT_STATED)
    return rows


def test_team_breakdown_reproduces_the_published_response_row():
    breakdown = ss.team_breakdown(make_searches(published_response_rows()))
    response = breakdown[breakdown["team"] == "Response"].set_index("group")
    assert response.loc["All", "searches"] == 237
    assert response.loc["BAME", "searches"] == 37
    assert response.loc["BAME", "share"] == pytest.approx(100 * 37 / 237)  # 15.6%
    assert response.loc["White", "share"] == pytest.approx(100 * 166 / 237)  # 70%
    assert response.loc["Not known", "searches"] == 34
    assert response.loc["Not recorded", "searches"] == 20  # the published "Not Known"
    assert response.loc["Not recorded", "share"] == pytest.approx(100 * 20 / 237)  # 8.4%
    assert round(response.loc["All", "positive_rate"], 2) == 28.27
    assert round(response.loc["BAME", "positive_rate"], 2) == 37.84
    assert round(response.loc["White", "positive_rate"], 2) == 28.31
    # every group adds up to the team (the published rows fell 14 short)
    assert response.loc[["BAME", "White", "Not known"], "searches"].sum() == 237
    assert (response["suppressed"] == "").all()
    table = ss.team_table(breakdown).set_index("Team")
    row = table.loc["Response"]
    assert row["Searches"] == "237"
    assert row["BAME"] == "37 / 15.6%"
    assert row["White"] == "166 / 70.0%"
    assert row["Not known"] == "34 / 14.3%"
    assert row["of which not recorded (blank)"] == "20 / 8.4%"
    assert row["Positive outcomes"] == "28.27%"
    assert row["Positive outcomes BAME"] == "37.84%"
    assert row["Positive outcomes White"] == "28.31%"
    # no other team searched: no "Other teams" row; the force total equals Response
    assert list(table.index) == ["Response", "Neighbourhood", "Tactical", "Force total"]
    assert table.loc["Force total", "Searches"] == "237"


def test_team_breakdown_five_groups_and_other_teams():
    rows = (
        [{"team": "Neighbourhood", "self_defined_ethnicity": INDIAN}] * 6
        + [{"team": "Neighbourhood", "self_defined_ethnicity": WHITE_BRITISH}] * 10
        + [{"team": "Dogs", "self_defined_ethnicity": WHITE_BRITISH}] * 7
        + [{"team": None, "self_defined_ethnicity": OTHER_NOT_STATED}] * 5
    )
    breakdown = ss.team_breakdown(make_searches(rows), grouping="five")
    counts = breakdown.pivot(index="team", columns="group", values="searches")
    assert counts.loc["Other teams", "All"] == 12  # Dogs and blank team
    assert counts.loc["Other teams", "Not stated"] == 5
    assert counts.loc["Force total", "Asian"] == 6
    assert counts.loc["Force total", "All"] == 28
    assert list(counts.columns.sort_values()) == sorted(
        ["All", "Asian", "Black", "Mixed", "Other", "White", "Not stated"]
    )
    with pytest.raises(ValueError):
        ss.team_breakdown(make_searches(rows), grouping="bame")


def test_small_counts_are_hidden_with_their_rates():
    # Tactical: 3 Mixed (1 positive) and 20 White; Response: 10 White and 10 Black.
    rows = (
        [{"team": "Tactical", "self_defined_ethnicity": MIXED_WBC, "outcome": "Arrest"}]
        + [{"team": "Tactical", "self_defined_ethnicity": MIXED_WBC}] * 2
        + [{"team": "Tactical", "self_defined_ethnicity": WHITE_BRITISH}] * 20
        + [{"team": "Response", "self_defined_ethnicity": WHITE_BRITISH}] * 10
        + [{"team": "Response", "self_defined_ethnicity": CARIBBEAN}] * 10
    )
    breakdown = ss.team_breakdown(make_searches(rows), grouping="report")
    cells = breakdown.set_index(["team", "group"])
    # BAME on Tactical is 3: hidden; the line would give it away, so another cell goes too
    assert cells.loc[("Tactical", "BAME"), "suppressed"] == "primary"
    assert (cells["suppressed"] == "secondary").any()
    table = ss.team_table(breakdown).set_index("Team")
    assert table.loc["Tactical", "BAME"] == "<5"
    assert table.loc["Tactical", "Positive outcomes BAME"] == "<5"
    # Tactical's 3 is 23 - its 20 White, and 13 BAME in the force total less Response's 10.
    # Worked on paper: Tactical White goes; Response BAME goes, and with it Response White
    # (20 - White) and, in the five-group table, Response Black (BAME = Black there) and the
    # force's Black (all of it Response's). The force's BAME and White stay: 13 = 3 + R with
    # R at least 5 leaves Tactical anything from 1 to 4 (and Response's White is 7 more).
    assert table.loc["Tactical", "White"] == "[c]"
    assert table.loc["Response", "BAME"] == "[c]"
    assert table.loc["Response", "White"] == "[c]"
    assert table.loc["Force total", "BAME"] == "13 / 30.2%"
    assert table.loc["Force total", "White"] == "30 / 69.8%"
    five = ss.team_table(ss.team_breakdown(make_searches(rows), grouping="five")).set_index("Team")
    assert five.loc["Response", "Black"] == "[c]"
    assert five.loc["Force total", "Black"] == "[c]"
    assert five.loc["Tactical", "Mixed"] == "<5"
    assert table.loc["Neighbourhood", "Positive outcomes"] == "–"  # no searches: no rate
    assert table.loc["Neighbourhood", "BAME"] == "0"  # no searches: no share either


def test_a_rate_resting_on_few_positive_outcomes_is_hidden():
    # Neighbourhood: 10 Indian (2 positive: a rate of 20% would give the 2 away), 12 White
    # (6 positive); the counts themselves are large enough to show
    rows = (
        [{"team": "Neighbourhood", "self_defined_ethnicity": INDIAN, "outcome": "Arrest"}] * 2
        + [{"team": "Neighbourhood", "self_defined_ethnicity": INDIAN}] * 8
        + [{"team": "Neighbourhood", "self_defined_ethnicity": WHITE_BRITISH, "outcome": "Arrest"}]
        * 6
        + [{"team": "Neighbourhood", "self_defined_ethnicity": WHITE_BRITISH}] * 6
    )
    breakdown = ss.team_breakdown(make_searches(rows), grouping="five")
    table = ss.team_table(breakdown).set_index("Team")
    assert table.loc["Neighbourhood", "Asian"] == "10 / 45.5%"
    assert table.loc["Neighbourhood", "Positive outcomes Asian"] == "[c]"
    # all 36.36% of 22 is 8 positive and White 50% of 12 is 6: Asian's 2 would be 8 - 6, so
    # one more rate goes. Worked on paper: the White rate (cheaper than the team's) in the
    # team's row and in the force's (which is the same); 8 = 2 + W with W at least 5 leaves
    # the Asian count anything from 1 to 3.
    assert table.loc["Neighbourhood", "Positive outcomes White"] == "[c]"
    assert table.loc["Force total", "Positive outcomes White"] == "[c]"
    assert table.loc["Neighbourhood", "Positive outcomes"] == "36.36%"  # 8 of 22
    cell = breakdown.set_index(["team", "group"]).loc[("Neighbourhood", "Asian")]
    assert cell["rate_suppressed"] and cell["suppressed"] == ""
    assert "1 to 4 positive outcomes" in ss.team_table_note()


def _searches_with_positives(team: str, plan: list[tuple[int, int, str | None]]) -> list[dict]:
    """Rows for ``team``: ``(searches, of which positive, self-defined ethnicity)`` each."""
    rows = []
    for n, n_positive, ethnicity in plan:
        for i in range(n):
            outcome = "Arrest" if i < n_positive else NFA
            rows.append({"team": team, "self_defined_ethnicity": ethnicity, "outcome": outcome})
    return rows


# The review's input (finding 2): Response has Asian 10, Black 10, Mixed 2, Other 0, White 6 and
# 20 with no ethnicity; 14 of the 48 had a positive outcome: 6 BAME (all Asian), 2 White, 6
# of the 20. No other team searched, so the force total row is Response's again.
REVIEW_PLAN = [(10, 6, INDIAN), (10, 0, CARIBBEAN), (2, 0, MIXED_WBC), (6, 2, WHITE_BRITISH),
               (20, 6, None)]  # fmt: skip
LAST3 = "2019-09/2019-11"
#: The sums a reader of the two team tables knows, per team row: All = BAME + White + Not known,
#: BAME = Asian + Black + Mixed + Other, Not known = Not recorded + those who chose "Not
#: stated" (never published); and each column's teams add up to the force total.
READER_GROUPS = ["", "BAME", "White", "Not known", "Asian", "Black", "Mixed", "Other",
                 "Not recorded", "chose"]  # fmt: skip


def _reader_works_out(figures: pd.DataFrame, measure: str, cell: str) -> bool:
    """Whether the published team figures (``team_searches``, or positive outcomes as
    ``team_positive_outcome_rate`` x ``team_searches``) fix ``cell`` ("team|group") by adding
    and subtracting, worked by least squares on the reader's equations (independent of the
    code's linear programme)."""
    rows = figures[figures["window"] == LAST3]

    def published(name, group):
        chosen = rows[(rows["measure"] == name) & (rows["group"] == group)]["value"]
        return float(chosen.iloc[0]) if len(chosen) else math.nan

    teams = sorted({g.split("|")[0] for g in rows["group"]} - {"Force total"})
    every = [*teams, "Force total"]
    names = [f"{t}|{g}" if g else t for t in every for g in READER_GROUPS]
    values = {}
    for name in names:
        group = name.split("|")[1] if "|" in name else ""
        if group == "chose":
            values[name] = math.nan
            continue
        aliases = [name] + (
            [name.replace("Not known", "Not stated")] if "Not known" in name else []
        )
        n = min((published("team_searches", a) for a in aliases), key=math.isnan)
        if measure == "team_searches":
            values[name] = n
        else:
            rate = min(
                (published("team_positive_outcome_rate", a) for a in aliases), key=math.isnan
            )
            values[name] = (
                round(rate * n / 100) if not (math.isnan(rate) or math.isnan(n)) else math.nan
            )
    index = {name: i for i, name in enumerate(names)}
    equations = []

    def equation(total, parts):
        row = np.zeros(len(names))
        row[index[total]] = 1
        for part in parts:
            row[index[part]] -= 1
        equations.append(row)

    for t in every:
        equation(t, [f"{t}|BAME", f"{t}|White", f"{t}|Not known"])
        equation(f"{t}|BAME", [f"{t}|{g}" for g in ("Asian", "Black", "Mixed", "Other")])
        equation(f"{t}|Not known", [f"{t}|Not recorded", f"{t}|chose"])
    for g in READER_GROUPS:
        suffix = f"|{g}" if g else ""
        equation(f"Force total{suffix}", [f"{t}{suffix}" for t in teams])
    matrix = np.array(equations)
    unknown = [i for i, name in enumerate(names) if math.isnan(values[name])]
    if index[cell] not in unknown:
        return True
    sub = matrix[:, unknown]
    target = np.zeros(len(unknown))
    target[unknown.index(index[cell])] = 1
    return np.linalg.matrix_rank(np.vstack([sub, target])) == np.linalg.matrix_rank(sub)


def test_review_input_mixed_cannot_be_worked_out_across_the_two_tables():
    searches = make_searches(_searches_with_positives("Response", REVIEW_PLAN))
    report = ss.team_table(ss.team_breakdown(searches, "report")).set_index("Team")
    five = ss.team_table(ss.team_breakdown(searches, "five")).set_index("Team")
    for team in ("Response", "Force total"):
        # Mixed (2) is hidden; before, BAME 22 - Asian 10 - Black 10 - Other 0 gave it back.
        # Worked on paper: one of Asian and Black must go too; hiding both rows' Asian (or
        # Black) together is the cheapest, and Asian is tried last when showing cells again.
        assert five.loc[team, "Mixed"] == "<5"
        assert five.loc[team, "Asian"] == "[c]"
        assert five.loc[team, "Black"] == "10 / 20.8%"
        assert report.loc[team, "BAME"] == "22 / 45.8%"
        # White (6) is in both tables and shown in both (it was "[c]" in one and 6 in the other)
        assert report.loc[team, "White"] == five.loc[team, "White"] == "6 / 12.5%"
    figures = ss.theme_figures(searches, "2019-12").to_frame()
    for team in ("Response", "Force total"):
        assert not _reader_works_out(figures, "team_searches", f"{team}|Mixed")
        assert not _reader_works_out(figures, "team_searches", f"{team}|Asian")
    # the sums the reader uses are right: BAME, all counts shown, is worked out
    assert _reader_works_out(figures, "team_searches", "Response|BAME")


def test_review_input_white_positive_outcomes_cannot_be_worked_out():
    searches = make_searches(_searches_with_positives("Response", REVIEW_PLAN))
    report = ss.team_table(ss.team_breakdown(searches, "report")).set_index("Team")
    five = ss.team_table(ss.team_breakdown(searches, "five")).set_index("Team")
    for team in ("Response", "Force total"):
        # White's 2 positive outcomes are hidden; before, 14 (29.17% of 48) - 6 (27.27% of 22)
        # - 6 (30% of 20) gave them back. Worked on paper: the Not known rate goes too (the
        # cheapest in that sum); 8 = 2 + NK with NK at least 6 (its blank part, 6, is
        # published) leaves White 1 or 2.
        assert report.loc[team, "Positive outcomes White"] == "[c]"
        assert five.loc[team, "Positive outcomes White"] == "[c]"
        assert report.loc[team, "Positive outcomes Not known"] == "[c]"
        assert five.loc[team, "Positive outcomes Not stated"] == "[c]"
        assert report.loc[team, "Positive outcomes"] == "29.17%"
        assert report.loc[team, "Positive outcomes BAME"] == "27.27%"
        # a hidden count's rate is hidden with it
        assert five.loc[team, "Positive outcomes Mixed"] == "<5"
        assert five.loc[team, "Positive outcomes Asian"] == "[c]"
    figures = ss.theme_figures(searches, "2019-12").to_frame()
    rates = figures[figures["measure"] == "team_positive_outcome_rate"].set_index("group")
    for group in ("Response|White", "Response|Not known", "Response|Not stated", "Response|Mixed"):
        assert math.isnan(rates.loc[group, "value"]), group
    for team in ("Response", "Force total"):
        assert not _reader_works_out(figures, "positive", f"{team}|White")
    assert _reader_works_out(figures, "positive", "Response|BAME")


def test_share_is_hidden_when_the_team_total_is():
    # "Dogs" (another team) made 3 searches, all White: "Other teams" is 3 in the All and the
    # White columns, both hidden. Worked on paper: Response (40 = 10 + 30), Neighbourhood
    # (60 = 20 + 40) and Tactical (30 = 12 BAME + 18 White) each give White from the total, so
    # one team must lose both: Tactical, the smallest. Its BAME 12 is then shown without its
    # share, since "12 / 40.0%" would give the 30 back; T + D = 33 with D 1 to 4.
    rows = (
        [{"team": "Dogs"}] * 3
        + [{"team": "Tactical", "self_defined_ethnicity": CARIBBEAN}] * 12
        + [{"team": "Tactical"}] * 18
        + [{"team": "Response", "self_defined_ethnicity": CARIBBEAN}] * 10
        + [{"team": "Response"}] * 30
        + [{"team": "Neighbourhood", "self_defined_ethnicity": CARIBBEAN}] * 20
        + [{"team": "Neighbourhood"}] * 40
    )
    breakdown = ss.team_breakdown(make_searches(rows), "report")
    table = ss.team_table(breakdown).set_index("Team")
    assert table.loc["Other teams", "Searches"] == table.loc["Other teams", "White"] == "<5"
    assert table.loc["Tactical", "Searches"] == table.loc["Tactical", "White"] == "[c]"
    assert table.loc["Tactical", "BAME"] == "12"
    assert table.loc["Response", "BAME"] == "10 / 25.0%"
    cells = breakdown.set_index(["team", "group"])
    assert cells.loc[("Tactical", "BAME"), "share_suppressed"]
    figures = ss.theme_figures(make_searches(rows), "2019-12").to_frame()
    shares = figures[figures["measure"] == "team_share"].set_index("group")["value"]
    assert shares[[g for g in shares.index if g.startswith("Tactical|")]].isna().all()
    assert shares["Response|BAME"] == pytest.approx(25.0)


def test_team_sentence_leaves_out_a_hidden_rate():
    rows = _searches_with_positives("Response", [(20, 3, WHITE_BRITISH)])
    breakdown = ss.team_breakdown(make_searches(rows), "report")
    # 3 positive outcomes of 20: the rate (15%) would give them away
    assert ss.team_sentence(breakdown) == (
        "Response made the most searches in the last three months (20 of 20)."
    )
    rows = _searches_with_positives("Response", [(20, 6, WHITE_BRITISH)])
    assert "with a 30.0% positive outcome rate" in ss.team_sentence(
        ss.team_breakdown(make_searches(rows), "report")
    )
    # 3 searches in all: the team's count is hidden, and the sentence gives no number
    rows = _searches_with_positives("Response", [(3, 1, WHITE_BRITISH)])
    assert ss.team_sentence(ss.team_breakdown(make_searches(rows), "report")) == (
        "Response made the most searches in the last three months (the number is hidden to "
        "protect small counts)."
    )


def test_team_row_names_other_teams():
    teams = pd.Series(["Response", "Dogs", None, "Tactical", ""], dtype="str")
    assert ss.team_row(teams).tolist() == [
        "Response",
        "Other teams",
        "Other teams",
        "Tactical",
        "Other teams",
    ]


# ---------------------------------------------------------------- disproportionality


@pytest.mark.parametrize(
    ("a", "pop_a", "b", "pop_b", "expected"),
    [
        # rates 10 and 2 per 1,000 -> 5; z*sqrt(1/100 + 1/200) = 0.240050; exp = 1.271313
        (100, 10_000, 200, 100_000, (5.0, 3.93294, 6.35656)),
        # rates 5 and 1 per 1,000 -> 5; 1.96*sqrt(1/50 + 1/50) = 0.392; exp = 1.479938
        (50, 10_000, 50, 50_000, (5.0, 3.37852, 7.39969)),
        # same rate -> 1; 1.96*sqrt(2/100) = 0.277186; exp = 1.319412
        (100, 1_000, 100, 1_000, (1.0, 0.75791, 1.31941)),
        # no searches of the group: ratio 0, no log interval
        (0, 10_000, 200, 100_000, (0.0, None, None)),
        # no White searches: nothing to compare with
        (10, 10_000, 0, 100_000, (None, None, None)),
        (10, 0, 10, 100_000, (None, None, None)),
    ],
)
def test_rate_ratio_ci_hand_worked(a, pop_a, b, pop_b, expected):
    result = ss.rate_ratio_ci(a, pop_a, b, pop_b)
    for got, want in zip(result, expected, strict=True):
        if want is None:
            assert got is None
        else:
            assert got == pytest.approx(want, rel=2e-5)


def test_census_populations_for_staffordshire():
    # ../shared/data/SOURCES.md: White 1,032,327; Mixed 14,095; Asian 39,098 (with Chinese);
    # Black 8,551; total 1,097,497
    populations = ss.census_populations("Staffordshire")
    assert populations["White"] == 1_032_327
    assert populations["Asian"] == 39_098
    assert populations["Black"] == 8_551
    assert populations["Mixed"] == 14_095
    assert populations.sum() == 1_097_497
    with pytest.raises(KeyError):
        ss.census_populations("Atlantis")


@pytest.mark.parametrize(
    ("force_name", "area"),
    [
        ("Staffordshire", "Staffordshire"),
        ("Staffordshire Police", "Staffordshire"),
        ("Staffordshire Police (synthetic demonstration force)", "Staffordshire"),
        ("Avon and Somerset Constabulary", "Avon & Somerset"),
        ("West Midlands Police", "West Midlands"),
        ("Metropolitan Police Service", "Metropolitan"),
        ("city of london police", "City of London"),
    ],
)
def test_census_area_from_the_manifest_force_name(force_name, area):
    assert ss.census_area(force_name) == area


@pytest.mark.parametrize("force_name", ["Police Scotland", "Staffs", "West"])
def test_census_area_unknown(force_name):
    with pytest.raises(KeyError):
        ss.census_area(force_name)


def test_disproportionality_hand_worked():
    populations = pd.Series(
        {"Asian": 10_000, "Black": 5_000, "Mixed": 4_000, "Other": 1_000, "White": 100_000}
    )
    rows = (
        [{"self_defined_ethnicity": WHITE_BRITISH}] * 200
        + [{"self_defined_ethnicity": INDIAN}] * 100
        + [{"self_defined_ethnicity": MIXED_WBC}] * 2
        + [{"self_defined_ethnicity": None}] * 5
        + [{"self_defined_ethnicity": OTHER_NOT_STATED}] * 5
    )
    table = ss.disproportionality(make_searches(rows), populations).set_index("group")
    assert list(table.index) == ["Asian", "Black", "Mixed", "Other", "White", "Not stated", "All"]
    assert table.loc["White", "rate_per_1000"] == pytest.approx(2.0)
    assert table.loc["Asian", "rate_per_1000"] == pytest.approx(10.0)
    assert table.loc["Mixed", "rate_per_1000"] == pytest.approx(0.5)
    assert table.loc["Black", "rate_per_1000"] == 0
    assert table.loc["Asian", "disparity_ratio"] == pytest.approx(5.0)
    assert table.loc["Asian", "ci_low"] == pytest.approx(3.93294, rel=2e-5)
    assert table.loc["Asian", "ci_high"] == pytest.approx(6.35656, rel=2e-5)
    # Mixed: 0.25, 1.96*sqrt(1/2 + 1/200) = 1.392841, exp = 4.026275
    assert table.loc["Mixed", "disparity_ratio"] == pytest.approx(0.25)
    assert table.loc["Mixed", "ci_low"] == pytest.approx(0.0620922, rel=2e-5)
    assert table.loc["Mixed", "ci_high"] == pytest.approx(1.0065688, rel=2e-5)
    assert table.loc["Black", "disparity_ratio"] == 0 and pd.isna(table.loc["Black", "ci_low"])
    assert table.loc["White", "disparity_ratio"] == 1
    # not stated (blank and "Not stated" together) is shown as a share, never dropped
    assert table.loc["Not stated", "searches"] == 10
    assert table.loc["Not stated", "share"] == pytest.approx(100 * 10 / 312)
    assert pd.isna(table.loc["Not stated", "rate_per_1000"])
    assert table.loc["All", "rate_per_1000"] == pytest.approx(312 / 120_000 * 1000)
    # Mixed (2) is hidden and, with it, its share, rate, ratio and interval (1/2 + 1/200 in the
    # interval's width would give the 2 back); 312 - 300 - 0 - 0 would too, so Not stated (10,
    # the cheapest: no rate) goes as well: 12 = M + N with N at least 5 leaves M 1 to 4
    assert table["suppressed"].to_dict() == {
        "Asian": "", "Black": "", "Mixed": "primary", "Other": "", "White": "",
        "Not stated": "secondary", "All": "",
    }  # fmt: skip
    assert table["ratio_suppressed"].tolist() == [False, False, True, False, False, False, False]
    shown = ss.disproportionality_table(table.reset_index())
    assert shown.loc[0, "95% interval"] == "3.93 to 6.36"
    assert shown.loc[0, "Disparity ratio vs White"] == "5.00"
    mixed = shown.set_index("Ethnic group (self-defined)").loc["Mixed"]
    assert mixed.tolist() == ["<5", "<5", "4,000", "<5", "[c]", "[c]"]
    not_stated = shown.set_index("Ethnic group (self-defined)").loc["Not stated"]
    assert not_stated.tolist() == ["[c]", "[c]", "–", "–", "–", "–"]
    assert "<5" in ss.disproportionality_note(table.reset_index())


def test_disproportionality_hides_every_ratio_when_white_is_hidden():
    # 3 White searches (1 to 4) and 40 Asian: every ratio is against White, and Asian's
    # (40 / 39,098) / (W / 1,032,327) would give W back, so every ratio and interval goes.
    # 43 - 40 would give White back too: Asian (the only other non-zero count) is hidden.
    rows = [{"self_defined_ethnicity": WHITE_BRITISH}] * 3 + [
        {"self_defined_ethnicity": INDIAN}
    ] * 40
    table = ss.disproportionality(make_searches(rows), ss.census_populations())
    assert table["suppressed"].tolist() == ["secondary", "", "", "", "primary", "", ""]
    assert table["ratio_suppressed"].tolist() == [True, True, True, True, True, False, False]
    shown = ss.disproportionality_table(table)
    assert shown["Disparity ratio vs White"].tolist()[:5] == ["[c]"] * 5
    assert shown["Searches"].tolist() == ["[c]", "0", "0", "0", "<5", "0", "43"]
    assert (
        ss.disproportionality_note(
            ss.disproportionality(make_searches(rows * 5), ss.census_populations())
        )
        == ""
    )


# ---------------------------------------------------------------- the theme's figures


def test_theme_figures_hand_worked():
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
    figures = ss.theme_figures(make_searches(rows), "2019-12").to_frame()

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


def test_theme_figures_hide_ethnicity_figures_with_their_counts():
    # current window: 20 White, 2 Mixed, 6 with no ethnicity (28, published as the volume).
    # Mixed (2) is hidden; 28 - 20 would give it back with Not stated, so Not stated (6, the
    # cheapest: it has no rate) goes too; 8 = M + N with N at least 5 leaves M 1 to 3.
    rows = (
        [{"self_defined_ethnicity": WHITE_BRITISH}] * 20
        + [{"self_defined_ethnicity": MIXED_WBC}] * 2
        + [{"self_defined_ethnicity": None}] * 6
    )
    figures = ss.theme_figures(make_searches(rows), "2019-12").to_frame()
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
    states = ss.age_suppression(ss.age_breakdown(searches))
    assert states.tolist() == ["", "primary", "primary", "", "", ""]
    # 1 and 4 would add up to 5: a "<5" pair adding to 5 could be 1+4, 2+3, ...: fine; but
    # 4 and 4 (8) are both 4, so the smallest other count (7) goes too
    searches = make_searches(
        [{"age_range": "under 10"}] * 7
        + [{"age_range": "10-17"}] * 4
        + [{"age_range": "18-24"}] * 4
        + [{"age_range": "25-34"}] * 30
    )
    states = ss.age_suppression(ss.age_breakdown(searches))
    assert states.tolist() == ["secondary", "primary", "primary", "", "", ""]
    fig, alt = ss.age_chart(ss.age_breakdown(searches))
    assert "under 10: [c]; 10-17: <5; 18-24: <5; 25-34: 30" in alt


def test_charts_have_alt_text():
    searches = make_searches(
        [{"age_range": "18-24"}] * 6
        + [{"age_range": "under 10"}]
        + [{"datetime": "2019-10-01 00:00", "time_known": False}]
    )
    fig, alt = ss.age_chart(ss.age_breakdown(searches))
    assert "under 10: <5" in alt
    fig, alt = ss.hour_chart(ss.hour_of_day_counts(searches), ss.date_only_count(searches))
    assert "1 date-only searches are not shown" in alt
    monthly = ss.monthly_object_counts(searches, ss.windows_for("2019-12")[2], "Controlled drugs")
    fig, alt = ss.monthly_object_chart(monthly, "Controlled drugs")
    assert "September 2019" in alt
