"""perfpack.ingest.police_uk: data.police.uk downloads -> canonical tables, coverage,
populations.

Expected values come from the real files in ../shared/data (counted here with the csv module,
not with the reader under test), from SOURCES.md and the published report (Staffordshire's
mid-2019 population 1,135,935), or from the small tables written in the tests themselves.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from perfpack.core.windows import Window, comparison_windows
from perfpack.data import reference, tables
from perfpack.data.contracts import CANONICAL
from perfpack.data.public_tables import IncompleteWindowError, national_rates
from perfpack.ingest.police_uk.areas import (
    local_authority_from_lsoa_name,
    own_local_authorities,
    populations_for,
)
from perfpack.ingest.police_uk.coverage import check_windows
from perfpack.ingest.police_uk.discover import discover
from perfpack.ingest.police_uk.force_areas import force_populations
from perfpack.ingest.police_uk.ingest import ingest_police_uk
from perfpack.ingest.police_uk.read import STOP_SEARCH_COLUMNS, STREET_COLUMNS
from perfpack.ingest.police_uk.stop_search import read_stop_search
from perfpack.ingest.police_uk.street import read_street

ZIP_NAME = "street-all-available-forces-2018-10_2019-02.zip"
MONTHS = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]
STAFFS_LAS = set(reference.npts()["local_authority"])  # the force's nine local authorities


def W(start: str, end: str) -> Window:
    return Window(pd.Period(start, "M"), pd.Period(end, "M"))


# --------------------------------------------------------------------------------------------
# hand counts with the csv module


def _hand_rows(paths_and_texts) -> list[dict]:
    rows = []
    for month, text in paths_and_texts:
        for record in csv.DictReader(io.StringIO(text)):
            record["_file_month"] = month
            rows.append(record)
    return rows


def _la(lsoa_name: str) -> str:
    return lsoa_name.rsplit(" ", 1)[0] if lsoa_name else ""


@pytest.fixture(scope="module")
def staffs_dir(shared_data) -> Path:
    return shared_data / "police-uk" / "staffordshire"


@pytest.fixture(scope="module")
def staffs_hand(staffs_dir) -> list[dict]:
    files = sorted(staffs_dir.glob("*/*-staffordshire-street.csv"))
    return _hand_rows((f.parent.name, f.read_text(encoding="utf-8")) for f in files)


@pytest.fixture(scope="module")
def staffs(staffs_dir):
    return read_street(staffs_dir, "staffordshire")


@pytest.fixture(scope="module")
def zip_path(shared_data) -> Path:
    path = shared_data / "police-uk" / ZIP_NAME
    if not path.exists():
        pytest.skip(f"{ZIP_NAME} is not in ../shared/data/police-uk")
    return path


# --------------------------------------------------------------------------------------------
# the real Staffordshire folder


def test_staffordshire_rows_by_month(staffs, staffs_hand):
    crimes, coverage = staffs
    assert len(crimes) == len(staffs_hand) == 47_968  # SOURCES.md
    hand = Counter(r["Month"] for r in staffs_hand)
    got = crimes["month"].dt.strftime("%Y-%m").value_counts().to_dict()
    assert got == dict(hand)
    assert coverage.by_month.set_index("month")["rows"].to_dict() == dict(hand)


def test_staffordshire_crime_type_by_month(staffs, staffs_hand):
    crimes, _ = staffs
    hand = Counter((r["Month"], r["Crime type"]) for r in staffs_hand)
    got = crimes.groupby([crimes["month"].dt.strftime("%Y-%m"), "crime_type"]).size().to_dict()
    assert got == dict(hand)


def test_staffordshire_local_authority_counts(staffs, staffs_hand):
    crimes, _ = staffs
    hand = Counter(_la(r["LSOA name"]) for r in staffs_hand if r["LSOA name"])
    got = crimes["local_authority"].value_counts().to_dict()
    assert got == dict(hand)
    # NPT = local authority for the force's own nine; nothing else gets an NPT
    npt_hand = Counter(la for la in hand.elements() if la in STAFFS_LAS)
    assert crimes["npt"].value_counts().to_dict() == dict(npt_hand)


def test_staffordshire_themes_and_ids(staffs, staffs_hand):
    crimes, coverage = staffs
    robbery = Counter(r["Month"] for r in staffs_hand if r["Crime type"] == "Robbery")
    vehicle = Counter(r["Month"] for r in staffs_hand if r["Crime type"] == "Vehicle crime")
    by = crimes.groupby(["theme", crimes["month"].dt.strftime("%Y-%m")]).size()
    assert by["robbery_all"].to_dict() == dict(robbery)
    assert by["vehicle_crime_all"].to_dict() == dict(vehicle)
    blank_ids = sum(1 for r in staffs_hand if not r["Crime ID"])
    assert int(crimes["crime_id"].isna().sum()) == blank_ids
    assert crimes["crime_id"].notna().sum() == len(staffs_hand) - blank_ids
    assert coverage.unknown_crime_types == []


def test_staffordshire_rows_without_location_per_month(staffs, staffs_hand):
    crimes, coverage = staffs
    hand = Counter(r["Month"] for r in staffs_hand if not r["LSOA code"])
    assert coverage.by_month.set_index("month")["no_location"].to_dict() == dict(hand)
    assert all(900 <= n <= 1300 for n in hand.values())  # SOURCES.md: about 1,000-1,250
    no_la = crimes[crimes["local_authority"].isna()]
    assert len(no_la) == sum(hand.values())
    assert no_la["npt"].isna().all()


def test_staffordshire_rows_outside_the_force_area(staffs, staffs_hand):
    _, coverage = staffs
    hand = Counter(
        r["Month"] for r in staffs_hand if r["LSOA name"] and _la(r["LSOA name"]) not in STAFFS_LAS
    )
    assert coverage.by_month.set_index("month")["outside_force_area"].to_dict() == dict(hand)
    assert all(13 <= n <= 22 for n in hand.values())  # SOURCES.md
    assert coverage.own_local_authorities("staffordshire") == sorted(STAFFS_LAS)
    by_la = coverage.outside_area.groupby("local_authority")["rows"].sum().to_dict()
    hand_la = Counter(
        _la(r["LSOA name"])
        for r in staffs_hand
        if r["LSOA name"] and _la(r["LSOA name"]) not in STAFFS_LAS
    )
    assert by_la == dict(hand_la)


def test_staffordshire_canonical_schema(staffs):
    crimes, _ = staffs
    expected = list(CANONICAL["crimes"]) + ["force", "reported_by"]
    assert list(crimes.columns) == expected
    assert crimes["month"].dtype == "datetime64[ns]"
    assert (crimes["recorded_date"] == crimes["month"]).all()
    assert (crimes["month"].dt.day == 1).all()
    assert crimes["crime_type"].dtype == "str"
    assert crimes["knife"].dtype == "boolean" and crimes["knife"].isna().all()
    assert crimes["offence_code"].isna().all()
    assert set(crimes["force"]) == {"staffordshire"}
    assert set(crimes["reported_by"]) == {"Staffordshire Police"}


def test_staffordshire_population_is_the_reports(staffs):
    _, coverage = staffs
    pops = force_populations(coverage).set_index("force")
    # the published report's force population (mid-2019)
    assert int(pops.loc["staffordshire", "population"]) == 1_135_935
    assert pops.loc["staffordshire", "areas"] == 9
    assert pops.loc["staffordshire", "unmatched"] == ""


def test_staffordshire_coverage_and_windows(staffs):
    _, coverage = staffs
    assert coverage.months == MONTHS
    assert coverage.months_present("staffordshire") == MONTHS
    assert coverage.missing_files.empty
    assert check_windows(coverage, W("2018-10", "2019-02")) == [W("2018-10", "2019-02")]
    previous, current = comparison_windows("2019-12", 0)
    with pytest.raises(IncompleteWindowError) as refused:
        check_windows(coverage, {"previous": previous, "current": current})
    message = str(refused.value)
    assert "previous (2018-01/2018-12)" in message and "current (2019-01/2019-12)" in message
    previous_gap = ", ".join(f"2018-{m:02d}" for m in range(1, 10))  # 2018-01 .. 2018-09
    current_gap = ", ".join(f"2019-{m:02d}" for m in range(3, 13))  # 2019-03 .. 2019-12
    assert f"for staffordshire lacks {previous_gap};" in message
    assert f"for staffordshire lacks {current_gap}." in message
    assert "2018-10 to 2019-02" in message
    lines = coverage.summary_lines()
    assert any("5,570 rows have no location" in line for line in lines)
    assert any("91 rows fall in local authorities outside" in line for line in lines)
    json.dumps(coverage.to_dict())  # JSON-ready


def test_lookup_places_rows_in_npts(staffs_dir, staffs_hand):
    lookup = pd.DataFrame(
        {
            "lsoa_code": ["E01029368", None, None],
            "local_authority": [None, "Stoke-on-Trent", "Tamworth"],
            "npt": ["Cannock Special", "Stoke", "Tamworth NPT"],
        }
    )
    crimes, coverage = read_street(staffs_dir, "staffordshire", lookup=lookup)
    stoke = sum(1 for r in staffs_hand if _la(r["LSOA name"]) == "Stoke-on-Trent")
    tamworth = sum(1 for r in staffs_hand if _la(r["LSOA name"]) == "Tamworth")
    special = sum(1 for r in staffs_hand if r["LSOA code"] == "E01029368")
    counts = crimes["npt"].value_counts().to_dict()
    assert counts == {"Stoke": stoke, "Tamworth NPT": tamworth, "Cannock Special": special}
    own = sum(1 for r in staffs_hand if _la(r["LSOA name"]) in STAFFS_LAS)
    assert coverage.totals()["not_in_lookup"] == own - stoke - tamworth - special


# --------------------------------------------------------------------------------------------
# the real all-forces zip


def test_zip_discover_and_coverage(zip_path):
    files = discover(zip_path)
    assert len(files) == 203
    assert set(files["kind"]) == {"street"}
    assert sorted(files["month"].unique()) == MONTHS
    absent = {"greater-manchester", "metropolitan", "west-midlands", "west-yorkshire"}
    assert absent.isdisjoint(files["force"])
    with zipfile.ZipFile(zip_path) as archive:
        members = [n for n in archive.namelist() if n.endswith("-street.csv")]
    assert sorted(files["path"]) == sorted(members)
    per_month = files.groupby("month")["force"].apply(set)
    assert per_month["2018-10"] == per_month["2019-01"] - {"lancashire", "northumbria"}


@pytest.mark.parametrize("force", ["cumbria", "city-of-london", "dyfed-powys"])
def test_zip_reads_one_force(zip_path, force):
    with zipfile.ZipFile(zip_path) as archive:
        texts = [
            (n.split("/")[0], archive.read(n).decode("utf-8"))
            for n in sorted(archive.namelist())
            if n.endswith(f"-{force}-street.csv")
        ]
    hand = _hand_rows(texts)
    crimes, coverage = read_street(zip_path, force)
    assert len(crimes) == len(hand)
    assert set(crimes["force"]) == {force}
    got = crimes.groupby([crimes["month"].dt.strftime("%Y-%m"), "crime_type"]).size().to_dict()
    assert got == dict(Counter((r["Month"], r["Crime type"]) for r in hand))
    got_la = crimes["local_authority"].value_counts().to_dict()
    assert got_la == dict(Counter(_la(r["LSOA name"]) for r in hand if r["LSOA name"]))
    assert coverage.forces == [force]
    assert coverage.missing_files.empty
    assert coverage.absent_forces == [
        "greater-manchester", "metropolitan", "west-midlands", "west-yorkshire"
    ]  # fmt: skip
    if force == "city-of-london":
        # a one-authority force does not own the boroughs it reports a few crimes in
        assert coverage.own_local_authorities(force) == ["City of London"]


def test_zip_missing_months_per_sources(zip_path):
    crimes, coverage = read_street(zip_path, "lancashire")
    assert coverage.missing_files.to_dict("records") == [
        {"force": "lancashire", "month": "2018-10"}
    ]
    assert coverage.months_present("lancashire") == MONTHS[1:]
    with pytest.raises(IncompleteWindowError, match="lancashire lacks 2018-10"):
        check_windows(coverage, W("2018-10", "2019-02"))
    check_windows(coverage, W("2018-11", "2019-02"))
    assert crimes["month"].min() == pd.Timestamp("2018-11-01")


def test_unknown_force_is_a_clear_error(zip_path):
    with pytest.raises(ValueError, match="no street files for force 'metropolitan'.*cumbria"):
        read_street(zip_path, "metropolitan")


# --------------------------------------------------------------------------------------------
# small tables: names, populations, own areas, windows, national rates


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Cannock Chase 001A", "Cannock Chase"),
        ("Newcastle-under-Lyme 012C", "Newcastle-under-Lyme"),
        ("King's Lynn and West Norfolk 001A", "King's Lynn and West Norfolk"),
        ("Rhondda Cynon Taf 031E", "Rhondda Cynon Taf"),
        ("  Stafford 004B ", "Stafford"),
        ("Isles of Scilly", "Isles of Scilly"),  # no trailing code: kept whole
        ("", None),
        (None, None),
    ],
)
def test_local_authority_from_lsoa_name(name, expected):
    got = local_authority_from_lsoa_name(pd.Series([name], dtype="str"))
    assert (got.iloc[0] if pd.notna(got.iloc[0]) else None) == expected


def _population(area_name: str, shared_data: Path) -> int:
    path = shared_data / "reference" / "la_population_mid2019.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["area_name"] == area_name:
                return int(row["population_mid2019"])
    raise KeyError(area_name)


@pytest.mark.parametrize(
    "name, area, match",
    [
        ("Cannock Chase", "Cannock Chase", "exact"),
        ("Stoke-on-Trent", "Stoke-on-Trent", "exact"),
        ("Bristol", "Bristol, City of", "normalised"),
        ("Kingston upon Hull", "Kingston upon Hull, City of", "normalised"),
        ("The Vale of Glamorgan", "Vale of Glamorgan", "normalised"),
        ("Shepway", "Folkestone and Hythe", "renamed"),
        ("Isles of Scilly", "Cornwall and Isles of Scilly", "merged"),
        ("Weymouth and Portland", "Dorset", "merged"),
        ("Atlantis", None, "unmatched"),
    ],
)
def test_populations_for(name, area, match, shared_data):
    got = populations_for([name, name, None]).iloc[0]
    assert got["local_authority"] == name and got["match"] == match
    if area is None:
        assert pd.isna(got["population_mid2019"]) and pd.isna(got["area_name"])
    else:
        assert got["area_name"] == area
        assert int(got["population_mid2019"]) == _population(area, shared_data)


def test_reference_population_table_is_the_shared_copy(shared_data, project_root):
    ours = reference.table("la_population_mid2019")
    with open(shared_data / "reference" / "la_population_mid2019.csv", newline="") as handle:
        theirs = list(csv.DictReader(handle))
    assert len(ours) == len(theirs) == 338
    assert ours.to_dict("records") == theirs
    assert sum(int(r["population_mid2019"]) for r in theirs) == 59_439_840
    text = (project_root / "data/reference/la_population_mid2019.csv").read_text()
    assert text.startswith("#")


@pytest.mark.parametrize(
    "rows, own",
    [
        # shares: 199/200 own; 1/200 = 0.5% < 1% -> outside
        ({("f", "Stafford"): 199, ("f", "Shropshire"): 1}, {"Stafford"}),
        # exactly 1% is enough (Cannock Chase and Stafford have similar rows per resident)
        ({("f", "Stafford"): 137, ("f", "Cannock Chase"): 100, ("f", "Tamworth"): 3},
         {"Stafford", "Cannock Chase"}),
        # Isles of Scilly is judged with Cornwall (one mid-2019 area)
        ({("f", "Cornwall"): 995, ("f", "Isles of Scilly"): 5}, {"Cornwall", "Isles of Scilly"}),
        # 3% of rows but a hundredth of the rows per resident -> not the force's own
        ({("f", "City of London"): 970, ("f", "Tower Hamlets"): 30}, {"City of London"}),
        # an unmatched name is judged on its share alone
        ({("f", "Atlantis"): 50, ("f", "Stafford"): 50}, {"Atlantis", "Stafford"}),
        # British Transport Police has no residents: where it records 1% or more (share alone)
        ({("btp", "Camden"): 100}, {"Camden"}),
    ],
)  # fmt: skip
def test_own_local_authorities(rows, own):
    counts = pd.DataFrame(
        [(f, la, n) for (f, la), n in rows.items()], columns=["force", "local_authority", "rows"]
    )
    got = own_local_authorities(counts)
    assert set(got.loc[got["own"], "local_authority"]) == own
    assert len(got) == len(rows)


def _crimes(rows):
    """A small canonical-like crimes table: (force, month, crime_type, theme, n) rows."""
    records = []
    for force, month, crime_type, theme, n in rows:
        records += [(force, pd.Timestamp(f"{month}-01"), crime_type, theme)] * n
    return pd.DataFrame(records, columns=["force", "month", "crime_type", "theme"])


def test_national_rates_hand_table():
    crimes = _crimes(
        [
            ("a", "2019-01", "Robbery", "robbery_all", 3),
            ("a", "2019-02", "Anti-social behaviour", None, 50),
            ("a", "2019-02", "Burglary", None, 7),
            ("b", "2019-01", "Robbery", "robbery_all", 1),
            ("b", "2019-02", "Vehicle crime", "vehicle_crime_all", 4),
            ("c", "2019-02", "Robbery", "robbery_all", 100),  # no 2019-01: not counted
            ("btp", "2019-01", "Robbery", "robbery_all", 9),
            ("btp", "2019-02", "Robbery", "robbery_all", 9),
            ("d", "2019-01", "Robbery", "robbery_all", 5),  # no population: not counted
            ("d", "2019-02", "Robbery", "robbery_all", 5),
        ]
    )
    pops = pd.DataFrame(
        {"force": ["a", "b", "c", "d"], "population": pd.array([1000, 3000, 10, None], "Int64")}
    )
    result = national_rates(crimes, pops)
    rates = result.rates.set_index("group")
    # robbery 3 + 1 = 4 over 4,000 residents = 1.0 per 1,000; vehicle 4 -> 1.0;
    # all crime (no ASB) 3 + 7 + 1 + 4 = 15 -> 3.75
    assert rates.loc["robbery_all", "crimes"] == 4
    assert result.rate("robbery_all") == pytest.approx(1.0)
    assert result.rate("vehicle_crime_all") == pytest.approx(1.0)
    assert result.rate("all_crime") == pytest.approx(3.75)
    assert result.forces == ["a", "b"] and result.months == ["2019-01", "2019-02"]
    assert set(result.excluded) == {"btp", "c", "d"}
    assert "no records for 2019-01" in result.excluded["c"]
    assert "2 forces" in result.note and "4,000" in result.note
    with pytest.raises(IncompleteWindowError):
        national_rates(crimes, pops, window=W("2018-12", "2019-02"))
    only_feb = national_rates(crimes, pops, window=W("2019-02", "2019-02"))
    assert only_feb.forces == ["a", "b", "c"]  # c has February
    assert only_feb.rate("robbery_all") == pytest.approx(100 / 4010 * 1000)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("2019-01/2019-01-staffordshire-street.csv", ("2019-01", "staffordshire", "street")),
        ("x/2019-01/2019-01-devon-and-cornwall-street.csv",
         ("2019-01", "devon-and-cornwall", "street")),
        ("2019-01/2019-01-btp-stop-and-search.csv", ("2019-01", "btp", "stop_search")),
        ("2019-01/2019-01-city-of-london-outcomes.csv", ("2019-01", "city-of-london", "outcomes")),
        ("2019-13/2019-13-kent-street.csv", None),
        ("2019-01/notes.csv", None),
        ("2019-01/2019-01-kent-street.txt", None),
    ],
)  # fmt: skip
def test_discover_file_names(tmp_path, name, expected):
    archive_path = tmp_path / "download.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr(name, "a\n")
        archive.writestr("2019-02/2019-02-kent-street.csv", "a\n")
    files = discover(archive_path)
    found = files[files["path"] == name]
    if expected is None:
        assert found.empty
    else:
        assert tuple(found.iloc[0][["month", "force", "kind"]]) == expected


def test_discover_refuses_what_is_not_a_download(tmp_path):
    with pytest.raises(FileNotFoundError):
        discover(tmp_path / "nope")
    (tmp_path / "readme.csv").write_text("a\n")
    with pytest.raises(ValueError, match="no data.police.uk files"):
        discover(tmp_path)


# --------------------------------------------------------------------------------------------
# stop and search, on small files written here

STREET_HEADER = ",".join(STREET_COLUMNS)
SEARCH_HEADER = ",".join(STOP_SEARCH_COLUMNS)


def _street_row(month, lon, lat, lsoa_code, lsoa_name, crime_type="Burglary", crime_id="x"):
    return (
        f"{crime_id},{month},Test Police,Test Police,{lon},{lat},On or near Somewhere,"
        f"{lsoa_code},{lsoa_name},{crime_type},Under investigation,"
    )


def _search_row(date, lat, lon, ethnicity="White - Irish", outcome="Arrest", linked="True"):
    return (
        f"Person search,{date},False,,{lat},{lon},Male,18-24,{ethnicity},White,"
        f"Misuse of Drugs Act 1971 (section 23),Controlled drugs,{outcome},{linked},False"
    )


@pytest.fixture()
def search_download(tmp_path) -> Path:
    root = tmp_path / "download"
    (root / "2019-06").mkdir(parents=True)
    street = [STREET_HEADER]
    # 150 rows in Cannock Chase at one point, 99 in Stafford, 1 in Shropshire (outside: 0.4%)
    street += [_street_row("2019-06", -2.0, 52.7, "E01029368", "Cannock Chase 001A")] * 150
    street += [_street_row("2019-06", -2.1, 52.8, "E01029400", "Stafford 001A")] * 99
    street += [_street_row("2019-06", -2.5, 52.6, "E01028800", "Shropshire 001A")]
    (root / "2019-06" / "2019-06-testforce-street.csv").write_text("\n".join(street) + "\n")
    searches = [
        SEARCH_HEADER,
        _search_row("2019-06-01T12:30:00+01:00", 52.7, -2.0),  # Cannock Chase point
        _search_row("2019-06-02T00:00:00+01:00", 52.8, -2.1, linked=""),  # date only, Stafford
        _search_row("2019-06-03T23:30:00+00:00", 52.9, -2.2),  # a point no street row uses
        _search_row("2019-06-04T10:00:00+01:00", "", "", ethnicity=""),  # no location
        _search_row("2019-06-05T09:15:00+01:00", 52.6, -2.5, linked="False"),  # Shropshire
    ]
    (root / "2019-06" / "2019-06-testforce-stop-and-search.csv").write_text(
        "\n".join(searches) + "\n"
    )
    return root


def test_stop_search_canonical(search_download):
    searches, coverage = read_stop_search(search_download, "testforce")
    assert list(searches.columns) == list(CANONICAL["stop_searches"]) + ["force"]
    assert len(searches) == 5
    expected_times = [
        "2019-06-01 12:30", "2019-06-02 00:00", "2019-06-04 00:30", "2019-06-04 10:00",
        "2019-06-05 09:15",
    ]  # fmt: skip
    assert list(searches["datetime"].dt.strftime("%Y-%m-%d %H:%M")) == expected_times
    assert list(searches["time_known"]) == [True, False, True, True, True]
    assert list(searches["npt"].fillna("-")) == ["Cannock Chase", "Stafford", "-", "-", "-"]
    assert list(searches["outcome_linked"].astype(object).fillna("-")) == [
        True, "-", True, True, False
    ]  # fmt: skip
    assert searches["team"].isna().all()
    assert searches["self_defined_ethnicity"].isna().sum() == 1
    assert searches["search_id"].is_unique
    assert (searches["month"] == pd.Timestamp("2019-06-01")).all()
    row = coverage.by_month.iloc[0]
    assert row["rows"] == 5 and row["date_only"] == 1 and row["no_location"] == 1
    assert row["unplaced"] == 1 and row["outside_force_area"] == 1
    assert coverage.outside_area["local_authority"].tolist() == ["Shropshire"]
    assert any("1 searches have a date but no time" in line for line in coverage.summary_lines())


def test_ingest_police_uk_folder(search_download, tmp_path):
    processed = tmp_path / "processed"
    processed.mkdir()
    (processed / "missing_episodes.parquet").write_bytes(b"stale demo table")
    summary = ingest_police_uk(search_download, "testforce", processed)
    assert summary.rows == {"crimes": 250, "stop_searches": 5}
    assert not (processed / "missing_episodes.parquet").exists()
    manifest = tables.manifest(processed)
    assert manifest["synthetic"] is False and tables.is_synthetic(processed) is False
    assert manifest["data_source"] == "police_uk"
    assert manifest["force"] == "Test Police" and manifest["force_slug"] == "testforce"
    assert "missing_episodes" in manifest["absent_tables"]
    digests = {r["file"]: r["sha256"] for r in manifest["inputs"]}
    for path in search_download.rglob("*.csv"):
        assert digests[path.name] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["coverage"]["street"]["totals"]["outside_force_area"] == 1
    assert manifest["coverage"]["stop_search"]["totals"]["date_only"] == 1
    crimes = tables.load("crimes", processed)
    assert len(crimes) == 250 and crimes["month"].dtype == "datetime64[ns]"
    assert crimes["npt"].value_counts().to_dict() == {"Cannock Chase": 150, "Stafford": 99}
    assert len(tables.load("stop_searches", processed)) == 5
    assert not list(processed.glob(".ingest-*"))


def test_ingest_police_uk_real_folder(staffs_dir, tmp_path):
    summary = ingest_police_uk(staffs_dir, "staffordshire", tmp_path / "p")
    assert summary.rows == {"crimes": 47_968}
    manifest = summary.manifest
    assert manifest["force"] == "Staffordshire Police"
    assert manifest["tables"]["crimes"] == {
        "rows": 47_968, "first_month": "2018-10", "last_month": "2019-02"
    }  # fmt: skip
    assert set(manifest["absent_tables"]) == {"missing_episodes", "stop_searches"}
    assert len(manifest["inputs"]) == 5
    assert not (tmp_path / "p" / "stop_searches.parquet").exists()


def test_a_file_without_the_columns_is_a_clear_error(tmp_path):
    (tmp_path / "2019-01").mkdir()
    (tmp_path / "2019-01" / "2019-01-kent-street.csv").write_text("Crime ID,Month\nabc,2019-01\n")
    with pytest.raises(
        ValueError,
        match="^2019-01/2019-01-kent-street.csv line 1, column 'Reported by': missing from the "
        "header$",
    ):
        read_street(tmp_path)


def test_zip_staffordshire_matches_the_folder(zip_path, staffs):
    from_zip, coverage = read_street(zip_path, "staffordshire")
    from_folder, folder_coverage = staffs
    pd.testing.assert_frame_equal(from_zip, from_folder)
    pd.testing.assert_frame_equal(coverage.by_month, folder_coverage.by_month)


@pytest.mark.slow
def test_zip_national_comparator(zip_path):
    crimes, coverage = read_street(zip_path)  # every force: about 5-10 s
    assert len(crimes) == 1_771_502  # SOURCES.md
    assert len(coverage.forces) == 41
    assert coverage.missing_files.to_dict("records") == [
        {"force": "lancashire", "month": "2018-10"},
        {"force": "northumbria", "month": "2018-10"},
    ]
    pops = force_populations(coverage).set_index("force")
    territorial = [f for f in coverage.forces if f not in ("btp", "northern-ireland")]
    assert pops.loc[territorial, "population"].notna().all()
    assert (pops.loc[territorial, "unmatched"] == "").all()
    assert pd.isna(pops.loc["btp", "population"])
    assert pops.loc["northern-ireland", "population"] == 1_893_667  # NISRA mid-2019
    assert int(pops.loc["staffordshire", "population"]) == 1_135_935
    result = national_rates(crimes, pops.reset_index())
    assert set(result.excluded) == {"btp", "lancashire", "northern-ireland", "northumbria"}
    assert len(result.forces) == 37 and result.months == MONTHS
    assert "greater-manchester, metropolitan, west-midlands, west-yorkshire" in result.note


# --------------------------------------------------------------------------------------------
# bad downloads: one fault each, with the exact one-line message (issue 12)

_GOOD_ROW = _street_row("2019-06", -2.0, 52.7, "E01029368", "Cannock Chase 001A")
_STREET_FILE = "2019-06/2019-06-testforce-street.csv"


def _street_text(rows=(_GOOD_ROW, _GOOD_ROW, _GOOD_ROW)) -> str:
    return "\n".join([STREET_HEADER, *rows]) + "\n"


def _with(row_number: int, column: str, value: str) -> str:
    """The three-row street file with one cell of data row ``row_number`` (1-3) replaced."""
    rows = [_GOOD_ROW.split(",") for _ in range(3)]
    rows[row_number - 1][STREET_COLUMNS.index(column)] = value
    return _street_text([",".join(r) for r in rows])


BAD_DOWNLOADS = [
    pytest.param(
        STREET_HEADER + "\n",
        f"{_STREET_FILE}: no data rows (the file holds only a header); data.police.uk publishes "
        "no empty month files, so the download is damaged or incomplete",
        id="header-only-month-file",
    ),
    pytest.param(b"", f"{_STREET_FILE}: the file is empty; download it again", id="empty"),
    pytest.param(
        _with(2, "Longitude", "abc"),
        f"{_STREET_FILE} line 3, column 'Longitude': 'abc' is not a number",
        id="number-conversion-fails",
    ),
    pytest.param(
        _with(3, "Latitude", "\u0665\u0662.7"),
        f"{_STREET_FILE} line 4, column 'Latitude': '\u0665\u0662.7' is not a number; "
        "'\u0665' (ARABIC-INDIC DIGIT FIVE) is not a digit 0-9",
        id="arabic-indic-digits",
    ),
    pytest.param(
        _with(1, "Month", "2019-13"),
        f"{_STREET_FILE} line 2, column 'Month': '2019-13' is not a month (YYYY-MM, years 1700 "
        "to 2259)",
        id="bad-month",
    ),
    pytest.param(
        _with(1, "Month", "0001-06"),
        f"{_STREET_FILE} line 2, column 'Month': '0001-06' is not a month (YYYY-MM, years 1700 "
        "to 2259)",
        id="month-pandas-cannot-hold",
    ),
    pytest.param(
        _with(3, "Month", "2019-05"),
        f"{_STREET_FILE} line 4, column 'Month': '2019-05' is not the month of its file "
        "(2019-06, from the file name)",
        id="month-other-than-the-files",
    ),
    pytest.param(
        _with(2, "Latitude", "91"),
        f"{_STREET_FILE} line 3, column 'Latitude': '91.0' is not a latitude (-90 to 90)",
        id="latitude-off-the-globe",
    ),
    pytest.param(
        _with(2, "LSOA name", "Caf\u00e9 001A").encode("latin-1"),
        f"{_STREET_FILE} line 3: not UTF-8 text (byte 0xe9); save as UTF-8",
        id="latin-1",
    ),
    pytest.param(
        _street_text().encode("utf-16"),
        f"{_STREET_FILE}: saved as UTF-16 or UTF-32; save it as UTF-8",
        id="utf-16",
    ),
    pytest.param(
        _with(2, "Context", "x,y"),
        f"{_STREET_FILE} line 3: 13 fields, but the header (line 1) has 12",
        id="ragged-row",
    ),
    pytest.param(
        _with(2, "Location", '"On or near Somewhere'),
        f"{_STREET_FILE} line 3: a quoted field opened in the record starting on this line is "
        "never closed",
        id="unterminated-quote-at-the-line-it-opens",
    ),
    pytest.param(
        _with(3, "Crime type", "Burglary\x07"),
        f"{_STREET_FILE} line 4, column 'Crime type': 'Burglary\\x07' holds a control character "
        "(U+0007)",
        id="control-character",
    ),
    pytest.param(
        _with(3, "Crime ID", "abc\x07"),
        f"{_STREET_FILE} line 4, column 'Crime ID': 'abc\\x07' holds a control character (U+0007)",
        id="control-character-in-an-id",
    ),
    pytest.param(
        _with(2, "Crime ID", "abc\u202edef"),
        f"{_STREET_FILE} line 3, column 'Crime ID': 'abc\\u202edef' holds a control character "
        "(U+202E)",
        id="bidi-control-in-an-id",
    ),
    pytest.param(
        _with(3, "Crime ID", "a" * 2000),
        f"{_STREET_FILE} line 4, column 'Crime ID': '{'a' * 40}'… (2,000 characters) is too long "
        "(at most 1,000 characters)",
        id="very-long-value",
    ),
    pytest.param(
        _street_text().replace("Context", "Month", 1),
        f"{_STREET_FILE} line 1, column 'Month': appears more than once in the header",
        id="repeated-column",
    ),
    pytest.param(
        _street_text().replace(",", ";"),
        f"{_STREET_FILE} line 1, column 'Crime ID': missing from the header; the file must be "
        "comma-separated",
        id="semicolons",
    ),
]


@pytest.mark.parametrize("content, expected", BAD_DOWNLOADS)
def test_bad_download_is_refused_with_a_one_line_message(tmp_path, content, expected):
    (tmp_path / "d" / "2019-06").mkdir(parents=True)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    (tmp_path / "d" / _STREET_FILE).write_bytes(data)
    with pytest.raises(ValueError) as caught:
        ingest_police_uk(tmp_path / "d", "testforce", tmp_path / "processed")
    assert str(caught.value) == expected
    assert len("error: " + str(caught.value)) <= 300
    assert not (tmp_path / "processed").exists()


def test_long_text_in_few_characters_and_tabs_are_accepted(tmp_path):
    """600 two-byte characters are 1,200 bytes but 600 characters (under the 1,000 limit), and
    a tab is not a refused control character: both are read, not refused."""
    ids = ["\u00e9" * 600, "a\tb", "plain"]
    rows = [_GOOD_ROW.split(",") for _ in ids]
    for row, crime_id in zip(rows, ids, strict=True):
        row[STREET_COLUMNS.index("Crime ID")] = f'"{crime_id}"'
    (tmp_path / "d" / "2019-06").mkdir(parents=True)
    (tmp_path / "d" / _STREET_FILE).write_text(_street_text([",".join(r) for r in rows]))
    ingest_police_uk(tmp_path / "d", "testforce", tmp_path / "processed")
    crimes = pd.read_parquet(tmp_path / "processed" / "crimes.parquet")
    assert crimes["crime_id"].tolist() == ids


def _zip_with(path: Path, members: dict[str, bytes], **info) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            member = zipfile.ZipInfo(name, date_time=(2019, 7, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, data)
    return path


@pytest.mark.parametrize(
    "members, expected",
    [
        (
            {"../2019-06/2019-06-testforce-street.csv": b"x"},
            "d.zip: member '../2019-06/2019-06-testforce-street.csv' has a path outside the "
            "archive (absolute or '..')",
        ),
        (
            {_STREET_FILE: _street_text().encode(), "copy/" + _STREET_FILE: b"x"},
            f"d.zip: the same month, force and kind twice: {_STREET_FILE!r} and "
            f"'copy/{_STREET_FILE}' (rows would be counted twice)",
        ),
    ],
    ids=["dot-dot-member", "same-month-twice"],
)
def test_bad_zip_structure_is_refused(tmp_path, members, expected):
    path = _zip_with(tmp_path / "d.zip", members)
    with pytest.raises(ValueError) as caught:
        ingest_police_uk(path, "testforce", tmp_path / "processed")
    assert str(caught.value) == expected


def test_a_damaged_zip_is_refused(tmp_path):
    path = _zip_with(tmp_path / "d.zip", {_STREET_FILE: _street_text().encode() * 50})
    data = bytearray(path.read_bytes())
    data[60:80] = b"\x00" * 20  # inside the deflated data: the CRC check fails
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"^d.zip: member '2019-06/.*' is damaged \("):
        ingest_police_uk(path, "testforce", tmp_path / "processed")
