"""The analyst's habits: the pre-commit hooks `make setup` installs strip notebook outputs but
keep what papermill and JupyterLab need (the kernelspec and the ``parameters`` tag)."""

import copy
import json
import shlex
import subprocess

import yaml

from tests.conftest import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").rglob("*.ipynb"))


def _hooks() -> dict[str, dict]:
    config = yaml.safe_load((PROJECT_ROOT / ".pre-commit-config.yaml").read_text())
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def _strip(path):
    entry = shlex.split(_hooks()["nbstripout"]["entry"])
    subprocess.run([str(PROJECT_ROOT / entry[0]), *entry[1:], str(path)], check=True)
    return json.loads(path.read_text(encoding="utf-8"))


def test_hooks_run_ruff_and_nbstripout_from_the_project_venv():
    hooks = _hooks()
    assert {"ruff", "ruff-format", "nbstripout"} <= set(hooks)
    for hook in hooks.values():
        assert (PROJECT_ROOT / shlex.split(hook["entry"])[0]).is_file(), hook["id"]


def test_make_setup_installed_the_hooks():
    hook = subprocess.run(
        ["git", "rev-parse", "--git-path", "hooks/pre-commit"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    path = PROJECT_ROOT / hook
    assert path.is_file() and "pre-commit" in path.read_text(), "run make setup"


def test_nbstripout_keeps_kernelspec_and_parameters_tag(tmp_path):
    original = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    executed = copy.deepcopy(original)
    for n, cell in enumerate(c for c in executed["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = n + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}]
    path = tmp_path / "executed.ipynb"
    path.write_text(json.dumps(executed), encoding="utf-8")
    stripped = _strip(path)
    assert stripped["metadata"]["kernelspec"] == original["metadata"]["kernelspec"]
    tags = [c.get("metadata", {}).get("tags", []) for c in stripped["cells"]]
    assert sum("parameters" in t for t in tags) == 1
    code = [c for c in stripped["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_committed_notebooks_are_already_stripped(tmp_path):
    for notebook in NOTEBOOKS:
        copy_path = tmp_path / notebook.name
        copy_path.write_bytes(notebook.read_bytes())
        assert _strip(copy_path) == json.loads(notebook.read_text(encoding="utf-8")), notebook
