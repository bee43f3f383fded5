"""Genuine webhooks whose data the core cannot use: refused with a 422 problem, not remembered, no change."""

from __future__ import annotations

from typing import Any

import pytest

from caas_core.config import SANDBOX_FACTORY_SECRET, SANDBOX_PAYMENT_SECRET
from caas_core.domain.records import Order, Payment, Purchase
from httpkit.messages import HttpRequest, HttpResponse
from scenarios.world import build_world
from tests.helpers.webhooks import webhook_headers
from tests.helpers.world import CONFIGS, call, order_body, signed_webhook


def world():
    return build_world(5, "fast", configs=CONFIGS)


def snapshot(w) -> tuple[list[dict[str, Any]], ...]:
    store = w.core.store
    return tuple(
        [r.as_dict() for r in records]
        for records in (store.all(Order), store.all(Payment), store.notifications(), store.alerts())
    )


def deliver(w, request: HttpRequest) -> HttpResponse:
    response = w.runtime.transports["core"].handle_request(request, None).response
    assert response is not None
    return response


def assert_refused(w, request: HttpRequest, detail: str) -> None:
    before = snapshot(w)
    answer = deliver(w, request)
    assert answer.status == 422
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.json()["detail"] == f"webhook data: {detail}"
    assert not w.core.store.webhook_seen(request.header("webhook-id") or "")
    assert snapshot(w) == before


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"status": "SHIPPED"}, "status: Input should be 'ACCEPTED', 'MANUFACTURING', 'DELAYED' or 'READY'"),
        ({"sequence": 0}, "sequence: Input should be greater than or equal to 1"),
        ({"orderId": ""}, "orderId: String should have at least 1 character"),
    ],
)
def test_a_factory_update_with_an_unusable_value_is_refused_and_can_be_sent_again(change, detail):
    w = world()
    call(w, "POST", "/api/orders", order_body("ES"))
    w.run(until=60)
    factory_id = w.core.store.get(Order, "ord_000001").factory_order_id
    update = {"orderId": factory_id, "status": "MANUFACTURING", "sequence": 2}
    epoch = w.runtime.epoch + 60
    assert_refused(w, signed_webhook(SANDBOX_FACTORY_SECRET, "msg_1", {**update, **change}, epoch), detail)
    # Not remembered: the same id with usable data is applied.
    answer = deliver(w, signed_webhook(SANDBOX_FACTORY_SECRET, "msg_1", update, epoch))
    assert answer.json() == {"webhookId": "msg_1", "duplicate": False, "outcome": "applied"}
    assert w.core.store.get(Order, "ord_000001").status == "MANUFACTURING"


def test_a_settlement_still_pending_is_refused_rather_than_taken_for_a_failure():
    w = world()
    body = {"vin": "SBXHEALTHY0000001", "serviceId": "enhanced-power", "cardToken": "tok_success"}
    call(w, "POST", "/api/purchases", body)
    w.run(until=600)  # captured; the gateway settles 1,800 s later
    authorization = w.core.store.get(Purchase, "pur_000001").authorization_id
    assert w.core.store.get(Payment, authorization).settlement == "PENDING"
    payload = {
        "type": "payment.settlement",
        "timestamp": "2026-01-01T00:00:00Z",
        "data": {"authorizationId": authorization, "status": "PENDING"},
    }
    headers = webhook_headers(SANDBOX_PAYMENT_SECRET, "msg_pending", payload, w.runtime.epoch + 600)
    request = HttpRequest("POST", "/webhooks/payment/settlement", headers=headers, json=payload)
    assert_refused(w, request, "status: Input should be 'SETTLED' or 'FAILED'")
    assert w.core.store.alerts("ops") == []
