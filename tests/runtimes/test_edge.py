"""The Flask edge every server sits behind, as a client that is not our own meets it: HEAD, odd JSON,
bodies signed as sent, and answers without a body."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from standardwebhooks import Webhook

from caas_core.api.app import create_app as create_core_app
from caas_core.config import SANDBOX_FACTORY_SECRET
from caas_core.signing import iot_headers
from runtimes.live import LiveRuntime
from runtimes.simulated import SimulatedRuntime
from scenarios.world import build_world
from simulators.iot import create_app as create_iot_app
from simulators.vss import create_app as create_vss_app
from tests.helpers.webhooks import webhook_headers

IOT_KEY_ID, IOT_PSK = "caas-sandbox", "iot-sandbox-psk-3f9a1c"
CONFIGURE = "/api/iot/vehicles/SBXHEALTHY0000001/configure"


@pytest.fixture
def vss() -> FlaskClient:
    return create_vss_app(SimulatedRuntime(3)).test_client()


@pytest.fixture
def core():
    world = build_world(3)
    return world.core, create_core_app(world.core).test_client()


def post_json(client: FlaskClient, path: str, body: bytes, **headers: str):
    return client.post(path, data=body, headers={"Content-Type": "application/json", **headers})


def test_head_is_answered_as_get_without_a_body(vss, core):
    for client in (vss, core[1]):
        answer = client.head("/openapi.json")
        assert (answer.status_code, answer.content_type, answer.data) == (200, "application/json", b"")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"from_s": NaN, "error": {}}', "the body is not valid JSON"),
        (b'{"until_s": Infinity, "error": {}}', "the body is not valid JSON"),
        (b'{"until_s": 1e999, "error": {}}', "the body is not valid JSON"),
        (b'{"x": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", "the body is not valid JSON"),
        (b'{"x": ' + b"[" * 900 + b"]" * 900 + b"}", "the JSON body is nested more than 64 levels deep"),
        ('{"id": "caf\xe9", "error": {}}'.encode("latin-1"), "the body is not UTF-8 text"),
    ],
)
def test_json_that_python_reads_but_json_forbids_is_a_400(vss, body, detail):
    answer = post_json(vss, "/__sandbox/faults", body)
    assert (answer.status_code, answer.content_type, answer.json["detail"]) == (
        400,
        "application/problem+json",
        detail,
    )
    assert vss.get("/__sandbox/faults").json == {"faults": []}


def test_sixty_four_levels_of_json_are_read(vss):
    answer = post_json(vss, "/__sandbox/faults", b'{"id": ' + b"[" * 63 + b"]" * 63 + b"}")
    assert (answer.status_code, answer.json["detail"]) == (422, "id: Input should be a valid string")


def test_an_answer_without_a_body_has_no_content_type(vss):
    answer = vss.delete("/__sandbox/faults")
    assert (answer.status_code, answer.headers.get("Content-Type"), answer.data) == (204, None, b"")


def test_a_webhook_is_verified_over_the_bytes_sent_not_a_reserialisation(core):
    caas, client = core
    payload = {"type": "order.status_changed", "data": {"status": "READY", "orderId": "ord_x", "sequence": 2}}
    body = json.dumps(payload, indent=2).encode()  # not the compact sorted form our own senders use
    headers = webhook_headers(SANDBOX_FACTORY_SECRET, "msg_pretty", payload, caas.runtime.epoch)
    headers["webhook-signature"] = _standard_signature("msg_pretty", int(caas.runtime.epoch), body)
    answer = post_json(client, "/webhooks/factory/status", body, **headers)
    # Past the signature: the order is simply not known here.
    assert (answer.status_code, answer.json["detail"]) == (
        404,
        "no factory entity named in this webhook is known here",
    )
    canonical_signed = webhook_headers(SANDBOX_FACTORY_SECRET, "msg_other", payload, caas.runtime.epoch)
    refused = post_json(client, "/webhooks/factory/status", body, **canonical_signed)
    assert (refused.status_code, refused.json["detail"]) == (401, "no webhook signature matches")


def test_a_stale_webhook_names_the_receivers_clock(core):
    caas, client = core
    payload = {"type": "order.status_changed", "data": {}}
    epoch = int(caas.runtime.epoch)
    headers = webhook_headers(SANDBOX_FACTORY_SECRET, "msg_old", payload, epoch - 400)
    answer = post_json(client, "/webhooks/factory/status", json.dumps(payload).encode(), **headers)
    assert (answer.status_code, answer.json["detail"]) == (
        400,
        f"stale webhook: its timestamp is 400 s old, at most 300 s allowed; the receiver's clock reads {epoch}",
    )


def test_an_iot_request_is_verified_over_the_bytes_sent():
    runtime = SimulatedRuntime(3)
    client = create_iot_app(runtime).test_client()
    body = b'{ "serviceActivation": { "serviceId": "remote-climate", "config": {} } }'
    headers = iot_headers(IOT_KEY_ID, IOT_PSK, int(runtime.epoch), "POST", CONFIGURE, body)
    answer = post_json(client, CONFIGURE, body, **headers)
    assert (answer.status_code, answer.json["status"]) == (202, "PENDING")
    # Signed over our own compact form, but sent spaced out: the bytes differ, so the signature does.
    compact = json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True).encode()
    headers = iot_headers(IOT_KEY_ID, IOT_PSK, int(runtime.epoch), "POST", CONFIGURE, compact)
    refused = post_json(client, CONFIGURE, body, **headers)
    assert (refused.status_code, refused.json["detail"]) == (401, "the signature does not match the request")


def test_a_latency_beyond_the_platforms_longest_wait_is_capped():
    class Recorder:
        waited: list[float] = []

        def wait(self, timeout: float) -> bool:
            self.waited.append(timeout)
            return False

    with LiveRuntime(0, speed=2) as runtime:
        closed, runtime._closed = runtime._closed, Recorder()  # type: ignore[assignment]
        runtime.block(1e300)
        runtime.block(10)
        runtime._closed = closed
    assert Recorder.waited == [threading.TIMEOUT_MAX, 5]


def _standard_signature(msg_id: str, stamp: int, body: bytes) -> str:
    return Webhook(SANDBOX_FACTORY_SECRET).sign(msg_id, datetime.fromtimestamp(stamp, UTC), body.decode())


def test_the_webhook_routes_document_the_headers_they_require(core):
    document = core[1].get("/openapi.json").json
    for path in ("/webhooks/factory/status", "/webhooks/payment/settlement"):
        parameters = document["paths"][path]["post"]["parameters"]
        assert [(p["name"], p["in"], p["required"]) for p in parameters] == [
            ("webhook-id", "header", True),
            ("webhook-timestamp", "header", True),
            ("webhook-signature", "header", True),
        ]
