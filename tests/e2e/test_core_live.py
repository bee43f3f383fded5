"""The core end to end over real loopback sockets: the whole sandbox as `serve` starts it, at a high
speed factor, driven through the core's HTTP API like the web platform would."""

from __future__ import annotations

import httpx
import pytest

from caas_core.config import SANDBOX_FACTORY_SECRET
from caas_sandbox.sandbox import LiveSandbox
from simulators.factory import FactoryConfig
from simulators.kit.distributions import Fixed
from simulators.payment import PaymentConfig
from tests.helpers.serving import operator_client, poll
from tests.helpers.world import CONFIGS, order_body, purchase_body, signed_webhook

pytestmark = pytest.mark.live

SPEED = 50  # partner timeouts of 5 to 30 runtime s are 0.1 to 0.6 s of wall time: room for a loaded machine
LIVE_CONFIGS = {
    **CONFIGS,
    "factory": FactoryConfig(
        latency=CONFIGS["factory"].latency,
        queue_time=Fixed(s=60),
        build_time=Fixed(s=120),
        delay_probability=0.0,
    ),
    "payment": PaymentConfig(latency=CONFIGS["payment"].latency, settlement_delay=Fixed(s=60)),
}


@pytest.fixture(scope="module")
def sandbox():
    box = LiveSandbox(seed=3, port_base=0, speed=SPEED, configs=LIVE_CONFIGS).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def client(sandbox):
    with operator_client(sandbox) as http:
        yield http


def wait_for(read, done):
    """Poll the API until `done(read())`; the sandbox runs SPEED times faster than the wall clock."""
    return poll(read, done, timeout_s=60.0)


def advance(client, seconds):
    """Advance the sandbox's clock: the timelines pass without the test waiting them out."""
    answer = client.post("/__sandbox/clock/advance", json={"seconds": seconds}, timeout=120)
    assert answer.status_code == 200, answer.text


def journal(sandbox, system):
    return [e.route for e in sandbox.simulators[system].journal.entries]


def send(client, request):
    """A request built for the core's transport, sent over the socket instead."""
    return client.post(request.path, content=request.body_bytes(), headers=request.wire_headers())


def accepted_order(client, country):
    """An order the Factory accepted. The placement timeout is 30 runtime seconds, a mere 0.6 s of wall
    time at SPEED, which a load spike on a shared machine can outlast: a failed order is retried once."""
    order_id = client.post("/api/orders", json=order_body(country)).json()["orderId"]

    def read():
        return client.get(f"/api/orders/{order_id}").json()

    order = wait_for(read, lambda o: o["status"] != "PLACED")
    if order["status"] == "ORDER_FAILED":
        assert client.post(f"/api/orders/{order_id}/retry").status_code == 202
        order = wait_for(read, lambda o: o["status"] not in ("PLACED", "ORDER_FAILED"))
    assert order["status"] == "ACCEPTED"
    return order


def notifications(client, order_id):
    entity = f"order:{order_id}"
    items = client.get("/api/notifications", params={"entity": entity}).json()["items"]
    return [(n["event"], n["channel"]) for n in items]


def test_order_is_manufactured_registered_and_deliverable(sandbox, client):
    placed = client.post("/api/orders", json=order_body("IT"))
    assert placed.status_code == 201
    order_id = placed.json()["orderId"]
    advance(client, 600)  # a minute queued, two building, then the registration
    order = client.get(f"/api/orders/{order_id}").json()
    assert order["status"] == "REGISTERED" and order["plate"]
    assert notifications(client, order_id) == [
        (s, c) for s in ("ACCEPTED", "MANUFACTURING", "READY", "REGISTERED") for c in ("email", "push")
    ]


def test_purchase_activates_and_captures(sandbox, client):
    before = journal(sandbox, "payment").count("POST /api/payments/capture")
    accepted = client.post("/api/purchases", json=purchase_body("SBXHEALTHY0000001"))
    assert accepted.status_code == 202
    purchase_id = accepted.json()["purchaseId"]
    purchase = wait_for(
        lambda: client.get(f"/api/purchases/{purchase_id}").json(), lambda p: p["status"] == "ACTIVE"
    )
    assert purchase["status"] == "ACTIVE"
    assert journal(sandbox, "payment").count("POST /api/payments/capture") == before + 1


def test_a_faulty_vehicle_is_voided_and_never_captured(sandbox, client):
    before = journal(sandbox, "payment").count("POST /api/payments/capture")
    accepted = client.post("/api/purchases", json=purchase_body("SBXFAULTY00000001", service="track-mode"))
    purchase_id = accepted.json()["purchaseId"]
    advance(client, 900)  # six OTA attempts, 30 s apart
    purchase = client.get(f"/api/purchases/{purchase_id}").json()
    assert purchase["status"] == "ACTIVATION_FAILED"
    # The void follows the status change: the release step runs once ACTIVATION_FAILED is committed.
    calls = wait_for(lambda: journal(sandbox, "payment"), lambda j: "POST /api/payments/void" in j)
    assert "POST /api/payments/void" in calls
    assert calls.count("POST /api/payments/capture") == before
    tickets = client.get("/api/alerts", params={"kind": "tech_support"}).json()["items"]
    assert [t["entity"] for t in tickets] == [f"purchase:{purchase_id}"]


def test_overdue_maintenance_blocks_without_a_payment_call(sandbox, client):
    before = len(journal(sandbox, "payment"))
    accepted = client.post("/api/purchases", json=purchase_body("SBXLAPSED00000001"))
    purchase_id = accepted.json()["purchaseId"]
    purchase = wait_for(
        lambda: client.get(f"/api/purchases/{purchase_id}").json(), lambda p: p["status"] != "REQUESTED"
    )
    assert purchase["status"] == "BLOCKED_MAINTENANCE"
    assert len(journal(sandbox, "payment")) == before


def test_duplicate_and_reordered_webhooks_notify_once_per_status(sandbox, client):
    fault = {"webhook": {"duplicate": 1.0, "reorder": 1.0}}
    factory_url = sandbox.servers["factory"].url
    assert httpx.post(f"{factory_url}/__sandbox/faults", json=fault).status_code == 201
    try:
        order_id = client.post("/api/orders", json=order_body("DE")).json()["orderId"]
        advance(client, 900)  # the timeline, and every webhook held back up to a minute
        order = client.get(f"/api/orders/{order_id}").json()
    finally:
        httpx.delete(f"{factory_url}/__sandbox/faults")
    assert order["status"] == "REGISTERED"
    notified = notifications(client, order_id)
    assert len(notified) == len(set(notified)) == 8


def test_forged_stale_and_replayed_webhooks_are_refused_and_change_nothing(sandbox, client):
    # The Factory's own status webhooks are dropped, so only the ones sent here can move the order.
    factory_url = sandbox.servers["factory"].url
    assert httpx.post(f"{factory_url}/__sandbox/faults", json={"webhook": {"drop": 1.0}}).status_code == 201
    try:
        order = accepted_order(client, "PT")
        order_id = order["orderId"]
        runtime = sandbox.runtime
        now = runtime.epoch + runtime.now()
        update = {
            "orderId": order["factoryOrderId"],
            "status": "READY",
            "previousStatus": "MANUFACTURING",
            "sequence": 9,
        }
        forged = signed_webhook("whsec_Zm9yZ2VkLXNlY3JldC1mb3Itc2FuZGJveA==", "msg_live_forged", update, now)
        stale = signed_webhook(SANDBOX_FACTORY_SECRET, "msg_live_stale", update, now - 400)
        for request, status in ((forged, 401), (stale, 400)):
            answer = send(client, request)
            assert (answer.status_code, answer.headers["content-type"]) == (
                status,
                "application/problem+json",
            )
        assert not sandbox.core.store.webhook_seen("msg_live_forged")
        assert not sandbox.core.store.webhook_seen("msg_live_stale")
        assert client.get(f"/api/orders/{order_id}").json()["status"] == "ACCEPTED"

        manufacturing = {**update, "status": "MANUFACTURING", "previousStatus": "ACCEPTED", "sequence": 2}
        genuine = signed_webhook(SANDBOX_FACTORY_SECRET, "msg_live_real", manufacturing, now)
        applied = send(client, genuine)
        assert (applied.status_code, applied.json()) == (
            200,
            {"webhookId": "msg_live_real", "duplicate": False, "outcome": "applied"},
        )
        notified = notifications(client, order_id)
        replay = send(client, genuine)
        assert (replay.status_code, replay.json()["duplicate"]) == (200, True)
        assert client.get(f"/api/orders/{order_id}").json()["status"] == "MANUFACTURING"
        assert notifications(client, order_id) == notified
        assert notified.count(("MANUFACTURING", "email")) == 1
    finally:
        httpx.delete(f"{factory_url}/__sandbox/faults")


def test_metrics_are_exposed_for_prometheus(sandbox, client):
    order_id = client.post("/api/orders", json=order_body("ES")).json()["orderId"]
    wait_for(lambda: client.get(f"/api/orders/{order_id}").json(), lambda o: o["status"] != "PLACED")
    purchase_id = client.post("/api/purchases", json=purchase_body("SBXLAPSED00000001")).json()["purchaseId"]
    wait_for(lambda: client.get(f"/api/purchases/{purchase_id}").json(), lambda p: p["status"] != "REQUESTED")
    text = client.get("/metrics").text
    assert 'integration_request_count_total{route="POST /api/v1/orders",system="factory"}' in text
    assert "integration_circuit_state" in text and "caas_purchases{status=" in text


def test_the_101st_webhook_in_a_minute_is_429():
    # At wall-clock speed, so that 101 requests over loopback surely fall within one runtime minute.
    box = LiveSandbox(seed=4, port_base=0, speed=1, configs=LIVE_CONFIGS).start()
    try:
        runtime = box.runtime
        update = {
            "orderId": "ord_flood",
            "status": "MANUFACTURING",
            "previousStatus": "ACCEPTED",
            "sequence": 2,
        }
        now = runtime.epoch + runtime.now()
        statuses = []
        with httpx.Client(base_url=box.servers["core"].url, timeout=30) as http:
            for i in range(101):
                answer = send(http, signed_webhook(SANDBOX_FACTORY_SECRET, f"msg_flood_{i}", update, now))
                statuses.append(answer.status_code)
    finally:
        box.stop()
    assert statuses == [404] * 100 + [429]  # the order is unknown, but each webhook counted
    assert 1 <= int(answer.headers["retry-after"]) <= 61
