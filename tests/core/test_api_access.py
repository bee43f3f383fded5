"""The core's API: bearer tokens (the client's and the operator's), /metrics open on this machine, the
trace of every request taken or made and returned, lists a page at a time, a purchase's money shown, and
a card number in a path refused without being repeated."""

from __future__ import annotations

import pytest

from caas_core.config import SANDBOX_CORE_API_TOKEN
from caas_core.domain.records import Order
from httpkit.messages import HttpRequest
from scenarios.world import build_world
from tests.helpers.world import CLIENT, CONFIGS, HOUR, OPERATOR, call, order_body, purchase_body

W3C = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def w():
    return build_world(5, "wire", configs=CONFIGS)


def test_no_token_or_a_wrong_one_is_401_with_a_bearer_challenge(w):
    for headers in ({}, {"Authorization": "Bearer not-a-token-of-ours"}, {"Authorization": "Basic abc"}):
        answer = call(w, "POST", "/api/orders", order_body(), headers=headers)
        assert (answer.status, answer.header("WWW-Authenticate")) == (401, 'Bearer realm="caas-core"')
        assert answer.header("Content-Type") == "application/problem+json"
        assert SANDBOX_CORE_API_TOKEN not in answer.to_bytes().decode()
    assert w.core.store.all(Order) == []  # nothing changed


def test_the_client_token_buys_but_only_the_operator_reads_alerts_notifications_and_retries(w):
    assert call(w, "POST", "/api/orders", order_body(), headers=CLIENT).status == 201
    for path in ("/api/alerts", "/api/notifications"):
        refused = call(w, "GET", path, headers=CLIENT)
        assert (refused.status, refused.json()["detail"]) == (
            403,
            "this needs the operator token, not the API token",
        )
        assert call(w, "GET", path, headers=OPERATOR).status == 200
    assert call(w, "POST", "/api/orders/ord_000001/retry", headers=CLIENT).status == 403
    assert call(w, "POST", "/api/orders", order_body(), headers=OPERATOR).status == 201


def test_metrics_are_open_on_this_machine_and_need_the_operator_token_from_elsewhere():
    w = build_world(5, "fast", configs=CONFIGS)  # the fast transport keeps the peer address it is given
    transport = w.runtime.transports["core"]

    def metrics(peer, headers):
        request = HttpRequest("GET", "/metrics", headers=headers, remote_addr=peer)
        return transport.handle_request(request, None).response.status

    assert metrics("127.0.0.1", {}) == 200
    assert metrics("::1", {}) == 200
    assert metrics("10.0.0.5", {}) == 401
    assert metrics("10.0.0.5", CLIENT) == 403
    assert metrics("10.0.0.5", OPERATOR) == 200
    assert call(w, "GET", "/openapi.json", headers={}).status == 200


def test_a_named_trace_is_taken_returned_and_shown_and_a_missing_one_made(w):
    named = call(w, "POST", "/api/orders", order_body(), headers={**CLIENT, "X-Trace-Id": "demo-trace-1"})
    assert (named.header("X-Trace-Id"), named.json()["traceId"]) == ("demo-trace-1", "demo-trace-1")
    assert call(w, "GET", "/api/orders/ord_000001").json()["traceId"] == "demo-trace-1"
    parent = {**CLIENT, "traceparent": f"00-{W3C}-00f067aa0ba902b7-01"}
    assert (
        call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"), headers=parent).json()[
            "traceId"
        ]
        == W3C
    )
    made = call(w, "POST", "/api/orders", order_body(), headers=CLIENT)
    assert made.header("X-Trace-Id") == made.json()["traceId"] != "demo-trace-1"
    w.run(until=10)
    factory = w.simulators["factory"].journal.entries
    assert [e.trace_id for e in factory] == ["demo-trace-1", made.json()["traceId"]]


def test_every_answer_carries_a_trace_even_a_refusal(w):
    for method, path, headers in [
        ("GET", "/api/orders/ord_404", OPERATOR),
        ("GET", "/api/alerts", {}),
        ("GET", "/api/alerts?kind=nope", OPERATOR),
        ("GET", "/api/orders/ord_1", {**OPERATOR, "X-Trace-Id": "bad trace"}),
    ]:
        answer = call(w, method, path, headers=headers)
        assert answer.status >= 400
        assert len(answer.header("X-Trace-Id") or "") == 32


def test_a_trace_id_that_cannot_be_one_is_a_400(w):
    answer = call(w, "POST", "/api/orders", order_body(), headers={**CLIENT, "X-Trace-Id": "x" * 65})
    assert (answer.status, answer.json()["detail"]) == (
        400,
        "X-Trace-Id must be 1 to 64 letters, digits, '.', '_', ':' or '-', and no card number",
    )
    assert w.core.store.all(Order) == []


def test_an_invalid_traceparent_is_ignored_as_w3c_says(w):
    answer = call(w, "POST", "/api/orders", order_body(), headers={**CLIENT, "traceparent": "00-zz-01"})
    assert answer.status == 201 and answer.json()["traceId"] != "zz"


def test_lists_come_a_page_at_a_time_with_a_link_to_the_next(w):
    call(w, "POST", "/api/orders", order_body())
    w.run(until=10)  # ACCEPTED, told by email and push
    first = call(w, "GET", "/api/notifications?limit=1").json()
    assert [n["event"] for n in first["items"]] == ["ACCEPTED"]
    assert first["next"] == "/api/notifications?after=1&limit=1"
    second = call(w, "GET", first["next"]).json()
    assert ([n["channel"] for n in second["items"]], second["next"]) == (["push"], None)
    for query in ("limit=0", "limit=201", "limit=x", "after=-1"):
        assert call(w, "GET", f"/api/notifications?{query}").status == 400
    unknown = call(w, "GET", "/api/notifications?entitty=order:ord_000001")
    assert (unknown.status, unknown.json()["detail"]) == (
        400,
        "GET /api/notifications has no query parameter 'entitty'; it takes entity, limit, after",
    )


def test_a_purchase_shows_what_happened_to_its_money(w):
    active = call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001")).json()["purchaseId"]
    failed = call(w, "POST", "/api/purchases", purchase_body("SBXFAULTY00000001")).json()["purchaseId"]
    assert call(w, "GET", f"/api/purchases/{active}").json()["payment"] is None
    w.run(until=HOUR)
    captured = call(w, "GET", f"/api/purchases/{active}").json()
    voided = call(w, "GET", f"/api/purchases/{failed}").json()
    assert (captured["status"], captured["payment"]["status"]) == ("ACTIVE", "CAPTURED")
    assert captured["payment"]["amount"] == 4900 and captured["payment"]["voidedAt"] is None
    assert captured["payment"]["authorizedAt"] <= captured["payment"]["capturedAt"]
    assert captured["payment"]["authorizedAt"].startswith("2026-01-01T00:00:")
    assert (voided["status"], voided["payment"]["status"]) == ("ACTIVATION_FAILED", "VOIDED")
    assert voided["payment"]["capturedAt"] is None and voided["payment"]["voidedAt"] is not None


def test_a_card_number_in_a_path_is_refused_and_never_repeated(w):
    for path in ("/api/orders/4111111111111111", "/api/nowhere/4111-1111-1111-1111"):
        answer = call(w, "GET", path)
        assert answer.status in (400, 404)
        assert "4111" not in answer.to_bytes().decode()
