"""The shape of the code: no module of the core, the HTTP toolkit or the runtimes imports, even only for
its type hints, a module that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("caas_core", "httpkit", "runtimes", "simulators", "scenarios", "reports", "contracts")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports anywhere in it, TYPE_CHECKING blocks and functions included.
    A package's own __init__ is left out: importing a sibling through it is not a dependency on it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found.update(name for name in names if name in known)
    return found


def graph() -> dict[str, set[str]]:
    paths = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    known = {module_name(p) for p in paths}
    packages = {module_name(p) for p in paths if p.name == "__init__.py"}
    edges = {}
    for path in paths:
        name = module_name(path)
        if name in packages:
            continue  # re-exports: a package's face, not a part of its design
        edges[name] = {m for m in imports(path, known) if m not in packages and m != name}
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle in the graph, as the modules along it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_imports_one_that_imports_it_back():
    assert cycle(graph()) is None


def test_the_check_would_see_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


@pytest.mark.parametrize("module", ["caas_core.flows.orders", "caas_core.flows.purchases"])
def test_the_flows_depend_on_their_declared_dependencies_not_the_whole_core(module):
    assert "caas_core.service" not in graph()[module]
