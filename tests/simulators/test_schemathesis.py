"""Every simulator against its own OpenAPI document with schemathesis and all its checks.

Requests go through each simulator's Flask app over WSGI, authenticated the way a client would be. A
fault a generated request injects through the control API is cleared after that request, so a test
measures the simulator, not the last fault it was told to inject.
"""

from __future__ import annotations

import base64
import itertools

import flask
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from caas_core.signing import iot_headers
from httpkit.flask_edge import create_app
from httpkit.messages import canonical_json
from runtimes.simulated import SIMULATED_EPOCH, SimulatedRuntime
from simulators.kit.service import Simulator
from simulators.registry import build_simulators, credentials

SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
KEYS = itertools.count(1)
CREDENTIALS = credentials()


def vss_headers(app: flask.Flask) -> dict[str, str]:
    vss = CREDENTIALS["vss"]
    basic = base64.b64encode(f"{vss['client_id']}:{vss['client_secret']}".encode()).decode()
    client = app.test_client()
    answer = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def client_headers(name: str, app: flask.Flask) -> dict[str, str]:
    """How a client authenticates to the system `name`; IoT signs each request (IotSigning below)."""
    if name == "vss":
        return vss_headers(app)
    if name == "factory":
        return {"X-API-Key": CREDENTIALS["factory"]["api_key"]}
    if name == "iot":
        return {}
    if name == "payment":
        return {"Authorization": f"Bearer {CREDENTIALS['payment']['api_key']}"}
    country = name.removeprefix("admin-").upper()
    return {"Authorization": f"Bearer {CREDENTIALS['admin']['tokens'][country]}"}


def served(simulator: Simulator) -> tuple[flask.Flask, dict[str, str]]:
    app = create_app(simulator)
    return app, client_headers(simulator.name, app)


APPS = {name: served(simulator) for name, simulator in build_simulators(SimulatedRuntime(1)).items()}
# Valid-by-schema requests may still break a business rule the schema cannot state (a trim not offered on
# a model, a fault window that ends before it starts): those are 422s by design, not rejected valid data.
CONFIG = SchemathesisConfig.from_str(
    """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
"""
)
SCHEMAS = {
    name: schemathesis.openapi.from_wsgi("/openapi.json", app, config=CONFIG)
    for name, (app, _) in APPS.items()
}


def conforms(name: str, case) -> None:
    app, headers = APPS[name]
    try:
        case.call_and_validate(headers=headers)
    finally:
        app.extensions["simulator"].faults.clear()


@SCHEMAS["iot"].auth()
class IotSigning:
    """Signs each generated request as the IoT API demands, over the body's canonical JSON."""

    def get(self, case, context):
        return CREDENTIALS["iot"]["psk"]

    def set(self, case, psk, context):
        body = case.body if isinstance(case.body, (dict, list)) else None
        raw = b"" if body is None else canonical_json(body)
        timestamp = int(SIMULATED_EPOCH)  # the apps' runtime never advances
        signed = iot_headers(
            CREDENTIALS["iot"]["key_id"], psk, timestamp, case.method, case.formatted_path, raw
        )
        case.headers = {**(case.headers or {}), **signed}


@SCHEMAS["vss"].parametrize()
@SETTINGS
def test_vss_conforms_to_its_document(case):
    conforms("vss", case)


@SCHEMAS["factory"].parametrize()
@SETTINGS
def test_factory_conforms_to_its_document(case):
    conforms("factory", case)


@SCHEMAS["payment"].parametrize()
@SETTINGS
def test_payment_conforms_to_its_document(case):
    # A fresh Idempotency-Key per case that has one: reusing a key with another body is a 422 by design.
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = f"case-{next(KEYS)}"
    if isinstance(case.body, dict) and case.body.get("cardToken") == "tok_network_error":
        # That card has no answer to judge, only a dropped connection; tests/simulators/test_payment.py
        # covers it.
        case.body = {**case.body, "cardToken": "tok_success"}
    conforms("payment", case)


@SCHEMAS["iot"].parametrize()
@SETTINGS
def test_iot_conforms_to_its_document(case):
    conforms("iot", case)


@SCHEMAS["admin-es"].parametrize()
@SETTINGS
def test_admin_es_conforms_to_its_document(case):
    conforms("admin-es", case)


@SCHEMAS["admin-fr"].parametrize()
@SETTINGS
def test_admin_fr_conforms_to_its_document(case):
    conforms("admin-fr", case)


@SCHEMAS["admin-de"].parametrize()
@SETTINGS
def test_admin_de_conforms_to_its_document(case):
    conforms("admin-de", case)


@SCHEMAS["admin-it"].parametrize()
@SETTINGS
def test_admin_it_conforms_to_its_document(case):
    conforms("admin-it", case)


@SCHEMAS["admin-pt"].parametrize()
@SETTINGS
def test_admin_pt_conforms_to_its_document(case):
    conforms("admin-pt", case)
