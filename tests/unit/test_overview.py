"""The overview page from a hand-made figures table: headline figures, window wording, what a
public pack covers and skips, and front matter per data source."""

import pandas as pd

from perfpack.report import overview
from perfpack.report.plan import JobResult

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
    # p = 0.207 to two significant figures, worded as every appendix words it; a change has its sign
    assert "<td>26</td><td>37</td><td>+42%</td><td>No evidence of a change (p = 0.21)</td>" in page
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


def _monthly(values):
    months = pd.period_range("2018-01", periods=len(values), freq="M").strftime("%Y-%m")
    return pd.DataFrame(
        {
            "theme": "personal_robbery",
            "measure": "monthly_count",
            "window": [f"{m}/{m}" for m in months],
            "group": "",
            "value": values,
        }
    )


def _robbery_page(values):
    figs = pd.concat([FIGURES.assign(theme="personal_robbery"), _monthly(values)])
    results = [
        JobResult("personal_robbery", "Personal Robbery", "theme", "appendices/pr.html", True, 1.0)
    ]
    return overview.index_html("2019-12", figs, results, _record("force", 12), "", "")


def test_overview_reports_a_suggested_rebase_without_applying_it():
    # personal robbery fixes its limits after 12 points (spc_settings.csv): 60/70 alternating
    # (mean 65, MR-bar 10, upper limit 91.6, 2-sigma line 82.7), then 12 months at 80: a run of
    # 12 above the mean from January 2019, special cause of concern (high) for a Reduction theme
    page = _robbery_page([70, 60] * 6 + [80] * 12)
    assert 'aria-label="Special cause variation: concern (high)"' in page
    assert (
        "Suggested rebase from January 2019: 12 points in a row above the mean (not applied)"
        in page
    )
    assert "12 points above the mean" in page  # judged on the unrebased limits


def test_contents_show_spc_icons_with_text():
    # 24 months alternating 60/70 (no special cause): the common-cause icon, and no numeric
    # target for the assurance icon (the report sets directions only)
    monthly = _monthly([60, 70] * 12)
    figs = pd.concat([FIGURES.assign(theme="personal_robbery"), monthly], ignore_index=True)
    results = [
        JobResult("personal_robbery", "Personal Robbery", "theme", "appendices/pr.html", True, 1.0)
    ]
    page = overview.index_html("2019-12", figs, results, _record("force", 12), "", "")
    assert "<th scope='col'>SPC icons (variation, assurance)</th>" in page
    assert '<svg class="mdc-icon" role="img" aria-label="Common cause variation"' in page
    assert "<title>Common cause variation</title>" in page
    assert "no numeric target" in page and "<script" not in page


def test_published_is_the_meetings_date_not_the_run_date():
    results = [
        JobResult("personal_robbery", "Personal Robbery", "theme", "a.html", True, 1.0),
    ]
    figs = FIGURES.assign(theme="personal_robbery")
    page = overview.index_html("2019-12", figs, results, _record("force", 12), "", "")
    # front matter: "Published - February 2020" (the report's cover), run on 22 November 2026
    assert "Published – February 2020." in page and "2026" not in page.split("<main>")[0]
    record = _record("force", 12)
    later = overview.index_html("2020-03", figs, results, record, "", "")
    assert "Not a published edition: built on 22 November 2026." in later
    record["parameters"]["published"] = "June 2020"
    assert "Published – June 2020." in overview.index_html("2020-03", figs, results, record, "", "")


def test_projection_column_names_its_method():
    results = [
        JobResult("personal_robbery", "Personal Robbery", "theme", "a.html", True, 1.0),
    ]
    figs = pd.concat(
        [
            FIGURES.assign(theme="personal_robbery"),
            pd.DataFrame(
                [
                    ("personal_robbery", "projection_12m_pct", "", "", -10.4),
                    ("personal_robbery", "projection_selected_pct", "", "Same as last year", 0.0),
                ],
                columns=FIGURES.columns,
            ),
        ]
    )
    page = overview.index_html("2019-12", figs, results, _record("force", 12), "", "")
    assert "12-month projection (method)" in page
    assert (
        "<td>0% <small>(Same as last year, best back-test; report's 12-month trend -10%)</small>"
        in page
    )
    plain = overview.index_html("2019-12", figs.iloc[:-1], results, _record("force", 12), "", "")
    assert "<td>-10% <small>(report's 12-month trend)</small></td>" in plain


def test_projection_column_without_a_backtest_shows_the_reports_method():
    results = [
        JobResult("personal_robbery", "Personal Robbery", "theme", "a.html", True, 1.0),
    ]
    figs = pd.concat(
        [
            FIGURES.assign(theme="personal_robbery"),
            pd.DataFrame(
                [
                    ("personal_robbery", "projection_12m_pct", "", "", 12.0),
                    ("personal_robbery", "projection_selected_pct", "", "12-month trend", 12.0),
                    ("personal_robbery", "projection_selected_by_record", "", "", 0),
                ],
                columns=FIGURES.columns,
            ),
        ]
    )
    page = overview.index_html("2019-12", figs, results, _record("force", 12), "", "")
    assert "<td>+12% <small>(report's 12-month trend; no back-test)</small></td>" in page


def test_overview_escapes_names_and_carries_the_csp():
    from perfpack.present import markup

    record = {**_record("police_uk", 2), "force": '<script>alert(1)</script>" onmouseover="x'}
    page = overview.index_html(
        "2019-02",
        FIGURES,
        RESULTS,
        record,
        "",
        "",
        coverage={"street": {"summary": ["<img src=x onerror=alert(1)> rows"]}},
        pdf_status="not made for this run: printing failed (crashed)",
    )
    assert markup.unsafe_markup(page) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x" in page
    assert "<li>&lt;img src=x onerror=alert(1)&gt; rows</li>" in page
    assert "report.pdf: not made for this run: printing failed (crashed)" in page
    assert 'href="report.pdf"' not in page
    made = overview.index_html(
        "2019-02", FIGURES, RESULTS, _record("police_uk", 2), "", "", pdf_status=overview.PDF_MADE
    )
    assert '<a href="report.pdf">report.pdf</a>' in made
