"""The OpenAPI 3.1 documents of the APIs partners build (Factory, each Admin registry), for people.

Each is the sandbox simulator's own /openapi.json, cut down to what a partner builds: the sandbox
control API goes, with the schemas only it used. The Factory's document also requires the
Idempotency-Key header the core sends with every order. A test keeps the committed files equal to what
this module generates, and checks them against the pacts.

    python -m contracts.openapi          # rewrite contracts/openapi/*.json
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from caas_core.systems import admin_system
from contracts.states import ADMIN_COUNTRIES

OPENAPI_DIR = Path(__file__).resolve().parent / "openapi"
CONTROL_TAG = "sandbox control"
_REF = re.compile(r'"#/components/schemas/([^"]+)"')


def documents() -> dict[str, dict[str, Any]]:
    """File name -> document, for the Factory and every Admin registry."""
    from runtimes.simulated import SimulatedRuntime  # the simulators need a runtime, never a socket
    from simulators import admin, factory

    runtime = SimulatedRuntime(0)
    built = {"factory.json": _factory(factory.create_simulator(runtime).openapi())}
    for code in ADMIN_COUNTRIES:
        registry = admin.country(code)
        document = admin.create_simulator(runtime, code).openapi()
        title = f"Vehicle registration API: {registry.name} ({registry.registry})"
        built[f"{admin_system(code)}.json"] = partner_document(document, title)
    return built


def partner_document(document: dict[str, Any], title: str) -> dict[str, Any]:
    """`document` without the sandbox control API and the schemas only it referenced."""
    paths = {}
    for path, operations in document["paths"].items():
        kept = {m: op for m, op in operations.items() if CONTROL_TAG not in op.get("tags", ())}
        if kept:
            paths[path] = kept
    info = {
        **document["info"],
        "title": title,
        "description": document["info"]["description"]
        + ". The contract CaaS verifies partners against is the pact in contracts/pacts/; this document "
        "is its readable form.",
    }
    trimmed = {**document, "info": info, "paths": paths}
    components = dict(document["components"])
    components["schemas"] = _used_schemas(trimmed, document["components"]["schemas"])
    trimmed["components"] = components
    return trimmed


def write(folder: Path = OPENAPI_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in documents().items():
        path = folder / name
        path.write_text(render(document), encoding="utf-8")
        written.append(path)
    return written


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _factory(document: dict[str, Any]) -> dict[str, Any]:
    trimmed = partner_document(document, "Factory order API")
    # The core sends an Idempotency-Key with every order, so the partner's Factory must require one (1 to
    # 255 characters); the simulator takes an order with any key, or none.
    for parameter in trimmed["paths"]["/api/v1/orders"]["post"]["parameters"]:
        if parameter["name"] == "Idempotency-Key":
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "minLength": 1, "maxLength": 255}
    return trimmed


def _used_schemas(document: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """The schemas the paths and webhooks reach, directly or through other schemas, in their order."""
    wanted: set[str] = set()
    pending = _REF.findall(json.dumps([document["paths"], document.get("webhooks", {})]))
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending += _REF.findall(json.dumps(schemas[name]))
    return {name: schema for name, schema in schemas.items() if name in wanted}


if __name__ == "__main__":
    for written in write():
        print(written)
