"""The disclosure audit: hand-built tables with known leaks and ranges worked out on paper, the
display path refusing a table that fails, and property tests of suppression + audit."""

from __future__ import annotations

import math

import nbformat
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfpack.core import disclosure, sdc_audit
from perfpack.core.sdc_audit import DisclosureError, Publication
from perfpack.present import html as present
from perfpack.report import execute, plan
from tests.conftest import code_notebook

C = disclosure.SECONDARY_MARK


def _publication(values: dict, states: dict, relations, **options) -> Publication:
    index = pd.Index(list(values), tupleize_cols=False)
    return Publication(
        pd.Series(list(values.values()), index=index),
        pd.Series([states.get(k, "") for k in values], index=index),
        relations,
        **options,
    )


def _ranges(publication: Publication, model: str = "at_least") -> dict:
    """Each hidden cell's range as whole numbers (``None`` for no upper limit)."""
    result = sdc_audit.audit(publication).set_index("cell")
    out = {}
    for cell, row in result.iterrows():
        low, high = row[f"low_{model}"], row[f"high_{model}"]
        out[cell] = (math.ceil(low - 1e-7), None if math.isinf(high) else math.floor(high + 1e-7))
    return out


def _failing(publication: Publication) -> set:
    result = sdc_audit.audit(publication)
    return set(result.loc[result["failure"] != "", "cell"])


# ------------------------------------------------------------------- the two leaks

ROW = {"a": 1, "b": 1, "c": 10, "T": 12}


def test_the_1_1_10_row_as_published_before_pins_both_hidden_cells():
    # <5 | <5 | 10 | 12: a + b = 2 and each is at least 1, so both are 1
    before = _publication(ROW, {"a": "primary", "b": "primary"}, [("T", ["a", "b", "c"])])
    assert _ranges(before) == {"a": (1, 1), "b": (1, 1)}
    assert _ranges(before, "any") == {"a": (1, 1), "b": (1, 1)}
    assert _failing(before) == {"a", "b"}
    with pytest.raises(DisclosureError, match=r"'Row'.*cell 'a'.*pinned.*range 1 to 1"):
        sdc_audit.require(before, "Row")


def test_the_1_1_10_row_after_suppression():
    frame = pd.DataFrame([[1, 1, 10, 12]], columns=["a", "b", "c", "T"], index=["r"])
    out = disclosure.suppress_small(frame, ["a", "b", "c", "T"], total_column="T", along="none")
    # 10 goes too: a + b + c = 12 with c at least 5 leaves a + b at most 7, so each of a and b
    # can be anything from 1 to 4, and c = 12 - a - b from 5 to 10
    assert out.loc["r"].tolist() == ["<5", "<5", C, "12"]
    ranges = _ranges(out.attrs["sdc"][0])
    assert ranges == {("r", "a"): (1, 4), ("r", "b"): (1, 4), ("r", "c"): (5, 10)}
    # a reader who takes [c] as anything from 0: c is 12 - a - b, 4 to 10
    assert _ranges(out.attrs["sdc"][0], "any")[("r", "c")] == (4, 10)
    sdc_audit.audit_frame(out, "Row")  # passes


def test_care_home_6_individuals_5_repeaters():
    # a place shown with 6 individuals and 5 repeaters publishes one child who went missing once
    before = _publication(
        {"individuals": 6, "repeaters": 5, "once": 1},
        {"once": "withheld"},
        [("individuals", ["repeaters", "once"])],
    )
    assert _ranges(before) == {"once": (1, 1)}
    assert _failing(before) == {"once"}
    # through the routine, with the sum declared: repeaters hidden; once is then 0 or 1
    places = pd.DataFrame({"place": ["H1", "H2"], "individuals": [6, 30], "repeaters": [5, 9]})
    out = disclosure.suppress_small(
        places,
        ["individuals", "repeaters"],
        along="none",
        row_sums=[("individuals", ["repeaters", "once"])],
    )
    assert out["individuals"].tolist() == ["6", "30"]
    assert out["repeaters"].tolist() == [C, "9"]
    ranges = _ranges(out.attrs["sdc"][0])
    assert ranges[("H1", "once")] == (0, 1)
    assert ranges[("H1", "repeaters")] == (5, 6)
    assert ranges[("H2", "once")] == (21, 21)  # pinned but 21 is no small count: not protected
    assert _failing(out.attrs["sdc"][0]) == set()


# ------------------------------------------------------------------- what the marks say


def test_two_small_counts_adding_to_8_are_both_4():
    pub = _publication(
        {"T": 20, "a": 4, "b": 4, "c": 12},
        {"a": "primary", "b": "primary"},
        [("T", ["a", "b", "c"])],
    )
    assert _ranges(pub) == {"a": (4, 4), "b": (4, 4)}


def test_a_reader_who_knows_c_is_5_or_more():
    # 6 = a ("<5") + b ("[c]"): taking [c] as anything a is 1-4, but [c] is at least 5, so a is
    # 1; the audit must pass under both readers, so it fails
    pub = _publication({"T": 6, "a": 1, "b": 5}, {"a": "primary", "b": "secondary"},
                       [("T", ["a", "b"])])  # fmt: skip
    assert _ranges(pub, "any") == {"a": (1, 4), "b": (2, 5)}
    assert _ranges(pub, "at_least") == {"a": (1, 1), "b": (5, 5)}
    assert _failing(pub) == {"a", "b"}


def test_a_c_confined_within_1_to_4_fails():
    # a mis-marked table: 5 = x ("[c]", truly 3) + y ("<5"); no x of 5 or more fits, and
    # taking [c] as anything x is 1 to 4: the reader learns it is a small count
    pub = _publication({"T": 5, "x": 3, "y": 2}, {"x": "secondary", "y": "primary"},
                       [("T", ["x", "y"])])  # fmt: skip
    result = sdc_audit.audit(pub).set_index("cell")
    assert math.isnan(result.loc["x", "low_at_least"])  # no consistent value for that reader
    assert _ranges(pub, "any") == {"x": (1, 4), "y": (1, 4)}
    assert result.loc["x", "failure"] == "confined within 1 to 4"


def test_a_protected_2x2_table_has_the_ranges_worked_on_paper():
    # 3  7 | 10      a b
    # 6  9 | 15      c d      a "<5", b c d "[c]"; totals shown
    # 9 16 | 25
    # a + b = 10, a + c = 9, c + d = 15, b + d = 16: a in 1..4, b = 10 - a, c = 9 - a,
    # d = 6 + a (all at least 5 for every a in 1..4)
    values = {"a": 3, "b": 7, "c": 6, "d": 9, "r0": 10, "r1": 15, "c0": 9, "c1": 16, "t": 25}
    relations = [("r0", ["a", "b"]), ("r1", ["c", "d"]), ("c0", ["a", "c"]),
                 ("c1", ["b", "d"]), ("t", ["r0", "r1"])]  # fmt: skip
    pub = _publication(
        values, {"a": "primary", "b": "secondary", "c": "secondary", "d": "secondary"}, relations
    )
    expected = {"a": (1, 4), "b": (6, 9), "c": (5, 8), "d": (7, 10)}
    assert _ranges(pub) == expected
    assert _ranges(pub, "any") == expected
    assert _failing(pub) == set()
    # the suppression routine finds that pattern itself
    frame = pd.DataFrame([[3, 7, 10], [6, 9, 15], [9, 16, 25]], columns=["x", "y", "Total"],
                         index=["p", "q", "Total"])  # fmt: skip
    out = disclosure.suppress_small(frame, list(frame.columns), total_row="Total",
                                    total_column="Total")  # fmt: skip
    assert out.values.tolist() == [["<5", C, "10"], [C, C, "15"], ["9", "16", "25"]]


# ------------------------------------------------------------------- linked and elsewhere

# Response: Asian 10, Black 10, Mixed 2, Other 0, White 6, Not stated 20; BAME 22 is published
# in the report grouping, the five groups in the other table; both show All 48.
LINKED = {"All": 48, "BAME": 22, "Asian": 10, "Black": 10, "Mixed": 2, "Other": 0,
          "White": 6, "Not stated": 20}  # fmt: skip
LINKED_SUMS = [("All", ["BAME", "White", "Not stated"]),
               ("BAME", ["Asian", "Black", "Mixed", "Other"])]  # fmt: skip


def test_two_ethnicity_groupings_linked_by_shared_totals():
    # the five-group table alone hides Mixed; BAME 22 - 10 - 10 - 0 in the other gives it back
    before = _publication(LINKED, {"Mixed": "primary"}, LINKED_SUMS)
    assert _ranges(before) == {"Mixed": (2, 2)}
    states = disclosure.linked_suppression(pd.Series(LINKED), LINKED_SUMS)
    assert {k: v for k, v in states.items() if v} == {"Mixed": "primary", "Asian": "secondary"}
    # Asian + Mixed = 12 with Asian at least 5: Mixed 1 to 4, Asian 8 to 11
    assert _ranges(states.attrs["sdc"][0]) == {"Asian": (8, 11), "Mixed": (1, 4)}


def test_totals_published_elsewhere_on_the_page():
    # the table shows no totals; the page's summary publishes each window's episodes (23, 40)
    frame = pd.DataFrame({"previous": [3, 20], "current": [15, 25]}, index=["High", "Low"])
    alone = disclosure.suppress_small(frame, ["previous", "current"], along="none")
    assert alone["previous"].tolist() == ["<5", "20"]  # nothing ties the cells: 3 safe alone
    elsewhere = [[("High", "previous"), ("Low", "previous")], [("High", "current"),
                 ("Low", "current")]]  # fmt: skip
    # published as it was, the summary's 23 gives the 3 away
    leak = disclosure.suppression_mask(frame, ["previous", "current"], along="none",
                                       known_sums=elsewhere, secondary=True)  # fmt: skip
    out = disclosure.suppress_small(frame, ["previous", "current"], along="none",
                                    known_sums=elsewhere)  # fmt: skip
    assert out["previous"].tolist() == ["<5", C]
    assert out["current"].tolist() == ["15", "25"]
    assert (leak == "secondary").sum().sum() == 1
    ranges = _ranges(out.attrs["sdc"][0])
    assert ranges == {("High", "previous"): (1, 4), ("Low", "previous"): (19, 22)}
    with pytest.raises(DisclosureError, match=r"row 'High', column 'previous'.*range 3 to 3"):
        disclosure.suppress_small(frame, ["previous", "current"], along="none",
                                  known_sums=elsewhere, secondary=False)  # fmt: skip


def test_a_small_count_nothing_can_protect_is_stopped():
    # the only non-zero part of a total known from elsewhere: no table can hide it
    states = disclosure.linked_suppression(
        pd.Series({"T": 3, "a": 3, "b": 0}), [("T", ["a", "b"])], known=["T"]
    )
    assert states.to_dict() == {"T": "", "a": "primary", "b": ""}
    with pytest.raises(DisclosureError, match="cell 'a'.*range 3 to 3"):
        sdc_audit.audit_frame(states, "Known total")


# ------------------------------------------------------------------- the display path


def _leaky_frame() -> pd.DataFrame:
    frame = pd.DataFrame({"Area": ["North"], "A": ["<5"], "B": ["<5"], "C": ["10"], "T": ["12"]})
    pub = _publication(
        {("North", "A"): 1, ("North", "B"): 1, ("North", "C"): 10, ("North", "T"): 12},
        {("North", "A"): "primary", ("North", "B"): "primary"},
        [(("North", "T"), [("North", "A"), ("North", "B"), ("North", "C")])],
    )
    return sdc_audit.carry(frame, pub)


def test_table_html_refuses_a_table_that_fails_the_audit():
    with pytest.raises(DisclosureError) as caught:
        present.table_html(_leaky_frame(), "Table 9. Episodes by area")
    message = str(caught.value)
    assert "'Table 9. Episodes by area'" in message
    assert "row 'North', column 'A'" in message and "range 1 to 1" in message


def test_published_tables_carry_their_audit_through_display():
    frame = pd.DataFrame({"Area": ["N", "S"], "x": [3, 40], "y": [12, 50]})
    out = disclosure.suppress_small(frame, ["x", "y"])
    renamed = out.rename(columns={"x": "Episodes 2018"}).reset_index(drop=True)
    assert sdc_audit.publications(renamed) == out.attrs["sdc"]
    assert "<caption>T</caption>" in present.table_html(renamed, "T", counts=["Episodes 2018"])


@pytest.mark.parametrize(
    "column, counts, refused",
    [
        (["3", "12"], ["n"], True),  # a raw small count in a count column
        ([3, 12], ["n"], True),
        (["1,234", "<5"], ["n"], False),
        (["3", "12"], None, False),  # not declared as counts (a rate, a year): not checked
        (["3.5", "12"], ["n"], False),
        (["0", "12"], True, False),  # zeros are published
    ],
)
def test_counts_argument_refuses_raw_small_counts(column, counts, refused):
    frame = pd.DataFrame({"n": column})
    if refused:
        with pytest.raises(DisclosureError, match=r"'Caption'.*count of 1 to 4.*row 0.*'n'"):
            present.table_html(frame, "Caption", counts=counts)
    else:
        present.table_html(frame, "Caption", counts=counts)


def test_the_batch_publishes_an_error_page_naming_the_table(tmp_path, monkeypatch):
    # one real notebook run (papermill), as the batch runs each appendix
    nb = code_notebook(
        [
            "import pandas as pd\nfrom perfpack.core import disclosure\n"
            "from perfpack.present import html as present",
            "frame = pd.DataFrame({'n': [3, 0]}, index=['Care home A', 'Care home B'])\n"
            "present.show_table(disclosure.suppress_small(frame, ['n']), caption='Table 3. Homes')",
        ],
        parameters='figures_path = ""',
        markdown="# Leaky",
    )
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, str(tmp_path / "notebooks" / "leaky.ipynb"))
    monkeypatch.setattr(execute, "NOTEBOOKS_DIR", tmp_path / "notebooks")
    job = plan.Job("leaky", "Leaky appendix", "theme", "leaky.ipynb", {})
    result = execute.execute_job(job, str(tmp_path / "staging"), "2019-12", 120, "", "")
    assert not result.ok and result.cell == 3
    assert "DisclosureError" in result.exception and "Table 3. Homes" in result.exception
    page = (tmp_path / "staging" / job.html_relpath).read_text()
    assert "could not be produced" in page and "leaky.ipynb" in page and "cell 3" in page
    assert "Table 3. Homes" in page and "Care home A" in page and "range 3 to 3" in page
    assert "<caption>" not in page  # the table itself is not published


# ------------------------------------------------------------------- properties

SMALL_VALUES = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20])


@st.composite
def count_tables(draw):
    n_rows = draw(st.integers(1, 3))
    n_cols = draw(st.integers(2, 3))
    body = [[draw(SMALL_VALUES) for _ in range(n_cols)] for _ in range(n_rows)]
    frame = pd.DataFrame(body, columns=[f"c{j}" for j in range(n_cols)],
                         index=[f"r{i}" for i in range(n_rows)])  # fmt: skip
    totals = draw(st.booleans())
    if totals:
        frame["Total"] = frame.sum(axis=1)
        frame.loc["Total"] = frame.sum(axis=0)
    return frame, totals


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables())
def test_after_suppression_the_audit_passes_or_nothing_could_protect(drawn):
    frame, totals = drawn
    options = {"total_row": "Total", "total_column": "Total"} if totals else {}
    out = disclosure.suppress_small(frame, list(frame.columns), **options)
    publication = out.attrs["sdc"][0]
    result = sdc_audit.audit(publication)
    for row in result.itertuples():  # the ranges hold the truth
        assert row.low_any - 1e-6 <= row.value <= row.high_any + 1e-6
        assert row.low_at_least - 1e-6 <= row.value <= row.high_at_least + 1e-6
    failing = result[result["failure"] != ""]
    if len(failing):
        # left failing only when nothing could protect it: with every other non-zero cell
        # hidden it still fails (a small count whose lines hold only zeros besides)
        known = [c[0] in ("row total", "column total") for c in publication.states.index]
        keep = (
            (publication.states != "")
            | (publication.values == 0)
            | pd.Series(known, index=publication.states.index)
        )
        widest = publication.states.where(keep, "secondary")
        worst = Publication(publication.values, widest, publication.relations)
        assert set(failing["cell"]) <= _failing(worst), (frame, out)
    else:
        sdc_audit.audit_frame(out, "property")
    # every small count is hidden, and nothing else as primary
    for column in frame.columns:
        for label, value in frame[column].items():
            assert (out.loc[label, column] == "<5") == (1 <= value <= 4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables(), st.lists(st.booleans(), min_size=16, max_size=16))
def test_the_audit_ranges_always_hold_the_true_value(drawn, coins):
    # any honest pattern of marks (small counts "<5", some others "[c]"): the truth is in range
    frame, totals = drawn
    cells = [(r, c) for r in frame.index for c in frame.columns]
    values = {cell: int(frame.loc[cell]) for cell in cells}
    states = {}
    for k, cell in enumerate(cells):
        if 1 <= values[cell] <= 4:
            states[cell] = "primary"
        elif values[cell] >= 5 and coins[k % len(coins)]:
            states[cell] = "secondary"
    relations = []
    if totals:
        body_rows = [r for r in frame.index if r != "Total"]
        body_cols = [c for c in frame.columns if c != "Total"]
        relations += [((r, "Total"), [(r, c) for c in body_cols]) for r in frame.index]
        relations += [(("Total", c), [(r, c) for r in body_rows]) for c in frame.columns]
    result = sdc_audit.audit(_publication(values, states, relations))
    for row in result.itertuples():
        assert row.low_any - 1e-6 <= row.value <= row.high_any + 1e-6
        assert row.low_at_least - 1e-6 <= row.value <= row.high_at_least + 1e-6
        assert row.low_any <= row.low_at_least + 1e-6  # the "[c] >= 5" reader knows more
        assert row.high_at_least <= row.high_any + 1e-6


@pytest.mark.parametrize(
    "total, shown, low",
    [
        (33, ["<5", C, "20", "33"], None),  # cohorts that add up: 3 = 33 - 10 - 20, so 10 goes
        (31, ["<5", "10", "20", "31"], 1),  # a person in two cohorts: a >= 31 - 30 = 1
        (32, ["<5", "10", "20", "32"], 2),  # two people in two: a >= 32 - 30 = 2, a <= 4
    ],
)
def test_a_total_of_overlapping_groups(total, shown, low):
    frame = pd.DataFrame({"n": [3, 10, 20, total]}, index=["a", "b", "c", "All"])
    out = disclosure.suppress_small(frame, ["n"], total_row="All")
    assert out["n"].tolist() == shown
    if low is not None:
        assert _ranges(out.attrs["sdc"][0]) == {("a", "n"): (low, 4)}


def test_a_total_below_one_of_its_parts_is_refused():
    frame = pd.DataFrame({"n": [3, 40, 20, 35]}, index=["a", "b", "c", "All"])
    with pytest.raises(ValueError, match="sum"):
        disclosure.suppress_small(frame, ["n"], total_row="All")


@settings(max_examples=20, deadline=None)
@given(
    # body cells of at most 5 keep every total within the 0..20 grid below, so the grid holds
    # every table a reader could believe (a larger total let the grid miss some)
    st.lists(st.sampled_from([0, 1, 2, 3, 4, 5]), min_size=4, max_size=4),
    st.lists(st.booleans(), min_size=9, max_size=9),
)
def test_the_audit_ranges_match_counting_every_table(body, coins):
    # independent of the linear programme: list every 2x2 table (cells 0..20) a reader could
    # believe from the marks ("<5" is 1-4, "[c]" 5 or more) and compare its least and greatest
    # value with the audit's (2-D tables with margins have whole-number corners, so they agree)
    import itertools

    import numpy as np

    a, b, c, d = body
    values = {"a": a, "b": b, "c": c, "d": d, "r0": a + b, "r1": c + d, "c0": a + c,
              "c1": b + d, "t": a + b + c + d}  # fmt: skip
    relations = [("r0", ["a", "b"]), ("r1", ["c", "d"]), ("c0", ["a", "c"]),
                 ("c1", ["b", "d"]), ("t", ["r0", "r1"])]  # fmt: skip
    states = {}
    for k, (name, value) in enumerate(values.items()):
        if 1 <= value <= 4:
            states[name] = "primary"
        elif value >= 5 and coins[k]:
            states[name] = "secondary"
    grid = np.array(list(itertools.product(range(21), repeat=4)))
    ga, gb, gc, gd = grid.T
    cells = {"a": ga, "b": gb, "c": gc, "d": gd, "r0": ga + gb, "r1": gc + gd, "c0": ga + gc,
             "c1": gb + gd, "t": ga + gb + gc + gd}  # fmt: skip
    keep = np.ones(len(grid), dtype=bool)
    for name, value in values.items():
        state = states.get(name, "")
        if state == "primary":
            keep &= (cells[name] >= 1) & (cells[name] <= 4)
        elif state == "secondary":
            keep &= cells[name] >= 5
        else:
            keep &= cells[name] == value
    ranges = _ranges(_publication(values, states, relations))
    for name, (low, high) in ranges.items():
        possible = cells[name][keep]
        assert possible.min() == low, (values, states, name)
        if high is not None and high < 20 and possible.max() < 20:
            assert possible.max() == high, (values, states, name)


def test_orderings_inside_a_row_narrow_the_range():
    # 7 episodes, 5 individuals, repeaters "<5": each repeater has 2 or more episodes, so
    # individuals + repeaters <= episodes gives repeaters <= 2; once = 5 - repeaters is 3 or 4
    places = pd.DataFrame({"place": ["H1"], "episodes": [7], "individuals": [5], "repeaters": [2]})
    options = {"along": "none", "row_sums": [("individuals", ["repeaters", "once"])]}
    plain = disclosure.suppress_small(places, ["episodes", "individuals", "repeaters"], **options)
    assert _ranges(plain.attrs["sdc"][0])[("H1", "repeaters")] == (1, 4)
    ordered = disclosure.suppress_small(
        places,
        ["episodes", "individuals", "repeaters"],
        row_orderings=[(["individuals", "repeaters"], ["episodes"])],
        **options,
    )
    assert ordered["repeaters"].tolist() == ["<5"]
    ranges = _ranges(ordered.attrs["sdc"][0])
    assert ranges[("H1", "repeaters")] == (1, 2)
    assert ranges[("H1", "once")] == (3, 4)
    # and with 6 episodes the repeaters are pinned to 1: the routine hides more
    places["episodes"] = [6]
    places["repeaters"] = [1]
    with pytest.raises(DisclosureError, match="'repeaters'.*range 1 to 1"):
        disclosure.suppress_small(
            places,
            ["episodes", "individuals", "repeaters"],
            secondary=False,
            row_orderings=[(["individuals", "repeaters"], ["episodes"])],
            **options,
        )
    out = disclosure.suppress_small(
        places,
        ["episodes", "individuals", "repeaters"],
        row_orderings=[(["individuals", "repeaters"], ["episodes"])],
        **options,
    )
    assert out.loc[0, "repeaters"] == "<5"
    assert (out.loc[0, ["episodes", "individuals"]] == C).any()
    sdc_audit.audit_frame(out, "Places")


def test_a_table_with_no_rows_publishes_nothing_to_audit():
    # a force with no areas (Northern Ireland's files carry no LSOA) has an empty area table
    empty = pd.DataFrame({"previous": pd.Series([], dtype="int64"), "current": []})
    shown = disclosure.suppress_small(empty, ["previous", "current"], along="columns")
    assert shown.empty
