"""figures.csv, fast: every theme's figures through the route its notebook takes (the module
whose ``analyse`` the notebook calls, then ``result.figures()``), written and read back as
figures.csv is, without running a notebook. The values are the published report's
(tests/published.py); the slow end-to-end test checks the same table from the real batch."""

import importlib
import math

import pytest

from perfpack.core.change import round_half_up
from perfpack.core.figures import combine, read_figures, write_figures
from perfpack.data import reference
from perfpack.data.tables import open_tables
from tests.conftest import one_figure
from tests.published import FIGURES, Published
from tests.unit.test_theme_interface import _theme_module

PERIOD = "2019-12"
THEMES = sorted({p.theme for p in FIGURES})


@pytest.fixture(scope="module")
def figures_csv(demo_processed, tmp_path_factory):
    tables = open_tables(demo_processed)
    frames = []
    for slug in THEMES:
        spec = reference.theme_spec(slug)
        module = importlib.import_module(_theme_module(f"{spec.notebook}.ipynb"))
        frames.append(module.analyse(tables, spec, PERIOD).figures().to_frame())
    path = tmp_path_factory.mktemp("figures") / "figures.csv"
    write_figures(combine(frames), path)
    return path


@pytest.mark.parametrize("published", FIGURES, ids=lambda p: p.id)
def test_published_figures(figures_csv, published: Published):
    figures = read_figures(figures_csv)

    def value(measure):
        return one_figure(figures, measure, published.window, published.group, published.theme)

    found = value(published.measure) - (value(published.minus) if published.minus else 0)
    assert round_half_up(found, published.decimals) == published.value


def test_one_row_per_figure_and_exact_values(figures_csv):
    figures = read_figures(figures_csv)
    keys = figures[["theme", "measure", "window", "group"]]
    assert not keys.duplicated().any()
    assert set(figures["theme"]) == set(THEMES)
    text = figures_csv.read_text(encoding="utf-8")
    assert "e+" not in text  # large values written whole (2922150, never 2.92215e+06)
    counts = figures[figures["measure"].str.startswith("count_")]["value"]
    assert all(math.isnan(v) or float(v).is_integer() for v in counts)
