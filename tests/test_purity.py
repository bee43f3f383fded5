"""The core and the behaviour models stay free of clocks, threads, sockets, randomness and frameworks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IO_MODULES = {
    "time",
    "random",
    "threading",
    "socket",
    "asyncio",
    "httpx",
    "simpy",
    "waitress",
    "flask",
    "werkzeug",
}
# The fleet draws each VIN from a generator seeded with (seed, vehicle index), as Faker would, and a
# registry each plate from one seeded with (seed, system, plate number): pure functions of their
# arguments, sharing no state and reading no clock.
SEEDED_PER_CALL = {"simulators/kit/fleet.py": {"random"}, "simulators/admin/model.py": {"random"}}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    "path", modules("caas_core") + modules("simulators"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_core_and_simulators_touch_io_only_in_their_flask_layer(path):
    relative = str(path.relative_to(ROOT))
    allowed = {"flask", "werkzeug"} if path.name == "app.py" else set()
    allowed |= SEEDED_PER_CALL.get(relative, set())
    assert imported_roots(path) & IO_MODULES <= allowed


@pytest.mark.parametrize(
    "path", [p for p in modules("httpkit") if p.name != "flask_edge.py"], ids=lambda p: p.name
)
def test_the_http_kit_is_sans_io_outside_its_flask_edge(path):
    assert not imported_roots(path) & IO_MODULES


def test_the_scan_would_notice_a_forbidden_import(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import os\nfrom time import monotonic\nimport random as r\n")
    assert imported_roots(sneaky) & IO_MODULES == {"time", "random"}
