"""The batch refuses windows the data does not cover, and says which report themes it skips."""

import pytest

from perfpack.data.coverage import coverage_records, table_coverage
from perfpack.report import plan
from tests.conftest import PROJECT_ROOT

FORCE_MANIFEST = {
    "data_source": "force",
    "inputs": [
        {"table": "crimes", "first_month": "2017-01", "last_month": "2019-12"},
        {"table": "stop_searches", "first_month": "2017-01", "last_month": "2019-12"},
        {"table": "missing_episodes", "first_month": "2017-01", "last_month": "2019-12"},
    ],
}
# five months of street files, as in ../shared/data/police-uk/staffordshire
PUBLIC_MANIFEST = {
    "data_source": "police_uk",
    "coverage": {
        "street": {
            "months": ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"],
            "missing_files": [],
        }
    },
    "absent_tables": {
        "missing_episodes": "data.police.uk does not publish missing-person records",
        "stop_searches": "the download has no stop-and-search files for this force",
    },
}


def _jobs(manifest, period, window_months=None):
    return plan.plan(
        period,
        PROJECT_ROOT / "data/processed",
        PROJECT_ROOT / "annotations",
        manifest["data_source"],
        None,
        window_months,
        manifest.get("absent_tables"),
    )


@pytest.mark.parametrize(
    "period, window_months", [("2019-12", None), ("2019-01", 12), ("2019-12", 6), ("2019-06", 12)]
)
def test_windows_inside_the_data_pass(period, window_months):
    jobs = _jobs(FORCE_MANIFEST, period, window_months)
    plan.check_coverage(jobs, period, FORCE_MANIFEST, window_months)


@pytest.mark.parametrize(
    "period, window_months, named",
    [
        ("2020-01", None, "no crimes for 2020-01"),  # a month past the data
        ("2018-06", 12, "no crimes for 2016-07 to 2016-12 (6 months)"),  # before it starts
        # stop search lags a month: for 2020-02 it needs Feb 2018 - Jan 2020, one month past
        (
            "2020-02",
            None,
            "stop_search needs 2018-02 to 2020-01 but the data has no stop_searches for 2020-01",
        ),
        ("2018-12", 12, "no stop_searches for 2016-12"),  # and a month before the crimes
    ],
)
def test_windows_outside_the_data_are_refused(period, window_months, named):
    with pytest.raises(plan.BatchError, match="data does not cover") as refused:
        plan.check_coverage(
            _jobs(FORCE_MANIFEST, period, window_months), period, FORCE_MANIFEST, window_months
        )
    assert named in str(refused.value)


def test_public_data_two_month_windows_fit_five_months():
    jobs = _jobs(PUBLIC_MANIFEST, "2019-02", 2)
    assert [j.slug for j in jobs] == ["robbery_all", "vehicle_crime_all"]
    assert all(j.parameters["window_months"] == 2 for j in jobs)
    plan.check_coverage(jobs, "2019-02", PUBLIC_MANIFEST, 2)
    with pytest.raises(plan.BatchError, match="2017-03 to 2018-09"):
        plan.check_coverage(_jobs(PUBLIC_MANIFEST, "2019-02"), "2019-02", PUBLIC_MANIFEST)


def test_a_month_with_no_file_is_a_gap():
    manifest = {
        **PUBLIC_MANIFEST,
        "coverage": {
            "street": {
                **PUBLIC_MANIFEST["coverage"]["street"],
                "missing_files": [{"force": "lancashire", "month": "2018-11"}],
            }
        },
    }
    with pytest.raises(plan.BatchError, match="no crimes for 2018-11"):
        plan.check_coverage(_jobs(manifest, "2019-02", 2), "2019-02", manifest, 2)


def test_skipped_themes_are_named_with_the_reason():
    skipped = dict(plan.skipped_themes("police_uk", PUBLIC_MANIFEST["absent_tables"]))
    assert skipped["Missing Persons"] == "data.police.uk does not publish missing-person records"
    assert "no stop-and-search files" in skipped["Stop and Search"]
    # robbery and vehicle crime have public counterparts (all robbery, all vehicle crime)
    assert "Personal Robbery" not in skipped and "Theft of a Motor Vehicle" not in skipped
    assert plan.skipped_themes("force", {}) == []


def test_coverage_records_come_in_street_then_stop_search_order():
    street = {"months": ["2019-01"], "summary": ["street files"]}
    searches = {"months": ["2019-01"], "summary": ["stop-and-search files"]}
    coverage = {"stop_search": searches, "street": street, "outcomes": {"months": []}}
    assert coverage_records(coverage) == [street, searches]
    assert coverage_records({"street": street}) == [street]
    assert coverage_records(None) == []
    manifest = {"data_source": "police_uk", "coverage": coverage}
    assert table_coverage(manifest, "stop_searches") is searches
    assert table_coverage(manifest, "missing_episodes") is None
    assert table_coverage({**manifest, "data_source": "force"}, "crimes") is None
