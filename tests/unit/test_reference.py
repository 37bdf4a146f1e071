"""Reference tables agree with their published sources."""

import csv

import pytest

from perfpack.data import reference


def test_npt_populations_come_from_the_ons_table(shared_data):
    with open(shared_data / "reference" / "la_population_mid2019.csv", encoding="utf-8") as f:
        ons = {row["area_code"]: int(row["population_mid2019"]) for row in csv.DictReader(f)}
    npts = reference.npts()
    assert len(npts) == 10
    by_la = npts.groupby("la_code")["population_mid2019"].sum()
    for la_code, population in by_la.items():
        assert ons[la_code] == population  # Stoke's two NPTs add back to the LA figure
    assert npts["population_mid2019"].sum() == 1_135_935  # the report's force population


def test_the_report_names_ten_npts():
    names = set(reference.npts()["npt"])
    assert names == {
        "Cannock Chase",
        "East Staffordshire",
        "Lichfield",
        "Newcastle-under-Lyme",
        "South Staffordshire",
        "Stafford",
        "Staffordshire Moorlands",
        "Tamworth",
        "Stoke-on-Trent North",
        "Stoke-on-Trent South",
    }


@pytest.mark.parametrize(
    "theme, target, lag",
    [
        ("personal_robbery", "Reduction", 0),
        ("theft_from_vehicle", "Reduction", 0),
        ("theft_of_vehicle", "Reduction", 0),
        ("stop_search", "Increase", 1),
        ("missing_persons", "Reduction", 0),
    ],
)
def test_themes_as_the_contents_page_gives_them(theme, target, lag):
    row = reference.theme(theme)
    assert row["target_direction"] == target
    assert row["lag_months"] == lag


@pytest.mark.parametrize(
    "code, theme",
    [
        ("34B", "personal_robbery"),
        ("34A", ""),
        ("45", "theft_from_vehicle"),
        ("48", "theft_of_vehicle"),
        ("37.2", "theft_of_vehicle"),
        ("126", ""),
    ],
)
def test_offence_codes(code, theme):
    table = reference.offence_themes()
    row = table[(table["scheme"] == "ho_code") & (table["code"] == code)]
    assert row["theme"].tolist() == [theme]


def test_published_constants():
    assert reference.national_comparator("personal_robbery", "rate_per_1000") == 1.4
    assert reference.national_comparator("theft_from_vehicle", "rate_per_1000") == 4.8
    assert reference.national_comparator("theft_of_vehicle", "rate_per_1000") == 2.0
    mp = reference.missing_persons_constants()
    assert mp.query("item == 'unit_cost'")["value"].item() == 2415
    forecast = mp.query("item == 'forecast'").set_index("year")["value"].to_dict()
    assert forecast == {"2019": 5050, "2020": 4950, "2021": 4850, "2022": 4800}
    actions = reference.actions().set_index("action")
    assert actions.loc["019", "status"] == "Open" and actions.loc["017", "status"] == "Closed"


def test_every_reference_table_states_its_source(project_root):
    for path in sorted((project_root / "data" / "reference").glob("*.csv")):
        first = path.read_text(encoding="utf-8").splitlines()[:4]
        assert any(line.startswith("# source:") for line in first), path.name


def test_unknown_theme_names_the_known_ones():
    with pytest.raises(KeyError, match="personal_robbery"):
        reference.theme("burglary")
