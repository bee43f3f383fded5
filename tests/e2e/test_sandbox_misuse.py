"""The live sandbox against misuse, each case a clear 4xx or refused, nothing changed and nothing leaked:
a body too large, a card number where none belongs (a path, a partner's failure reason), a hang that holds
every worker of a partner, forged webhooks flooding a genuine sender's quota."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from caas_core.config import SANDBOX_PAYMENT_SECRET
from httpkit.messages import canonical_json
from tests.helpers.webhooks import webhook_headers
from tests.helpers.world import purchase_body

pytestmark = pytest.mark.live

PAN = "4111111111111111"
HUNG = 220  # more than the 200 workers of a partner's server


def test_a_body_over_the_limit_is_a_413_before_anything_else_is_read(quick_sandbox):
    core = quick_sandbox.servers["core"]
    with socket.create_connection((core.host, core.port), timeout=10) as sock:
        sock.sendall(b"POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 209715200\r\n\r\n")
        received = b""
        while chunk := sock.recv(4096):  # the answer may come in pieces; the server then closes
            received += chunk
    head = received.decode()
    assert head.startswith("HTTP/1.1 413 ")
    assert "application/problem+json" in head and "the body is larger than 1048576 bytes" in head


def test_a_card_number_in_a_path_is_refused_everywhere_never_echoed_never_journaled(quick_sandbox):
    paths = {
        "core": f"/api/orders/{PAN}",
        "iot": f"/api/iot/vehicles/{PAN}/status",
        "vss": f"/api/v2/vehicles/{PAN}/maintenance",
        "admin": f"/es/api/registration/vehicles/{PAN}",
    }
    for name, path in paths.items():
        answer = httpx.get(quick_sandbox.servers[name].url + path, headers={"X-Trace-Id": "pan-in-path"})
        assert (answer.status_code, answer.headers["content-type"]) == (400, "application/problem+json")
        assert (
            answer.json()["detail"] == "the path looks like a card number: send a card token, never the card"
        )
        assert "4111" not in answer.text
    for system in ("iot", "vss", "admin-es"):
        assert quick_sandbox.simulators[system].journal.select(trace_id="pan-in-path") == []


def test_a_card_number_in_a_signed_failure_reason_is_kept_masked(quick_sandbox, quick_api):
    purchase_id = quick_api.post("/api/purchases", json=purchase_body("SBXHEALTHY0000001")).json()[
        "purchaseId"
    ]
    quick_api.post("/__sandbox/clock/advance", json={"seconds": 60})
    authorization = quick_api.get(f"/api/purchases/{purchase_id}").json()["payment"]["authorizationId"]
    payload = {
        "type": "payment.settlement",
        "timestamp": "2026-01-01T00:00:00Z",
        "data": {"authorizationId": authorization, "status": "FAILED", "failureReason": f"card {PAN} stolen"},
    }
    runtime = quick_sandbox.runtime
    headers = webhook_headers(
        SANDBOX_PAYMENT_SECRET, "msg_pan_reason", payload, runtime.epoch + runtime.now()
    )
    core = quick_sandbox.servers["core"].url
    answer = httpx.post(
        f"{core}/webhooks/payment/settlement",
        content=canonical_json(payload),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert (answer.status_code, answer.json()["outcome"]) == (200, "applied")
    alerts = quick_api.get("/api/alerts", params={"kind": "ops", "limit": 200}).json()["items"]
    mine = [a["reason"] for a in alerts if a["entity"] == f"purchase:{purchase_id}"]
    assert mine == ["settlement failed (card [card number removed] stolen): 4900 EUR at risk"]
    with quick_sandbox.runtime.exclusive():
        database = "\n".join(quick_sandbox.core.store.db.iterdump())
    assert PAN not in database


def test_the_control_api_answers_while_a_hang_holds_every_worker(quick_sandbox):
    vss = quick_sandbox.servers["vss"]
    assert httpx.post(f"{vss.url}/__sandbox/faults", json={"hang": {"rate": 1.0}}).status_code == 201
    request = b"GET /api/v2/vehicles/SBXHEALTHY0000001/maintenance HTTP/1.1\r\nHost: x\r\n\r\n"
    hung = []
    try:
        for _ in range(HUNG):
            sock = socket.create_connection((vss.host, vss.port), timeout=10)
            sock.sendall(request)
            hung.append(sock)
        journal = quick_sandbox.simulators["vss"].journal
        held = wait_until(lambda: sum(1 for e in journal.entries if e.outcome == "hang") >= 200)
        assert held  # every worker of the server holds a hung request
        listed = httpx.get(f"{vss.url}/__sandbox/faults", timeout=10).json()["faults"]
        assert [f["hang"] for f in listed] == [{"rate": 1.0}]
        assert httpx.delete(f"{vss.url}/__sandbox/faults", timeout=10).status_code == 204
        assert httpx.get(f"{vss.url}/openapi.json", timeout=10).status_code == 200
    finally:
        for sock in hung:
            sock.close()
        httpx.delete(f"{vss.url}/__sandbox/faults", timeout=10)


def wait_until(done, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_forged_webhooks_cannot_use_up_the_genuine_senders_quota_and_are_counted(quick_sandbox):
    core = quick_sandbox.servers["core"].url
    runtime = quick_sandbox.runtime
    data = {"authorizationId": "auth_unknownxxxxxxxx", "status": "SETTLED"}
    payload = {"type": "payment.settlement", "timestamp": "2026-01-01T00:00:00Z", "data": data}
    forger = "whsec_Zm9yZ2VkLXNlY3JldC1mb3Itc2FuZGJveA=="

    def send(secret, message_id):
        headers = webhook_headers(secret, message_id, payload, runtime.epoch + runtime.now())
        return http.post(
            "/webhooks/payment/settlement",
            content=canonical_json(payload),
            headers={**headers, "Content-Type": "application/json"},
        ).status_code

    with httpx.Client(base_url=core, timeout=10) as http:
        before = _rejected(http, "bad_signature")
        assert {send(forger, f"msg_forged_{i}") for i in range(150)} == {401}
        assert send(SANDBOX_PAYMENT_SECRET, "msg_genuine_after_flood") == 404  # heard, not throttled
        assert _rejected(http, "bad_signature") == before + 150


def _rejected(http: httpx.Client, reason: str) -> float:
    """caas_webhooks_rejected_total for the payment source and `reason`, from /metrics (open on loopback)."""
    wanted = f'caas_webhooks_rejected_total{{reason="{reason}",source="payment"}} '
    for line in http.get("/metrics").text.splitlines():
        if line.startswith(wanted):
            return float(line.split()[-1])
    return 0.0
