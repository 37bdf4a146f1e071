"""The crime and stop-search appendices on public data.police.uk data, and the window length.

Expected values come from the real files in ../shared/data (counted here with the csv module,
never with the code under test), from SOURCES.md and the published report (Staffordshire's
mid-2019 population 1,135,935), from ../shared/data/reference/la_population_mid2019.csv, or from
the small tables written in the tests themselves.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from perfpack.core import projections
from perfpack.core.change import round_half_up
from perfpack.core.windows import Window
from perfpack.data import reference, tables
from perfpack.data.public_tables import (
    ONLY_THIS_FORCE,
    NationalRates,
    national_counts,
    national_rates,
    stored_national_rates,
)
from perfpack.data.tables import ProcessedTables
from perfpack.ingest.police_uk.ingest import ingest_police_uk
from perfpack.ingest.police_uk.read import STOP_SEARCH_COLUMNS, STREET_COLUMNS
from perfpack.themes import areas, crime
from perfpack.themes import stopsearch as ss
from perfpack.themes.crime import measures as crime_measures
from perfpack.themes.crime import projections as crime_projections
from perfpack.themes.crime import text as crime_text
from tests.conftest import PROJECT_ROOT, executed_text

CRIME_NOTEBOOK = PROJECT_ROOT / "notebooks" / "01_crime_theme.ipynb"
STOP_SEARCH_NOTEBOOK = PROJECT_ROOT / "notebooks" / "04_stop_search.ipynb"
ZIP_NAME = "street-all-available-forces-2018-10_2019-02.zip"
STAFFS_POPULATION = 1_135_935  # the published report's mid-2019 population
STAFFS_LAS = (
    "Cannock Chase", "East Staffordshire", "Lichfield", "Newcastle-under-Lyme",
    "South Staffordshire", "Stafford", "Staffordshire Moorlands", "Stoke-on-Trent", "Tamworth",
)  # fmt: skip
CUMBRIA_LAS = ("Allerdale", "Barrow-in-Furness", "Carlisle", "Copeland", "Eden", "South Lakeland")
#: SOURCES.md: forces absent from the all-forces zip for all five months.
ABSENT = "greater-manchester, metropolitan, west-midlands, west-yorkshire"
PREVIOUS, CURRENT = ("2018-11", "2018-12"), ("2019-01", "2019-02")
THEME_TYPES = {"robbery_all": "Robbery", "vehicle_crime_all": "Vehicle crime"}


def W(start: str, end: str) -> Window:
    return Window(pd.Period(start, "M"), pd.Period(end, "M"))


def _la(lsoa_name: str) -> str:
    return lsoa_name.rsplit(" ", 1)[0] if lsoa_name else ""


def _value(figures: pd.DataFrame, measure: str, group: str = "") -> float:
    rows = figures[(figures["measure"] == measure) & (figures["group"].fillna("") == group)]
    assert len(rows) == 1, f"{measure} {group!r}: {len(rows)} rows"
    return float(rows["value"].iloc[0])


# --------------------------------------------------------------------------------------------
# small definitions, edge-case tables


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1 month"), (2, "2 months"), (12, "12 months"), (24, "24 months")]
)
def test_months_text(n, text):
    assert areas.months_text(n) == text


@pytest.mark.parametrize(
    ("theme", "period", "months", "previous", "current", "rate"),
    [
        # the report: 12 months, national rate window Oct 2018 - Sep 2019
        ("personal_robbery", "2019-12", 12, "2018-01/2018-12", "2019-01/2019-12",
         "2018-10/2019-09"),
        # a force theme keeps the published rate's 12 months whatever the window length
        ("personal_robbery", "2019-12", 6, "2019-01/2019-06", "2019-07/2019-12",
         "2018-10/2019-09"),
        # a public theme rates the current window (its national rate is computed over it)
        ("robbery_all", "2019-02", 2, "2018-11/2018-12", "2019-01/2019-02", "2019-01/2019-02"),
        ("vehicle_crime_all", "2019-12", 12, "2018-01/2018-12", "2019-01/2019-12",
         "2019-01/2019-12"),
        ("vehicle_crime_all", "2019-02", 1, "2019-01/2019-01", "2019-02/2019-02",
         "2019-02/2019-02"),
    ],
)  # fmt: skip
def test_theme_windows(theme, period, months, previous, current, rate):
    windows = reference.theme_spec(theme).windows(period, months)
    assert (windows.previous.label, windows.current.label) == (previous, current)
    assert windows.national.label == rate


@pytest.mark.parametrize(
    ("theme", "months", "previous", "current", "last_three"),
    [
        ("stop_search", 12, "2017-12/2018-11", "2018-12/2019-11", "2019-09/2019-11"),
        ("stop_search_public", 2, "2019-08/2019-09", "2019-10/2019-11", "2019-09/2019-11"),
        ("stop_search_public", 1, "2019-10/2019-10", "2019-11/2019-11", "2019-09/2019-11"),
    ],
)
def test_stop_search_windows(theme, months, previous, current, last_three):
    spec = reference.theme_spec(theme)
    windows = spec.windows("2019-12", months)
    team_window = ss.team_window(spec, "2019-12", months)
    assert [w.label for w in (windows.previous, windows.current, team_window)] == [
        previous,
        current,
        last_three,
    ]


@pytest.mark.parametrize(
    ("previous", "current", "months", "expected"),
    [
        (0, 0, 12, ""),
        (28, 14, 2, "14 offences in the current 2 months and 28 in the previous 2 months"),
        (0, 1, 1, "fewer than 5 offences in the current 1 month and 0 in the previous 1 month"),
    ],
)
def test_unplaced_note(previous, current, months, expected):
    note = areas.unplaced_note(previous, current, areas.LOCAL_AUTHORITY_NAMES, months)
    assert (note == "") if not expected else note.startswith(expected)
    if expected:
        assert "not in any local authority row" in note


@pytest.mark.parametrize(
    ("n_months", "trends", "has_model", "note_has"),
    [
        (2, [], False, ["3-, 6- and 12-month trends", "seasonal model"]),
        (5, [3], False, ["6- and 12-month trends", "seasonal model", "no % change"]),
        (12, [3, 6, 12], False, ["the seasonal model with its back-test (which needs 24"]),
        (24, [3, 6, 12], True, []),
    ],
)
def test_projections_need_history(n_months, trends, has_model, note_has):
    # one robbery a month from 2017-01 (the data's first month) to the period
    months = pd.period_range(end="2019-12", periods=n_months, freq="M")
    frame = pd.DataFrame(
        {
            "theme": pd.Series(["robbery_all"] * n_months, dtype="str"),
            "recorded_date": months.to_timestamp(),
            "npt": pd.Series(["A"] * n_months, dtype="str"),
        }
    )
    analysis = crime.analyse(
        ProcessedTables.of(crimes=frame),
        reference.theme_spec("robbery_all"),
        "2019-12",
        1,
        n_sims=200,
    )
    assert analysis.projections["n_months"].tolist() == trends
    assert (analysis.ets is not None) == has_model
    assert (len(analysis.backtest) > 0) == has_model
    note = crime_projections.projection_note(analysis)
    for words in note_has:
        assert words in note
    if not note_has:
        assert note == ""
    measures = set(analysis.figures().to_frame()["measure"])
    assert ("ets_total" in measures) == has_model
    assert {f"projection_{n}m_pct" for n in trends} <= measures
    assert crime_projections.projection_display_table(analysis)["Method"].tolist()[
        : len(trends)
    ] == [f"{n}-month trend" for n in trends]
    assert crime_projections.projection_sentence(analysis)  # never empty, never fails


def _hand_crimes():
    """Robbery (all) in two areas and one row with no area: 2018-11..12 vs 2019-01..02."""
    rows = [
        ("2018-11-01", "A", 3), ("2018-12-01", "B", 1), ("2019-01-01", "A", 1),
        ("2019-02-01", "B", 4), ("2019-02-01", None, 2),
    ]  # fmt: skip
    records = []
    for date, npt, n in rows:
        records += [(date, npt)] * n
    frame = pd.DataFrame(records, columns=["recorded_date", "npt"])
    frame["recorded_date"] = pd.to_datetime(frame["recorded_date"])
    frame["theme"] = pd.Series(["robbery_all"] * len(frame), dtype="str")
    frame["npt"] = frame["npt"].astype("str")
    return frame


def test_public_theme_with_two_month_windows_and_computed_national():
    national = NationalRates(
        pd.DataFrame(
            {"group": ["robbery_all"], "crimes": [30], "population": [20_000],
             "rate_per_1000": [1.5]}
        ),
        ["a", "b"], ["2019-01", "2019-02"], {}, "Coverage: 2 forces.",
    )  # fmt: skip
    where = areas.ProcessedAreas(
        pd.Series({"A": 1000.0, "B": 3000.0}), 4000.0, areas.LOCAL_AUTHORITY_NAMES,
        "Testshire", "Testshire Police", True,
    )  # fmt: skip
    analysis = crime.analyse(
        ProcessedTables.of(crimes=_hand_crimes()), reference.theme_spec("robbery_all"),
        "2019-02", 2, n_sims=200, national=national, where=where,
    )  # fmt: skip
    # 3 + 1 = 4 before, 1 + 4 + 2 = 7 now; 2 of them in no area
    assert (analysis.headline.previous, analysis.headline.current) == (4, 7)
    assert "1st November 2018 to 31st December 2018" in analysis.headline.sentence
    assert analysis.unplaced == (0, 2)
    assert analysis.by_npt.set_index("area")["current"].to_dict() == {"A": 1, "B": 4}
    # 7 per 4,000 residents over the current window = 1.75; the forces' 1.5 is lower
    assert analysis.national.rate_per_1000 == pytest.approx(1.75)
    assert analysis.national.window.label == "2019-01/2019-02"
    sentence = crime_text.national_sentence(analysis.title, analysis.national, analysis.place)
    assert "Testshire is above the rate across the 2 forces" in sentence
    assert "1.75 crimes per 1,000 residents compared to 1.50" in sentence
    assert "(2 months, not annualised)" in sentence and "Coverage: 2 forces." in sentence
    text = crime_text.npt_sentence(analysis.title, analysis.by_npt, where.force_name, where.names)
    assert text.startswith("Robbery (all) has decreased in one of Testshire Police's two local")
    assert "cannot be compared with the report's Personal Robbery" in analysis.data_note
    assert analysis.table_caption("areas").startswith(
        "Robbery (all) by local authority, previous and current 2 months"
    )
    assert "over a 2 month period" in analysis.chart_title("npt_change")
    figures = analysis.figures().to_frame().set_index(["measure", "group"])["value"]
    # 2 offences with no local authority: "fewer than 5" on the page, blank in the figures
    assert math.isnan(figures[("no_area_count_current", "")])
    assert figures[("national_forces_counted", "")] == 2
    assert figures[("national_rate_per_1000", "")] == pytest.approx(1.5)


def test_no_national_comparator_for_a_single_force():
    single = NationalRates(
        pd.DataFrame(columns=["group", "crimes", "population", "rate_per_1000"]),
        ["x"], ["2019-01", "2019-02"], {}, ONLY_THIS_FORCE,
    )  # fmt: skip
    analysis = crime.analyse(
        ProcessedTables.of(crimes=_hand_crimes()), reference.theme_spec("robbery_all"),
        "2019-02", 2, n_sims=200, national=single, populations=pd.Series({"A": 1000, "B": 3000}),
    )  # fmt: skip
    assert analysis.national.national_rate_per_1000 is None
    sentence = crime_text.national_sentence(analysis.title, analysis.national)
    assert sentence.endswith("No national comparator: the download holds only this force.")
    assert "1.75 Robbery (all) offences per 1,000 residents" in sentence


def test_national_rates_from_counts_equal_records():
    records = pd.DataFrame(
        [("a", "2019-01", "Robbery", "robbery_all")] * 3
        + [("a", "2019-02", "Anti-social behaviour", None)] * 5
        + [("b", "2019-01", "Vehicle crime", "vehicle_crime_all")] * 2
        + [("b", "2019-02", "Robbery", "robbery_all")],
        columns=["force", "month", "crime_type", "theme"],
    )
    records["month"] = pd.to_datetime(records["month"])
    counted = national_counts(records)
    assert counted["crimes"].tolist() == [3, 5, 2, 1]
    pops = pd.DataFrame({"force": ["a", "b"], "population": pd.array([1000, 1000], "Int64")})
    from_counts = national_rates(counted, pops, W("2019-01", "2019-02"))
    # robbery 3 + 1 over 2,000 residents = 2.0 per 1,000; all crime (no ASB) 6 -> 3.0
    assert from_counts.rate("robbery_all") == pytest.approx(2.0)
    assert from_counts.rate("all_crime") == pytest.approx(3.0)
    assert from_counts.rate("robbery_all") == national_rates(records, pops).rate("robbery_all")


STREET_HEADER = ",".join(STREET_COLUMNS)


def _street_row(month, lon, lat, lsoa_name, crime_type="Robbery"):
    return (
        f",{month},Test Police,Test Police,{lon},{lat},On or near Somewhere,E0,"
        f"{lsoa_name},{crime_type},Under investigation,"
    )


def test_areas_of_a_public_download_with_a_merged_authority(tmp_path):
    """Cannock Chase has a population of its own; Purbeck became part of Dorset (378,508) in
    2019, so it has none of its own; the force's residents are 100,762 + 378,508."""
    root = tmp_path / "download" / "2019-01"
    root.mkdir(parents=True)
    rows = [STREET_HEADER]
    rows += [_street_row("2019-01", -2.0, 52.7, "Cannock Chase 001A")] * 150
    rows += [_street_row("2019-01", -2.1, 50.6, "Purbeck 001A")] * 50
    rows += [_street_row("2019-01", "", "", "")] * 3  # no location
    (root / "2019-01-testforce-street.csv").write_text("\n".join(rows) + "\n")
    processed = tmp_path / "processed"
    ingest_police_uk(tmp_path / "download", "testforce", processed)
    where = areas.processed_areas(processed)
    assert where.public and where.names.kind == "local_authority"
    assert where.populations["Cannock Chase"] == 100_762
    assert math.isnan(where.populations["Purbeck"])
    assert where.force_population == 100_762 + 378_508
    assert where.place == "Test Police"  # no Census police force area of that name
    assert "Purbeck" in where.note
    national = stored_national_rates(processed, W("2019-01", "2019-01"))
    assert national.rate("robbery_all") is None and national.note == ONLY_THIS_FORCE
    manifest = tables.manifest(processed)
    assert manifest["areas"]["kind"] == "local_authority" and manifest["national"]["forces"] == [
        "testforce"
    ]


def test_force_extract_areas_are_the_npts(demo_processed):
    where = areas.processed_areas(demo_processed)
    assert not where.public and where.names.short == "NPT"
    assert where.force_population == STAFFS_POPULATION
    assert len(where.populations) == 10 and where.place == "Staffordshire"
    assert where.force_name == "Staffordshire Police"
    assert stored_national_rates(demo_processed, W("2019-01", "2019-12")) is None


@pytest.mark.parametrize("months", [12, 6])
def test_missing_persons_window_months(demo_processed, months):
    from perfpack.data.reference import theme_spec
    from perfpack.themes import missing
    from perfpack.themes.missing import words

    spec = theme_spec("missing_persons")
    result = missing.analyse(tables.open_tables(demo_processed), spec, "2019-12", months)
    figures = result.figures().to_frame()
    windows = figures.set_index("measure")["window"]
    current = "2019-01/2019-12" if months == 12 else "2019-07/2019-12"
    assert windows["count_current"] == current
    assert ("forecast_2019" in set(figures["measure"])) == (months == 12)
    span = "12 months" if months == 12 else "6 months"
    assert f"in the last {span} (" in words.individuals_sentence(10, 8, months)


# --------------------------------------------------------------------------------------------
# the real files: hand counts with the csv module


def _count(rows, months, crime_type):
    """Rows of ``crime_type`` in ``months``: force total, per own local authority, no area."""
    chosen = [r for r in rows if r["Month"] in months and r["Crime type"] == crime_type]
    by_la = Counter(_la(r["LSOA name"]) for r in chosen)
    return len(chosen), by_la


@pytest.fixture(scope="module")
def staffs_rows(shared_data) -> list[dict]:
    folder = shared_data / "police-uk" / "staffordshire"
    rows = []
    for path in sorted(folder.glob("*/*-staffordshire-street.csv")):
        rows += list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows


@pytest.fixture(scope="module")
def zip_path(shared_data) -> Path:
    path = shared_data / "police-uk" / ZIP_NAME
    if not path.exists():
        pytest.skip(f"{ZIP_NAME} is not in ../shared/data/police-uk")
    return path


@pytest.fixture(scope="module")
def zip_hand(zip_path) -> dict:
    """Cumbria's rows, and vehicle crime in 2019-01..02 per force, counted from the zip."""
    cumbria, vehicle = [], Counter()
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if not name.endswith("-street.csv"):
                continue
            month, force = name.split("/")[-1][:7], name.split("/")[-1][8:-11]
            if force != "cumbria" and month not in CURRENT:
                continue
            text = archive.read(name).decode("utf-8")
            for record in csv.DictReader(io.StringIO(text)):
                if force == "cumbria":
                    cumbria.append(record)
                if month in CURRENT and record["Crime type"] == "Vehicle crime":
                    vehicle[force] += 1
    return {"cumbria": cumbria, "vehicle": vehicle}


def _run(notebook: Path, out: Path, **parameters) -> tuple[str, pd.DataFrame]:
    import nbformat
    import papermill as pm

    from perfpack.core.figures import read_figures

    figures = out.with_suffix(".csv")
    pm.execute_notebook(
        str(notebook),
        str(out),
        parameters={**parameters, "figures_path": str(figures)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(PROJECT_ROOT),
    )
    return executed_text(nbformat.read(str(out), as_version=4)), read_figures(figures)


@pytest.fixture(scope="module")
def staffs_processed(shared_data, tmp_path_factory) -> Path:
    processed = tmp_path_factory.mktemp("public") / "staffordshire"
    ingest_police_uk(shared_data / "police-uk" / "staffordshire", "staffordshire", processed)
    return processed


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["robbery_all", "vehicle_crime_all"])
def test_staffordshire_public_crime_appendix(staffs_processed, staffs_rows, tmp_path, theme):
    text, figures = _run(
        CRIME_NOTEBOOK, tmp_path / f"{theme}.ipynb", period="2019-02", theme=theme,
        processed_dir=str(staffs_processed), window_months=2,
    )  # fmt: skip
    previous, prev_la = _count(staffs_rows, PREVIOUS, THEME_TYPES[theme])
    current, cur_la = _count(staffs_rows, CURRENT, THEME_TYPES[theme])
    assert _value(figures, "count_previous") == previous
    assert _value(figures, "count_current") == current
    assert round_half_up(_value(figures, "pct_change"), 4) == round_half_up(
        (current - previous) / previous * 100, 4
    )
    for la in STAFFS_LAS:
        # an authority with 1 to 4 offences in a window is "<5" on the page and blank in the
        # figures; another may be hidden with it ("[c]", blank); the rest are the hand counts
        got = (_value(figures, "count_previous", la), _value(figures, "count_current", la))
        blank = all(math.isnan(v) for v in got)
        if any(1 <= counts[la] <= 4 for counts in (prev_la, cur_la)):
            assert blank, la
        else:
            assert blank or got == (prev_la[la], cur_la[la]), la
    assert set(figures["group"].fillna("")) - {""} == set(STAFFS_LAS)
    own = sum(cur_la[la] for la in STAFFS_LAS)
    assert _value(figures, "no_area_count_current") == current - own
    assert _value(figures, "no_area_count_previous") == previous - sum(
        prev_la[la] for la in STAFFS_LAS
    )
    # the force's rate over the current window, on the report's population
    assert _value(figures, "rate_per_1000") == pytest.approx(
        current / STAFFS_POPULATION * 1000, rel=1e-5
    )  # figures.csv holds 6 significant figures
    force_level = figures[figures["group"].fillna("") == ""].set_index("measure")
    assert force_level.loc["rate_per_1000", "window"] == "2019-01/2019-02"
    assert math.isnan(_value(figures, "national_rate_per_1000"))
    monthly = figures[figures["measure"] == "monthly_count"]
    assert len(monthly) == 5  # 2018-10 .. 2019-02: only the 3-month trend, no model
    assert "projection_3m_total" in set(figures["measure"])
    assert not {"projection_6m_pct", "ets_total"} & set(figures["measure"])
    # what the appendix says
    assert "cannot be compared with the report's Personal Robbery" in text
    assert "No national comparator: the download holds only this force." in text
    assert "in the period 1st November 2018 to 31st December 2018 compared to" in text
    assert "Previous 2 months" in text and "Previous 12 months" not in text
    assert "of Staffordshire Police's nine local authorities" in text
    assert "have no local authority" in text
    assert "the seasonal model with its back-test (which needs 24 months)" in text
    assert "over a 2 month period" in text
    # public outputs only: no crime id of the files is shown
    ids = {r["Crime ID"] for r in staffs_rows[:200] if r["Crime ID"]}
    assert not any(i in text for i in ids)


@pytest.mark.slow
def test_any_force_from_the_all_forces_zip(zip_path, zip_hand, tmp_path):
    processed = tmp_path / "cumbria"
    ingest_police_uk(zip_path, "cumbria", processed)
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["force"] == "Cumbria Constabulary"
    assert len(manifest["national"]["forces"]) == 41  # SOURCES.md: 203 files of 41 forces
    text, figures = _run(
        CRIME_NOTEBOOK, tmp_path / "cumbria.ipynb", period="2019-02", theme="vehicle_crime_all",
        processed_dir=str(processed), window_months=2,
    )  # fmt: skip
    rows = zip_hand["cumbria"]
    previous, prev_la = _count(rows, PREVIOUS, "Vehicle crime")
    current, cur_la = _count(rows, CURRENT, "Vehicle crime")
    assert (_value(figures, "count_previous"), _value(figures, "count_current")) == (
        previous,
        current,
    )
    for la in CUMBRIA_LAS:
        assert _value(figures, "count_current", la) == cur_la[la], la
    # the national comparator: every force with both months and a population. btp has no
    # residents, Northern Ireland is not in the England & Wales table; Lancashire and
    # Northumbria lack only 2018-10, outside this window (SOURCES.md)
    counted = {f: n for f, n in zip_hand["vehicle"].items() if f not in ("btp", "northern-ireland")}
    assert len(counted) == 39
    assert _value(figures, "national_forces_counted") == 39
    match = re.search(r"population ([\d,]+)\.", text)
    population = int(match.group(1).replace(",", ""))
    assert 40_000_000 < population < 59_439_840  # less than England & Wales: 4 forces absent
    national = _value(figures, "national_rate_per_1000")
    assert national == pytest.approx(sum(counted.values()) / population * 1000, rel=1e-5)
    assert "across those forces" in text and "39 forces" in text
    assert f"Absent from the download: {ABSENT}" in text
    assert "btp (not a territorial force" in text
    assert "Cumbria is below the rate across the 39 forces" in text or (
        "Cumbria is above the rate across the 39 forces" in text
    )
    assert "of Cumbria Constabulary's six local authorities" in text


# --------------------------------------------------------------------------------------------
# stop and search from public files: a small stop-and-search CSV beside a real street file


def _single_la_points(path: Path, la: str, n: int) -> list[tuple[str, str]]:
    """``n`` map points of the street file at which every row is in local authority ``la``."""
    seen: dict[tuple[str, str], set] = {}
    with path.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            if record["Longitude"]:
                point = (record["Longitude"], record["Latitude"])
                seen.setdefault(point, set()).add(_la(record["LSOA name"]))
    return sorted(p for p, las in seen.items() if las == {la})[:n]


SEARCH_PLAN = [
    # month, day, local authority (None: a point no street row uses), outcome, ethnicity, hour
    ("2018-10", 3, "Stafford", "A no further action disposal", "White - Irish", 14),
    ("2018-10", 9, "Tamworth", "Arrest", "Black/African/Caribbean/Black British - African", 22),
    ("2018-11", 4, "Stafford", "Arrest", "White - Irish", 1),
    ("2018-12", 1, "Stafford", "Arrest", "White - Irish", 10),
    ("2018-12", 2, "Stafford", "A no further action disposal", "", 0),  # date only
    ("2018-12", 5, "Tamworth", "Community resolution", "White - Irish", 16),
    ("2019-01", 7, "Tamworth", "A no further action disposal", "Asian/Asian British - Indian", 20),
    ("2019-01", 8, None, "Arrest", "White - Irish", 21),
    ("2019-01", 9, "Tamworth", "Arrest", "White - Irish", 23),
]


@pytest.mark.slow
def test_public_stop_search_appendix(shared_data, tmp_path):
    street = (
        shared_data
        / "police-uk"
        / "staffordshire"
        / "2018-12"
        / ("2018-12-staffordshire-street.csv")
    )
    download = tmp_path / "download"
    (download / "2018-12").mkdir(parents=True)
    (download / "2018-12" / street.name).write_bytes(street.read_bytes())
    points = {la: _single_la_points(street, la, 1)[0] for la in ("Stafford", "Tamworth")}
    points[None] = ("-1.000001", "50.000001")
    header = ",".join(STOP_SEARCH_COLUMNS)
    by_month: dict[str, list[str]] = {}
    for month, day, la, outcome, ethnicity, hour in SEARCH_PLAN:
        lon, lat = points[la]
        when = f"{month}-{day:02d}T{hour:02d}:00:00+00:00"
        by_month.setdefault(month, []).append(
            f"Person search,{when},False,,{lat},{lon},Male,18-24,{ethnicity},White,"
            f"Misuse of Drugs Act 1971 (section 23),Controlled drugs,{outcome},False,False"
        )
    for month, lines in by_month.items():
        (download / month).mkdir(exist_ok=True)
        (download / month / f"{month}-staffordshire-stop-and-search.csv").write_text(
            "\n".join([header, *lines]) + "\n"
        )
    processed = tmp_path / "processed"
    ingest_police_uk(download, "staffordshire", processed)
    # period 2019-02, one month behind, 2-month windows: Oct-Nov 2018 against Dec 2018-Jan 2019
    text, figures = _run(
        STOP_SEARCH_NOTEBOOK, tmp_path / "stop_search.ipynb", period="2019-02",
        theme="stop_search_public", processed_dir=str(processed), window_months=2,
    )  # fmt: skip
    assert _value(figures, "count_previous") == 3
    assert _value(figures, "count_current") == 6
    assert _value(figures, "pct_change") == pytest.approx(100.0)
    # Tamworth's 3 and Stafford's 2 and 2 are "<5" on the page: blank in the figures
    assert math.isnan(_value(figures, "count_current", "Tamworth"))
    assert math.isnan(_value(figures, "count_current", "Stafford"))
    assert math.isnan(_value(figures, "count_previous", "Stafford"))
    assert math.isnan(_value(figures, "no_area_count_current"))  # 1 search: "fewer than 5"
    # current: 4 of 6 positive (3 arrests, 1 community resolution), 3 arrests
    rates = figures[figures["window"] == "2018-12/2019-01"]
    assert _value(rates, "positive_outcome_rate") == pytest.approx(4 / 6 * 100, rel=1e-5)
    assert _value(rates, "arrest_rate") == pytest.approx(3 / 6 * 100, rel=1e-5)
    assert _value(figures, "date_only_count") == 1
    # no teams in public data: figure 15 is a note, with no team figures
    assert not figures["measure"].str.startswith("team_").any()
    assert "does not publish the searching officer's team" in text
    assert "Figure 15." not in text
    # 4 White searches (1 to 4): the count and its rate per 1,000 are not published
    assert math.isnan(_value(figures, "rate_per_1000_by_ethnicity", "White"))
    assert "Previous 2 months" in text and "over a 2 month period" in text
    assert "by local authority" in text


def test_models_need_24_months():
    assert crime_measures.MODEL_MIN_MONTHS == 2 * projections.SEASONAL_PERIODS == 24


def test_public_themes_are_listed():
    themes = reference.themes()
    public = themes[themes["data_source"] == "police_uk"]
    assert set(public.index) == {"robbery_all", "vehicle_crime_all", "stop_search_public"}
