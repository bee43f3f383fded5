"""Every simulator against its own OpenAPI document with schemathesis and all its checks.

Requests go through each simulator's Flask app over WSGI, authenticated the way a client would be. A
fault a generated request injects through the control API is cleared after that request, so a test
measures the simulator, not the last fault it was told to inject.
"""

from __future__ import annotations

import base64
import itertools
import json

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from caas_core.signing import iot_headers
from runtimes.simulated import SIMULATED_EPOCH, SimulatedRuntime
from simulators.admin import COUNTRIES
from simulators.admin import create_app as admin_app
from simulators.factory import create_app as factory_app
from simulators.iot import IotConfig
from simulators.iot import create_app as iot_app
from simulators.payment import create_app as payment_app
from simulators.vss import create_app as vss_app

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
VSS_BASIC = "Basic " + base64.b64encode(b"caas-sandbox:vss-sandbox-secret").decode()


def vss_headers(app) -> dict[str, str]:
    client = app.test_client()
    answer = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": VSS_BASIC}
    )
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def build(name: str):
    runtime = SimulatedRuntime(1)
    if name == "vss":
        app = vss_app(runtime, latency="report")
        return app, vss_headers(app)
    if name == "factory":
        return factory_app(runtime, latency="report"), {"X-API-Key": "factory-sandbox-key"}
    if name == "iot":
        return iot_app(runtime, latency="report"), {}  # each request is signed by IotSigning below
    if name == "payment":
        return payment_app(runtime, latency="report"), {"Authorization": "Bearer pay-sandbox-key"}
    country = name.removeprefix("admin-")
    return admin_app(runtime, country, latency="report"), {
        "Authorization": f"Bearer admin-{country}-sandbox-token"
    }


NAMES = ("vss", "factory", "iot", "payment", *(f"admin-{c.lower()}" for c in COUNTRIES))
APPS = {name: build(name) for name in NAMES}
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
        return IotConfig().psk

    def set(self, case, psk, context):
        body = case.body if isinstance(case.body, (dict, list)) else None
        text = "" if body is None else json.dumps(body, separators=(",", ":"), sort_keys=True)
        timestamp = int(SIMULATED_EPOCH)  # the apps' runtimes never advance
        signed = iot_headers(IotConfig().key_id, psk, timestamp, case.method, case.formatted_path, text)
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
