"""The typed table of published figures (tests/published.py) says what the report prints: each
row's value, written as the report writes it, appears on the line of the report it cites."""

import re

import pytest

from tests.conftest import PROJECT_ROOT
from tests.published import FIGURES, REPORT, Published

LINES = (PROJECT_ROOT / REPORT).read_text(encoding="utf-8").splitlines()


WORDS = dict(enumerate("zero one two three four five six seven eight nine ten".split()))


def _forms(value: float, decimals: int) -> set[str]:
    """The ways the report writes a number: 3123, 3,123, 0.7, and small counts in words."""
    number = abs(value)
    forms = {f"{number:.{decimals}f}", f"{number:,.{decimals}f}"}
    return forms | ({WORDS[int(number)]} if decimals == 0 and number in WORDS else set())


@pytest.mark.parametrize("published", FIGURES, ids=lambda p: p.id)
def test_each_figure_is_printed_on_the_line_it_cites(published: Published):
    text = re.sub(r"\*\*|</?b>", "", LINES[published.line - 1])
    numbers = set(re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", text))
    assert _forms(published.value, published.decimals) & numbers, (published, text[:200])


def test_one_row_per_figure():
    keys = [(p.theme, p.measure, p.group, p.window, p.minus) for p in FIGURES]
    assert len(keys) == len(set(keys))
