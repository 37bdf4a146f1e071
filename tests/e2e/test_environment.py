"""environment.yml and pyproject.toml list the same dependencies; the layout is as required."""

import re

import tomllib
import yaml


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_matches_pyproject(project_root):
    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text())
    wanted = dict(_name_and_spec(r) for r in pyproject["project"]["dependencies"])
    wanted.update(_name_and_spec(r) for r in pyproject["project"]["optional-dependencies"]["dev"])
    env = yaml.safe_load((project_root / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = {}
    pip_section = None
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pip_section = item["pip"]
            continue
        name, spec = _name_and_spec(item)
        if name not in {"python", "pip"}:
            conda[name] = spec
    assert conda == wanted
    assert pip_section == ["-e ."]  # the environment ends by installing the project itself


def test_required_packages_are_listed(project_root):
    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text())
    names = {_name_and_spec(r)[0] for r in pyproject["project"]["dependencies"]}
    assert {"jupyterlab", "pandas", "seaborn", "papermill", "nbconvert"} <= names


def test_layout(project_root):
    for folder in ["notebooks", "lib/perfpack", "data/raw", "data/processed", "reports", "tests"]:
        assert (project_root / folder).is_dir(), folder
    for file in ["environment.yml", "Makefile", "README.md", "pyproject.toml", ".ci/run"]:
        assert (project_root / file).is_file(), file
    assert "make test" in (project_root / ".ci" / "run").read_text()


def test_gitignore_keeps_lib(project_root):
    ignore = (project_root / ".gitignore").read_text().splitlines()
    assert "lib/" not in ignore and "lib" not in ignore
