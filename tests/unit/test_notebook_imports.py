"""Opening a notebook stays quick: importing what the notebooks import pulls in no scipy,
statsmodels, matplotlib or seaborn (issue 15). Those load inside the functions that test, fit or
draw, when a cell first needs them. Checked in a fresh interpreter, on the modules the
notebooks' own import statements name."""

from __future__ import annotations

import json
import subprocess
import sys

from tools.bench_notebook_load import notebook_imports

from tests.conftest import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").rglob("*.ipynb"))
HEAVY = ("scipy", "statsmodels", "matplotlib", "seaborn")

PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _imported_after(modules: list[str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules)],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_notebooks_imports_load_no_statistics_or_plotting_library():
    modules = notebook_imports(NOTEBOOKS)
    assert any(m.startswith("perfpack.themes.") for m in modules)  # the check reaches the themes
    assert _imported_after(modules) & set(HEAVY) == set()


def test_the_probe_sees_a_heavy_import():
    # the same probe on a module that does import scipy at the top reports it
    assert "scipy" in _imported_after(["scipy.stats"])
