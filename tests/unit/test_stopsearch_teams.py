"""Stop searches by team and ethnic group (the report's figure 15,
:mod:`perfpack.themes.stopsearch.teams`): the published Response row, small counts and what a
reader could work out across the two team tables.

Expected values come from the published report (page 15; counts recovered from its ratios) and
small tables worked by hand -- never from running the code.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from perfpack.themes.stopsearch import page
from perfpack.themes.stopsearch import teams as st
from tests.unit.test_stopsearch import (
    CARIBBEAN,
    INDIAN,
    MIXED_WBC,
    NFA,
    OTHER_NOT_STATED,
    WHITE_BRITISH,
    figures_of,
    make_searches,
)

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
    breakdown = st.team_breakdown(make_searches(published_response_rows()))
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
    table = page.team_table(breakdown).set_index("Team")
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
    breakdown = st.team_breakdown(make_searches(rows), grouping="five")
    counts = breakdown.pivot(index="team", columns="group", values="searches")
    assert counts.loc["Other teams", "All"] == 12  # Dogs and blank team
    assert counts.loc["Other teams", "Not stated"] == 5
    assert counts.loc["Force total", "Asian"] == 6
    assert counts.loc["Force total", "All"] == 28
    assert list(counts.columns.sort_values()) == sorted(
        ["All", "Asian", "Black", "Mixed", "Other", "White", "Not stated"]
    )
    with pytest.raises(ValueError):
        st.team_breakdown(make_searches(rows), grouping="bame")


def test_small_counts_are_hidden_with_their_rates():
    # Tactical: 3 Mixed (1 positive) and 20 White; Response: 10 White and 10 Black.
    rows = (
        [{"team": "Tactical", "self_defined_ethnicity": MIXED_WBC, "outcome": "Arrest"}]
        + [{"team": "Tactical", "self_defined_ethnicity": MIXED_WBC}] * 2
        + [{"team": "Tactical", "self_defined_ethnicity": WHITE_BRITISH}] * 20
        + [{"team": "Response", "self_defined_ethnicity": WHITE_BRITISH}] * 10
        + [{"team": "Response", "self_defined_ethnicity": CARIBBEAN}] * 10
    )
    breakdown = st.team_breakdown(make_searches(rows), grouping="report")
    cells = breakdown.set_index(["team", "group"])
    # BAME on Tactical is 3: hidden; the line would give it away, so another cell goes too
    assert cells.loc[("Tactical", "BAME"), "suppressed"] == "primary"
    assert (cells["suppressed"] == "secondary").any()
    table = page.team_table(breakdown).set_index("Team")
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
    five = page.team_table(st.team_breakdown(make_searches(rows), grouping="five")).set_index(
        "Team"
    )
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
    breakdown = st.team_breakdown(make_searches(rows), grouping="five")
    table = page.team_table(breakdown).set_index("Team")
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
    assert "1 to 4 positive outcomes" in page.team_table_note()


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
    report = page.team_table(st.team_breakdown(searches, "report")).set_index("Team")
    five = page.team_table(st.team_breakdown(searches, "five")).set_index("Team")
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
    figures = figures_of(searches)
    for team in ("Response", "Force total"):
        assert not _reader_works_out(figures, "team_searches", f"{team}|Mixed")
        assert not _reader_works_out(figures, "team_searches", f"{team}|Asian")
    # the sums the reader uses are right: BAME, all counts shown, is worked out
    assert _reader_works_out(figures, "team_searches", "Response|BAME")


def test_review_input_white_positive_outcomes_cannot_be_worked_out():
    searches = make_searches(_searches_with_positives("Response", REVIEW_PLAN))
    report = page.team_table(st.team_breakdown(searches, "report")).set_index("Team")
    five = page.team_table(st.team_breakdown(searches, "five")).set_index("Team")
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
    figures = figures_of(searches)
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
    breakdown = st.team_breakdown(make_searches(rows), "report")
    table = page.team_table(breakdown).set_index("Team")
    assert table.loc["Other teams", "Searches"] == table.loc["Other teams", "White"] == "<5"
    assert table.loc["Tactical", "Searches"] == table.loc["Tactical", "White"] == "[c]"
    assert table.loc["Tactical", "BAME"] == "12"
    assert table.loc["Response", "BAME"] == "10 / 25.0%"
    cells = breakdown.set_index(["team", "group"])
    assert cells.loc[("Tactical", "BAME"), "share_suppressed"]
    figures = figures_of(make_searches(rows))
    shares = figures[figures["measure"] == "team_share"].set_index("group")["value"]
    assert shares[[g for g in shares.index if g.startswith("Tactical|")]].isna().all()
    assert shares["Response|BAME"] == pytest.approx(25.0)


def test_team_sentence_leaves_out_a_hidden_rate():
    rows = _searches_with_positives("Response", [(20, 3, WHITE_BRITISH)])
    breakdown = st.team_breakdown(make_searches(rows), "report")
    # 3 positive outcomes of 20: the rate (15%) would give them away
    assert page.team_sentence(breakdown) == (
        "Response made the most searches in the last three months (20 of 20)."
    )
    rows = _searches_with_positives("Response", [(20, 6, WHITE_BRITISH)])
    assert "with a 30.0% positive outcome rate" in page.team_sentence(
        st.team_breakdown(make_searches(rows), "report")
    )
    # 3 searches in all: the team's count is hidden, and the sentence gives no number
    rows = _searches_with_positives("Response", [(3, 1, WHITE_BRITISH)])
    assert page.team_sentence(st.team_breakdown(make_searches(rows), "report")) == (
        "Response made the most searches in the last three months (the number is hidden to "
        "protect small counts)."
    )


def test_team_row_names_other_teams():
    teams = pd.Series(["Response", "Dogs", None, "Tactical", ""], dtype="str")
    assert st.team_row(teams).tolist() == [
        "Response",
        "Other teams",
        "Other teams",
        "Tactical",
        "Other teams",
    ]
