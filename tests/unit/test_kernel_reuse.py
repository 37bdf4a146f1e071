"""A batch worker's kernel is reused from one notebook to the next, and each notebook starts
from the state the first one did: no name, option, style, warning filter, folder or
environment variable left by the notebook before it."""

import json

import nbformat
import papermill
import pytest

from perfpack.report import kernels
from perfpack.report.execute import KERNEL_CONFIG, KERNEL_NAME
from tests.conftest import code_notebook

#: Everything a notebook could leave behind, changed.
LEAVES_STATE = """
import os, sys, warnings
import matplotlib, matplotlib.pyplot as plt
import numpy as np
import pandas as pd
left_behind = 42
pd.set_option("display.max_rows", 3)
matplotlib.rcParams["lines.linewidth"] = 9.0
np.seterr(all="raise")
warnings.simplefilter("error")
os.environ["PERFPACK_LEFT_BEHIND"] = "1"
sys.path.insert(0, "/nowhere")
os.chdir("/")
plt.figure()
"""

#: What the next notebook sees, as JSON on its output.
REPORTS_STATE = """
import json, os, sys, warnings
import matplotlib, matplotlib.pyplot as plt
import numpy as np
import pandas as pd
try:
    left_behind
    name = "defined"
except NameError:
    name = "undefined"
print(json.dumps({
    "pid": os.getpid(),
    "name": name,
    "max_rows": pd.get_option("display.max_rows"),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "numpy_divide": np.geterr()["divide"],
    "errors_on_warnings": any(f[0] == "error" and f[2] is Warning for f in warnings.filters),
    "env": os.environ.get("PERFPACK_LEFT_BEHIND"),
    "path": "/nowhere" in sys.path,
    "cwd": os.getcwd(),
    "figures": len(plt.get_fignums()),
}))
"""


def _notebook(path, *sources):
    nbformat.write(code_notebook(sources), str(path))
    return path


def _run(km, notebook, out):
    papermill.execute_notebook(
        str(notebook),
        str(out),
        kernel_name=KERNEL_NAME,
        km=km,
        progress_bar=False,
        request_save_on_cell_execute=False,
    )
    return nbformat.read(str(out), as_version=4)


def _state(nb) -> dict:
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture
def worker_kernel(tmp_path):
    """A worker's kernel as the batch starts it (notebooks folder: tmp_path)."""
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    assert km is not None, "the kernel did not start"
    yield km
    kernels.shutdown(km)
    kernels.stop_worker_kernel()  # the one a release kept, if any


def test_the_next_notebook_runs_in_the_same_kernel_as_a_fresh_one_would_see_it(
    tmp_path, worker_kernel
):
    fresh = _state(
        _run(
            worker_kernel, _notebook(tmp_path / "a.ipynb", REPORTS_STATE), tmp_path / "a-out.ipynb"
        )
    )
    _run(worker_kernel, _notebook(tmp_path / "b.ipynb", LEAVES_STATE), tmp_path / "b-out.ipynb")
    kernels.release(worker_kernel, reusable=True)
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    assert km is worker_kernel  # reused, not started again
    after = _run(km, _notebook(tmp_path / "c.ipynb", REPORTS_STATE), tmp_path / "c-out.ipynb")
    state = _state(after)
    assert state["pid"] == fresh["pid"]
    assert state == fresh  # nothing the notebook before it changed is left
    assert state["name"] == "undefined" and state["figures"] == 0
    assert after.cells[-1].execution_count == 1  # counts start again, as in a new kernel


def test_a_warning_shown_once_by_one_notebook_is_shown_again_by_the_next(tmp_path, worker_kernel):
    # a library's warning is shown once per place by default; the place's record of it is
    # kept in the library module, which stays imported in a reused kernel
    (tmp_path / "library.py").write_text(
        "import warnings\n\ndef call():\n    warnings.warn('from the library', UserWarning)\n"
    )
    notebook = _notebook(tmp_path / "w.ipynb", "import library\nlibrary.call()\nlibrary.call()")
    first = _run(worker_kernel, notebook, tmp_path / "w1.ipynb")
    kernels.release(worker_kernel, reusable=True)
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    second = _run(km, notebook, tmp_path / "w2.ipynb")

    def stderr(nb):
        return "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("name") == "stderr")

    assert stderr(first).count("UserWarning: from the library") == 1  # once, as by default
    assert stderr(second) == stderr(first)


def test_a_kernel_whose_notebook_failed_is_not_reused(tmp_path, worker_kernel):
    pid = _state(
        _run(worker_kernel, _notebook(tmp_path / "a.ipynb", REPORTS_STATE), tmp_path / "a1.ipynb")
    )["pid"]
    kernels.release(worker_kernel, reusable=False)  # as execute_job does after a failure
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    try:
        assert km is not worker_kernel
        again = _state(
            _run(km, _notebook(tmp_path / "a.ipynb", REPORTS_STATE), tmp_path / "a2.ipynb")
        )
        assert again["pid"] != pid and again["name"] == "undefined"
    finally:
        kernels.shutdown(km)


def test_a_kernel_is_replaced_after_its_reuse_limit(tmp_path, worker_kernel, monkeypatch):
    monkeypatch.setattr(kernels, "REUSE_LIMIT", 2)
    notebook = _notebook(tmp_path / "a.ipynb", REPORTS_STATE)
    first = _state(_run(worker_kernel, notebook, tmp_path / "1.ipynb"))["pid"]
    kernels.release(worker_kernel, reusable=True)
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    assert _state(_run(km, notebook, tmp_path / "2.ipynb"))["pid"] == first
    kernels.release(km, reusable=True)  # its second notebook: the limit
    replacement = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    try:
        assert _state(_run(replacement, notebook, tmp_path / "3.ipynb"))["pid"] != first
    finally:
        kernels.shutdown(replacement)


def test_a_restore_that_fails_stops_the_kernel_instead_of_reusing_it(tmp_path, worker_kernel):
    broken = "import perfpack.report.kernel_state as k\nk._saved = None"  # no snapshot left
    _run(worker_kernel, _notebook(tmp_path / "x.ipynb", broken), tmp_path / "x1.ipynb")
    kernels.release(worker_kernel, reusable=True)
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    try:
        assert km is not worker_kernel
    finally:
        kernels.shutdown(km)


def test_a_kernel_that_died_while_it_waited_is_replaced(tmp_path, worker_kernel):
    from jupyter_core.utils import run_sync

    notebook = _notebook(tmp_path / "a.ipynb", REPORTS_STATE)
    pid = _state(_run(worker_kernel, notebook, tmp_path / "1.ipynb"))["pid"]
    kernels.release(worker_kernel, reusable=True)
    run_sync(worker_kernel.shutdown_kernel)(now=True)  # gone before the next notebook
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, tmp_path)
    try:
        assert km is not worker_kernel
        assert _state(_run(km, notebook, tmp_path / "2.ipynb"))["pid"] != pid
    finally:
        kernels.shutdown(km)


def test_a_kernel_is_reused_only_for_the_folder_it_was_started_in(tmp_path, worker_kernel):
    other = tmp_path / "other"
    other.mkdir()
    kernels.release(worker_kernel, reusable=True)
    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, other)
    try:
        assert km is not worker_kernel
        cwd = _state(_run(km, _notebook(other / "a.ipynb", REPORTS_STATE), other / "1.ipynb"))
        assert cwd["cwd"] == str(other)
    finally:
        kernels.shutdown(km)
