"""Small-count suppression: hand-worked tables (expected cells worked out on paper)."""

from __future__ import annotations

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
