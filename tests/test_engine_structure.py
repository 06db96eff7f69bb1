"""The engine's structure: the model imports no driver (nor SimPy), and no engine modules import one another
in a circle - counting imports made only for type checking, which bind modules as tightly for a reader."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

ENGINE = REPO / "sim" / "engine"
DRIVERS = ("sim.engine.events", "sim.engine.walks", "sim.engine.clock")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports (absolute names), type-checking imports included."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            out.add(prefix)
            out |= {f"{prefix}.{alias.name}" for alias in node.names}
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in ENGINE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_the_model_imports_no_driver_and_no_simpy() -> None:
    model = sorted((ENGINE / "model").rglob("*.py"))
    assert len(model) >= 8
    for path in model:
        bad = sorted(m for m in _imports(path) if m.startswith(DRIVERS) or m.split(".")[0] == "simpy")
        assert not bad, f"{_module_name(path)} imports {bad}: the model must not depend on a driver"


def test_no_engine_modules_import_one_another_in_a_circle() -> None:
    graph = _graph()
    # Package __init__ files re-export their modules: leave them out of the circles they would close.
    edges = {m: {d for d in deps if not (ENGINE.parent.parent / Path(*d.split("."))).is_dir()}
             for m, deps in graph.items() if not (ENGINE.parent.parent / Path(*m.split("."))).is_dir()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                cycle = path[path.index(d):] + [d]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        path.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
