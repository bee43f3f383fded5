"""Each simulator's OpenAPI 3.1 document, generated from its route table and pydantic models.

Pydantic emits JSON Schema 2020-12, which OpenAPI 3.1 embeds as is; every model lands in
`components/schemas`. Every route documents its error answers as `application/problem+json`, and every
route gets a 405 because the server answers one to any other method on its path. Header parameters,
security requirements and the webhooks a simulator pushes come from the route table and the simulator
too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from httpkit.routing import HeaderParam, Route

REF = "#/components/schemas/{model}"
# How `simulators.kit.webhooks` delivers every webhook, whichever simulator pushes it.
WEBHOOK_DELIVERY = (
    "Signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); retried with "
    "exponential backoff until a 2xx; 429 Retry-After is honoured. The same webhook-id may arrive more "
    "than once."
)


class ProblemDocument(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = Field(default="about:blank")
    title: str
    status: int
    detail: str


@dataclass(frozen=True, slots=True)
class Webhook:
    """A webhook the simulator pushes (OpenAPI 3.1 `webhooks`): the partner builds that side too, so the
    contract must show it."""

    name: str  # its key under `webhooks`
    operation_id: str
    summary: str
    payload: type[BaseModel]


def build_document(
    title: str,
    description: str,
    routes: list[Route],
    security_schemes: dict[str, dict[str, Any]] | None = None,
    webhooks: Sequence[Webhook] = (),
) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    _schema_ref(ProblemDocument, schemas)
    for route in routes:
        paths.setdefault(route.template, {})[route.method.lower()] = _operation(route, schemas)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1.0.0", "description": description},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if security_schemes:
        document["components"]["securitySchemes"] = security_schemes
    if webhooks:
        document["webhooks"] = {webhook.name: _webhook(webhook, schemas) for webhook in webhooks}
    return document


def _webhook(webhook: Webhook, schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "operationId": webhook.operation_id,
            "summary": webhook.summary,
            "description": WEBHOOK_DELIVERY,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _schema_ref(webhook.payload, schemas)}},
            },
            "responses": {"2XX": {"description": "received; any other answer is retried"}},
        }
    }


def _operation(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    name = route.handler.__name__
    operation: dict[str, Any] = {
        "operationId": f"sandbox_{name}" if route.control else name,
        "summary": route.summary or name.replace("_", " "),
        "tags": ["sandbox control"] if route.control else ["api"],
        "responses": {},
    }
    parameters = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for p in route.params
    ]
    parameters += [
        {
            "name": q.name,
            "in": "query",
            "required": False,
            "description": q.description,
            "schema": {"type": q.type, **({"enum": list(q.values)} if q.values else {})},
        }
        for q in route.query
    ]
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema_ref(route.body, schemas)}},
        }
    elif route.form is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": _schema_ref(route.form, schemas)}},
        }
    if route.security:
        operation["security"] = [{name: [] for name in route.security}]
    if route.headers:  # after security, where the published documents have them: their key order stays
        operation.setdefault("parameters", []).extend(_header(h) for h in route.headers)
    problem = {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}
    answers = {a.status: a for a in route.answers}
    for status in sorted(answers):
        answer = answers[status]
        entry: dict[str, Any] = {"description": answer.description}
        if answer.schema is not None:
            media = "application/problem+json" if status >= 400 else "application/json"
            entry["content"] = {media: {"schema": _schema_ref(answer.schema, schemas)}}
        elif status >= 400:
            entry["content"] = problem
        operation["responses"][str(status)] = entry
    operation["responses"].setdefault(
        "405", {"description": "method not allowed on this path", "content": problem}
    )
    if route.body is not None or route.form is not None:
        operation["responses"].setdefault("400", {"description": "the body is not valid", "content": problem})
    return operation


def _header(header: HeaderParam) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if header.min_length is not None:
        schema["minLength"] = header.min_length
    if header.max_length is not None:
        schema["maxLength"] = header.max_length
    return {
        "name": header.name,
        "in": "header",
        "required": header.required,
        "description": header.description,
        "schema": schema,
    }


def _schema_ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template=REF)
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    name = schema.get("title", model.__name__)
    schemas.setdefault(name, schema)
    return {"$ref": REF.format(model=name)}
