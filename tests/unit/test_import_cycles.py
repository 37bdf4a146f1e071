"""The package's modules import one way: no module reaches back to one that imports it."""

import ast

from tests.conftest import PROJECT_ROOT

LIB = PROJECT_ROOT / "lib"


def _imports() -> dict[str, set[str]]:
    modules = {
        ".".join(path.relative_to(LIB).with_suffix("").parts).removesuffix(".__init__"): path
        for path in LIB.rglob("*.py")
    }
    deps = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        # `if TYPE_CHECKING:` imports count too: a cycle for annotations is still a cycle
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            deps[name] |= {t for t in targets if t in modules and t != name}
    return deps


def _cycles(deps: dict[str, set[str]]) -> list[list[str]]:
    found, done, stack = [], set(), []

    def visit(module):
        if module in stack:
            found.append(stack[stack.index(module) :] + [module])
            return
        if module in done:
            return
        stack.append(module)
        for dep in sorted(deps[module]):
            visit(dep)
        stack.pop()
        done.add(module)

    for module in sorted(deps):
        visit(module)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_the_package():
    # imports inside functions count too: a deferred import still ties the two modules together
    assert _cycles(_imports()) == []
