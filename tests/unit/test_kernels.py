"""Warm kernels import what the notebooks import before their parameters, and nothing else."""

import nbformat

from perfpack.report import kernels


def _write(path, cells):
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def test_the_modules_come_from_the_import_cells_before_the_parameters(tmp_path):
    _write(
        tmp_path / "01.ipynb",
        [
            ("from perfpack.core import spc, stats\nimport pandas as pd", []),
            ("period = '2019-12'", ["parameters"]),
            ("import scipy", []),  # after the parameters: the notebook's own business
        ],
    )
    _write(
        tmp_path / "deep_dives" / "x.ipynb",
        [("from perfpack.core import spc\nfrom . import local\nimport json, os", [])],
    )
    assert kernels.notebook_modules(tmp_path) == [
        "perfpack.core.spc",
        "perfpack.core.stats",
        "pandas",
        "json",
        "os",
    ]


def test_the_prelude_defines_no_name():
    for modules in (["json", "os.path", "json.not_a_module", "no_such_module"], []):
        namespace = {}
        exec(kernels.prelude(modules), namespace)
        assert [name for name in namespace if name != "__builtins__"] == []
