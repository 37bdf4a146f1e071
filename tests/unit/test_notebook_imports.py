"""Opening a notebook stays quick: running a notebook's import cells pulls in no scipy,
statsmodels, matplotlib or seaborn (issue 15). Those load inside the functions that test, fit or
draw, when a cell first needs them. Checked in a fresh interpreter, on each notebook's own
import cells (the code cells before ``parameters``, as the analyst runs them)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tools.bench_notebook_load import HEAVY, import_cells

from tests.conftest import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").rglob("*.ipynb"))

PROBE = """
import json, sys
exec(compile(sys.argv[1], "<import cells>", "exec"), {})
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _imported_after(source: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, source],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebooks_import_cells_load_no_statistics_or_plotting_library(notebook):
    source = import_cells(notebook)
    assert "from perfpack.themes import" in source  # the check reaches the themes
    assert _imported_after(source) & set(HEAVY) == set()


def test_the_probe_sees_a_heavy_import():
    # the same probe on a cell that does import scipy at the top reports it
    assert "scipy" in _imported_after("import scipy.stats")
