"""figures.csv holds every figure exactly: whole numbers as integers, others unrounded."""

import math

import pytest

from perfpack.core import figures


def test_values_round_trip_exactly(tmp_path):
    book = figures.FigureBook("missing_persons")
    values = [2924565, 2924565.0, 0.1, 29.099999999999998, 1 / 3, -11.0, 1e-7, None]
    for i, value in enumerate(values):
        book.add(f"m{i}", value)
    path = book.save(tmp_path / "figures.csv")
    text = path.read_text()
    # 6 significant figures would write 2.92456e+06 and read back 2,924,560
    assert ",2924565\n" in text and "e+06" not in text
    assert ",0.1\n" in text and ",-11\n" in text
    back = figures.read_figures(path)["value"].tolist()
    assert back[:7] == [2924565, 2924565, 0.1, 29.099999999999998, 1 / 3, -11, 1e-7]
    assert math.isnan(back[7])


@pytest.mark.parametrize(
    "value, text",
    [(2922150.0, "2922150"), (0.1, "0.1"), (1 / 3, "0.3333333333333333"), (float("nan"), "")],
)
def test_format_value(value, text):
    assert figures.format_value(value) == text
