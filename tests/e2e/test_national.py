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

from perfpack.core.windows import Window
from perfpack.data.public_tables import national_rates
from perfpack.ingest.police_uk.areas import own_local_authorities, whole_force_populations
from perfpack.ingest.police_uk.ingest import ingest_police_uk
from perfpack.ingest.police_uk.read import STREET_COLUMNS
from perfpack.themes import areas

NISRA_MID_2019 = 1_893_667  # NISRA 2019 mid-year estimate, Northern Ireland, all persons
STREET_HEADER = ",".join(STREET_COLUMNS)


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
    assert whole_force_populations()["northern-ireland"] == NISRA_MID_2019


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
    own = own_local_authorities(counts)
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
    rates = national_rates(counts, pops)
    assert rates.forces == ["a"] and rates.rate("robbery_all") == pytest.approx(2.0)
    assert rates.excluded["northern-ireland"] == "outside England and Wales"
    assert rates.excluded["btp"].startswith("not a territorial force")


def test_btp_has_no_rates_and_says_so(tmp_path):
    rows = ["Westminster 001A"] * 30 + ["Camden 002B"] * 20 + [""] * 2
    source = _download(tmp_path, "btp", "British Transport Police", {"2019-01": rows})
    processed = tmp_path / "processed"
    ingest_police_uk(source, "btp", processed)
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
    ingest_police_uk(source, "northern-ireland", processed)
    where = areas.processed_areas(processed)
    assert where.force_population == NISRA_MID_2019 and where.has_residents
    assert len(where.populations) == 0
    assert "force-level only" in where.scope and "no LSOA" in where.scope


# --------------------------------------------------------------------------------------------
# small definitions: period ranges, the funnel's overdispersion


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("2019-02", ["2019-02"]),
        ("2019-01..2019-02", ["2019-01", "2019-02"]),
        ("2018-11..2019-02", ["2018-11", "2018-12", "2019-01", "2019-02"]),
    ],
)
def test_period_ranges(text, periods):
    from perfpack.report import distributed_run

    assert distributed_run.parse_periods(text) == periods


@pytest.mark.parametrize("text", ["2019-03..2019-01", "2019-13", "2019-01..x"])
def test_bad_period_ranges(text):
    from perfpack.report import distributed_run

    with pytest.raises(ValueError):
        distributed_run.parse_periods(text)


def test_funnel_without_overdispersion_keeps_the_poisson_limits():
    from perfpack.core import stats
    from perfpack.report import national

    # three forces exactly on the centre (1 per 1,000): z = 0 each, phi = 0, no widening
    limits, tau2 = national.funnel_limits_for_forces(
        [1000.0, 4000.0], 1.0, [10, 20, 40], [10_000, 20_000, 40_000]
    )
    assert tau2 == 0.0
    expected = stats.funnel_limits([1000.0, 4000.0], 1.0)
    for column in ("lower_1.96", "upper_1.96", "lower_3.09", "upper_3.09"):
        # the same exact Poisson limits (interpolated slightly differently: within 0.1%)
        assert limits[column].to_numpy() == pytest.approx(expected[column].to_numpy(), rel=1e-3)


def test_funnel_note_says_which_limits():
    from perfpack.report import national

    assert "exact Poisson limits" in national.funnel_note(0.0)
    assert "widened for that overdispersion" in national.funnel_note(0.6575)


def test_funnel_overdispersion_by_hand():
    from perfpack.report import national

    # six forces of 25,000 residents at 1 per 1,000 (expected 25 each) with 4, 9, 16, 25, 36
    # and 49 offences, the case worked in tests/unit/test_overdispersion.py: z = 2 (sqrt(y) - 5) =
    # -6, -4, -2, 0, 2, 4; winsorised squares add to 58, phi = 58 / 6, overdispersed;
    # tau^2 = (58 - 5) / (600 - 100) = 0.106; the 95% limits at 25,000 residents are
    # 25 * (1 -/+ 1.96 * sqrt(0.01 + 0.106))**2 / 25 per 1,000 = 0.112 to 2.78
    counts = [4, 9, 16, 25, 36, 49]
    limits, tau2 = national.funnel_limits_for_forces([25_000.0], 1.0, counts, [25_000] * 6)
    assert tau2 == pytest.approx(0.106, abs=1e-3)
    spread = 1.96 * math.sqrt(0.01 + 0.106)
    assert limits["upper_1.96"].iloc[0] == pytest.approx((1 + spread) ** 2, rel=1e-2)
    assert limits["lower_1.96"].iloc[0] == pytest.approx((1 - spread) ** 2, rel=1e-2)


# --------------------------------------------------------------------------------------------
# the real all-forces download: every force builds, in one batch, with the national page

ZIP = "street-all-available-forces-2018-10_2019-02.zip"
PREVIOUS, CURRENT = ("2018-11", "2018-12"), ("2019-01", "2019-02")


@pytest.fixture(scope="module")
def zip_robbery(shared_data) -> dict:
    """Force slug -> (robbery rows in Nov-Dec 2018, in Jan-Feb 2019), counted with the csv
    module from the zip (every force slug in it appears, even with no robbery)."""
    import csv
    import io
    import zipfile

    counts: dict[str, list[int]] = {}
    with zipfile.ZipFile(shared_data / "police-uk" / ZIP) as archive:
        for name in archive.namelist():
            if not name.endswith("-street.csv"):
                continue
            base = name.split("/")[-1]
            month, slug = base[:7], base[8:-11]
            tally = counts.setdefault(slug, [0, 0])
            if month not in PREVIOUS + CURRENT:
                continue
            text = archive.read(name).decode("utf-8")
            robbery = sum(r["Crime type"] == "Robbery" for r in csv.DictReader(io.StringIO(text)))
            tally[0 if month in PREVIOUS else 1] += robbery
    return counts


@pytest.fixture(scope="module")
def national_run(shared_data, tmp_path_factory):
    """The download ingested once and every force built in one batch (2-month windows to
    2019-02, no PDF): the cheapest run that still executes every force's every appendix."""
    from perfpack.ingest.police_uk import national as national_ingest
    from perfpack.report import national

    root = tmp_path_factory.mktemp("national")
    national_ingest.ingest_every_force(shared_data / "police-uk" / ZIP, root / "processed")
    result = national.run_national(
        ["2019-02"], root / "processed", root / "reports", root / "annotations",
        window_months=2, pdf=False,
    )  # fmt: skip
    return root / "reports", result


@pytest.mark.slow
def test_every_force_in_the_download_builds(national_run, zip_robbery):
    reports, result = national_run
    assert len(zip_robbery) == 41  # SOURCES.md: 41 forces
    assert {slug for slug, _ in result.results} == set(zip_robbery)
    failed = [(s, p, j.slug, j.cell, j.exception) for s, p, j in result.failures]
    assert not failed and not result.skipped
    for slug in zip_robbery:
        pack = reports / slug / "2019-02"
        assert (pack / "index.html").exists()
        for theme in ("robbery_all", "vehicle_crime_all"):
            assert (pack / "appendices" / f"{theme}.html").exists(), (slug, theme)
    btp = (reports / "btp" / "2019-02" / "appendices" / "robbery_all.html").read_text()
    assert "rates per 1,000 residents do not apply" in btp
    assert "Westminster" in btp  # where BTP records most of its offences
    ni = (reports / "northern-ireland" / "2019-02" / "appendices" / "robbery_all.html").read_text()
    assert "force-level only" in ni and "no LSOA" in ni


@pytest.mark.slow
def test_national_page(national_run, zip_robbery):
    reports, result = national_run
    page_path = reports / "national" / "2019-02" / "index.html"
    assert result.pages == [page_path]
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "Content-Security-Policy" in page and "script-src 'none'" in page
    assert "Devon &amp; Cornwall Police" in page  # a name from the data, escaped
    figures = pd.read_csv(page_path.parent / "figures.csv", keep_default_na=False)
    robbery = figures[figures["theme"] == "robbery_all"]
    for slug, (previous, current) in zip_robbery.items():
        rows = robbery[robbery["group"] == slug].set_index("measure")["value"]
        assert float(rows["count_previous"]) == previous, slug
        assert float(rows["count_current"]) == current, slug
    staffs = robbery[robbery["group"] == "staffordshire"].set_index("measure")["value"]
    assert float(staffs["rate_per_1000"]) == pytest.approx(
        zip_robbery["staffordshire"][1] / 1_135_935 * 1000, rel=1e-6
    )
    assert staffs["rate_per_1000"] != "" and (
        robbery[robbery["group"] == "btp"].set_index("measure")["value"]["rate_per_1000"] == ""
    )
    assert "does not apply" in page and "Spiegelhalter 2005" in page
    assert 'class="perfpack-footer"' in page and (page_path.parent / "provenance.json").exists()


def test_force_table_by_hand():
    from perfpack.report import national

    month = pd.to_datetime
    counts = pd.DataFrame(
        {
            "force": ["a", "a", "b", "b", "c"],
            "month": month(["2019-01-01", "2019-02-01", "2019-01-01", "2019-02-01", "2019-02-01"]),
            "crime_type": ["Robbery"] * 5,
            "theme": ["robbery_all"] * 5,
            "crimes": [10, 20, 4, 2, 7],
        }
    )
    pops = pd.DataFrame({"force": ["a", "b", "c"], "population": pd.array([10_000, pd.NA, 7_000])})
    jan, feb = (
        Window(pd.Period("2019-01", "M"), pd.Period("2019-01", "M")),
        Window(pd.Period("2019-02", "M"), pd.Period("2019-02", "M")),
    )
    table = national.force_table(counts, pops, "robbery_all", jan, feb, {"a": "A Police"})
    rows = table.set_index("force")
    # a: 10 -> 20, +100%, 2.0 per 1,000; exact test: 20 of 30 under Binomial(30, 0.5),
    # two-sided p = 0.0987 (no evidence of a change at 5%)
    assert rows.loc["a", "name"] == "A Police" and rows.loc["a", "pct_change"] == 100.0
    assert rows.loc["a", "rate_per_1000"] == pytest.approx(2.0)
    assert rows.loc["a", "p_value"] == pytest.approx(0.0987, abs=1e-4)
    assert not rows.loc["a", "significant"] and rows.loc["a", "complete"]
    # b has no residents: no rate; c has no January file: not complete
    assert math.isnan(rows.loc["b", "rate_per_1000"]) and rows.loc["b", "change"] == -2
    assert not rows.loc["c", "complete"] and rows.loc["c", "rate_per_1000"] == pytest.approx(1.0)


def test_cli_refuses_a_backwards_range(capsys):
    from perfpack import cli

    assert cli.main(["run", "2019-03..2019-01"]) == 2
    assert "runs backwards" in capsys.readouterr().err


def test_cli_ingests_every_force_once(tmp_path):
    from perfpack import cli
    from perfpack.report import national

    source = _download(tmp_path, "btp", "British Transport Police", {"2019-01": ["Camden 001A"]})
    folder = source / "2019-01"
    lines = [STREET_HEADER] + [_row("2019-01", "Stafford 001A", "Staffordshire Police")] * 3
    (folder / "2019-01-staffordshire-street.csv").write_text("\n".join(lines) + "\n")
    root = tmp_path / "processed"
    args = ["ingest", "--source", "police-uk", "--force", "all", "--data", str(source)]
    assert cli.main([*args, "--processed", str(root)]) == 0
    info = national.national_manifest(root)
    assert sorted(info["folders"]) == ["btp", "staffordshire"]
    assert info["names"]["staffordshire"] == "Staffordshire Police"
    staffs = pd.read_parquet(root / "staffordshire" / "crimes.parquet")
    assert len(staffs) == 3 and set(staffs["force"]) == {"staffordshire"}


def test_a_force_with_a_small_count_is_published_like_any_small_count():
    from perfpack.report import national

    # previous 3, 50, 60: the 3 is "<5"; the national total would give it back, so the next
    # smallest (50) is hidden with it; their changes, tests and rates are not published
    table = pd.DataFrame({"previous": [3, 50, 60], "current": [10, 40, 70]})
    counts, hidden = national._published_counts(table)
    assert counts["previous"].tolist() == ["<5", "[c]", "60"]
    assert hidden == [True, True, False]
