"""The overview page from a hand-made figures table: headline figures, window wording, what a
public pack covers and skips, and front matter per data source."""

import pandas as pd

from perfpack import overview
from perfpack.runner import JobResult

FIGURES = pd.DataFrame(
    [
        ("robbery_all", "count_previous", "2018-11/2018-12", "", 26),
        ("robbery_all", "count_current", "2019-01/2019-02", "", 37),
        ("robbery_all", "pct_change", "2019-01/2019-02", "", 42.307692),
        ("robbery_all", "change_p_value", "2019-01/2019-02", "", 0.207),
    ],
    columns=["theme", "measure", "window", "group", "value"],
)
RESULTS = [
    JobResult("robbery_all", "Robbery (all)", "theme", "appendices/robbery_all.html", True, 1.0)
]


def _record(data_source, window_months):
    return {
        "force": "Cumbria Constabulary",
        "data_source": data_source,
        "synthetic": False,
        "run_at": "2026-11-22T03:00:00+00:00",
        "parameters": {"window_months": window_months},
    }


def test_public_pack_overview():
    page = overview.index_html(
        "2019-02",
        FIGURES,
        RESULTS,
        _record("police_uk", 2),
        "",
        "<footer></footer>",
        skipped=[("Missing Persons", "data.police.uk does not publish missing-person records")],
        coverage={"street": {"summary": ["77 rows have no location."]}},
    )
    assert "Previous 2 months" in page and "Current 2 months" in page
    assert "previous and current 2 months is statistically significant" in page
    # p = 0.207 to two significant figures, worded as every appendix words it
    assert "<td>26</td><td>37</td><td>42%</td><td>No evidence of a change (p = 0.21)</td>" in page
    assert "Missing Persons</strong>: not in this pack" in page
    assert "<li>77 rows have no location.</li>" in page
    assert "Cumbria Constabulary" in page and "DCC Barnett" not in page  # not the force's sign-off
    assert "Actions from the Public Performance Meeting" not in page  # Staffordshire's actions


def test_force_overview_keeps_the_reports_front_matter():
    results = [
        JobResult(
            "personal_robbery",
            "Personal Robbery",
            "theme",
            "appendices/personal_robbery.html",
            True,
            1.0,
        )
    ]
    page = overview.index_html(
        "2019-12", FIGURES.assign(theme="personal_robbery"), results, _record("force", 12), "", ""
    )
    assert "Previous 12 months" in page and "Dissemination Authorised by DCC Barnett" in page
    assert "This document is classified as OFFICIAL" in page
    assert "Actions from the Public Performance Meeting" in page and "019" in page
