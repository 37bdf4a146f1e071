"""Suppression across the tables of one page: hand-built cases where choosing each table's
hidden cells on its own let a reader undo them (the reviewer's leak1-3), with hand-worked
expected marks and ranges (never values from running the code).
"""

from __future__ import annotations

import pandas as pd
import pytest

from perfpack.core import sdc_audit
from perfpack.data.reference import theme_spec
from perfpack.present import html as present
from perfpack.themes import area_charts, areas, deep_dive
from perfpack.themes.deep_dive import cohort_tables, cohorts
from perfpack.themes.deep_dive import page as deep_dive_page
from perfpack.themes.missing import display
from perfpack.themes.missing import page as missing_page
from tests.unit.test_missing import CURRENT, PREVIOUS, episodes

HIDDEN = ("<5", "[c]")

# --- the cohort table's own columns (leak 1) --------------------------------------------------

COHORT_COUNTS = pd.DataFrame(
    {
        # cohort "hospital adults": 6 episodes, 5 individuals, 1 repeater in the previous year
        "episodes_previous": [100, 0, 60, 6, 500, 666],
        "episodes_current": [90, 0, 50, 20, 400, 560],
        "individuals_previous": [20, 0, 30, 5, 300, 350],
        "individuals_current": [20, 0, 25, 12, 250, 300],
        "repeat_individuals_previous": [15, 0, 10, 1, 100, 126],
        "repeat_individuals_current": [14, 0, 10, 5, 90, 119],
    },
    index=pd.Index([*cohorts.COHORTS, cohorts.ALL], name="cohort"),
)


def test_repeaters_pinned_by_episodes_and_individuals_is_a_failure():
    # hand-worked: a repeater has two or more episodes, so individuals + repeaters <= episodes:
    # 5 + r <= 6 gives r <= 1, and "<5" says r >= 1: r = 1, pinned
    cells = ["episodes", "individuals", "repeaters"]
    publication = sdc_audit.Publication(
        values=pd.Series([6.0, 5.0, 1.0], index=cells),
        states=pd.Series(["", "", "primary"], index=cells),
        inequalities=[
            (["repeaters"], ["individuals"]),
            (["individuals", "repeaters"], ["episodes"]),
        ],
    )
    result = sdc_audit.audit(publication).set_index("cell")
    assert (result.loc["repeaters", "low_at_least"], result.loc["repeaters", "high_at_least"]) == (
        1,
        1,
    )
    with pytest.raises(sdc_audit.DisclosureError, match="'repeaters'.*pinned to one value"):
        sdc_audit.require(publication)


def test_cohort_table_declares_its_row_orderings():
    shown = cohorts.cohort_counts_shown(COHORT_COUNTS)
    row = shown.loc[cohorts.HOSPITAL_ADULTS]
    assert row["repeat_individuals_previous"] == "<5"
    # one of the episodes or individuals behind it hidden too, so it is not pinned
    assert row["episodes_previous"] in HIDDEN or row["individuals_previous"] in HIDDEN
    result = sdc_audit.audit(sdc_audit.publications(shown)[0]).set_index("cell")
    cell = (cohorts.HOSPITAL_ADULTS, "repeat_individuals_previous")
    assert result.loc[[cell], "failure"].tolist() == [""]
    assert result.loc[[cell], "high_at_least"].iloc[0] >= 2
    # the derived figures beside the hidden counts are hidden too
    table = cohort_tables.cohort_table(
        COHORT_COUNTS.assign(**_derived(COHORT_COUNTS)), PREVIOUS, CURRENT
    )
    line = table.set_index("Cohort").loc[cohorts.HOSPITAL_ADULTS]
    assert line["Repeat rate, Jan 2018 to Dec 2018"] == "–"
    assert line["Episodes per person, Jan 2018 to Dec 2018"] == "–"


def _derived(counts: pd.DataFrame) -> dict:
    """The non-count columns of a cohort summary (any values: the test is on hiding them)."""
    out = {}
    for w in ("previous", "current"):
        out[f"episodes_per_person_{w}"] = counts[f"episodes_{w}"] / counts[f"individuals_{w}"]
        out[f"repeat_rate_{w}"] = 50.0
    out.update(
        episodes_pct_change=1.0,
        repeat_rate_change_points=1.0,
        repeat_rate_p_value=0.5,
        repeat_rate_p_holm=0.5,
    )
    return out


# --- the deep-dive page (leak 2) --------------------------------------------------------------


def _page_episodes() -> pd.DataFrame:
    """2019: 20 children from care homes (ten people, two each, at home CH1), 3 adults from
    care homes (the Herbert Protocol group: three people, at CH1), 12 adults from hospitals (six
    people, two each) and 30 others; 2018: the same but 2 adults from care homes."""
    rows = []
    for year, adults in (("2019", 3), ("2018", 2)):
        for i in range(20):
            rows.append({"person_id": f"C{year}{i % 10}", "age": 14, "location_type": "Care home",
                         "location_id": "CH1", "reported_at": f"{year}-03-01"})  # fmt: skip
        for i in range(adults):
            rows.append({"person_id": f"A{year}{i}", "age": 84, "location_type": "Care home",
                         "location_id": "CH1", "reported_at": f"{year}-04-01"})  # fmt: skip
        for i in range(12):
            rows.append({"person_id": f"H{year}{i % 6}", "age": 40, "location_type": "Hospital",
                         "location_id": "HO1", "reported_at": f"{year}-05-01"})  # fmt: skip
        for i in range(30):
            rows.append({"person_id": f"O{year}{i}", "reported_at": f"{year}-06-01"})
    return episodes(rows)


def test_one_suppression_for_the_deep_dive_page():
    table = _page_episodes()
    page = deep_dive_page.protect_page(table, PREVIOUS, CURRENT)
    summary = page.summary
    cohort = cohort_tables.cohort_table(summary, PREVIOUS, CURRENT, page).set_index("Cohort")
    cross = {
        w.label: cohort_tables.cohort_location_table(table, w, page).set_index("Cohort")
        for w in (PREVIOUS, CURRENT)
    }
    homes = page.location_table("Care home", PREVIOUS, CURRENT, "care homes")
    homes = homes.set_index("Place (pseudonymous id)")
    for label, window in (("2018", PREVIOUS), ("2019", CURRENT)):
        heading = f"Episodes, Jan {label} to Dec {label}"
        xt = cross[window.label]
        # the Herbert Protocol group (3, then 2 episodes) is "<5" in every table showing it
        assert cohort.loc[cohorts.CARE_HOME_ADULTS, heading] == "<5"
        assert xt.loc[cohorts.CARE_HOME_ADULTS, "Care home"] == "<5"
        # the same number has the same mark everywhere: a cohort's episodes are its row total
        for name in cohorts.COHORTS:
            assert cohort.loc[name, heading] == xt.loc[name, "Total"], (name, label)
        assert cohort.loc[cohorts.ALL, heading] == xt.loc["Total", "Total"]
        assert homes.loc["All care homes", heading] == xt.loc["Total", "Care home"]
        # hand-worked: children 20 + adults "<5" = the Care home total, so with the total shown
        # the children's 20 must be hidden (in the cohort table and the cross table alike),
        # else adults = total - 20 is pinned
        if xt.loc["Total", "Care home"] not in HIDDEN:
            assert xt.loc[cohorts.CARE_HOME_CHILDREN, "Care home"] in HIDDEN
            assert cohort.loc[cohorts.CARE_HOME_CHILDREN, heading] in HIDDEN
    # every table carries the one page-wide record, and the page passes its audit
    for frame in (cohort, *cross.values(), homes):
        assert [p is page.publication for p in sdc_audit.publications(frame)] == [True]
    result = sdc_audit.require(page.publication)
    herbert = ("crosstab", CURRENT.label, cohorts.CARE_HOME_ADULTS, "Care home")
    row = result.set_index("cell").loc[[herbert]].iloc[0]
    assert (row["low_at_least"], row["high_at_least"]) != (3, 3)
    # the figures the page saves blank what the page hides
    spec = theme_spec(deep_dive.THEME)
    figures = deep_dive.analyse({spec.table: table}, spec, "2019-12").figures().to_frame()
    herbert_eps = figures[
        (figures["measure"] == "cohort_episodes") & (figures["group"] == cohorts.CARE_HOME_ADULTS)
    ]
    assert herbert_eps["value"].isna().all()


# --- the missing-persons appendix (leak 3) ----------------------------------------------------


def _appendix():
    rows = ["High", "Medium", "Low"]
    risk = pd.DataFrame({"previous": [40, 300, 260], "current": [30, 250, 220]}, index=rows)
    types = ["Family home", "Care home", "Hospital", "Other"]
    # hospitals 3 in 2019: "<5"; with the care homes shown and the total of 500 known, the
    # place table alone would hide a second cell; the profile shows the same numbers
    places = pd.DataFrame({"previous": [450, 80, 20, 50], "current": [400, 10, 3, 87]}, index=types)
    profile = pd.DataFrame(
        {
            "previous": [100, 80, 80, 20, 40, 75.0],
            "current": [60, 10, 8, 3, 30, 70.0],
            "pct_change": [None] * 6,
        },
        index=[
            "Episodes of looked-after children",
            "Episodes from care homes",
            "Episodes of children from care homes",
            "Episodes from hospitals",
            "Episodes graded High risk",
            "Returned children interviewed within 72 hours (%)",
        ],
    ).rename_axis("measure")
    for table in (risk, places):
        for w in ("previous", "current"):
            table[f"{w}_share"] = table[w] * 100.0 / table[w].sum()
    return risk, places, profile


def test_one_suppression_for_the_missing_appendix():
    risk, places, profile = _appendix()
    linked = missing_page.protect_appendix(risk, places, profile)
    place_t = display.display_counts(
        places, PREVIOUS, CURRENT, "Went missing from", linked=linked, key="places"
    ).set_index("Went missing from")
    risk_t = display.display_counts(
        risk, PREVIOUS, CURRENT, "Risk grade", linked=linked, key="risk"
    ).set_index("Risk grade")
    prof_t = display.display_profile(profile, PREVIOUS, CURRENT, linked=linked).set_index("Measure")
    column = "Jan 2019 to Dec 2019"
    assert place_t.loc["Hospital", column] == "<5"
    # the same number carries the same mark in both tables
    assert prof_t.loc["Episodes from hospitals", column] == place_t.loc["Hospital", column]
    assert prof_t.loc["Episodes from care homes", column] == place_t.loc["Care home", column]
    assert prof_t.loc["Episodes graded High risk", column] == risk_t.loc["High", column]
    # hand-worked: the four places add up to the 500 episodes the summary publishes, so a second
    # place must be hidden with the hospitals' 3 in the place table, and whichever it is the
    # profile shows it hidden too
    hidden = [t for t in places.index if place_t.loc[t, column] in HIDDEN]
    assert len(hidden) >= 2
    for frame in (place_t, risk_t, prof_t):
        assert [p is linked.publication for p in sdc_audit.publications(frame)] == [True]
        sdc_audit.audit_frame(frame)


# --- small counts refused by default (item 4) -------------------------------------------------


def test_area_table_suppresses_small_counts():
    table = areas.change_by_area(
        pd.Series({"A": 3, "B": 40, "C": 60}), pd.Series({"A": 8, "B": 35, "C": 70})
    )
    shown = areas.display_table(table).set_index("NPT")
    assert shown.loc["A", "Previous 12 months"] == "<5"
    # the area counts add up to the force's totals: a second area hidden with it
    assert (shown["Previous 12 months"] == "[c]").sum() == 1
    # a change beside a hidden count would give it away
    assert shown.loc["A", "Change"] == "–" and shown.loc["A", "% change"] == "–"
    present.table_html(shown.reset_index(), "areas")  # audited, no raw small count


def test_a_raw_small_count_is_refused_unless_declared_not_a_count():
    raw = pd.DataFrame({"Area": ["A", "B"], "Crimes": [3, 40]})
    with pytest.raises(sdc_audit.DisclosureError, match="row 0, column 'Crimes'"):
        present.table_html(raw, "crimes")
    rates = pd.DataFrame({"Measure": ["arrest"], "Rank": [3]})
    assert "<table" in present.table_html(rates, "ranks", counts=False)


def test_one_cohort_page_ties_the_places_people_to_the_cohort():
    # cohort "children missing from care homes": every episode from a care home, so "All care
    # homes" people (10 in 2019) are the cohort's individuals: one cell, one mark
    table = _page_episodes()
    page = deep_dive_page.protect_page(table, PREVIOUS, CURRENT, cohorts.CARE_HOME_CHILDREN)
    homes = page.location_table("Care home", PREVIOUS, CURRENT, "care homes")
    cohort = cohort_tables.cohort_table(page.summary, PREVIOUS, CURRENT, page).set_index("Cohort")
    people = homes.set_index("Place (pseudonymous id)").loc["All care homes"]
    assert people["People, Jan 2019 to Dec 2019"] == "10"
    shown = cohort.loc[cohorts.CARE_HOME_CHILDREN, "Individuals, Jan 2019 to Dec 2019"]
    assert shown == "10"
    labels = page.labels
    assert (
        labels[("places", "Care home")][("All", "people")]
        == labels["cohort"][(cohorts.CARE_HOME_CHILDREN, "individuals_current")]
    )
    sdc_audit.require(page.publication)


@pytest.mark.parametrize(
    ("overlap", "bounds"),
    [(0, (0, 0)), (2, (1, 4)), (25, (25, 34)), (70, (65, 74)), (5, (5, 14))],
)
def test_overlap_bounds(overlap, bounds):
    # hand-worked: "about 30" is 25 to 34 people (rounded half up to 10); "about 10" is 5 to
    # 14, 1 to 4 being "fewer than 5"
    assert deep_dive_page.overlap_bounds(overlap) == bounds


def test_no_one_in_two_cohorts_makes_the_cohorts_add_up():
    # everyone in one cohort ("no one" in two): the cohorts' individuals add up to everyone's
    # 49 (ten + three + six + 30 in 2019); the Herbert Protocol group's 3 is "<5", so another
    # cohort's individuals must be hidden with it
    table = _page_episodes()
    page = deep_dive_page.protect_page(table, PREVIOUS, CURRENT)
    cohort = cohort_tables.cohort_table(page.summary, PREVIOUS, CURRENT, page).set_index("Cohort")
    column = cohort["Individuals, Jan 2019 to Dec 2019"]
    assert column[cohorts.ALL] == "49"
    assert column[cohorts.CARE_HOME_ADULTS] == "<5"
    assert column.isin(HIDDEN).sum() >= 2
    sdc_audit.require(page.publication)


def test_area_chart_leaves_out_areas_with_hidden_counts():
    # A: 3 -> 8 would be labelled "+5 (+167%)", which gives the hidden 3 away
    table = areas.change_by_area(
        pd.Series({"A": 3, "B": 40, "C": 60}), pd.Series({"A": 8, "B": 35, "C": 70})
    )
    hidden = areas.hidden_areas(table)
    assert "A" in hidden and len(hidden) == 2  # with the secondary cell's area
    fig, alt = area_charts.change_chart(table, "Change by NPT")
    try:
        labels = [t.get_text() for t in fig.axes[0].texts]
        assert not any("+167%" in label for label in labels)
        assert "Left out, too few to publish: 2." in alt
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_area_figures_blank_what_the_page_hides():
    table = areas.change_by_area(
        pd.Series({"A": 3, "B": 40, "C": 60}), pd.Series({"A": 8, "B": 35, "C": 70})
    )
    figures = areas.published_figures(table).set_index("area")
    hidden = areas.hidden_areas(table)
    for area in ("A", "B", "C"):
        blank = figures.loc[area, ["previous", "current", "pct_change", "p_value"]].isna()
        assert blank.all() == (area in hidden), area
