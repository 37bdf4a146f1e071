"""Small-count suppression: hand-worked tables (expected cells worked out on paper)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from perfpack.core import disclosure, sdc_audit

C = disclosure.SECONDARY_MARK


def _table(rows: list[list], columns=("a", "b", "c")) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns), index=[f"r{i}" for i in range(len(rows))])


@pytest.mark.parametrize(
    "rows, expected",
    [
        # nothing small: every count shown, thousands separated
        ([[10, 20, 1234]], [["10", "20", "1,234"]]),
        # zeros are shown; a single row of one line: 3 is the only hidden cell in the row, so the
        # smallest other non-zero count (7) is hidden too; each column has one cell, no rule
        ([[3, 0, 7, 9]], [["<5", "0", C, "9"]]),
        # the threshold's edges: 1 and 4 hidden, 5 shown
        ([[1, 4, 5]], [["<5", "<5", "5"]]),
        # two hidden in the row already: nothing more needed in the row; columns have one row
        ([[2, 2, 50]], [["<5", "<5", "50"]]),
        # 3x3 worked on paper, every row and column total published elsewhere: 2 needs a
        # partner in row r0 and in column a, and each partner one in its other line; the
        # cheapest closed rectangle is 2, 10 (r0), 6 (column a), 11 (r2 and column b): then
        # 2 + 10 = 12, 2 + 6 = 8, 6 + 11 = 17, 10 + 11 = 21 leave 2 anywhere in 1-3.
        (
            [[2, 10, 30], [40, 50, 60], [6, 11, 70]],
            [["<5", C, "30"], ["40", "50", "60"], [C, C, "70"]],
        ),
        # missing counts stay missing and are never chosen
        ([[3, None, 8]], [["<5", None, C]]),
    ],
)
def test_suppress_small_table(rows, expected):
    columns = [f"c{j}" for j in range(len(rows[0]))]
    frame = _table(rows, columns)
    got = disclosure.suppress_small(frame, columns)
    exp = _table(expected, columns)
    for column in columns:
        got_col = [None if pd.isna(v) else v for v in got[column]]
        exp_col = [None if pd.isna(v) else v for v in exp[column]]
        assert got_col == exp_col, column


def test_labels_untouched_and_count_columns_are_text():
    frame = pd.DataFrame({"home": ["H01", "H02", "H03"], "n": [3, 12, 40], "rate": [0.5, 1, 2]})
    out = disclosure.suppress_small(frame, ["n"])
    assert out["home"].tolist() == ["H01", "H02", "H03"]
    assert out["rate"].tolist() == [0.5, 1, 2]
    # column n: 3 hidden, it is alone in the column -> 12 (smallest other) hidden too
    assert out["n"].tolist() == ["<5", C, "40"]
    assert pd.api.types.is_string_dtype(out["n"])
    # input not modified
    assert frame["n"].tolist() == [3, 12, 40]


def test_top_list_adds_up_to_nothing():
    # a top list: no line adds up to a published figure, so the small count alone is hidden
    frame = pd.DataFrame({"home": ["H01", "H02"], "n": [3, 12]})
    out = disclosure.suppress_small(frame, ["n"], along="none")
    assert out["n"].tolist() == ["<5", "12"]
    assert disclosure.suppress_small(frame, ["n"], along="none", secondary=False).equals(out)


def test_secondary_false_is_audited():
    # the old escape hatch: with the column's total shown, 3 is 15 - 12; switching secondary
    # suppression off no longer publishes it
    frame = pd.DataFrame({"n": [3, 12, 15]}, index=["H01", "H02", "Total"])
    with pytest.raises(disclosure.DisclosureError, match=r"'H01'.*'n'.*range 3 to 3"):
        disclosure.suppress_small(frame, ["n"], secondary=False, total_row="Total")
    # ... nor the care home of the issue: 6 individuals and 5 repeaters is one child who went
    # missing once, whatever secondary says
    home = pd.DataFrame({"place": ["H1"], "individuals": [6], "repeaters": [5]})
    with pytest.raises(disclosure.DisclosureError, match=r"'H1', column 'once'.*range 1 to 1"):
        disclosure.suppress_small(
            home,
            ["individuals", "repeaters"],
            secondary=False,
            row_sums=[("individuals", ["repeaters", "once"])],
        )


def test_other_threshold():
    frame = _table([[9, 10, 11]])
    out = disclosure.suppress_small(frame, ["a", "b", "c"], threshold=10, along="none")
    assert out.iloc[0].tolist() == ["<10", "10", "11"]


def test_nullable_and_float_counts():
    frame = pd.DataFrame({"n": pd.array([2, 30, None, 40], dtype="Int64"), "m": [1.0, 2, 3, 50]})
    out = disclosure.suppress_small(frame, ["n", "m"], along="none")
    assert out["n"].tolist()[:2] == ["<5", "30"] and pd.isna(out["n"].iloc[2])
    assert out["m"].tolist() == ["<5", "<5", "<5", "50"]


@pytest.mark.parametrize("bad", [[-1, 5], [2.5, 5]])
def test_not_counts_rejected(bad):
    with pytest.raises(ValueError, match="counts"):
        disclosure.suppress_small(pd.DataFrame({"n": bad}), ["n"])


def test_no_line_keeps_a_single_hidden_cell():
    frame = _table([[1, 9, 8, 30], [7, 2, 50, 6], [40, 60, 3, 20]], ("a", "b", "c", "d"))
    mask = disclosure.suppression_mask(frame, ["a", "b", "c", "d"])
    hidden = mask != ""
    assert not (hidden.sum(axis=1) == 1).any()
    assert not (hidden.sum(axis=0) == 1).any()
    # every small count is hidden as primary, nothing else as primary
    assert ((mask == "primary") == ((frame >= 1) & (frame < 5))).all().all()


def test_crosstab_with_totals():
    # cohort x location: LAC/care home 12, LAC/other 3, adult/hospital 20, adult/other 30
    records = pd.DataFrame(
        {
            "cohort": ["LAC"] * 15 + ["Adult"] * 50,
            "place": ["Care home"] * 12 + ["Other"] * 3 + ["Hospital"] * 20 + ["Other"] * 30,
        }
    )
    out = disclosure.suppressed_crosstab(
        records,
        "cohort",
        "place",
        row_order=["LAC", "Adult"],
        column_order=["Care home", "Hospital", "Other"],
    )
    # Body      Care home Hospital Other | Total
    # LAC          12        0       3   |  15
    # Adult         0       20      30   |  50
    # Total        12       20      33   |  65
    # 3 needs another hidden cell in row LAC (12 or 15) and in column Other (30 or 33).
    # Three cells never do: 12 is then its column's total (12 + 0), 15 is 65 - 50, 30 is
    # 50 - 20, 33 is 65 - 12 - 20. Four do: LAC/Care home x, its total z = x, Other total w,
    # with x + 3 = 15 and z + 20 + w = 65: one free value, 3 anywhere in 1-4. Hiding 30 and 20
    # instead would need a total of Hospital too (five cells).
    assert out.loc["LAC"].tolist() == [C, "0", "<5", "15"]
    assert out.loc["Adult"].tolist() == ["0", "20", "30", "50"]
    assert out.loc["Total"].tolist() == [C, "20", C, "65"]


def test_note_mentions_marks():
    note = disclosure.suppression_note()
    assert "<5" in note and C in note and "1 to 4" in note


def test_zeros_never_hidden():
    # row r0: 3 is alone, its only other cell is 0 -> nothing to hide it with, zero stays;
    # with the row's total (3) published elsewhere nothing can protect it: the audit stops it
    frame = _table([[3, 0], [20, 30]], ("a", "b"))
    out = disclosure.suppress_small(frame, ["a", "b"], along="rows")
    assert out.loc["r0"].tolist() == ["<5", "0"]
    assert out.loc["r1"].tolist() == ["20", "30"]
    with pytest.raises(disclosure.DisclosureError, match=r"'My table'.*'r0', column 'a'"):
        sdc_audit.audit_frame(out, "My table")


@pytest.mark.parametrize(
    "along, expected",
    [
        # columns only: a has 3 alone -> 20 hidden; rows untouched
        ("columns", [["<5", "8"], [C, "30"]]),
        # rows only: r0 has 3 alone -> 8 hidden
        ("rows", [["<5", C], ["20", "30"]]),
        # both: rows then columns until stable -> everything hidden
        ("both", [["<5", C], [C, C]]),
    ],
)
def test_along(along, expected):
    frame = _table([[3, 8], [20, 30]], ("a", "b"))
    out = disclosure.suppress_small(frame, ["a", "b"], along=along)
    assert out.values.tolist() == expected


def test_along_must_be_known():
    with pytest.raises(ValueError, match="along"):
        disclosure.suppress_small(_table([[1, 2]], ("a", "b")), ["a", "b"], along="diagonal")


# ---------------------------------------------------------------- linked tables


def _linked(counts: dict, relations, **options) -> dict:
    states = disclosure.linked_suppression(pd.Series(counts), relations, **options)
    return {cell: state for cell, state in states.items() if state}


# The review's input: Response has Asian 10, Black 10, Mixed 2, Other 0, White 6, Not stated
# 20; BAME (22) is published in one table and the five groups in another.
REVIEW_ROW = {"All": 48, "BAME": 22, "Asian": 10, "Black": 10, "Mixed": 2, "Other": 0,
              "White": 6, "Not stated": 20}  # fmt: skip
REVIEW_SUMS = [
    ("All", ["BAME", "White", "Not stated"]),
    ("BAME", ["Asian", "Black", "Mixed", "Other"]),
]


@pytest.mark.parametrize(
    "counts, relations, options, expected",
    [
        # the review's row: Mixed (2) is alone among hidden cells in BAME = A + B + M + O, so
        # the cheapest other part goes too; Asian and Black tie at 10, Asian comes first.
        # Then Asian + Mixed = 12 with Asian >= 5: Mixed could be 1 to 4.
        (REVIEW_ROW, REVIEW_SUMS, {}, {"Mixed": "primary", "Asian": "secondary"}),
        # ... and with Asian costly to hide, Black goes instead
        (
            REVIEW_ROW,
            REVIEW_SUMS,
            {"priority": pd.Series({"Asian": 5})},
            {"Mixed": "primary", "Black": "secondary"},
        ),
        # two "<5" that must add up to 8 are both 4: a third cell (12) is hidden
        (
            {"T": 20, "a": 4, "b": 4, "c": 12},
            [("T", ["a", "b", "c"])],
            {},
            {"a": "primary", "b": "primary", "c": "secondary"},
        ),
        # 6 = a + b with a "<5" and b "[c]" (so at least 5): a is 1. Hiding b is not enough;
        # hiding the total is (a + 5 is then unknown)
        ({"T": 6, "a": 1, "b": 5}, [("T", ["a", "b"])], {}, {"a": "primary", "T": "secondary"}),
        # a total equal to its one small part is small itself; zeros are never hidden
        ({"T": 3, "a": 3, "b": 0}, [("T", ["a", "b"])], {}, {"a": "primary", "T": "primary"}),
        # a withheld part (never published, 10) keeps the small one unknown: nothing more
        (
            {"NK": 13, "NR": 3, "chose": 10},
            [("NK", ["NR", "chose"])],
            {"withheld": ["chose"]},
            {"NR": "primary", "chose": "withheld"},
        ),
        # ... but a small withheld part (2) is protected: NK 32 - NR 30 would give it away
        (
            {"NK": 32, "NR": 30, "chose": 2},
            [("NK", ["NR", "chose"])],
            {"withheld": ["chose"]},
            {"NR": "secondary", "chose": "withheld"},
        ),
        # a withheld x of at most 4 (its reader's bound) and a "<5" y adding to 8: both 4,
        # so the total goes; without the bound x could be anything and y anything from 1 to 4
        (
            {"T": 8, "x": 4, "y": 4},
            [("T", ["x", "y"])],
            {"withheld": ["x"], "upper": pd.Series({"x": 4})},
            {"x": "withheld", "y": "primary", "T": "secondary"},
        ),
        (
            {"T": 8, "x": 4, "y": 4},
            [("T", ["x", "y"])],
            {"withheld": ["x"]},
            {"x": "withheld", "y": "primary"},
        ),  # fmt: skip
        # a total known from elsewhere is never hidden, even when small
        (
            {"T": 4, "a": 3, "b": 1},
            [("T", ["a", "b"])],
            {"known": ["T"]},
            {"a": "primary", "b": "primary"},
        ),  # fmt: skip
        # nothing small: nothing hidden
        ({"T": 30, "a": 10, "b": 20}, [("T", ["a", "b"])], {}, {}),
    ],
)
def test_linked_suppression(counts, relations, options, expected):
    assert _linked(counts, relations, **options) == expected


def test_linked_suppression_rejects_sums_that_do_not_hold():
    with pytest.raises(ValueError, match="sum"):
        disclosure.linked_suppression(pd.Series({"T": 5, "a": 1, "b": 1}), [("T", ["a", "b"])])
    with pytest.raises(ValueError, match="counts"):
        disclosure.linked_suppression(pd.Series({"T": 1.5, "a": 1.5}), [("T", ["a"])])


def _every_table(marks: dict, limit: int):
    """Every 2x2 table (body cells 0..limit, margins their sums) a reader could hold given the
    published ``marks`` (a number, "<5" meaning 1-4, or "[c]" meaning 5 or more)."""
    body = np.array(list(itertools.product(range(limit + 1), repeat=4)))
    a, b, c, d = body.T
    cells = {"a": a, "b": b, "c": c, "d": d, "r0": a + b, "r1": c + d, "c0": a + c,
             "c1": b + d, "t": a + b + c + d}  # fmt: skip
    keep = np.ones(len(body), dtype=bool)
    for name, mark in marks.items():
        if mark == "<5":
            keep &= (cells[name] >= 1) & (cells[name] <= 4)
        elif mark == C:
            keep &= cells[name] >= 5
        else:
            keep &= cells[name] == mark
    return {name: values[keep] for name, values in cells.items()}


def test_linked_suppression_leaves_every_small_count_two_values_or_more():
    # brute force, independent of the linear programme: 2x2 tables with row, column and grand
    # totals, every body cell up to 12; for each published version, list every table a reader
    # could believe and check each "<5" cell can still take two values
    rng = np.random.default_rng(7)
    relations = [("r0", ["a", "b"]), ("r1", ["c", "d"]), ("c0", ["a", "c"]),
                 ("c1", ["b", "d"]), ("t", ["r0", "r1"])]  # fmt: skip
    checked = 0
    for _ in range(30):
        a, b, c, d = (int(v) for v in rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12], size=4))
        counts = {"a": a, "b": b, "c": c, "d": d, "r0": a + b, "r1": c + d, "c0": a + c,
                  "c1": b + d, "t": a + b + c + d}  # fmt: skip
        states = disclosure.linked_suppression(pd.Series(counts), relations)
        marks = {
            name: {"": counts[name], "primary": "<5", "secondary": C}[state]
            for name, state in states.items()
        }
        possible = _every_table(marks, 16)  # room above the largest count (12)
        for name, state in states.items():
            if state == "primary":
                assert len(set(possible[name])) >= 2, (counts, marks, name)
                checked += 1
    assert checked > 15


# ---------------------------------------------------------------- call sites carry their audit


def test_object_table_hides_a_small_count_and_its_share():
    from perfpack.themes.stopsearch import page as stopsearch_page

    # 100 + 3 + 12 = 115 searches, published: 3 alone would be 115 - 100 - 12, so 12 goes
    # too (the smallest other count); their shares would give them back, so they go as well
    shares = pd.DataFrame(
        {
            "object": ["Drugs", "Fireworks", "Firearms"],
            "searches": [100, 3, 12],
            "share": [86.96, 2.61, 10.43],
        }  # fmt: skip
    )
    out = stopsearch_page.object_table(shares)
    assert out["Searches"].tolist() == ["100", "<5", C]
    assert out["Share of searches"].tolist() == ["87.0%", "<5", C]
    sdc_audit.audit_frame(out, "Objects")
    assert len(sdc_audit.publications(out)) == 1


def test_profile_protects_adults_from_care_homes():
    from perfpack.themes.missing import display, measures
    from tests.unit.test_missing import CURRENT, PREVIOUS, episodes

    # current year: 7 children and 2 adults missing from care homes; shown as 9 and 7 the
    # adults' 2 would be 9 - 7, so the children's 7 is hidden (the cheaper of the two)
    child = {"location_type": "Care home", "age": 14, "reported_at": "2019-06-01"}
    adult = {"location_type": "Care home", "age": 40, "reported_at": "2019-06-01"}
    before = {"location_type": "Care home", "age": 14, "reported_at": "2018-06-01"}
    rows = [child] * 7 + [adult] * 2 + [before] * 20
    shown = display.display_profile(
        measures.vulnerability_profile(episodes(rows), PREVIOUS, CURRENT), PREVIOUS, CURRENT
    ).set_index("Measure")
    assert shown.loc["Episodes from care homes"].tolist() == ["20", "9", "-55%"]
    assert shown.loc["Episodes of children from care homes"].tolist() == ["20", C, "–"]
    sdc_audit.audit_frame(shown, "Profile")


def test_crime_profile_table_is_audited_with_its_totals():
    from perfpack.themes.crime import sections as crime_sections

    profile = pd.DataFrame(
        {
            "role": ["Victims"] * 4,
            "age_band": ["Under 18", "Under 18", "18-24", "18-24"],
            "sex": ["Male", "Female", "Male", "Female"],
            "count": [3, 20, 30, 40],
        }
    )
    table = crime_sections.profile_table(profile, "Victims").set_index("Age band")
    publication = sdc_audit.publications(table)[0]
    assert publication.values[("Under 18", "Male")] == 3
    sdc_audit.audit_frame(table, "Victims")
    assert table.loc["Under 18", "Male"] == "<5"


def test_suppressed_tables_can_be_concatenated_and_carried():
    # pandas compares attrs when it concatenates: the records compare by identity, so tables
    # from two suppressions concatenate (the audit records are then re-attached with carry)
    a = disclosure.suppress_small(_table([[3, 12]], ("a", "b")), ["a", "b"], along="none")
    b = disclosure.suppress_small(_table([[30, 12]], ("a", "b")), ["a", "b"], along="none")
    both = disclosure.carry(pd.concat([a, b]), a, b)
    assert both["a"].tolist() == ["<5", "30"]
    assert len(sdc_audit.publications(both)) == 2
    sdc_audit.audit_frame(both, "Both")
