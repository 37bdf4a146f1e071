"""Stop searches by ethnic group: the groupings, the 2011 Census residents and
disproportionality (:mod:`perfpack.themes.stopsearch.ethnicity`).

Expected values come from the reference tables, the 2011 Census figures in
../shared/data/SOURCES.md and small tables worked by hand -- never from running the code.
"""

from __future__ import annotations

import pandas as pd
import pytest

from perfpack.themes import areas
from perfpack.themes.stopsearch import ethnicity as se
from perfpack.themes.stopsearch import page
from tests.unit.test_stopsearch import (
    CARIBBEAN,
    INDIAN,
    MIXED_WBC,
    OTHER_NOT_STATED,
    WHITE_BRITISH,
    make_searches,
)

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
    assert se.ethnic_group(values).tolist() == [group]
    assert se.report_ethnic_group(values).tolist() == [report_group]


@pytest.mark.parametrize(
    ("self_defined", "not_recorded"),
    [(None, True), ("", True), (OTHER_NOT_STATED, False), (WHITE_BRITISH, False)],
)
def test_ethnicity_not_recorded_is_only_the_blank(self_defined, not_recorded):
    assert se.is_ethnicity_not_recorded(pd.Series([self_defined], dtype="str")).tolist() == [
        not_recorded
    ]


def test_unknown_ethnicity_is_an_error():
    with pytest.raises(ValueError, match="Martian"):
        se.ethnic_group(pd.Series(["Martian"]))


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
    result = se.rate_ratio_ci(a, pop_a, b, pop_b)
    for got, want in zip(result, expected, strict=True):
        if want is None:
            assert got is None
        else:
            assert got == pytest.approx(want, rel=2e-5)


def test_census_populations_for_staffordshire():
    # ../shared/data/SOURCES.md: White 1,032,327; Mixed 14,095; Asian 39,098 (with Chinese);
    # Black 8,551; total 1,097,497
    populations = se.census_populations("Staffordshire")
    assert populations["White"] == 1_032_327
    assert populations["Asian"] == 39_098
    assert populations["Black"] == 8_551
    assert populations["Mixed"] == 14_095
    assert populations.sum() == 1_097_497
    with pytest.raises(KeyError):
        se.census_populations("Atlantis")


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
    assert areas.census_area(force_name) == area


@pytest.mark.parametrize("force_name", ["Police Scotland", "Staffs", "West"])
def test_census_area_unknown(force_name):
    with pytest.raises(KeyError):
        areas.census_area(force_name)


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
    table = se.disproportionality(make_searches(rows), populations).set_index("group")
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
    shown = page.disproportionality_table(table.reset_index())
    assert shown.loc[0, "95% interval"] == "3.93 to 6.36"
    assert shown.loc[0, "Disparity ratio vs White"] == "5.00"
    mixed = shown.set_index("Ethnic group (self-defined)").loc["Mixed"]
    assert mixed.tolist() == ["<5", "<5", "4,000", "<5", "[c]", "[c]"]
    not_stated = shown.set_index("Ethnic group (self-defined)").loc["Not stated"]
    assert not_stated.tolist() == ["[c]", "[c]", "–", "–", "–", "–"]
    assert "<5" in page.disproportionality_note(table.reset_index())


def test_disproportionality_hides_every_ratio_when_white_is_hidden():
    # 3 White searches (1 to 4) and 40 Asian: every ratio is against White, and Asian's
    # (40 / 39,098) / (W / 1,032,327) would give W back, so every ratio and interval goes.
    # 43 - 40 would give White back too: Asian (the only other non-zero count) is hidden.
    rows = [{"self_defined_ethnicity": WHITE_BRITISH}] * 3 + [
        {"self_defined_ethnicity": INDIAN}
    ] * 40
    table = se.disproportionality(make_searches(rows), se.census_populations())
    assert table["suppressed"].tolist() == ["secondary", "", "", "", "primary", "", ""]
    assert table["ratio_suppressed"].tolist() == [True, True, True, True, True, False, False]
    shown = page.disproportionality_table(table)
    assert shown["Disparity ratio vs White"].tolist()[:5] == ["[c]"] * 5
    assert shown["Searches"].tolist() == ["[c]", "0", "0", "0", "<5", "0", "43"]
    assert (
        page.disproportionality_note(
            se.disproportionality(make_searches(rows * 5), se.census_populations())
        )
        == ""
    )
