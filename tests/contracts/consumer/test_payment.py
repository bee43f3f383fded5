"""Consumer contract caas-core -> payment-gateway: authorise, decline, capture and void, as
PaymentGatewayAdapter calls them (bearer API key, one Idempotency-Key per purchase and operation)."""

from __future__ import annotations

import pytest
from pact import Pact

from caas_core.adapters import PaymentGatewayAdapter
from caas_core.adapters.integration import Integration
from caas_core.config import SANDBOX_PAYMENT_API_KEY
from caas_core.policies import load_policies
from caas_core.telemetry import Telemetry
from contracts import states
from tests.contracts.examples import JSON, amount, header, identifier

pytestmark = pytest.mark.live

PURCHASE = "pur_000042"
AUTHORIZATION = "auth_qwertyuiopasdfgh"
PRICE = 4900


def adapter() -> PaymentGatewayAdapter:
    return PaymentGatewayAdapter(
        Integration("payment", load_policies().payment, Telemetry()), SANDBOX_PAYMENT_API_KEY
    )


def call(pact: Pact, description: str, path: str, operation: str, body: dict[str, object]):
    return (
        pact.upon_receiving(description)
        .with_request("POST", path)
        .with_headers(
            {
                "Authorization": header(f"Bearer {SANDBOX_PAYMENT_API_KEY}", r"^Bearer \S+$"),
                "Idempotency-Key": header(f"{PURCHASE}:{operation}", rf"^\S+:{operation}$"),
            }
        )
        .with_body(body, JSON)
    )


def authorize(pact: Pact, description: str, card: str):
    body = {"amount": amount(PRICE), "currency": "EUR", "cardToken": card, "purchaseId": identifier(PURCHASE)}
    return call(pact, description, "/api/payments/authorize", "authorize", body)


def authorized() -> dict[str, object]:
    return {
        "authorizationId": AUTHORIZATION,
        "status": "AUTHORIZED",
        "amount": PRICE,
        "currency": "EUR",
        "purchaseId": PURCHASE,
    }


def test_an_approved_card_is_authorized(runtime, serve):
    pact = Pact(states.CONSUMER, states.PAYMENT)
    authorize(pact, "an authorisation on an approved card", "tok_success").given(
        states.CARD_APPROVED, cardToken="tok_success"
    ).will_respond_with(200).with_body(
        {"authorizationId": identifier(AUTHORIZATION), "status": "AUTHORIZED"}, JSON
    )
    with serve(pact, "payment"):
        done = runtime.spawn(adapter().authorize(PURCHASE, PRICE, "EUR", "tok_success")).result(30)
    assert (done.authorization_id, done.approved, done.decline_reason) == (AUTHORIZATION, True, None)


def test_a_declined_card_is_a_decline_with_its_reason(runtime, serve):
    pact = Pact(states.CONSUMER, states.PAYMENT)
    authorize(pact, "an authorisation on a declined card", "tok_declined").given(
        states.CARD_DECLINED, cardToken="tok_declined", declineReason="card_declined"
    ).will_respond_with(200).with_body(
        {
            "authorizationId": identifier(AUTHORIZATION),
            "status": "DECLINED",
            "declineReason": identifier("card_declined"),
        },
        JSON,
    )
    with serve(pact, "payment"):
        done = runtime.spawn(adapter().authorize(PURCHASE, PRICE, "EUR", "tok_declined")).result(30)
    assert (done.authorization_id, done.approved, done.decline_reason) == (None, False, "card_declined")


def test_an_authorization_is_captured(runtime, serve):
    pact = Pact(states.CONSUMER, states.PAYMENT)
    body = {"authorizationId": AUTHORIZATION, "amount": amount(PRICE)}
    call(pact, "a capture of an authorisation", "/api/payments/capture", "capture", body).given(
        states.AUTHORIZATION_EXISTS, authorized()
    ).will_respond_with(200).with_body(
        {
            "captureId": identifier("cap_zxcvbnmlkjhgfdsa"),
            "authorizationId": AUTHORIZATION,
            "status": "CAPTURED",
            "amount": amount(PRICE),
        },
        JSON,
    )
    with serve(pact, "payment"):
        done = runtime.spawn(adapter().capture(AUTHORIZATION, PRICE, PURCHASE)).result(30)
    assert (done.capture_id, done.authorization_id, done.amount) == (
        "cap_zxcvbnmlkjhgfdsa",
        AUTHORIZATION,
        PRICE,
    )


def test_an_authorization_is_voided(runtime, serve):
    pact = Pact(states.CONSUMER, states.PAYMENT)
    body = {"authorizationId": AUTHORIZATION}
    call(pact, "a void of an authorisation", "/api/payments/void", "void", body).given(
        states.AUTHORIZATION_EXISTS, authorized()
    ).will_respond_with(200).with_body({"authorizationId": AUTHORIZATION, "status": "VOIDED"}, JSON)
    with serve(pact, "payment"):
        assert runtime.spawn(adapter().void(AUTHORIZATION, PURCHASE)).result(30) is None
