"""One interface for every theme (issue 13): ``analyse(tables, spec, period, window_months)``
on :class:`perfpack.data.tables.ProcessedTables` gives a result whose ``figures()`` are what
figures.csv holds, and every theme notebook loads and analyses the same way.

The themes are the ones the report runs: the notebooks of ``data/reference/themes.csv`` and the
deep dives of ``data/reference/actions.csv``, each resolved to the module its notebook calls
``analyse`` on. Expected counts are hand counts of the small tables below.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json

import pandas as pd
import pytest

from perfpack.data import reference
from perfpack.data.paths import NOTEBOOKS_DIR
from perfpack.data.tables import ProcessedTables, open_tables
from perfpack.themes.base import ThemeResult
from perfpack.themes.deep_dive.cohorts import EVERYONE_ELSE
from tests.conftest import one_figure
from tests.unit.test_missing import episodes
from tests.unit.test_stopsearch import make_searches

LEADING = ["tables", "spec", "period", "window_months"]


def _notebooks() -> list[str]:
    """The theme and deep-dive notebooks the report runs (paths under ``notebooks/``)."""
    themes = [f"{name}.ipynb" for name in reference.themes()["notebook"]]
    dives = [f"deep_dives/{name}.ipynb" for name in reference.actions()["deep_dive"] if name]
    return sorted(set(themes + dives))


def _code_cells(notebook: str) -> list[dict]:
    nb = json.loads((NOTEBOOKS_DIR / notebook).read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _analyse_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "analyse"
    ]


def _theme_module(notebook: str) -> str:
    """The module whose ``analyse`` the notebook calls (resolved through its imports)."""
    tree = ast.parse("\n".join("".join(c["source"]) for c in _code_cells(notebook)))
    modules = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    (call,) = _analyse_calls(tree)
    return modules[call.func.value.id]


NOTEBOOKS = _notebooks()
MODULES = sorted({_theme_module(nb) for nb in NOTEBOOKS})


def test_every_theme_the_report_runs_is_covered():
    assert {"01_crime_theme.ipynb", "04_stop_search.ipynb", "05_missing_persons.ipynb"} <= set(
        NOTEBOOKS
    )
    assert "deep_dives/missing_repeats.ipynb" in NOTEBOOKS
    assert all(module.startswith("perfpack.themes.") for module in MODULES)
    assert len(MODULES) == len(NOTEBOOKS)  # one theme module per notebook


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_loads_and_analyses_the_same_way(notebook):
    # parameters -> load the tables -> analyse (the next cell) -> show -> save result.figures()
    cells = _code_cells(notebook)
    at = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    load = ast.parse("".join(cells[at + 1]["source"]))
    assigned = {
        node.targets[0].id: ast.unparse(node.value)
        for node in load.body
        if isinstance(node, ast.Assign)
    }
    assert assigned["tables"] == "data_tables.open_tables(processed_dir)"
    assert assigned["spec"].startswith("reference.theme_spec(")
    (call,) = _analyse_calls(ast.parse("".join(cells[at + 2]["source"])))
    assert [ast.unparse(arg) for arg in call.args] == LEADING
    source = "\n".join("".join(c["source"]) for c in cells)
    assert len(_analyse_calls(ast.parse(source))) == 1  # one analysis, one route per figure
    assert "result.figures().save(figures_path)" in source


@pytest.mark.parametrize("module", MODULES)
def test_analyse_has_the_same_leading_parameters(module):
    parameters = inspect.signature(importlib.import_module(module).analyse).parameters
    assert list(parameters)[:4] == LEADING
    assert parameters["window_months"].default == 12
    options = list(parameters.values())[4:]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in options), module


# ------------------------------------------------------------------ tables made by hand


def _crimes() -> pd.DataFrame:
    """Theft of a motor vehicle: 3 offences in 2018 (2 in February, 1 in July), 4 in 2019
    (1 in March, 3 on 31 December), 1 in January 2020 (after the period); 2 thefts from a
    vehicle in 2019 (another theme)."""
    rows = [
        ("theft_of_vehicle", "2018-02-10", "Stafford", 2),
        ("theft_of_vehicle", "2018-07-01", "Tamworth", 1),
        ("theft_of_vehicle", "2019-03-15", "Stafford", 1),
        ("theft_of_vehicle", "2019-12-31", "Tamworth", 3),
        ("theft_of_vehicle", "2020-01-05", "Tamworth", 1),
        ("theft_from_vehicle", "2019-05-01", "Tamworth", 2),
    ]
    records = [(theme, date, npt) for theme, date, npt, n in rows for _ in range(n)]
    frame = pd.DataFrame(records, columns=["theme", "recorded_date", "npt"])
    frame["recorded_date"] = pd.to_datetime(frame["recorded_date"])
    return frame.astype({"theme": "str", "npt": "str"})


def _searches() -> pd.DataFrame:
    """Stop search runs one month behind: windows Dec 2017 - Nov 2018 and Dec 2018 - Nov 2019.
    1 search before them, 2 in the previous window, 3 in the current, 1 in December 2019."""
    times = [
        "2017-11-30 23:00",
        "2017-12-01 09:00",
        "2018-11-30 23:59",
        "2018-12-01 00:00",
        "2019-06-15 12:00",
        "2019-11-30 22:00",
        "2019-12-01 10:00",
    ]
    return make_searches([{"datetime": t} for t in times])


def _episodes() -> pd.DataFrame:
    """Missing episodes: 1 in December 2017, 7 of 7 people in 2018, 6 of 6 people in 2019
    (each from a family home, adults: the deep dive's "Everyone else"), 1 in January 2020."""
    rows = [{"person_id": "P8", "reported_at": "2017-12-31 10:00"}]
    rows += [{"person_id": f"P{i}", "reported_at": f"2018-0{i + 1}-10 10:00"} for i in range(7)]
    rows += [{"person_id": f"P{i}", "reported_at": f"2019-0{i + 2}-20 10:00"} for i in range(6)]
    rows += [{"person_id": "P9", "reported_at": "2020-01-15 10:00"}]
    return episodes(rows)


HAND = {  # theme module: (tables, theme, [(measure, window, group, hand count), ...])
    "perfpack.themes.crime": (
        lambda: ProcessedTables.of(crimes=_crimes()),
        "theft_of_vehicle",
        [
            ("count_previous", "2018-01/2018-12", "", 3),
            ("count_current", "2019-01/2019-12", "", 4),
            ("monthly_count", "2018-02/2018-02", "", 2),
            ("monthly_count", "2019-12/2019-12", "", 3),
        ],
    ),
    "perfpack.themes.stopsearch": (
        lambda: ProcessedTables.of(stop_searches=_searches()),
        "stop_search",
        [
            ("count_previous", "2017-12/2018-11", "", 2),
            ("count_current", "2018-12/2019-11", "", 3),
            ("monthly_count", "2019-11/2019-11", "", 1),
        ],
    ),
    "perfpack.themes.missing": (
        lambda: ProcessedTables.of(missing_episodes=_episodes()),
        "missing_persons",
        [
            ("count_previous", "2018-01/2018-12", "", 7),
            ("count_current", "2019-01/2019-12", "", 6),
            ("individuals_previous", "2018-01/2018-12", "", 7),
            ("individuals_current", "2019-01/2019-12", "", 6),
        ],
    ),
    "perfpack.themes.deep_dive": (
        lambda: ProcessedTables.of(missing_episodes=_episodes()),
        "missing_persons",
        [
            ("cohort_episodes", "2018-01/2018-12", EVERYONE_ELSE, 7),
            ("cohort_episodes", "2019-01/2019-12", EVERYONE_ELSE, 6),
            ("cohort_individuals", "2019-01/2019-12", EVERYONE_ELSE, 6),
        ],
    ),
}


def test_every_theme_has_a_hand_count():
    assert set(HAND) == set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_analyse_on_tables_made_by_hand(module):
    tables, theme, expected = HAND[module]
    made = tables()
    assert made.folder is None
    result = importlib.import_module(module).analyse(
        made, reference.theme_spec(theme), "2019-12", 12
    )
    assert isinstance(result, ThemeResult)
    figures = result.figures().to_frame()
    for measure, window, group, count in expected:
        assert one_figure(figures, measure, window, group) == count, (measure, window, group)


# ------------------------------------------------------------------ the tables themselves


def test_processed_tables_read_each_table_once_when_first_used(tmp_path):
    frame = pd.DataFrame({"theme": ["a", "b"]})
    frame.to_parquet(tmp_path / "crimes.parquet")
    (tmp_path / "manifest.json").write_text('{"force": "Testshire Police"}', encoding="utf-8")
    tables = open_tables(tmp_path)
    assert tables.folder == tmp_path
    assert list(tables) == ["crimes"] and len(tables) == 1  # only what the folder holds
    assert "stop_searches" not in tables and tables.get("stop_searches") is None
    first = tables["crimes"]
    (tmp_path / "crimes.parquet").unlink()  # read already: kept
    assert tables["crimes"] is first and list(first["theme"]) == ["a", "b"]
    assert tables.manifest() == {"force": "Testshire Police"}
    with pytest.raises(TypeError):
        tables["crimes"] = frame  # read-only


def test_a_table_ingest_did_not_write_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing_episodes.parquet does not exist"):
        open_tables(tmp_path)["missing_episodes"]


def test_tables_made_by_hand():
    frame = pd.DataFrame({"theme": ["a"]})
    tables = ProcessedTables.of(crimes=frame)
    assert tables.folder is None and tables.manifest() == {}
    assert dict(tables) == {"crimes": frame}
    with pytest.raises(KeyError):
        tables["stop_searches"]
    with pytest.raises(KeyError, match="unknown table 'crime'"):
        ProcessedTables.of(crime=frame)
