"""Every force of a data.police.uk download: forces with no residents (British Transport
Police) or no LSOA (Northern Ireland), and the national pack.

Expected values: NISRA's mid-2019 estimate for Northern Ireland (1,893,667, the source line of
data/reference/force_population_mid2019.csv), hand-worked small tables written in the tests,
and the real all-forces download in ../shared/data (force slugs read with the zipfile module).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from perfpack import areas, police_uk

NISRA_MID_2019 = 1_893_667  # NISRA 2019 mid-year estimate, Northern Ireland, all persons
STREET_HEADER = ",".join(police_uk.STREET_COLUMNS)


def _row(month, lsoa_name, force_name, crime_type="Robbery", lon="-0.13", lat="51.5"):
    return (
        f",{month},{force_name},{force_name},{lon},{lat},On or near Somewhere,E0,"
        f"{lsoa_name},{crime_type},Under investigation,"
    )


def _download(tmp_path, slug, force_name, rows_by_month):
    for month, rows in rows_by_month.items():
        folder = tmp_path / "download" / month
        folder.mkdir(parents=True, exist_ok=True)
        lines = [STREET_HEADER] + [_row(month, la, force_name) for la in rows]
        (folder / f"{month}-{slug}-street.csv").write_text("\n".join(lines) + "\n")
    return tmp_path / "download"


def test_northern_ireland_population_is_nisra_mid_2019():
    assert police_uk.whole_force_populations()["northern-ireland"] == NISRA_MID_2019


def test_btp_areas_are_where_it_records_offences_by_share_alone():
    # 150 + 49 + 1 located rows: Stafford holds 0.5% (< 1%), the others pass the share test;
    # Camden's density test would not matter: a force with no residents has none
    counts = pd.DataFrame(
        {
            "force": ["btp"] * 3,
            "local_authority": ["Westminster", "Camden", "Stafford"],
            "rows": [150, 49, 1],
        }
    )
    own = police_uk.own_local_authorities(counts)
    assert set(own.loc[own["own"], "local_authority"]) == {"Westminster", "Camden"}


def test_national_rates_leave_out_btp_and_northern_ireland():
    counts = pd.DataFrame(
        {
            "force": ["a", "btp", "northern-ireland"],
            "month": pd.to_datetime(["2019-01-01"] * 3),
            "crime_type": ["Robbery"] * 3,
            "theme": ["robbery_all"] * 3,
            "crimes": [4, 10, 9],
        }
    )
    pops = pd.Series({"a": 2000, "btp": pd.NA, "northern-ireland": NISRA_MID_2019})
    rates = police_uk.national_rates(counts, pops)
    assert rates.forces == ["a"] and rates.rate("robbery_all") == pytest.approx(2.0)
    assert rates.excluded["northern-ireland"] == "outside England and Wales"
    assert rates.excluded["btp"].startswith("not a territorial force")


def test_btp_has_no_rates_and_says_so(tmp_path):
    rows = ["Westminster 001A"] * 30 + ["Camden 002B"] * 20 + [""] * 2
    source = _download(tmp_path, "btp", "British Transport Police", {"2019-01": rows})
    processed = tmp_path / "processed"
    police_uk.ingest_police_uk(source, "btp", processed)
    where = areas.processed_areas(processed)
    assert not where.has_residents and math.isnan(where.force_population)
    assert sorted(where.populations.index) == ["Camden", "Westminster"]
    assert where.populations.isna().all()
    assert "rates per 1,000 residents do not apply" in where.scope


def test_northern_ireland_is_force_level_with_its_population(tmp_path):
    rows = [""] * 5  # the public files carry no LSOA for Northern Ireland
    name = "Police Service of Northern Ireland"
    source = _download(tmp_path, "northern-ireland", name, {"2019-01": rows})
    processed = tmp_path / "processed"
    police_uk.ingest_police_uk(source, "northern-ireland", processed)
    where = areas.processed_areas(processed)
    assert where.force_population == NISRA_MID_2019 and where.has_residents
    assert len(where.populations) == 0
    assert "force-level only" in where.scope and "no LSOA" in where.scope
