"""Stop and search from public downloads: the per-force search counts stored at ingest, a force
among its peers by stop-search rate, and the appendix for British Transport Police and Northern
Ireland (no 2011 Census rates).

Everything is built from a small hand-made data.police.uk-style download written here; expected
values are counted from the plan below by hand, with populations read with the csv module from
data/reference/la_population_mid2019.csv (ONS mid-2019) and the peer groups from
data/reference/peer_groups.csv.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from perfpack.core.figures import FigureBook
from perfpack.data.public_tables import NATIONAL_SEARCH_COUNTS_FILE
from perfpack.ingest.police_uk import national as national_ingest
from perfpack.ingest.police_uk.ingest import ingest_police_uk
from perfpack.ingest.police_uk.read import STOP_SEARCH_COLUMNS, STREET_COLUMNS
from perfpack.themes import peers
from perfpack.themes.stopsearch import ethnicity as sse
from perfpack.themes.stopsearch import page as stopsearch_page
from perfpack.themes.stopsearch import public as ssp
from tests.conftest import PROJECT_ROOT, executed_text

STOP_SEARCH_NOTEBOOK = PROJECT_ROOT / "notebooks" / "04_stop_search.ipynb"
REFERENCE = PROJECT_ROOT / "data" / "reference"

#: force slug -> (name in "Reported by", LSOA name of its street rows, point of its rows)
FORCES = {
    "staffordshire": ("Staffordshire Police", "Stafford 001A", ("-2.100001", "52.800001")),
    "derbyshire": ("Derbyshire Constabulary", "Derby 001A", ("-1.470001", "52.920001")),
    "cheshire": ("Cheshire Constabulary", "Cheshire East 001A", ("-2.300001", "53.100001")),
    "south-wales": ("South Wales Police", "Cardiff 001A", ("-3.180001", "51.480001")),
    "west-mercia": ("West Mercia Police", "Shropshire 001A", ("-2.750001", "52.700001")),
    "btp": ("British Transport Police", "Camden 001A", ("-0.120001", "51.530001")),
    "northern-ireland": ("Police Service of Northern Ireland", "", ("", "")),
}
#: stop searches per force and month (west-mercia publishes no stop-and-search files)
SEARCHES = {
    "staffordshire": {"2018-12": 2, "2019-01": 6},
    "derbyshire": {"2018-12": 1, "2019-01": 3},
    "cheshire": {"2018-12": 4, "2019-01": 10},
    "south-wales": {"2018-12": 30, "2019-01": 50},
    "btp": {"2018-12": 8, "2019-01": 12},
    "northern-ireland": {"2018-12": 9, "2019-01": 11},
}
ETHNICITIES = (
    "White - English/Welsh/Scottish/Northern Irish/British",
    "Black/African/Caribbean/Black British - African",
    "Asian/Asian British - Indian",
    "",
)
MONTHS = ("2018-12", "2019-01")


def _population(name: str) -> int:
    with (REFERENCE / "la_population_mid2019.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return next(int(r["population_mid2019"]) for r in rows if r["area_name"] == name)


def _write_download(root: Path, searching=tuple(SEARCHES)) -> Path:
    """Street files (20 rows a month) for every force of :data:`FORCES`; stop-and-search files
    for the forces in ``searching``."""
    street_header = ",".join(STREET_COLUMNS)
    search_header = ",".join(STOP_SEARCH_COLUMNS)
    for month in MONTHS:
        folder = root / month
        folder.mkdir(parents=True, exist_ok=True)
        for force, (name, lsoa, (lon, lat)) in FORCES.items():
            row = (
                f",{month},{name},{name},{lon},{lat},On or near Somewhere,"
                f"{'E0' if lsoa else ''},{lsoa},Robbery,Under investigation,"
            )
            (folder / f"{month}-{force}-street.csv").write_text(
                "\n".join([street_header] + [row] * 20) + "\n", encoding="utf-8"
            )
            if force not in searching:
                continue
            lines = [search_header]
            for i in range(SEARCHES[force][month]):
                when = f"{month}-{1 + i % 28:02d}T{(7 + 3 * i) % 24:02d}:30:00+00:00"
                outcome = "Arrest" if i % 3 == 0 else "A no further action disposal"
                lines.append(
                    f"Person search,{when},False,,{lat},{lon},Male,18-24,"
                    f"{ETHNICITIES[i % 4]},White,Misuse of Drugs Act 1971 (section 23),"
                    f"Controlled drugs,{outcome},False,False"
                )
            (folder / f"{month}-{force}-stop-and-search.csv").write_text(
                "\n".join(lines) + "\n", encoding="utf-8"
            )
    return root


@pytest.fixture(scope="module")
def download(tmp_path_factory) -> Path:
    return _write_download(tmp_path_factory.mktemp("download") / "download")


def _ingest(download: Path, force: str, folder: Path) -> Path:
    ingest_police_uk(download, force, folder)
    return folder


# --------------------------------------------------------------------------------------------
# the per-force search counts stored at ingest


def _expected_counts(forces=tuple(SEARCHES)) -> set[tuple[str, str, int]]:
    return {(f, m, SEARCHES[f][m]) for f in forces for m in MONTHS}


def _stored(file: Path) -> set[tuple[str, str, int]]:
    frame = pd.read_parquet(file)
    return {(r.force, f"{r.month:%Y-%m}", int(r.searches)) for r in frame.itertuples(index=False)}


def test_one_force_ingest_stores_every_forces_search_counts(download, tmp_path):
    folder = _ingest(download, "staffordshire", tmp_path / "staffs")
    assert _stored(folder / NATIONAL_SEARCH_COUNTS_FILE) == _expected_counts()


def test_national_ingest_stores_search_counts(download, tmp_path):
    folders = national_ingest.ingest_every_force(download, tmp_path / "all")
    expected = _expected_counts()
    assert _stored(tmp_path / "all" / NATIONAL_SEARCH_COUNTS_FILE) == expected
    assert _stored(folders["derbyshire"] / NATIONAL_SEARCH_COUNTS_FILE) == expected


def test_no_stop_search_files_no_stale_counts(download, tmp_path):
    folder = _ingest(download, "staffordshire", tmp_path / "staffs")
    street_only = _write_download(tmp_path / "street-only", searching=())
    ingest_police_uk(street_only, "staffordshire", folder)
    assert not (folder / NATIONAL_SEARCH_COUNTS_FILE).exists()


# --------------------------------------------------------------------------------------------
# a force among its peers


def test_stop_search_peers_by_hand(download, tmp_path):
    folder = _ingest(download, "staffordshire", tmp_path / "staffs")
    # period 2019-02, one month behind, 1-month windows: the current window is 2019-01
    view = ssp.peer_comparison("stop_search_public", "2019-02", folder, window_months=1)
    group = peers.peer_groups()["staffordshire"]
    # rates per 1,000 in 2019-01: Derby 3 / 257,302 = 0.0117, Cheshire East 10 / 384,152 =
    # 0.0260, Stafford 6 / 137,280 = 0.0437, Cardiff 50 / 366,903 = 0.1363
    rates = {
        "derbyshire": 3 / _population("Derby") * 1000,
        "cheshire": 10 / _population("Cheshire East") * 1000,
        "staffordshire": 6 / _population("Stafford") * 1000,
        "south-wales": 50 / _population("Cardiff") * 1000,
    }
    assert set(rates) <= set(group) and "west-mercia" in group
    assert view.table["force"].tolist() == list(rates)  # lowest first
    assert view.table["rate_per_1000"].tolist() == pytest.approx(list(rates.values()))
    assert view.rank == 3 and view.n == 4 and ssp.is_ranked(view)
    assert "west-mercia" in view.missing  # street files only
    sentence = ssp.peer_sentence(view, "January 2019")
    assert sentence.startswith(
        "Staffordshire's stop-search rate is the 2nd highest of the 4 forces in its peer group"
    )
    assert "(January 2019)" in sentence and "NOT the Home Office's official" in sentence
    assert "no stop-and-search files for every month" in sentence
    book = FigureBook("stop_search_public")
    ssp.add_peer_figures(book, view)
    figures = book.to_frame().set_index(["measure", "group"])
    assert figures.loc[("peer_rank", ""), "value"] == 3
    assert figures.loc[("peer_group_forces", ""), "value"] == 4
    assert figures.loc[("peer_rate_per_1000", "cheshire"), "value"] == pytest.approx(
        rates["cheshire"], rel=1e-5
    )
    assert set(book.to_frame()["window"]) == {"2019-01/2019-01"}


def test_peers_without_stop_search_files_are_not_ranked(tmp_path):
    download = _write_download(tmp_path / "download", searching=("staffordshire",))
    folder = _ingest(download, "staffordshire", tmp_path / "staffs")
    view = ssp.peer_comparison("stop_search_public", "2019-02", folder, window_months=1)
    assert view.n == 1 and not ssp.is_ranked(view)
    sentence = ssp.peer_sentence(view)
    assert sentence.startswith("The download has no stop-and-search files for every month")
    assert "Derbyshire" in sentence and "is not ranked among its peers" in sentence
    assert "highest" not in sentence and "lowest" not in sentence
    book = FigureBook("stop_search_public")
    ssp.add_peer_figures(book, view)
    assert book.to_frame().empty


def test_no_peer_comparison_for_a_force_extract(demo_processed):
    assert ssp.peer_comparison("stop_search", "2019-12", demo_processed) is None


# --------------------------------------------------------------------------------------------
# forces outside the 2011 Census table


@pytest.mark.parametrize(
    ("name", "slug", "words"),
    [
        ("British Transport Police", "btp", "has no resident population"),
        ("Police Service of Northern Ireland", "northern-ireland", "Northern Ireland's census"),
        ("Police Scotland", "", "not a police force area of the 2011 Census table"),
    ],
)
def test_census_rates_do_not_apply(name, slug, words):
    assert sse.force_populations(name).empty
    note = ssp.census_note(name, slug)
    assert note.startswith("**Disproportionality by Census rates does not apply**")
    assert words in note


def test_census_rates_apply_to_a_census_force():
    assert ssp.census_note("Staffordshire Police", "staffordshire") == ""
    # 2011 Census, Staffordshire: 1,032,327 White (SOURCES.md)
    assert sse.force_populations("Staffordshire Police")["White"] == 1_032_327


def test_disproportionality_without_census_populations():
    # 6 White, 2 Black, 1 not stated: counts and shares only, no rate and no ratio
    groups = [ETHNICITIES[0]] * 6 + [ETHNICITIES[1]] * 2 + [""]
    searches = pd.DataFrame({"self_defined_ethnicity": pd.Series(groups, dtype="str")})
    table = sse.disproportionality(searches, sse.force_populations("British Transport Police"))
    rows = table.set_index("group")
    assert rows.loc["White", "searches"] == 6 and rows.loc["All", "searches"] == 9
    assert rows.loc["White", "share"] == pytest.approx(600 / 9)
    assert rows["rate_per_1000"].isna().all() and rows["disparity_ratio"].isna().all()
    assert rows["population"].isna().all()
    shown = stopsearch_page.disproportionality_table(table).set_index("Ethnic group (self-defined)")
    assert set(shown["Searches per 1,000 residents"]) == {"–"}
    assert set(shown["Disparity ratio vs White"]) == {"–"}
    assert set(shown["Residents (2011 Census)"]) == {"–"}


# --------------------------------------------------------------------------------------------
# the appendix for every force of the download that has stop-and-search files


def _run(processed: Path, out: Path) -> tuple[str, pd.DataFrame]:
    import nbformat
    import papermill as pm

    from perfpack.core.figures import read_figures

    figures = out.with_suffix(".csv")
    pm.execute_notebook(
        str(STOP_SEARCH_NOTEBOOK),
        str(out),
        parameters={
            "period": "2019-02",
            "theme": "stop_search_public",
            "processed_dir": str(processed),
            "window_months": 1,
            "figures_path": str(figures),
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(PROJECT_ROOT),
    )
    return executed_text(nbformat.read(str(out), as_version=4)), read_figures(figures)


def _value(figures: pd.DataFrame, measure: str, group: str = "") -> float:
    rows = figures[(figures["measure"] == measure) & (figures["group"].fillna("") == group)]
    assert len(rows) == 1, f"{measure} {group!r}: {len(rows)} rows"
    return float(rows["value"].iloc[0])


@pytest.mark.slow
@pytest.mark.parametrize("force", ["btp", "northern-ireland", "staffordshire"])
def test_stop_search_appendix_builds(download, tmp_path, force):
    folder = _ingest(download, force, tmp_path / force)
    text, figures = _run(folder, tmp_path / f"{force}.ipynb")
    assert _value(figures, "count_previous") == SEARCHES[force]["2018-12"]
    assert _value(figures, "count_current") == SEARCHES[force]["2019-01"]
    measures = set(figures["measure"])
    assert "searches_by_ethnicity" in measures
    if force == "staffordshire":
        assert "Disproportionality by Census rates does not apply" not in text
        assert "Staffordshire's stop-search rate is the 2nd highest of the 4 forces" in text
        assert _value(figures, "peer_rank") == 3 and _value(figures, "peer_group_forces") == 4
        assert "disparity_ratio" in measures
        return
    assert "Disproportionality by Census rates does not apply" in text
    assert not {"disparity_ratio", "rate_per_1000_by_ethnicity", "peer_rank"} & measures
    assert "peer group" not in text  # no peer group: nothing ranked, nothing claimed
    # 12 (btp) or 11 (Northern Ireland) searches in 2019-01; the White count in the plan is
    # every 4th from the first: 3 of 12, 3 of 11 -- small counts, hidden
    assert math.isnan(_value(figures, "searches_by_ethnicity", "White"))


def test_no_peer_comparison_without_stored_counts(download, tmp_path):
    # a folder ingested before the search counts were stored: nothing claimed
    folder = _ingest(download, "staffordshire", tmp_path / "staffs")
    (folder / NATIONAL_SEARCH_COUNTS_FILE).unlink()
    assert ssp.peer_comparison("stop_search_public", "2019-02", folder, window_months=1) is None
