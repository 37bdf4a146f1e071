"""Every notebook is thin, parameterised and committed clean."""

import ast
import json

import pytest

from tests.conftest import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").rglob("*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_structure(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown", "a notebook opens with its title"
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs", []) == [], "committed without outputs"
        assert cell.get("execution_count") is None
        tree = ast.parse("".join(cell["source"]))
        for node in ast.walk(tree):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), "no def/class/lambda in notebooks: logic belongs in lib/perfpack"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_plain_literals(path):
    nb = _load(path)
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    names = []
    for node in tree.body:
        assert isinstance(node, ast.Assign), "the parameters cell only assigns literals"
        ast.literal_eval(node.value)
        names.append(node.targets[0].id)
    assert {"period", "processed_dir", "annotations_dir", "figures_path"} <= set(names)
