"""The embedded demo force hits every calibration figure, counted straight from its CSV files.

Expected numbers are typed from the published report (Public Performance Meeting, February 2020)
and from the demo's brief (issue 2, part 5); nothing here calls perfpack.ingest.extracts or a
perfpack measure function. Plain pandas/numpy only, so a bug in the pipeline cannot hide a bug here.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
import yaml

from perfpack.data import contracts

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
POPULATION = 1_135_935  # mid-2019, the report's denominator
CENSUS_WHITE = 1_032_327  # 2011 Census, Staffordshire PFA
CENSUS_BLACK = 8_551

ROBBERY = ("34B",)
FROM_VEHICLE = ("45",)
OF_VEHICLE = ("48", "37.2")


def half_up(value: float, ndigits: int = 0) -> float:
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-ndigits), ROUND_HALF_UP))


def pct(previous: float, current: float) -> float:
    return (current - previous) / previous * 100


def ref(name: str) -> pd.DataFrame:
    text = (REFERENCE / f"{name}.csv").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)


def read(raw: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(raw / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def crimes(demo_raw) -> pd.DataFrame:
    frame = read(demo_raw, "crimes.csv")
    frame["month"] = frame["recorded_date"].str[:7]
    frame["year"] = frame["recorded_date"].str[:4].astype(int)
    return frame


@pytest.fixture(scope="module")
def searches(demo_raw) -> pd.DataFrame:
    frame = read(demo_raw, "stop_searches.csv")
    frame["month"] = frame["Date"].str[:7]  # the local wall-clock date decides the month
    frame["hour"] = frame["Date"].str[11:13].astype(int)
    frame["positive"] = frame["Outcome"] != "A no further action disposal"
    groups = ref("ethnicity_groups").set_index("self_defined_ethnicity")
    sde = frame["Self-defined ethnicity"]
    frame["report_group"] = sde.map(groups["report_group"]).where(sde != "", "blank")
    frame.loc[sde == "Other ethnic group - Not stated", "report_group"] = "Not stated"
    frame["five_group"] = sde.map(groups["group"]).fillna("")
    return frame


@pytest.fixture(scope="module")
def missing(demo_raw) -> pd.DataFrame:
    frame = read(demo_raw, "missing_episodes.csv")
    frame["reported"] = pd.to_datetime(frame["reported_at"], format="%Y-%m-%d %H:%M")
    frame["found"] = pd.to_datetime(frame["found_at"], format="%Y-%m-%d %H:%M")
    frame["year"] = frame["reported"].dt.year
    frame["month"] = frame["reported_at"].str[:7]
    frame["age_n"] = frame["age"].astype(int)
    return frame


def between(frame: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """Rows whose ``month`` (YYYY-MM) lies in first..last inclusive."""
    return frame[(frame["month"] >= first) & (frame["month"] <= last)]


def of(crimes: pd.DataFrame, codes) -> pd.DataFrame:
    return crimes[crimes["offence_code"].isin(codes)]


def monthly(frame: pd.DataFrame, first: str, last: str) -> np.ndarray:
    months = pd.period_range(first, last, freq="M").astype(str)
    return frame["month"].value_counts().reindex(months, fill_value=0).to_numpy()


def projection(series: np.ndarray, n: int) -> tuple[float, float]:
    """(projected 12-month total, % change on the last 12): OLS on the last n months, t=1..n,
    carried to t=n+1..n+12, each month floored at 0."""
    y = series[-n:].astype(float)
    t = np.arange(1, n + 1, dtype=float)
    slope, intercept = np.polyfit(t, y, 1)
    total = np.clip(intercept + slope * np.arange(n + 1, n + 13), 0, None).sum()
    return total, pct(series[-12:].sum(), total)


# --- crimes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "codes, year, expected",
    [
        (ROBBERY, 2018, 855),
        (ROBBERY, 2019, 764),
        (FROM_VEHICLE, 2018, 3123),
        (FROM_VEHICLE, 2019, 3031),
        (OF_VEHICLE, 2018, 1891),
        (OF_VEHICLE, 2019, 1741),
    ],
)
def test_theme_counts_per_year(crimes, codes, year, expected):
    assert (of(crimes, codes)["year"] == year).sum() == expected


@pytest.mark.parametrize("codes, expected", [(ROBBERY, -11), (FROM_VEHICLE, -3), (OF_VEHICLE, -8)])
def test_theme_change_rounds_as_published(crimes, codes, expected):
    years = of(crimes, codes)["year"].value_counts()
    assert half_up(pct(years[2018], years[2019])) == expected


def test_robbery_2017_clearly_lower_than_2018(crimes):
    years = of(crimes, ROBBERY)["year"].value_counts()
    assert years[2017] < 0.85 * years[2018]


@pytest.mark.parametrize("codes, n_down", [(ROBBERY, 9), (FROM_VEHICLE, 4), (OF_VEHICLE, 5)])
def test_npts_down(crimes, codes, n_down):
    table = of(crimes, codes).groupby(["npt", "year"]).size().unstack(fill_value=0)
    assert len(table) == 10
    assert int((table[2019] < table[2018]).sum()) == n_down


def test_robbery_newcastle_up_19_and_26_percent(crimes):
    table = of(crimes, ROBBERY).groupby(["npt", "year"]).size().unstack(fill_value=0)
    newcastle = table.loc["Newcastle-under-Lyme"]
    assert newcastle[2019] - newcastle[2018] == 19
    assert half_up(pct(newcastle[2018], newcastle[2019])) == 26
    assert (table[2019] > table[2018]).sum() == 1


def test_robbery_northern_share_61_percent(crimes):
    rob19 = of(crimes, ROBBERY).query("year == 2019")
    north = (
        rob19["npt"]
        .isin(["Stoke-on-Trent North", "Stoke-on-Trent South", "Newcastle-under-Lyme"])
        .sum()
    )
    assert half_up(north / len(rob19) * 100) == 61


def test_knife_robberies_down_10_percent(crimes):
    knife = of(crimes, ROBBERY).query("knife_flag == 'Y'")["year"].value_counts()
    assert half_up(pct(knife[2018], knife[2019])) == -10


@pytest.mark.parametrize(
    "codes, expected", [(ROBBERY, 0.7), (FROM_VEHICLE, 2.5), (OF_VEHICLE, 1.5)]
)
def test_rate_per_1000_oct18_sep19(crimes, codes, expected):
    count = len(between(of(crimes, codes), "2018-10", "2019-09"))
    assert half_up(count / POPULATION * 1000, 1) == expected


@pytest.mark.parametrize("codes, expected", [(ROBBERY, -10), (FROM_VEHICLE, -6), (OF_VEHICLE, -10)])
def test_twelve_month_projection(crimes, codes, expected):
    series = monthly(of(crimes, codes), "2019-01", "2019-12")
    assert half_up(projection(series, 12)[1]) == expected


def test_robbery_three_month_projection_lower_still_back_to_2017_levels(crimes):
    rob = of(crimes, ROBBERY)
    series = monthly(rob, "2019-01", "2019-12")
    total3, pct3 = projection(series, 3)
    assert pct3 < projection(series, 12)[1]
    level_2017 = (rob["year"] == 2017).sum()
    assert abs(total3 - level_2017) / level_2017 < 0.1


def test_theft_from_vehicle_three_month_projection_increase(crimes):
    series = monthly(of(crimes, FROM_VEHICLE), "2019-01", "2019-12")
    assert projection(series, 3)[1] > 0


def test_theft_of_vehicle_small_rise_late_2019_then_stable(crimes):
    series = monthly(of(crimes, OF_VEHICLE), "2019-01", "2019-12")
    p12 = projection(series, 12)[1]
    assert projection(series, 3)[1] > p12 and projection(series, 6)[1] > p12
    q4 = series[9:]
    assert q4.mean() > series[5:8].mean()  # higher than the summer
    assert q4.max() - q4.min() <= 0.1 * q4.mean()  # and steady


def test_monthly_series_look_real(crimes):
    """Every month has crimes of every theme, and no theme's months are flat."""
    for codes in (ROBBERY, FROM_VEHICLE, OF_VEHICLE):
        series = monthly(of(crimes, codes), "2017-01", "2019-12")
        assert (series > 0).all()
        assert series.std() / series.mean() > 0.05


def test_robbery_victims_and_suspects_mostly_recorded_young_males(crimes):
    rob = of(crimes, ROBBERY)
    for column in ("victim_age", "victim_sex", "suspect_age", "suspect_sex"):
        filled = (rob[column] != "").mean()
        assert 0.6 < filled < 1.0, column
    suspects = rob[(rob["suspect_age"] != "") & (rob["suspect_sex"] != "")]
    young_male = (suspects["suspect_sex"] == "Male") & suspects["suspect_age"].astype(int).between(
        10, 24
    )
    assert young_male.mean() > 0.5
    victims = rob[rob["victim_age"] != ""]
    assert victims["victim_age"].astype(int).between(10, 24).mean() > 0.5
    assert (rob.loc[rob["victim_sex"] != "", "victim_sex"] == "Male").mean() > 0.6


def test_offences_outside_the_themes_are_present(crimes):
    themes = ref("offence_themes").query("scheme == 'ho_code'")
    outside = set(themes.loc[themes["theme"] == "", "code"])
    present = set(crimes["offence_code"]) & outside
    assert {"34A", "126"} <= present
    assert len(present) >= 8
    for year in (2017, 2018, 2019):
        assert {"34A", "126"} <= set(crimes.loc[crimes["year"] == year, "offence_code"])


# --- stop searches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, last, expected", [("2017-12", "2018-11", 3797), ("2018-12", "2019-11", 6031)]
)
def test_search_window_totals(searches, first, last, expected):
    assert len(between(searches, first, last)) == expected


def test_searches_every_month_2017_to_2019(searches):
    series = monthly(searches, "2017-01", "2019-12")
    assert (series > 150).all() and (series < 900).all()


@pytest.mark.parametrize(
    "first, last, outcome, expected",
    [
        ("2017-12", "2018-11", None, 31.3),
        ("2018-12", "2019-11", None, 29.1),
        ("2018-12", "2019-11", "Arrest", 14.4),
        ("2018-12", "2019-11", "Community resolution", 13.9),
    ],
)
def test_search_outcome_rates(searches, first, last, outcome, expected):
    window = between(searches, first, last)
    hits = window["positive"] if outcome is None else window["Outcome"] == outcome
    assert half_up(hits.mean() * 100, 1) == expected


def test_other_positive_outcomes_spread(searches):
    current = between(searches, "2018-12", "2019-11")
    other = current[
        current["positive"] & ~current["Outcome"].isin(["Arrest", "Community resolution"])
    ]
    assert len(other) > 0 and other["Outcome"].nunique() >= 3
    khat = current["Outcome"] == "Khat or Cannabis warning"
    assert (current.loc[khat, "Object of search"] == "Controlled drugs").all()


@pytest.mark.parametrize(
    "obj, expected", [("Controlled drugs", 61), ("Offensive weapons", 15), ("Stolen goods", 14)]
)
def test_object_of_search_shares(searches, obj, expected):
    current = between(searches, "2018-12", "2019-11")
    assert half_up((current["Object of search"] == obj).mean() * 100) == expected


def test_other_objects_spread(searches):
    current = between(searches, "2018-12", "2019-11")
    main = ["Controlled drugs", "Offensive weapons", "Stolen goods"]
    assert current.loc[~current["Object of search"].isin(main), "Object of search"].nunique() >= 5


def test_offensive_weapon_searches_rising_with_seasonality(searches):
    weapons = searches[searches["Object of search"] == "Offensive weapons"]
    previous = len(between(weapons, "2017-12", "2018-11"))
    current = len(between(weapons, "2018-12", "2019-11"))
    assert current > 1.5 * previous
    series = monthly(weapons, "2017-01", "2019-12")
    for year in range(3):  # summer above the winter at each end of the year
        months = series[year * 12 : year * 12 + 12]
        assert months[5:8].mean() > months[[0, 1, 11]].mean()


def test_outcome_linked_to_object(searches):
    linked = searches["Outcome linked to object of search"]
    assert set(linked) <= {"True", "False", ""}
    assert (linked[searches["positive"]] == "True").mean() > 0.7
    assert (linked[~searches["positive"]] != "True").all()


def test_age_18_24_largest_older_substantial(searches):
    current = between(searches, "2018-12", "2019-11")
    ages = current["Age range"].value_counts(normalize=True)
    assert ages.idxmax() == "18-24"
    assert ages["25-34"] + ages["over 34"] > 0.35


def test_hour_of_day(searches):
    current = between(searches, "2018-12", "2019-11")
    time_part = current["Date"].str[11:19]
    date_only = time_part == "00:00:00"
    assert 0.02 <= date_only.mean() <= 0.04
    hours = current.loc[~date_only, "hour"].value_counts().reindex(range(24), fill_value=0)
    blocks = {h: sum(hours[(h + k) % 24] for k in range(6)) for h in range(24)}
    assert max(blocks, key=blocks.get) == 15  # 15:00 - 20:59
    morning = hours[8:12].mean()
    for hour in (22, 23, 0, 1):
        assert hours[hour] > morning


def test_npt_and_team_on_every_row(searches):
    npts = set(ref("npts")["npt"])
    assert set(searches["NPT"]) == npts
    assert (searches["Team"] != "").all()
    teams = set(searches["Team"])
    assert {"Response", "Neighbourhood", "Tactical"} < teams and len(teams) >= 5


TEAM_TABLE = [
    # team, total, BAME, White, blank, Not stated, BAME positive, White positive, positive
    ("Response", 237, 37, 166, 20, 14, 14, 47, 67),
    ("Neighbourhood", 507, 85, 360, 49, 13, 32, 106, 146),
    ("Tactical", 252, 45, 141, 34, 32, 15, 60, 86),
]


@pytest.mark.parametrize(
    "team, total, bame, white, blank, stated, bame_pos, white_pos, pos", TEAM_TABLE
)
def test_team_by_ethnicity_sep_nov_2019(
    searches, team, total, bame, white, blank, stated, bame_pos, white_pos, pos
):
    rows = between(searches, "2019-09", "2019-11").query("Team == @team")
    groups = rows["report_group"].value_counts()
    assert len(rows) == total
    assert (groups["BAME"], groups["White"], groups["blank"], groups["Not stated"]) == (
        bame,
        white,
        blank,
        stated,
    )
    assert rows.loc[rows["report_group"] == "BAME", "positive"].sum() == bame_pos
    assert rows.loc[rows["report_group"] == "White", "positive"].sum() == white_pos
    assert rows["positive"].sum() == pos


def test_team_rows_reproduce_published_percentages(searches):
    rows = between(searches, "2019-09", "2019-11")
    published = {
        "Response": (28.27, 37.84, 28.31),
        "Neighbourhood": (28.80, 37.65, 29.44),
        "Tactical": (34.13, 33.33, 42.55),
    }
    for team, (all_pos, bame_pos, white_pos) in published.items():
        t = rows[rows["Team"] == team]
        assert half_up(t["positive"].mean() * 100, 2) == all_pos
        assert half_up(t.loc[t["report_group"] == "BAME", "positive"].mean() * 100, 2) == bame_pos
        assert half_up(t.loc[t["report_group"] == "White", "positive"].mean() * 100, 2) == (
            white_pos
        )


def test_other_teams_and_force_sep_nov_2019(searches):
    rows = between(searches, "2019-09", "2019-11")
    others = rows[~rows["Team"].isin(["Response", "Neighbourhood", "Tactical"])]
    groups = others["report_group"].value_counts()
    assert len(others) == 182
    assert (groups["BAME"], groups["White"], groups["blank"] + groups["Not stated"]) == (
        37,
        114,
        31,
    )
    assert others["positive"].sum() == 73
    force = rows["report_group"].value_counts()
    assert len(rows) == 1178
    assert (force["BAME"], force["White"], force["blank"] + force["Not stated"]) == (204, 781, 193)
    assert rows["positive"].sum() == 372
    assert half_up(rows["positive"].mean() * 100, 2) == 31.58


def test_bame_spread_and_officer_ethnicity_consistent(searches):
    current = between(searches, "2018-12", "2019-11")
    bame = current[current["report_group"] == "BAME"]
    assert set(bame["five_group"]) == {"Asian", "Black", "Mixed", "Other"}
    white = current[current["five_group"] == "White"]
    assert (white["Officer-defined ethnicity"] == "White").mean() > 0.9
    black = current[current["five_group"] == "Black"]
    assert (black["Officer-defined ethnicity"] == "Black").mean() > 0.8


def test_black_search_rate_a_few_times_white(searches):
    current = between(searches, "2018-12", "2019-11")
    black = (current["five_group"] == "Black").sum() / CENSUS_BLACK * 1000
    white = (current["five_group"] == "White").sum() / CENSUS_WHITE * 1000
    assert 2 < black / white < 8


def test_search_dates_carry_the_uk_offset(searches):
    london = ZoneInfo("Europe/London")
    seen = set()
    for text in searches["Date"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[01]:00", text), text
        local = datetime.fromisoformat(text[:19])
        stamp = datetime.fromisoformat(text)
        # the wall-clock time exists and the offset is London's at that instant
        assert stamp.astimezone(london).replace(tzinfo=None) == local, text
        seen.add(text[-6:])
    assert seen == {"+00:00", "+01:00"}


# --- missing episodes ------------------------------------------------------------------------


@pytest.mark.parametrize("year, expected", [(2018, 5022), (2019, 3812)])
def test_episodes_per_year(missing, year, expected):
    assert (missing["year"] == year).sum() == expected


@pytest.mark.parametrize("year, expected", [(2018, 3330), (2019, 2599)])
def test_child_episodes_per_year(missing, year, expected):
    assert ((missing["year"] == year) & (missing["age_n"] < 18)).sum() == expected


@pytest.mark.parametrize("year, expected", [(2018, 2491), (2019, 1943)])
def test_individuals_per_year(missing, year, expected):
    assert missing.loc[missing["year"] == year, "person_id"].nunique() == expected


def test_published_changes(missing):
    years = missing["year"].value_counts()
    people = missing.groupby("year")["person_id"].nunique()
    children = missing[missing["age_n"] < 18]["year"].value_counts()
    assert half_up(pct(years[2018], years[2019])) == -24
    assert people[2018] - people[2019] == 548
    assert half_up(pct(people[2018], people[2019])) == -22
    assert half_up(pct(children[2018], children[2019])) == -22
    assert (years[2018] - years[2019]) * 2415 == 2_922_150  # the report's cost avoided


def test_episodes_rise_to_july_2018_then_fall(missing):
    series = monthly(missing, "2017-01", "2019-12")
    assert 4200 <= series[:12].sum() <= 4600
    assert int(np.argmax(series)) == 18  # July 2018
    halves = series[:18].reshape(3, 6).sum(axis=1)
    assert (np.diff(halves) > 0).all()  # H1 2017 < H2 2017 < H1 2018: rising
    quarters = series.reshape(12, 3).sum(axis=1)
    assert (np.diff(quarters[6:]) < 0).all()  # Q3 2018 .. Q4 2019: a steady fall


def test_people_recur_across_years(missing):
    by_year = {y: set(missing.loc[missing["year"] == y, "person_id"]) for y in (2017, 2018, 2019)}
    assert len(by_year[2017] & by_year[2018]) > 100
    assert len(by_year[2018] & by_year[2019]) > 100


def test_duration_shorter_and_under_24_hours(missing):
    found = missing.dropna(subset=["found"])
    hours = (found["found"] - found["reported"]).dt.total_seconds() / 3600
    mean = hours.groupby(found["year"]).mean()
    assert mean[2019] < 24
    assert half_up((mean[2019] / mean[2018] - 1) * 100) == -7
    assert (hours > 0).all()


def test_open_episodes_and_year_spanning(missing):
    still_open = missing[missing["found_at"] == ""]
    assert 1 <= len(still_open) <= 10
    assert (still_open["reported_at"] >= "2019-12-20").all()
    found = missing.dropna(subset=["found"])
    for year in (2017, 2018):
        spans = (found["year"] == year) & (found["found"].dt.year == year + 1)
        assert spans.sum() >= 1


def test_no_overlapping_episodes_per_person(missing):
    ordered = missing.sort_values(["person_id", "reported"])
    same = ordered["person_id"].eq(ordered["person_id"].shift(-1))
    next_report = ordered["reported"].shift(-1)
    assert (ordered.loc[same, "found"] < next_report[same]).all()


def test_ages_consistent_and_some_turn_18(missing):
    ordered = missing.sort_values(["person_id", "reported"])
    first = ordered.groupby("person_id").first()
    last = ordered.groupby("person_id").last()
    years = (last["reported"] - first["reported"]).dt.days / 365.25
    growth = last["age_n"] - first["age_n"]
    assert ((growth >= np.floor(years)) & (growth <= np.ceil(years) + 0)).all()
    assert (ordered.groupby("person_id")["age_n"].diff().dropna() >= 0).all()
    ages = ordered.groupby("person_id")["age_n"].agg(["min", "max"])
    assert ((ages["min"] == 17) & (ages["max"] >= 18)).sum() >= 5


def test_risk_grades_and_locations(missing):
    assert set(missing["risk_grade"]) == {"High", "Medium", "Low", "No apparent risk"}
    assert missing["location_type"].value_counts().idxmax() == "Family home"
    care = missing["location_type"] == "Care home"
    hospital = missing["location_type"] == "Hospital"
    assert missing.loc[care, "location_id"].str.fullmatch(r"CH-(0[1-9]|1\d|2[0-5])").all()
    assert missing.loc[hospital, "location_id"].str.fullmatch(r"HOSP-0[1-4]").all()
    assert (missing.loc[~care & ~hospital, "location_id"] == "").all()
    assert missing.loc[care, "location_id"].nunique() == 25
    assert (missing.loc[hospital, "age_n"] >= 18).all()


def test_looked_after_children(missing):
    lac = missing[missing["looked_after_child"] == "Y"]
    assert (lac["age_n"] < 18).all()
    assert lac["location_type"].isin(["Care home", "Foster placement"]).mean() > 0.8
    per_person = lac.groupby(["year", "person_id"]).size()
    assert per_person.mean() > 2.5  # many repeats


def repeat_share(frame: pd.DataFrame) -> pd.Series:
    """Per year: share of episodes by people with 2+ episodes that year."""
    per = frame.groupby(["year", "person_id"]).size()
    repeats = per[per >= 2].groupby("year").sum()
    return repeats / per.groupby("year").sum()


def test_repeats_static_overall_but_falling_in_care_homes(missing):
    overall = repeat_share(missing)
    assert abs(overall[2019] - overall[2018]) < 0.03
    homes = missing[
        (missing["looked_after_child"] == "Y") & (missing["location_type"] == "Care home")
    ]
    share = repeat_share(homes)
    assert share[2019] < share[2018] - 0.02
    per_person = homes.groupby("year").size() / homes.groupby("year")["person_id"].nunique()
    assert per_person[2019] < 0.85 * per_person[2018]


def test_return_home_interviews(missing):
    kids = missing[(missing["age_n"] < 18) & (missing["found_at"] != "")]
    rhi = pd.to_datetime(kids["rhi_date"].replace("", None), format="%Y-%m-%d")
    after = rhi - kids["found"].dt.normalize()
    within = (rhi.notna()) & (rhi + pd.Timedelta(days=1) - kids["found"] <= pd.Timedelta("72h"))
    assert 0.75 <= within.mean() <= 0.85
    assert (after.dropna() >= pd.Timedelta(0)).all()
    assert (rhi - kids["found"] > pd.Timedelta("72h")).sum() > 0
    assert rhi.isna().sum() > 0
    adults = missing[missing["age_n"] >= 18]
    assert (adults["rhi_date"] == "").all()


# --- contracts, ids, manifest, determinism ---------------------------------------------------


@pytest.mark.parametrize("contract", list(contracts.CONTRACTS.values()), ids=lambda c: c.table)
def test_every_value_obeys_the_contract(demo_raw, contract):
    frame = read(demo_raw, contract.default_file)
    assert list(frame.columns) == contract.column_names
    assert frame[contract.id_column].is_unique
    patterns = {
        "date": r"\d{4}-\d\d-\d\d",
        "datetime": r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d\+0[01]:00)?",
        "int": r"\d+",
        "flag": r"[YN]",
        "bool": r"True|False",
        "number": r"-?\d+\.\d+",
    }
    for column in contract.columns:
        values = frame[column.name]
        filled = values[values != ""]
        if column.required:
            assert len(filled) == len(values), f"{column.name} has blanks"
        if column.kind in patterns:
            assert filled.str.fullmatch(patterns[column.kind]).all(), column.name
        if column.kind in ("date", "datetime") and len(filled):
            pd.to_datetime(filled.str[:16], format="mixed")  # parses
        if column.kind == "int" and column.bounds:
            lo, hi = column.bounds
            assert filled.astype(int).between(lo, hi).all(), column.name
        if column.kind == "choice":
            if column.allowed_from:
                table, ref_column = column.allowed_from
                allowed = set(ref(table)[ref_column])
            else:
                allowed = set(column.allowed)
            assert set(filled) <= allowed, (column.name, set(filled) - allowed)


def test_dates_inside_the_stated_period(demo_raw):
    manifest = yaml.safe_load((demo_raw / "manifest.yml").read_text(encoding="utf-8"))
    for name, extract in manifest["extracts"].items():
        contract = contracts.CONTRACTS[name]
        frame = read(demo_raw, extract["file"])
        months = frame[contract.period_column].str[:7]
        assert months.min() == extract["first_month"] == "2017-01"
        assert months.max() == extract["last_month"] == "2019-12"


@pytest.mark.parametrize(
    "file, column, pattern",
    [
        ("crimes.csv", "crime_id", r"DEMO-CR-\d{6}"),
        ("stop_searches.csv", "Search ID", r"DEMO-SS-\d{6}"),
        ("missing_episodes.csv", "episode_id", r"DEMO-MP-\d{6}"),
        ("missing_episodes.csv", "person_id", r"DEMO-P-\d{6}"),
    ],
)
def test_ids_are_synthetic(demo_raw, file, column, pattern):
    assert read(demo_raw, file)[column].str.fullmatch(pattern).all()


def test_policing_operation_never_published(demo_raw):
    assert (read(demo_raw, "stop_searches.csv")["Policing operation"] == "").all()


def test_manifest(demo_raw):
    manifest = yaml.safe_load((demo_raw / "manifest.yml").read_text(encoding="utf-8"))
    assert manifest["force"] == "Staffordshire Police (synthetic demonstration force)"
    assert manifest["synthetic"] is True
    assert "synthetic" in manifest["note"].lower() and "February 2020" in manifest["note"]
    assert manifest["extracts"] == {
        name: {"file": f"{name}.csv", "first_month": "2017-01", "last_month": "2019-12"}
        for name in ("crimes", "stop_searches", "missing_episodes")
    }


def test_files_small(demo_raw):
    total = sum(f.stat().st_size for f in demo_raw.glob("*.csv"))
    assert total < 7_000_000


def test_deterministic_byte_identical(demo_raw, tmp_path):
    from perfpack.ingest.demo import synthetic as demo

    summary = demo.write_demo(tmp_path)
    for name in ("crimes.csv", "stop_searches.csv", "missing_episodes.csv", "manifest.yml"):
        assert (tmp_path / name).read_bytes() == (demo_raw / name).read_bytes(), name
    assert summary == {
        "crimes": len(read(demo_raw, "crimes.csv")),
        "stop_searches": len(read(demo_raw, "stop_searches.csv")),
        "missing_episodes": len(read(demo_raw, "missing_episodes.csv")),
    }
    assert not list(tmp_path.glob("*.tmp"))
