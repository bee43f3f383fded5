"""The live sandbox at the wall clock's own speed, its one clock advanced on demand: an order placed now is
REGISTERED fourteen days later with every Factory webhook in its trace; a purchase is carried through its
OTA polls, capture and settlement by advancing minutes and hours; a breaker's open time passes too."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.serving import poll
from tests.helpers.world import order_body, purchase_body

pytestmark = pytest.mark.live

DAY = 86_400


def advance(api, seconds):
    answer = api.post("/__sandbox/clock/advance", json={"seconds": seconds})
    assert answer.status_code == 200, answer.text
    return answer.json()


def settled(read, done):
    """Poll until `done(read())`: what the API call itself set going (the first call to a partner)."""
    return poll(read, done, step_s=0.02)


@pytest.fixture(scope="module")
def sandbox(quick_sandbox):
    return quick_sandbox


@pytest.fixture(scope="module")
def api(quick_api):
    return quick_api


def test_an_order_at_speed_1_is_registered_fourteen_days_on_with_every_factory_webhook_in_its_trace(
    sandbox, api
):
    placed = api.post("/api/orders", json=order_body("ES"), headers={"X-Trace-Id": "new-user-order-1"})
    order_id = placed.json()["orderId"]
    order = settled(lambda: api.get(f"/api/orders/{order_id}").json(), lambda o: o["status"] != "PLACED")
    assert order["status"] == "ACCEPTED"
    before = api.get("/__sandbox/clock").json()["time_s"]
    done = advance(api, 14 * DAY)
    assert done["advanced_s"] >= 14 * DAY and done["unsettled_steps"] == 0
    assert api.get("/__sandbox/clock").json()["time_s"] >= before + 14 * DAY
    order = api.get(f"/api/orders/{order_id}").json()
    assert (order["status"], order["traceId"]) == ("REGISTERED", "new-user-order-1")
    factory = sandbox.servers["factory"].url
    deliveries = httpx.get(f"{factory}/__sandbox/webhooks", params={"trace_id": "new-user-order-1"}).json()
    assert [(d["sequence"], d["outcome"]) for d in deliveries["deliveries"]] == [
        (2, "delivered 200"),
        (3, "delivered 200"),
    ]
    statuses = [
        n["event"]
        for n in api.get("/api/notifications", params={"entity": f"order:{order_id}"}).json()["items"]
        if n["channel"] == "email"
    ]
    assert statuses == ["ACCEPTED", "MANUFACTURING", "READY", "REGISTERED"]


def settlement_alerts(api) -> list[str]:
    alerts = api.get("/api/alerts", params={"kind": "ops"}).json()["items"]
    return [a["entity"] for a in alerts if "settlement failed" in a["reason"]]


def test_a_purchase_goes_through_its_polls_capture_and_settlement_as_the_clock_advances(sandbox, api):
    earlier = settlement_alerts(api)  # the sandbox is shared: another test's purchase may have failed too
    purchase_id = api.post(
        "/api/purchases", json=purchase_body("SBXHEALTHY0000001", "tok_settlement_fails")
    ).json()["purchaseId"]
    read = lambda: api.get(f"/api/purchases/{purchase_id}").json()  # noqa: E731
    assert settled(read, lambda p: p["status"] == "ACTIVATING")["status"] == "ACTIVATING"
    advance(api, 60)  # the command's 22 s on the vehicle, polled every 5 s
    purchase = read()
    assert (purchase["status"], purchase["payment"]["status"]) == ("ACTIVE", "CAPTURED")
    assert purchase["payment"]["settlement"] == "PENDING"
    advance(api, 4 * 3600)  # the settlement, three hours after the capture
    assert read()["payment"]["settlement"] == "FAILED"
    assert settlement_alerts(api) == [*earlier, f"purchase:{purchase_id}"]


def test_a_breakers_open_time_passes_with_the_clock(sandbox, api):
    vss = sandbox.servers["vss"].url
    assert httpx.post(f"{vss}/__sandbox/faults", json={"error": {"status": 503}}).status_code == 201
    try:
        for _ in range(3):  # four attempts each, 5, 10 and 20 s apart: twelve failures within a minute
            api.post("/api/purchases", json=purchase_body("SBXLAPSED00000001"))
        advance(api, 40)
        assert sandbox.core.telemetry.metrics.circuit_state["vss"] == 1  # open
    finally:
        httpx.delete(f"{vss}/__sandbox/faults")
    advance(api, 61)  # the open duration, 60 s
    purchase_id = api.post("/api/purchases", json=purchase_body("SBXLAPSED00000001")).json()["purchaseId"]
    purchase = settled(
        lambda: api.get(f"/api/purchases/{purchase_id}").json(), lambda p: p["status"] != "REQUESTED"
    )
    assert purchase["status"] == "BLOCKED_MAINTENANCE"  # VSS was asked: the breaker let its probe through
    assert sandbox.core.telemetry.metrics.circuit_state["vss"] == 0  # closed again


def test_an_advance_refuses_what_is_no_advance_and_changes_nothing(sandbox, api):
    before = api.get("/__sandbox/clock").json()["time_s"]
    for body, status in [
        ({}, 422),
        ({"seconds": -5}, 422),
        ({"seconds": 5, "to": 2_000_000_000}, 422),
        ({"to": 1_000_000_000}, 422),  # 2001: before the sandbox's clock
        ({"seconds": 11 * 365 * DAY}, 422),
        ({"seconds": "a week"}, 422),
    ]:
        answer = api.post("/__sandbox/clock/advance", json=body)
        assert (answer.status_code, answer.headers["content-type"]) == (status, "application/problem+json")
    assert (
        api.post(
            "/__sandbox/clock/advance", content=b"{", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    core = sandbox.servers["core"].url
    anonymous = httpx.post(f"{core}/__sandbox/clock/advance", json={"seconds": 60})
    client = httpx.post(
        f"{core}/__sandbox/clock/advance",
        json={"seconds": 60},
        headers={"Authorization": f"Bearer {sandbox.tokens.api}"},
    )
    assert (anonymous.status_code, client.status_code) == (401, 403)
    step = httpx.post(f"{core}/__sandbox/clock/step", json={"to": before + DAY})
    assert step.status_code == 403  # only the clock's owner steps a follower, and this one follows none
    assert api.get("/__sandbox/clock").json()["time_s"] < before + 60


def test_the_clock_is_one_whichever_server_is_asked(sandbox, api):
    vss = sandbox.servers["vss"].url
    done = httpx.post(f"{vss}/__sandbox/clock/advance", json={"seconds": 3600}, timeout=300).json()
    assert done["advanced_s"] >= 3600
    shown = {
        name: httpx.get(f"{server.url}/__sandbox/clock").json()["time_s"]
        for name, server in sandbox.servers.items()
    }
    assert max(shown.values()) - min(shown.values()) < 60  # one clock, read a moment apart
    assert httpx.get(f"{sandbox.servers['factory'].url}/__sandbox/state").json()["time_s"] >= done["time_s"]
