"""The action-019 deep dive's functions: hand-built episode tables with hand-worked expected
values (never values from running the code); the page the demo batch builds is checked in
tests/notebooks/test_deep_dive.py.

Hand-worked p-values: Fisher's exact test on ``[[0, 10], [5, 5]]`` puts 5 repeaters among 20
people, 10 in each year; a table as extreme is 0 or 5 in the first row, each with probability
``C(10, 5) / C(20, 5) = 252 / 15504``, so ``p = 504 / 15504 = 0.0325``. Holm (1979) multiplies
the k-th smallest of m p-values by ``m - k + 1``, never letting one fall below the one before.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfpack.core import sdc_audit
from perfpack.core.windows import Window, comparison_windows
from perfpack.data.reference import theme_spec
from perfpack.data.tables import ProcessedTables
from perfpack.themes import deep_dive
from perfpack.themes.deep_dive import cases as deep_dive_cases
from perfpack.themes.deep_dive import cohort_tables, cohorts
from perfpack.themes.deep_dive import places as deep_dive_places
from tests.unit.test_missing import CURRENT, PREVIOUS, episodes

FISHER_0_10_5_5 = 504 / 15504
CARE = {"age": 14, "looked_after": True, "location_type": "Care home"}

# --- cohorts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "age, looked_after, place, cohort",
    [
        (14, True, "Care home", cohorts.CARE_HOME_CHILDREN),
        (14, False, "Care home", cohorts.CARE_HOME_CHILDREN),
        (18, True, "Care home", cohorts.CARE_HOME_ADULTS),  # an adult: Herbert Protocol
        (84, False, "Care home", cohorts.CARE_HOME_ADULTS),
        (None, False, "Care home", cohorts.EVERYONE_ELSE),  # no age: neither child nor adult
        (14, True, "Foster placement", cohorts.LOOKED_AFTER),
        (14, None, "Foster placement", cohorts.EVERYONE_ELSE),
        (40, False, "Hospital", cohorts.HOSPITAL_ADULTS),
        (12, False, "Hospital", cohorts.EVERYONE_ELSE),  # a child from hospital
        (30, False, "Family home", cohorts.EVERYONE_ELSE),
        (None, False, "Hospital", cohorts.EVERYONE_ELSE),
    ],
)
def test_cohort_of(age, looked_after, place, cohort):
    table = episodes([{"age": age, "looked_after": looked_after, "location_type": place}])
    assert cohorts.cohort_of(table).tolist() == [cohort]


def test_five_cohorts_and_select_cohort():
    assert len(cohorts.COHORTS) == 5
    table = episodes([{"age": 14, "location_type": "Care home"}, {"age": 40}])
    assert len(cohorts.select_cohort(table, "all")) == 2
    assert len(cohorts.select_cohort(table, cohorts.CARE_HOME_CHILDREN)) == 1
    with pytest.raises(ValueError, match="unknown cohort"):
        cohorts.select_cohort(table, "nobody")


def test_repeat_rate_test_textbook():
    # Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided p = 34/70 = 0.4857
    assert cohorts.repeat_rate_test(3, 4, 1, 4) == pytest.approx(34 / 70)
    assert cohorts.repeat_rate_test(0, 10, 5, 10) == pytest.approx(FISHER_0_10_5_5)
    assert cohorts.repeat_rate_test(0, 0, 1, 4) is None


@pytest.mark.parametrize(
    "raw, adjusted",
    [
        # sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04 -> 0.06
        ([0.01, 0.04, 0.03, 0.005], [0.03, 0.06, 0.06, 0.02]),
        # capped at 1
        ([0.5, 0.6], [1.0, 1.0]),
        # one test: nothing to adjust
        ([0.03], [0.03]),
        ([], []),
    ],
)
def test_holm_hand_worked(raw, adjusted):
    assert cohorts.holm(raw) == pytest.approx(adjusted)


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30))
def test_holm_agrees_with_statsmodels(raw):
    from statsmodels.stats.multitest import multipletests

    expected = multipletests(raw, method="holm")[1]
    assert cohorts.holm(raw) == pytest.approx(list(expected), abs=1e-12)


def _tested_cohorts_table(repeaters: int = 5, people: int = 10) -> pd.DataFrame:
    """Care-home children 8 people once in each year; hospital adults 6 once in each year;
    everyone else ``people`` people once in 2018 and in 2019, ``repeaters`` of them twice."""
    rows = []
    for i in range(8):
        for d in ("2018-02-01", "2019-02-01"):
            rows.append({**CARE, "person_id": f"C{i}", "reported_at": d})
    for i in range(6):
        for d in ("2018-08-01", "2019-08-01"):
            rows.append(
                {"person_id": f"H{i}", "age": 50, "location_type": "Hospital", "reported_at": d}
            )
    for i in range(people):
        rows.append({"person_id": f"Q{i}", "reported_at": "2018-06-01"})
        rows.append({"person_id": f"Q{i}", "reported_at": "2019-06-01"})
        if i < repeaters:
            rows.append({"person_id": f"Q{i}", "reported_at": "2019-07-01"})
    return episodes(rows)


def test_cohort_summary_episodes_per_person_and_holm():
    summary = cohorts.cohort_summary(_tested_cohorts_table(), PREVIOUS, CURRENT)
    assert list(summary.index) == [*cohorts.COHORTS, "All episodes"]
    other = summary.loc[cohorts.EVERYONE_ELSE]
    assert (other["episodes_previous"], other["episodes_current"]) == (10, 15)
    assert other["episodes_per_person_previous"] == pytest.approx(1.0)
    assert other["episodes_per_person_current"] == pytest.approx(1.5)  # 15 / 10
    assert other["repeat_rate_p_value"] == pytest.approx(FISHER_0_10_5_5)
    # three cohorts tested (care homes p = 1, hospitals p = 1, everyone else 0.0325):
    # 0.0325 x 3 = 0.0975; then 1 x 2 and 1 x 1 capped at 1
    assert other["repeat_rate_p_holm"] == pytest.approx(3 * FISHER_0_10_5_5)
    assert summary.loc[cohorts.HOSPITAL_ADULTS, "repeat_rate_p_holm"] == pytest.approx(1.0)
    assert summary.loc[cohorts.CARE_HOME_CHILDREN, "repeat_rate_p_holm"] == pytest.approx(1.0)
    # the Herbert Protocol and looked-after cohorts have no one: no test, not in the family
    assert pd.isna(summary.loc[cohorts.CARE_HOME_ADULTS, "repeat_rate_p_holm"])
    assert pd.isna(summary.loc["All episodes", "repeat_rate_p_holm"])
    assert summary.loc["All episodes", "episodes_per_person_current"] == pytest.approx(29 / 24)


def test_cohort_summary_small_cohorts_are_not_in_the_holm_family():
    care = {**CARE, "location_id": "CH01"}
    table = episodes(
        [
            # care-home children: 2018 K twice, L once; 2019 K once, L once
            {**care, "person_id": "K", "reported_at": "2018-02-01"},
            {**care, "person_id": "K", "reported_at": "2018-03-01"},
            {**care, "person_id": "L", "reported_at": "2018-04-01"},
            {**care, "person_id": "K", "reported_at": "2019-02-01"},
            {**care, "person_id": "L", "reported_at": "2019-04-01"},
            # an 80-year-old missing three times from a care home in 2019 (Herbert Protocol)
            *[
                {"person_id": "A", "age": 80, "location_type": "Care home", "reported_at": d}
                for d in ("2019-01-05", "2019-03-05", "2019-05-05")
            ],
        ]
    )
    summary = cohorts.cohort_summary(table, PREVIOUS, CURRENT)
    care_row = summary.loc[cohorts.CARE_HOME_CHILDREN]
    assert care_row["episodes_per_person_previous"] == pytest.approx(1.5)  # 3 / 2
    assert care_row["episodes_per_person_current"] == pytest.approx(1.0)  # 2 / 2
    assert care_row["repeat_rate_p_value"] == pytest.approx(1.0)  # [[1, 1], [0, 2]]
    herbert = summary.loc[cohorts.CARE_HOME_ADULTS]
    assert (herbert["episodes_current"], herbert["individuals_current"]) == (3, 1)
    # every count is 1 to 4: nothing is published, so nothing is tested together
    assert summary["repeat_rate_p_holm"].isna().all()


def test_cohort_table_shows_raw_and_adjusted_p_and_hides_beside_small_counts():
    rows = [
        {**CARE, "person_id": p, "reported_at": d}
        for p, d in [("K", "2018-02-01"), ("K", "2018-03-01"), ("L", "2018-04-01")]
    ]
    # hospital adults, 6 people once in each year: the smallest other count in each column,
    # hidden with the care homes' so that "All episodes" does not give those away
    for i in range(6):
        for d in ("2018-08-01", "2019-08-01"):
            rows.append(
                {"person_id": f"H{i}", "age": 50, "location_type": "Hospital", "reported_at": d}
            )
    for i in range(10):
        rows.append({"person_id": f"Q{i}", "reported_at": "2018-06-01"})
        rows.append({"person_id": f"Q{i}", "reported_at": "2019-06-01"})
        if i < 5:
            rows.append({"person_id": f"Q{i}", "reported_at": "2019-07-01"})
    summary = cohorts.cohort_summary(episodes(rows), PREVIOUS, CURRENT)
    shown = cohort_tables.cohort_table(summary, PREVIOUS, CURRENT).set_index("Cohort")
    care = shown.loc[cohorts.CARE_HOME_CHILDREN]
    assert care["Episodes, Jan 2018 to Dec 2018"] == "<5"
    for column in (
        "Episodes per person, Jan 2018 to Dec 2018",
        "Repeat rate, Jan 2018 to Dec 2018",
        "Fisher's exact test",
        "Holm-adjusted",
    ):
        assert care[column] == "–"
    other = shown.loc[cohorts.EVERYONE_ELSE]
    assert other["Episodes, Jan 2019 to Dec 2019"] == "15"
    assert other["Episodes per person, Jan 2019 to Dec 2019"] == "1.5"
    assert other["Repeat rate, Jan 2019 to Dec 2019"] == "50.0%"
    assert other["Change in repeat rate"] == "+50.0 points"
    # the only cohort published with a test: Holm over one test is the raw p-value,
    # 2 * 252 / 15504 = 0.0325 -> 0.033 (two significant figures)
    assert other["Fisher's exact test"] == other["Holm-adjusted"] == "p = 0.033"
    assert (
        "no evidence of a change at the 5% level (the only cohort tested, so Holm's adjustment "
        "changes nothing) (Holm-adjusted p = 0.033)" not in cohort_tables.cohort_findings(summary)
    )
    assert (
        "(the only cohort tested, so Holm's adjustment changes nothing) (Holm-adjusted p = 0.033)"
        in cohort_tables.cohort_findings(summary)
    )
    assert shown.loc["All episodes", "Holm-adjusted"] == "–"
    # the care-home count is hidden and the cohorts add up to "All episodes": no column of
    # counts holds exactly one hidden cell
    for column in shown.columns:
        if column.startswith(("Episodes, ", "Individuals, ", "Repeat individuals, ")):
            marks = shown[column].isin(["<5", "[c]"]).sum()
            assert marks != 1, column


def test_findings_use_honest_wording():
    summary = cohorts.cohort_summary(_tested_cohorts_table(), PREVIOUS, CURRENT)
    text = cohort_tables.cohort_findings(summary)
    # raw p = 2 * 252 / 15504 = 0.0325 (shown 0.033), adjusted for three cohorts 0.0975 (0.098):
    # no evidence of a change
    assert (
        f"**{cohorts.EVERYONE_ELSE}**: the repeat rate rose from 0.0% to 50.0% of individuals "
        "(+50.0 points); no evidence of a change at the 5% level once the 3 cohorts tested "
        "together are allowed for (Holm-adjusted p = 0.098); Fisher's exact test before "
        "adjustment p = 0.033. Episodes per person went from 1.0 to 1.5." in text
    )
    assert f"**{cohorts.CARE_HOME_ADULTS}**: no episodes in either period." in text
    for wrong in ("likely to be chance", "could well be chance", "unlikely to be chance"):
        assert wrong not in text
    # 20 people, none twice in 2018 and 15 twice in 2019: Fisher p = 2 x C(20,15) / C(40,15)
    # = 7.7e-7, x 3 cohorts still far below 0.05
    strong = cohorts.cohort_summary(_tested_cohorts_table(15, 20), PREVIOUS, CURRENT)
    assert strong.loc[cohorts.EVERYONE_ELSE, "repeat_rate_p_value"] == pytest.approx(
        2 * 15504 / 40225345056
    )
    assert (
        "a change this size would be unusual by chance alone once the 3 cohorts tested together "
        "are allowed for (Holm-adjusted p < 0.001)" in cohort_tables.cohort_findings(strong)
    )


def test_cohort_overlap_and_its_sentence():
    rows = []
    # 25 children missing from a care home and from a foster placement in 2019: two cohorts
    for i in range(25):
        rows.append({**CARE, "person_id": f"T{i}", "reported_at": "2019-02-01"})
        rows.append(
            {
                "person_id": f"T{i}",
                "age": 14,
                "looked_after": True,
                "location_type": "Foster placement",
                "reported_at": "2019-03-01",
            }
        )
    # 35 others in one cohort in 2019; in 2018 two people in two cohorts, ten in one
    rows += [{"person_id": f"O{i}", "reported_at": "2019-04-01"} for i in range(35)]
    for i in range(2):
        rows.append({**CARE, "person_id": f"S{i}", "reported_at": "2018-02-01"})
        rows.append({"person_id": f"S{i}", "age": 40, "reported_at": "2018-03-01"})
    rows += [{"person_id": f"U{i}", "reported_at": "2018-04-01"} for i in range(10)]
    table = episodes(rows)
    assert cohorts.cohort_overlap(table, CURRENT) == (25, 60)
    assert cohorts.cohort_overlap(table, PREVIOUS) == (2, 12)
    overlaps = {w.label: cohorts.cohort_overlap(table, w) for w in (PREVIOUS, CURRENT)}
    text = cohort_tables.overlap_sentence(overlaps, PREVIOUS, CURRENT)
    # 25 rounded half up to the nearest 10 is 30; 30 of 60 is 50%
    assert "about 30 (50%) of the 60 people missing in Jan 2019 to Dec 2019 were" in text
    # 2 is a count of 1 to 4: not given, and no share that would give it
    assert "and fewer than 5 of the 12 people missing in Jan 2018 to Dec 2018." in text
    assert "25" not in text and "2 of" not in text and "%" not in text.split("and fewer")[1]
    # the cohorts' individuals add up to more than everyone's (25 + 25 + 35 > 60), and their
    # repeaters to less (S0 and S1 repeat across two cohorts, in neither)
    shown = cohort_tables.cohort_table(
        cohorts.cohort_summary(table, PREVIOUS, CURRENT), PREVIOUS, CURRENT
    ).set_index("Cohort")
    assert shown.loc["All episodes", "Individuals, Jan 2019 to Dec 2019"] == "60"
    assert shown.loc["All episodes", "Repeat individuals, Jan 2018 to Dec 2018"] == "<5"
    cohort_rows = shown.loc[list(cohorts.COHORTS)]
    assert cohort_rows.loc[cohorts.CARE_HOME_CHILDREN, "Individuals, Jan 2018 to Dec 2018"] == "<5"
    # the cohorts' people add up to no published figure (everyone's is at most their sum and
    # at least each): a lone "<5" among them is safe, and the audit says so
    sdc_audit.audit_frame(shown)
    for column in shown.columns:
        if column.startswith("Episodes, "):
            assert shown[column].isin(["<5", "[c]"]).sum() != 1, column


@pytest.mark.parametrize(
    "overlap, people, text",
    [
        (0, 40, "no one"),
        (3, 40, "fewer than 5"),
        (5, 40, "about 10 (25%)"),  # 0.5 rounds half up
        (14, 40, "about 10 (25%)"),
        (69, 1943, "about 70 (4%)"),  # the demo's 2019: 70 / 1,943 = 3.6%
        (87, 2491, "about 90 (4%)"),
    ],
)
def test_overlap_text_rounds_to_ten(overlap, people, text):
    assert cohort_tables.overlap_text(overlap, people) == text


def test_cohort_location_table_totals_and_suppression():
    rows = [{**CARE, "person_id": f"C{i}"} for i in range(12)]
    rows += [{"age": 40, "location_type": "Hospital", "person_id": f"H{i}"} for i in range(3)]
    rows += [{"age": 40, "location_type": "Family home", "person_id": f"F{i}"} for i in range(30)]
    shown = cohort_tables.cohort_location_table(episodes(rows), CURRENT).set_index("Cohort")
    assert shown.loc["Total", "Total"] == "45"
    assert shown.loc[cohorts.HOSPITAL_ADULTS, "Hospital"] == "<5"
    assert shown.loc[cohorts.EVERYONE_ELSE, "Family home"] == "30"
    hidden = shown.isin(["<5", "[c]"])
    # every row and column with a hidden cell holds at least two
    assert not (hidden.sum(axis=0) == 1).any() and not (hidden.sum(axis=1) == 1).any()


def _hospital(place: str, person: str, when: str = "2019-06-01") -> dict:
    return {
        "location_type": "Hospital",
        "location_id": place,
        "age": 50,
        "person_id": person,
        "reported_at": when,
    }


def test_location_table_lists_places_of_five_people_or_more():
    rows = [_hospital("H1", f"P{i}") for i in range(6)]  # 6 people, 6 episodes
    rows += [_hospital("H2", "Z")]  # one person
    rows += [_hospital("H3", f"R{i % 4}") for i in range(9)]  # 9 episodes of 4 people
    places = deep_dive_places.top_locations(episodes(rows), PREVIOUS, CURRENT, "Hospital", n=2)
    # H3 has the most episodes but only 4 people: its 9 would be their exact total, so it goes
    # into "Other" with H2: 10 episodes of 5 people
    assert places["location_id"].tolist() == ["H1", "Other", "All"]
    assert places["episodes_current"].tolist() == [6, 10, 16]
    assert places["people"].tolist() == [6, 5, 11]
    shown = deep_dive_places.location_table(places, PREVIOUS, CURRENT, "hospitals")
    assert shown["Place (pseudonymous id)"].tolist() == ["H1", "Other hospitals", "All hospitals"]
    assert shown["Episodes, Jan 2019 to Dec 2019"].tolist() == ["6", "10", "16"]
    assert shown["People, Jan 2019 to Dec 2019"].tolist() == ["6", "5", "11"]


def test_location_table_grows_other_until_it_is_not_small():
    rows = [_hospital("H1", f"P{i}") for i in range(6)]
    rows += [_hospital("H4", f"Q{i}") for i in range(7)]
    rows += [_hospital("H2", "Z")]
    # a place with 5 people in 2019 but 2 in 2018 is not listed either
    rows += [_hospital("H5", f"S{i}") for i in range(5)]
    rows += [_hospital("H5", f"S{i}", "2018-06-01") for i in range(2)]
    places = deep_dive_places.top_locations(episodes(rows), PREVIOUS, CURRENT, "Hospital", n=5)
    # listed H4 (7), H1 (6); "Other" = H2 and H5 has 2 episodes of 2 people in 2018, so H1
    # joins it, then H4: nothing is left to list and "Other" is every hospital
    assert places["location_id"].tolist() == ["Other", "All"]
    assert places["episodes_previous"].tolist() == [2, 2]
    shown = deep_dive_places.location_table(places, PREVIOUS, CURRENT, "hospitals")
    # 2 episodes in 2018 is a small count, hidden in both rows
    assert shown["Episodes, Jan 2018 to Dec 2018"].tolist() == ["<5", "<5"]


def test_location_table_moves_the_lowest_place_into_a_small_other():
    rows = [_hospital("H1", f"P{i}") for i in range(6)]
    rows += [_hospital("H1", f"P{i}", "2018-06-01") for i in range(5)]
    rows += [_hospital("H4", f"Q{i}") for i in range(7)]
    rows += [_hospital("H4", f"Q{i}", "2018-06-01") for i in range(5)]
    rows += [_hospital("H2", f"Z{i}", "2018-06-01") for i in range(3)]  # "Other": 3 in 2018
    places = deep_dive_places.top_locations(episodes(rows), PREVIOUS, CURRENT, "Hospital", n=5)
    # H2 has 3 people in 2018: not listed; "Other" is then 3 episodes of 3 people in 2018, too
    # small, so H1 (the lowest listed) joins it: 8 episodes of 8 people
    assert places["location_id"].tolist() == ["H4", "Other", "All"]
    assert places["episodes_previous"].tolist() == [5, 8, 13]
    assert places["episodes_current"].tolist() == [7, 6, 13]


@pytest.mark.parametrize(
    "top, rest, expected",
    [
        # 100 people: the top 10 have 3 each (30 of 120 episodes)
        ([3] * 10, [1] * 90, 30 / 120 * 100),
        # 99 people: ceil(9.9) = 10 people, 4 + 9 x 2 = 22 of 22 + 89
        ([4] + [2] * 9, [1] * 89, 22 / 111 * 100),
        # ties at the cut-off: the group stays at 10 people (20 of 200)
        ([2] * 10, [2] * 90, 20 / 200 * 100),
        # 90 people: a top tenth of 9 is too few people to publish
        ([3] * 9, [1] * 81, None),
    ],
)
def test_concentration(top, rest, expected):
    rows = []
    for p, k in enumerate(top + rest):
        rows += [{"person_id": f"P{p}", "reported_at": f"2019-{m + 1:02d}-03"} for m in range(k)]
    share = deep_dive_places.concentration(episodes(rows), CURRENT)
    assert share == (None if expected is None else pytest.approx(expected))
    assert deep_dive_places.concentration(episodes(rows), PREVIOUS) is None


def test_deep_dive_figures_honour_window_months():
    rows = [{"person_id": f"P{i}", "reported_at": "2019-03-01"} for i in range(7)]
    rows += [{"person_id": f"P{i}", "reported_at": "2019-09-01"} for i in range(6)]
    rows += [{"person_id": "P0", "reported_at": d} for d in ("2019-10-01", "2019-11-01")]
    # 8 episodes of 6 people, one repeater ("<5"): 6 + repeaters <= 8 leaves it 1 or 2
    spec = theme_spec(deep_dive.THEME)
    tables = ProcessedTables.of(missing_episodes=episodes(rows))
    result = deep_dive.analyse(tables, spec, "2019-12", 6)
    figs = result.figures().to_frame()
    everyone = figs[figs["group"] == cohorts.EVERYONE_ELSE].set_index(["measure", "window"])
    assert everyone.loc[("cohort_episodes", "2019-01/2019-06"), "value"] == 7
    assert everyone.loc[("cohort_episodes", "2019-07/2019-12"), "value"] == 8
    assert everyone.loc[("cohort_episodes_per_person", "2019-07/2019-12"), "value"] == 8 / 6
    assert set(figs["window"]) == {"2019-01/2019-06", "2019-07/2019-12"}


def test_the_runner_passes_window_months_to_the_deep_dive():
    from perfpack.report import plan

    jobs = plan.plan("2019-12", Path("p"), Path("a"), window_months=6)
    deep = next(j for j in jobs if j.slug == deep_dive.DEEP_DIVE)
    assert deep.parameters["window_months"] == 6


# --- case studies: quarters, bands, before and after -------------------------------------------


def test_intervention_is_read_from_the_reference_data():
    # the report, page 17: MPIT "was implemented, originally as a pilot, in July 2018"
    mpit = deep_dive_cases.intervention("missing_persons")
    assert mpit.start == pd.Period("2018-07", "M") and mpit.name == "MPIT"
    with pytest.raises(KeyError, match="interventions.csv"):
        deep_dive_cases.intervention("stop_search")


def test_quarters_and_labels():
    span = Window(PREVIOUS.start, CURRENT.end)
    blocks = deep_dive_cases.quarters(span)
    assert [deep_dive_cases.block_label(b) for b in blocks] == [
        "Jan-Mar 2018",
        "Apr-Jun 2018",
        "Jul-Sep 2018",
        "Oct-Dec 2018",
        "Jan-Mar 2019",
        "Apr-Jun 2019",
        "Jul-Sep 2019",
        "Oct-Dec 2019",
    ]
    # eight months ending in November: counted back from the end, the first block shorter
    short = deep_dive_cases.quarters(Window(pd.Period("2019-04", "M"), pd.Period("2019-11", "M")))
    assert [deep_dive_cases.block_label(b) for b in short] == [
        "Apr-May 2019",
        "Jun-Aug 2019",
        "Sep-Nov 2019",
    ]
    assert deep_dive_cases.block_label(Window(pd.Period("2018-12"), pd.Period("2019-02"))) == (
        "Dec 2018-Feb 2019"
    )


@pytest.mark.parametrize(
    "n, band",
    [(0, "0"), (1, "1-2"), (2, "1-2"), (3, "3-5"), (5, "3-5"), (6, "6-9"), (9, "6-9")]
    + [(10, "10 or more"), (57, "10 or more")],
)
def test_quarter_band(n, band):
    assert deep_dive_cases.quarter_band(n) == band


def test_band_range_and_verdict_hand_worked():
    blocks = deep_dive_cases.quarters(Window(PREVIOUS.start, CURRENT.end))
    # quarters "1-2" and "3-5": 4 to 7 episodes over 6 months = 2.0 to 3.5 per quarter
    bands = ["1-2", "3-5"] + ["0"] * 6
    assert deep_dive_cases.band_range(bands, blocks, (0, 1)) == (2.0, 3.5)
    assert deep_dive_cases.band_range(bands, blocks, range(2, 8)) == (0.0, 0.0)
    assert deep_dive_cases.verdict((2.0, 3.5), (0.0, 0.0)) == "fell"
    assert deep_dive_cases.verdict((1.0, 2.0), (0.5, 1.0)) == "no clear change"  # 1.0 in both
    assert deep_dive_cases.verdict((0.0, 0.0), (0.5, 1.0)) == "rose"
    # a "10 or more" quarter has no upper limit: the average stays open
    assert deep_dive_cases.verdict((10.0, float("inf")), (3.7, float("inf"))) == "no clear change"
    assert deep_dive_cases.range_text(10.0, float("inf")) == "10.0 or more"


def _case_pool(fillers: int = 18) -> pd.DataFrame:
    """F: 4 then 3 episodes in the two quarters before MPIT, none after (fell). R: none before,
    3 in each of three quarters of 2019 (rose). N: one in every quarter (no clear change).
    ``fillers`` people once in Feb 2018, Aug 2018 and Feb 2019: before 0.5 to 1.0 a quarter,
    after 0.33 to 0.67, which overlap (no clear change). X: twice, too few to be a case."""
    dates = {
        "F": ["2018-01-10", "2018-02-10", "2018-03-10", "2018-03-20"]
        + ["2018-04-10", "2018-05-10", "2018-06-10"],
        "R": [f"2019-{m:02d}-1{d}" for m in (1, 4, 7) for d in (0, 2, 4)],
        "N": [f"{y}-{m:02d}-15" for y in (2018, 2019) for m in (2, 5, 8, 11)],
        "X": ["2019-01-01", "2019-02-01"],
    }
    for i in range(fillers):
        dates[f"G{i:02d}"] = ["2018-02-01", "2018-08-01", "2019-02-01"]
    return episodes([{"person_id": p, "reported_at": d} for p, ds in dates.items() for d in ds])


F_ROW = ["3-5", "3-5", "0", "0", "0", "0", "0", "0", "3.0 to 5.0", "0", "fell"]
N_ROW = ["1-2"] * 8 + ["1.0 to 2.0", "1.0 to 2.0", "no clear change"]
G_ROW = ["1-2", "0", "1-2", "0", "1-2", "0", "0", "0", "0.5 to 1.0", "0.3 to 0.7"]
G_ROW += ["no clear change"]
R_ROW = ["0", "0", "0", "0", "3-5", "3-5", "3-5", "0", "0", "1.5 to 2.5", "rose"]


def test_case_studies_show_the_range_one_row_per_person():
    mpit = deep_dive_cases.intervention("missing_persons")
    cases = deep_dive_cases.case_studies(_case_pool(), PREVIOUS, CURRENT, mpit, n=5)
    assert cases.eligible == 21  # F, R, N and 18 fillers; X has two episodes
    assert cases.verdict_counts == {"fell": 1, "no clear change": 19, "rose": 1}
    table = cases.table
    # taken in turn: F (fell), N (most episodes of "no clear change"), R (rose), then two
    # fillers; shown by verdict, so F first and R last
    assert table["case"].tolist() == ["Case A", "Case B", "Case C", "Case D", "Case E"]
    rows = [r[1:] for r in table.itertuples(index=False, name=None)]
    assert rows[0] == tuple(F_ROW) and rows[4] == tuple(R_ROW)
    assert sorted(rows[1:4]) == sorted([tuple(N_ROW), tuple(G_ROW), tuple(G_ROW)])
    assert table["case"].is_unique
    shown = deep_dive_cases.display_cases(cases)
    assert shown.columns.tolist()[-3:] == [
        "Before MPIT (Jan-Jun 2018): episodes per quarter",
        "After MPIT (Jul 2018-Dec 2019): episodes per quarter",
        "Repeats after MPIT",
    ]
    assert cases.split.note == "Missing Person Investigation Team started (pilot) in July 2018."
    text = shown.to_csv(index=False)
    for word in ("G0", "person", "Episode,", "Age", "Looked", "Risk", "Gap", "2018-0"):
        assert word not in text
    three = deep_dive_cases.case_studies(_case_pool(), PREVIOUS, CURRENT, mpit, n=3)
    assert [r[-1] for r in three.table.itertuples()] == ["fell", "no clear change", "rose"]


def test_too_few_people_for_case_studies():
    mpit = deep_dive_cases.intervention("missing_persons")
    cases = deep_dive_cases.case_studies(_case_pool(16), PREVIOUS, CURRENT, mpit)
    assert cases.eligible == 19 and cases.table.empty
    assert "fewer than 20 people" in deep_dive_cases.cases_sentence(cases)
    fig, alt = deep_dive_cases.case_chart(cases)
    assert "No case studies" in alt
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_case_chart_alt_text():
    import matplotlib.pyplot as plt

    mpit = deep_dive_cases.intervention("missing_persons")
    cases = deep_dive_cases.case_studies(_case_pool(), PREVIOUS, CURRENT, mpit, n=3)
    fig, alt = deep_dive_cases.case_chart(cases)
    assert "Case A: 3-5, 3-5, 0, 0, 0, 0, 0, 0; repeats fell" in alt
    assert "a line before Jul-Sep 2018 where MPIT starts" in alt
    plt.close(fig)


def test_case_studies_honour_window_months():
    mpit = deep_dive_cases.intervention("missing_persons")
    # six-month windows in 2019 start after MPIT: the previous window against the current one
    previous, current = comparison_windows("2019-12", 0, 6)
    cases = deep_dive_cases.case_studies(_case_pool(), previous, current, mpit)
    assert len(cases.blocks) == 4
    assert cases.split.before_label == "Previous window (Jan-Jun 2019)"
    assert cases.split.after_label == "Current window (Jul-Dec 2019)"
    assert cases.split.verdict_label == "Repeats, current against previous window"
    assert cases.split.note.startswith("The periods start after MPIT (July 2018)")
    # four-month windows are not whole quarters: months, so no block straddles the windows
    previous, current = comparison_windows("2019-12", 0, 4)
    cases = deep_dive_cases.case_studies(_case_pool(), previous, current, mpit)
    assert [b.n_months for b in cases.blocks] == [1] * 8
    assert cases.split.before == tuple(range(4)) and cases.split.after == tuple(range(4, 8))


# --- what a reader can work out from a published case row --------------------------------------

CAP = 11  # "10 or more" tried as 10 and 11: enough to show it is not one value


def _values(band: str) -> range:
    low, high = deep_dive_cases.band_limits(band)
    return range(low, CAP + 1 if high == float("inf") else int(high) + 1)


def _brute_force(bands: list[str], groups: dict, minimum: int) -> dict:
    """Every whole-number quarter vector the bands allow (total at least ``minimum``): the
    values each group's total can take. Independent of the code under test."""
    seen = {name: set() for name in groups}
    for vector in itertools.product(*(_values(b) for b in bands)):
        if sum(vector) < minimum:
            continue
        for name, members in groups.items():
            seen[name].add(sum(vector[i] for i in members))
    return seen


def _groups(n: int, before) -> dict:
    groups = {
        "total": range(n),
        "before": before,
        "after": [i for i in range(n) if i not in before],
    }
    groups.update({f"q{i}": [i] for i in range(n)})
    return groups


def test_row_ranges_match_brute_force():
    bands = [b[2] for b in deep_dive_cases.QUARTER_BANDS if b[1] is not None]  # bounded bands
    groups = _groups(4, [0, 1])
    for row in itertools.product(bands, repeat=4):
        row = list(row)
        found = _brute_force(row, groups, deep_dive_cases.CASE_MIN_EPISODES)
        if not found["total"]:
            continue  # no one with these bands has 3 or more episodes: never published
        ranges = deep_dive_cases.row_ranges(row, groups)
        for name, values in found.items():
            assert ranges[name] == (min(values), max(values)), (row, name)


def test_no_published_row_pins_a_total_or_a_quarter():
    """Every possible row of four quarters: the total, before, after and every non-zero quarter
    keep at least two possible values (zeros are published as zeros)."""
    bands = [b[2] for b in deep_dive_cases.QUARTER_BANDS]
    groups = _groups(4, [0, 1])
    for row in itertools.product(bands, repeat=4):
        found = _brute_force(list(row), groups, deep_dive_cases.CASE_MIN_EPISODES)
        if not found["total"]:
            continue
        for name, values in found.items():
            members = groups[name]
            if all(row[i] == "0" for i in members):
                continue
            assert len(values) >= 2, (row, name, values)


def test_a_minimum_of_five_would_pin_a_total():
    # why cases need 3 episodes and not 5: one "3-5" quarter and a minimum of 5 is exactly 5
    groups = {"total": range(4)}
    row = ["3-5", "0", "0", "0"]
    assert deep_dive_cases.row_ranges(row, groups, minimum=5)["total"] == (5, 5)
    assert deep_dive_cases.row_ranges(row, groups)["total"] == (3, 5)
