"""The layout shows the design: layers point one way and no module grows past about 600 lines.

Layers (docs/ARCHITECTURE.md): ``core`` (calculations, no I/O) and ``data`` (paths, contracts,
reference, processed tables) at the bottom; ``ingest`` builds the processed tables from inputs;
``present`` turns results into safe HTML, charts and prose; ``themes`` analyse the processed
tables (never reaching into ingest); ``report`` plans, runs and publishes; ``cli`` on top.
"""

import ast

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "lib" / "perfpack"
#: What each layer may import (itself included).
ALLOWED = {
    "core": {"core"},
    "data": {"core", "data"},
    "ingest": {"core", "data", "ingest"},
    "present": {"core", "data", "present"},
    "themes": {"core", "data", "present", "themes"},
    "report": {"core", "data", "present", "themes", "report"},
    "cli": {"core", "data", "present", "ingest", "themes", "report", "cli"},
}
MAX_LINES = 650  # "about 600": a module past this is doing two things


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "perfpack" else None


def _module_imports():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(("perfpack", *path.relative_to(PACKAGE).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module]
            else:
                continue
            for target in targets:
                if target.startswith("perfpack."):
                    yield name, target


def test_every_module_sits_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "cli", "__main__")]
    assert loose == [], f"modules outside a layer folder: {loose}"


def test_layers_point_one_way():
    wrong = []
    for module, target in _module_imports():
        source, dest = _layer(module), _layer(target)
        if source in ALLOWED and dest not in ALLOWED[source]:
            wrong.append(f"{module} imports {target} ({source} -> {dest})")
    assert wrong == [], "\n".join(wrong)


def test_no_module_over_about_600_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_developer_tools_are_not_in_the_package():
    assert not any(p.stem.startswith(("bench", "browser_check")) for p in PACKAGE.rglob("*.py"))


def test_the_architecture_doc_names_every_module():
    doc = (PROJECT_ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) > 1 or parts in (("cli",),):
            name = ".".join(parts)
            if f"`{name}`" not in doc:
                missing.append(name)
    assert missing == [], "docs/ARCHITECTURE.md does not name these modules"
