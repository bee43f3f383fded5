"""The OpenAPI documents of the APIs partners build agree with the pacts, and with the simulators.

For every interaction of a pact with the Factory or an Admin registry: its method, path and status are
in the document; its request body is valid against the request schema (unless the interaction is a
422, whose request is invalid on purpose); its response body is valid
against the response schema. A pact pins only the fields the core reads, so for responses the schema's
`required` lists are set aside, but every field the pact shows must be declared there and valid. Every
request header is a declared parameter or the document's credential. Webhook messages are valid
against the document's webhook payload.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema_rs
import pytest

from contracts.catalogue import load_contracts
from contracts.openapi import OPENAPI_DIR, documents, render
from contracts.states import FACTORY, TO_BE_BUILT
from simulators.admin import country

DOCUMENTS = {FACTORY: "factory.json", **{p: f"admin-{p[-2:]}.json" for p in TO_BE_BUILT if p != FACTORY}}
SKIPPED_HEADERS = {"content-type"}


def document(provider: str) -> dict[str, Any]:
    return json.loads((OPENAPI_DIR / DOCUMENTS[provider]).read_text())


def raw_interactions(provider: str, kind: str) -> list[dict[str, Any]]:
    found = []
    for contract in load_contracts():
        if contract.provider == provider:
            for item in json.loads(contract.path.read_text())["interactions"]:
                if item["type"] == kind:
                    found.append(item)
    return found


def operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    for template, operations in doc["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            assert method.lower() in operations, f"{method} {template} is not in the document"
            return operations[method.lower()]
    raise AssertionError(f"no path of the document matches {path}")


def validator(doc: dict[str, Any], schema: dict[str, Any], relaxed: bool = False) -> jsonschema_rs.Validator:
    components = copy.deepcopy(doc["components"])
    if relaxed:
        for definition in components["schemas"].values():
            _relax(definition)
    return jsonschema_rs.Draft202012Validator({**schema, "components": components}, validate_formats=True)


def _relax(schema: Any) -> None:
    """No field is required, and a field the schema does not declare is an error."""
    if isinstance(schema, dict):
        schema.pop("required", None)
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            _relax(value)
    elif isinstance(schema, list):
        for value in schema:
            _relax(value)


def errors(check: jsonschema_rs.Validator, instance: Any) -> list[str]:
    return [f"{list(e.instance_path)}: {e.message}" for e in check.iter_errors(instance)]


def declared_headers(doc: dict[str, Any], op: dict[str, Any]) -> set[str]:
    names = {p["name"].lower() for p in op.get("parameters", []) if p["in"] == "header"}
    for requirement in op.get("security", []):
        for scheme_name in requirement:
            scheme = doc["components"]["securitySchemes"][scheme_name]
            names.add("authorization" if scheme["type"] == "http" else scheme["name"].lower())
    return names


@pytest.mark.parametrize("provider", sorted(DOCUMENTS))
def test_every_pact_interaction_is_in_the_document_with_valid_bodies(provider):
    doc = document(provider)
    interactions = raw_interactions(provider, "Synchronous/HTTP")
    assert interactions
    for item in interactions:
        request, response = item["request"], item["response"]
        where = f"{item['description']}: {request['method']} {request['path']} -> {response['status']}"
        op = operation(doc, request["method"], request["path"])
        answer = op["responses"].get(str(response["status"]))
        assert answer is not None, f"{where}: status not documented"
        undeclared = (
            {h.lower() for h in request.get("headers", {})} - SKIPPED_HEADERS - declared_headers(doc, op)
        )
        assert not undeclared, f"{where}: headers {undeclared} are not in the document"
        if "body" in request and response["status"] != 422:  # a 422's request breaks a rule on purpose
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            assert not errors(validator(doc, schema), request["body"]["content"]), where
        if "body" in response:
            content_type = response["body"]["contentType"]
            assert content_type in answer["content"], f"{where}: {content_type} not documented"
            schema = answer["content"][content_type]["schema"]
            found = errors(validator(doc, schema, relaxed=True), response["body"]["content"])
            assert not found, f"{where}: {found}"


def test_the_status_webhook_message_is_the_documented_payload():
    doc = document(FACTORY)
    schema = doc["webhooks"]["orderStatusChanged"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    messages = raw_interactions(FACTORY, "Asynchronous/Messages")
    assert messages
    for item in messages:
        assert not errors(validator(doc, schema), item["contents"]["content"]), item["description"]


@pytest.mark.parametrize("name", sorted(DOCUMENTS.values()))
def test_the_committed_documents_are_the_generated_ones(name):
    generated = render(documents()[name])
    assert (OPENAPI_DIR / name).read_text() == generated, (
        "regenerate with: .venv/bin/python -m contracts.openapi"
    )
    assert json.loads(generated)["openapi"] == "3.1.0"
    assert not any(path.startswith("/__sandbox") for path in json.loads(generated)["paths"])


@pytest.mark.parametrize("provider", sorted(p for p in DOCUMENTS if p != FACTORY))
def test_a_registry_409_documents_the_registration_the_vin_already_has(provider):
    doc = document(provider)
    responses = doc["paths"]["/api/registration/vehicles"]["post"]["responses"]
    schema = responses["409"]["content"]["application/problem+json"]["schema"]
    check = validator(doc, schema)
    problem = {"title": "Conflict", "status": 409, "detail": "VIN ... is already registered"}
    plate = country(provider[-2:]).plate_example
    assert errors(check, {**problem, "registrationId": "R-1", "plate": plate, "orderId": "ord_1"}) == []
    assert errors(check, {**problem, "registrationId": "R-1", "plate": plate}) == [
        '[]: "orderId" is a required property'
    ]
    # The plate is documented in the country's current format.
    assert errors(check, {**problem, "registrationId": "R-1", "plate": "P", "orderId": "ord_1"}) != []
    # The other answers keep the plain problem.
    assert responses["422"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
