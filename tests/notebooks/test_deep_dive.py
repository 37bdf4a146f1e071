"""The action-019 deep dive's notebook and the page the demo batch builds (its functions:
tests/unit/test_deep_dive.py)."""

from __future__ import annotations

import html
import json
import re

import pytest

from perfpack.core.change import round_half_up
from perfpack.themes.deep_dive import cases as deep_dive_cases
from perfpack.themes.deep_dive import cohorts
from tests.conftest import PROJECT_ROOT, executed_text, one_figure
from tests.unit.test_deep_dive import _brute_force, _groups

# --- the notebook and the page the demo batch builds -------------------------------------------

DEEP_DIVE_NOTEBOOK = PROJECT_ROOT / "notebooks" / "deep_dives" / "missing_repeats.ipynb"
PREVIOUS_LABEL, CURRENT_LABEL = "2018-01/2018-12", "2019-01/2019-12"


def test_deep_dive_notebook_parameters_and_calls():
    nb = json.loads(DEEP_DIVE_NOTEBOOK.read_text(encoding="utf-8"))
    params = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    text = "".join(params["source"])
    for name in ("period", "processed_dir", "annotations_dir", "figures_path", "cohort"):
        assert f"{name} = " in text
    assert "window_months = 12" in text and 'cohort = "all"' in text
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "person_id" not in source and "episode_id" not in source
    assert "2018-07" not in source  # the MPIT date comes from data/reference
    # one route per figure: the page and figures.csv both come from the one result
    assert "result = deep_dive.analyse(" in source
    assert "result.figures().save(figures_path)" in source
    for computed in ("comparison_windows", "FigureBook", "protect_page", "def ", "class "):
        assert computed not in source, computed
    for call in (
        "cohort_table",
        "overlap_sentence",
        "cohort_findings",
        "cohort_location_table",
        "location_table",
        "cases_sentence",
        "display_cases",
    ):
        assert call in source


@pytest.fixture(scope="module")
def deep_run(demo_runs):
    """The deep dive as the demo batch executed it: (figures, everything it showed)."""
    notebook, figures = demo_runs["missing_repeats"]
    return figures, executed_text(notebook)


@pytest.fixture(scope="module")
def deep_page(demo_report) -> str:
    return (demo_report / "deep_dives" / "missing_repeats.html").read_text(encoding="utf-8")


def _tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every HTML table: (header texts, rows of cell texts)."""

    def texts(pattern, body):
        return [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(pattern, body, flags=re.S)
        ]

    out = []
    for body in re.findall(r"<table.*?</table>", text, flags=re.S):
        rows = [texts(r"<td.*?>(.*?)</td>", r) for r in re.findall(r"<tr.*?</tr>", body, re.S)]
        out.append((texts(r"<th.*?>(.*?)</th>", body), [r for r in rows if r]))
    return out


@pytest.mark.slow
def test_care_home_episodes_per_person_fall_from_7_1_to_4_7(deep_run):
    figures, text = deep_run
    group = cohorts.CARE_HOME_CHILDREN
    before = one_figure(figures, "cohort_episodes_per_person", PREVIOUS_LABEL, group)
    after = one_figure(figures, "cohort_episodes_per_person", CURRENT_LABEL, group)
    assert (round_half_up(before, 1), round_half_up(after, 1)) == (7.1, 4.7)
    assert one_figure(figures, "cohort_episodes", CURRENT_LABEL, "All episodes") == 3812
    raw = one_figure(figures, "cohort_repeat_rate_p_value", CURRENT_LABEL, group)
    adjusted = one_figure(figures, "cohort_repeat_rate_p_holm", CURRENT_LABEL, group)
    assert adjusted >= raw
    assert "Holm-adjusted" in text and cohorts.CARE_HOME_ADULTS in text
    assert "were in more than one cohort" in text
    for wrong in ("likely to be chance", "could well be chance"):
        assert wrong not in text


@pytest.mark.slow
def test_deep_dive_hides_small_counts(deep_run):
    _, text = deep_run
    counted = [
        rows
        for headers, rows in _tables(text)
        if "Cohort" in headers or "Place (pseudonymous id)" in headers
    ]
    # cohort summary, cohort x place in both periods, care homes, hospitals
    assert len(counted) == 5
    for rows in counted:
        for row in rows:
            assert not any(c in {"1", "2", "3", "4"} for c in row[1:]), row


@pytest.mark.slow
def test_case_table_one_row_per_case_no_sequence_or_dates(deep_page):
    cases = [(h, rows) for h, rows in _tables(deep_page) if h and h[0] == "Case"]
    assert len(cases) == 1
    headers, rows = cases[0]
    labels = [r[0] for r in rows]
    assert 1 <= len(rows) <= 5 and len(set(labels)) == len(labels)
    assert all(re.fullmatch(r"Case [A-Z]", c) for c in labels)
    for banned in ("Episode", "Gap", "Risk", "Looked after", "Age", "Went missing", "Return"):
        assert not any(h.startswith(banned) for h in headers), headers
    quarters = [h for h in headers if re.fullmatch(r"[A-Z][a-z]{2}-[A-Z][a-z]{2} \d{4}", h)]
    assert len(quarters) == 8
    bands = {b[2] for b in deep_dive_cases.QUARTER_BANDS}
    for row in rows:
        cells = dict(zip(headers, row, strict=True))
        assert {cells[q] for q in quarters} <= bands, row
        assert cells["Repeats after MPIT"] in deep_dive_cases.VERDICTS
        # what a reader can work out from the row: no total, before, after or quarter pinned
        q = [cells[h] for h in quarters]
        found = _brute_force(q, _groups(8, [0, 1]), deep_dive_cases.CASE_MIN_EPISODES)
        for name, values in found.items():
            members = _groups(8, [0, 1])[name]
            assert len(values) >= 2 or all(q[i] == "0" for i in members), (row, name)
    verdicts = {r[headers.index("Repeats after MPIT")] for r in rows}
    assert len(verdicts) >= 2, "the cases show a range, not only one verdict"
    # no dates, day counts or episode sequence anywhere on the page
    page_text = re.sub(r"<[^>]+>", " ", deep_page)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b", page_text)
    for words in ("day 0", "days since", "Gap since previous episode", "Episode, in order"):
        assert words not in page_text
