"""Message contracts caas-webhooks -> factory-api and payment-gateway: the webhooks CaaS takes.

Each message is handed to the core's own webhook receipt (`CaasCore.receive_webhook`), signature check
and all, on a store that knows the order or payment it is about; the test asserts what the core did.
The Standard Webhooks headers travel as message metadata, pinned by format: the example signature is a
real one for the example body at the example time, which is the simulated runtime's epoch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pact import Pact, match

from caas_core.domain.records import Order, Payment
from caas_core.policies import load_policies
from caas_core.service import CaasCore
from caas_core.webhooks.receiver import HEADERS
from caas_core.wiring import build_core
from contracts import states
from httpkit.messages import HttpRequest
from runtimes.simulated import SimulatedRuntime
from tests.contracts.examples import JSON, amount, example, identifier, timestamp, webhook_metadata

FACTORY_ORDER = "ord_000001"
AUTHORIZATION = "auth_qwertyuiopasdfgh"
PURCHASE = "pur_000042"


def core_knowing(*records: Order | Payment) -> CaasCore:
    core = build_core(SimulatedRuntime(3), load_policies())
    with core.store.transaction():
        for record in records:
            core.store.insert(record)
    return core


def receive(core: CaasCore, source: str, path: str, outcomes: list[str]):
    """The message handler: the message as the HTTP request it arrives in, through the core's receipt."""

    def handle(body: str | bytes | None, metadata: dict[str, Any]) -> None:
        headers = {name: str(metadata[name]) for name in HEADERS}
        assert body is not None
        request = HttpRequest("POST", path, headers=headers, json=json.loads(body), remote_addr="127.0.0.1")
        response = core.receive_webhook(source, request)
        assert response.status == 200, response.json()
        outcomes.append(response.json()["outcome"])

    return handle


def test_an_order_status_change_moves_the_order(pact_dir: Path):
    pact = Pact(states.WEBHOOK_CONSUMER, states.FACTORY)
    payload = {
        "type": "order.status_changed",
        "timestamp": timestamp("2026-01-01T00:00:00Z"),
        "data": {
            "orderId": identifier(FACTORY_ORDER),
            "status": "MANUFACTURING",
            "previousStatus": "ACCEPTED",
            "occurredAt": timestamp("2026-01-01T00:00:00Z"),
            "sequence": match.int(2),
        },
    }
    (
        pact.upon_receiving("an order status change webhook", "Async")
        .given(
            states.ORDER_MOVES,
            orderId=FACTORY_ORDER,
            previousStatus="ACCEPTED",
            status="MANUFACTURING",
            sequence=2,
        )
        .with_body(payload, JSON)
        .with_metadata(webhook_metadata("factory", "msg_factory_00000001_9f86d081", example(payload)))
    )
    order = Order(
        "ord_000042", "ana@example.com", "ES", "{}", "{}", "ACCEPTED", "0" * 32, 0.0, 0.0, FACTORY_ORDER, 1
    )
    core, outcomes = core_knowing(order), []
    pact.verify(receive(core, "factory", "/webhooks/factory/status", outcomes), "Async")
    pact.write_file(pact_dir)
    assert outcomes == ["applied"]
    moved = core.store.get(Order, "ord_000042")
    assert moved is not None and (moved.status, moved.factory_sequence) == ("MANUFACTURING", 2)


def settlement(description: str, status: str, **extra: Any) -> Pact:
    pact = Pact(states.WEBHOOK_CONSUMER, states.PAYMENT)
    data = {
        "authorizationId": identifier(AUTHORIZATION),
        "captureId": identifier("cap_zxcvbnmlkjhgfdsa"),
        "purchaseId": identifier(PURCHASE),
        "status": status,
        "amount": amount(4900),
        "currency": "EUR",
        **extra,
    }
    payload = {"type": "payment.settlement", "timestamp": timestamp("2026-01-01T00:00:00.000Z"), "data": data}
    params = {"purchaseId": PURCHASE, "amount": 4900, "currency": "EUR", "status": status}
    if "failureReason" in extra:
        params["failureReason"] = example(extra["failureReason"])
    (
        pact.upon_receiving(description, "Async")
        .given(states.CAPTURE_SETTLES, params)
        .with_body(payload, JSON)
        .with_metadata(webhook_metadata("payment", "msg_payment_00000001_3c2d1e0f", example(payload)))
    )
    return pact


def captured_payment() -> Payment:
    return Payment(AUTHORIZATION, PURCHASE, 4900, "EUR", "CAPTURED", "PENDING", 0.0, captures=1)


def test_a_settled_capture_is_recorded_as_settled(pact_dir: Path):
    pact = settlement("a settlement webhook for a settled capture", "SETTLED")
    core, outcomes = core_knowing(captured_payment()), []
    pact.verify(receive(core, "payment", "/webhooks/payment/settlement", outcomes), "Async")
    pact.write_file(pact_dir)
    payment = core.store.get(Payment, AUTHORIZATION)
    assert outcomes == ["applied"] and payment is not None and payment.settlement == "SETTLED"
    assert core.store.alerts("ops") == []


def test_a_failed_settlement_alerts_operations_with_the_money_at_risk(pact_dir: Path):
    pact = settlement(
        "a settlement webhook for a failed capture", "FAILED", failureReason=identifier("issuer_rejected")
    )
    core, outcomes = core_knowing(captured_payment()), []
    pact.verify(receive(core, "payment", "/webhooks/payment/settlement", outcomes), "Async")
    pact.write_file(pact_dir)
    payment = core.store.get(Payment, AUTHORIZATION)
    assert outcomes == ["applied"] and payment is not None and payment.settlement == "FAILED"
    [alert] = core.store.alerts("ops")
    assert "issuer_rejected" in alert.reason and "4900 EUR" in alert.reason
