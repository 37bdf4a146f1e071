"""Small-count suppression: hand-worked tables (expected cells worked out on paper)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from perfpack import disclosure

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
        # 3x3 worked on paper: row r0 has one small (2) -> hide 10 (smallest non-zero other);
        # column a has one hidden (2) -> hide 6 at r2; column b has one hidden (10) -> hide 11;
        # row r2 now holds 6 and 11 -> fine. Hidden per line: r0 2,10 | r1 none | r2 6,11 |
        # a 2,6 | b 10,11 | c none.
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


def test_top_list_without_secondary():
    frame = pd.DataFrame({"home": ["H01", "H02"], "n": [3, 12]})
    out = disclosure.suppress_small(frame, ["n"], secondary=False)
    assert out["n"].tolist() == ["<5", "12"]


def test_other_threshold():
    frame = _table([[9, 10, 11]])
    out = disclosure.suppress_small(frame, ["a", "b", "c"], threshold=10, secondary=False)
    assert out.iloc[0].tolist() == ["<10", "10", "11"]


def test_nullable_and_float_counts():
    frame = pd.DataFrame({"n": pd.array([2, 30, None, 40], dtype="Int64"), "m": [1.0, 2, 3, 50]})
    out = disclosure.suppress_small(frame, ["n", "m"], secondary=False)
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
    # Row LAC: 3 hidden -> smallest non-zero other body cell 12 hidden.
    # Column Other: 3 alone -> hide 30 (body before the total). Column Care home: 12 alone ->
    # the only other non-zero cell is its total, 12 -> hidden. Row Adult: 30 alone -> hide 20.
    # Column Hospital: 20 alone -> total 20 hidden. Row Total: 12 and 20 hidden -> fine.
    assert out.loc["LAC"].tolist() == [C, "0", "<5", "15"]
    assert out.loc["Adult"].tolist() == ["0", C, C, "50"]
    assert out.loc["Total"].tolist() == [C, C, "33", "65"]


def test_note_mentions_marks():
    note = disclosure.suppression_note()
    assert "<5" in note and C in note and "1 to 4" in note


def test_zeros_never_hidden():
    # row r0: 3 is alone, its only other cell is 0 -> nothing to hide it with, zero stays
    frame = _table([[3, 0], [20, 30]], ("a", "b"))
    out = disclosure.suppress_small(frame, ["a", "b"], along="rows")
    assert out.loc["r0"].tolist() == ["<5", "0"]
    assert out.loc["r1"].tolist() == ["20", "30"]


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
