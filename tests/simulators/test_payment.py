"""The payment gateway simulator: test cards, idempotency keys, card numbers refused, settlement webhooks.

The gateway answers in a fixed 5 ms and settles a fixed 45 minutes after each capture unless a test
says otherwise, so every time, id and body below is exact for the seed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, cast

import pytest

from caas_core.cards import contains_card_number
from caas_core.effects import Send
from caas_core.errors import CallTimeout
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TRANSPORTS, TransportName, attach
from simulators.kit.distributions import Fixed
from simulators.kit.service import Simulator
from simulators.payment import (
    TEST_CARDS,
    PaymentConfig,
    PaymentModel,
    create_app,
    create_simulator,
)
from simulators.payment.model import SETTLEMENT_PATH
from simulators.payment.routes import authorization_view
from tests.helpers.receiver import RecordingReceiver

SEED = 2026
BEARER = "Bearer pay-sandbox-key"
PAN_FORMS = ("4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111")
PURCHASE = {"amount": 1999, "currency": "EUR", "cardToken": "tok_success", "purchaseId": "pur-1"}
KEY_REQUIRED = "an Idempotency-Key header of 1 to 255 characters is required"
FIXED = PaymentConfig(latency=Fixed(s=0.005), settlement_delay=Fixed(s=2_700))


@dataclass
class Gateway:
    runtime: SimulatedRuntime
    simulator: Simulator
    receiver: RecordingReceiver

    @property
    def model(self) -> PaymentModel:
        return cast(PaymentModel, self.simulator.model)

    def exchange(self, method: str, path: str, **kwargs: Any) -> Exchange:
        return self.runtime.transports["payment"].handle_request(HttpRequest(method, path, **kwargs), None)

    def post(
        self, operation: str, body: Any, key: str | None = "key-1", auth: str | None = BEARER, **kwargs: Any
    ) -> HttpResponse:
        headers = kwargs.pop("headers", {})
        headers |= {"Idempotency-Key": key} if key is not None else {}
        headers |= {"Authorization": auth} if auth is not None else {}
        exchange = self.exchange("POST", f"/api/payments/{operation}", headers=headers, json=body, **kwargs)
        assert exchange.outcome == "answer" and exchange.response is not None
        return exchange.response

    def authorize(self, key: str, **changes: Any) -> dict[str, Any]:
        response = self.post("authorize", PURCHASE | changes, key)
        assert response.status == 200, response.json()
        return response.json()

    def control(self, path: str) -> Any:
        return self.exchange("GET", path).response.json()  # type: ignore[union-attr]


def gateway(transport: TransportName, config: PaymentConfig = FIXED, seed: int = SEED) -> Gateway:
    runtime = SimulatedRuntime(seed)
    simulator = attach(runtime, lambda rt: create_simulator(rt, config), transport)
    receiver = RecordingReceiver(runtime, config.webhook_secret)
    runtime.transports["core"] = receiver
    return Gateway(runtime, simulator, receiver)


@pytest.fixture(params=TRANSPORTS)
def gw(request: pytest.FixtureRequest) -> Gateway:
    return gateway(request.param)


@pytest.mark.parametrize(
    ("token", "outcome"),
    [
        ("tok_success", {"status": "AUTHORIZED"}),
        ("tok_declined", {"status": "DECLINED", "declineReason": "card_declined"}),
        ("tok_insufficient_funds", {"status": "DECLINED", "declineReason": "insufficient_funds"}),
        ("tok_settlement_fails", {"status": "AUTHORIZED"}),
    ],
)
def test_the_card_token_decides_the_authorisation(gw, token, outcome):
    body = gw.authorize("key-1", cardToken=token)
    assert body.pop("authorizationId").startswith("auth_")
    assert body == outcome | {
        "amount": 1999,
        "currency": "EUR",
        "purchaseId": "pur-1",
        "createdAt": "2026-01-01T00:00:00.000Z",
    }


def test_an_unknown_card_token_is_a_422_and_authorises_nothing(gw):
    response = gw.post("authorize", PURCHASE | {"cardToken": "tok_nope"})
    assert response.status == 422
    assert response.json()["detail"].startswith("cardToken: Input should be 'tok_success', 'tok_declined'")
    assert gw.control("/__sandbox/state")["authorizations"] == 0


def test_tok_network_error_resets_the_connection_every_time(gw):
    headers = {"Authorization": BEARER, "Idempotency-Key": "k"}
    request = {"headers": headers, "json": PURCHASE | {"cardToken": "tok_network_error"}}
    first = gw.exchange("POST", "/api/payments/authorize", **request)
    retry = gw.exchange("POST", "/api/payments/authorize", **request)
    assert (first.outcome, first.response, first.latency) == ("reset", None, 0.005)
    assert retry.outcome == "reset"
    entries = gw.control("/__sandbox/journal")["entries"]
    assert [(e["status"], e["outcome"]) for e in entries] == [(None, "reset"), (None, "reset")]
    state = gw.control("/__sandbox/state")
    assert (state["authorizations"], state["idempotency_keys"]) == (0, 0)


def test_a_replay_returns_the_first_answer_byte_for_byte(gw):
    first = gw.post("authorize", PURCHASE)
    gw.runtime.run(until=10)
    reordered = dict(reversed(list(PURCHASE.items())))  # same request, keys in another order
    replay = gw.post("authorize", reordered)
    assert (replay.status, replay.to_bytes()) == (first.status, first.to_bytes())
    assert (first.header("Idempotent-Replayed"), replay.header("Idempotent-Replayed")) == (None, "true")
    state = gw.control("/__sandbox/state")
    assert (state["authorizations"], state["idempotent_replays"]) == (1, 1)


def test_a_key_reused_with_another_body_is_a_422_and_keys_are_scoped_per_route(gw):
    authorization = gw.authorize("shared")
    reused = gw.post("authorize", PURCHASE | {"amount": 2000}, "shared")
    assert (reused.status, reused.json()["detail"]) == (
        422,
        "this Idempotency-Key was already used on authorize with a different request",
    )
    captured = gw.post("capture", {"authorizationId": authorization["authorizationId"]}, "shared")
    assert captured.status == 200
    assert gw.control("/__sandbox/state")["authorizations"] == 1


@pytest.mark.parametrize("key", [None, ""])
@pytest.mark.parametrize("operation", ["authorize", "capture", "void"])
def test_every_payment_call_needs_an_idempotency_key(gw, operation, key):
    response = gw.post(operation, PURCHASE if operation == "authorize" else {"authorizationId": "x"}, key)
    assert (response.status, response.json()["detail"]) == (400, KEY_REQUIRED)
    assert gw.control("/__sandbox/state")["authorizations"] == 0


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"purchaseId": "4111 1111 1111 1111"}, "body.purchaseId"),
        ({"purchaseId": "paid 2026-01-01 4111-1111-1111-1111"}, "body.purchaseId"),
        ({"cardToken": "4111111111111111"}, "body.cardToken"),
        ({"purchaseId": 4111111111111111}, "body.purchaseId"),
        ({"meta": {"notes": ["x", "card 4111111111111111"]}}, "body.meta.notes[1]"),
        ({"meta": {"4111111111111111": "x"}}, "a key of body.meta"),
        ({"query": {"card": "4111 1111 1111 1111"}}, "query parameter card"),
    ],
)
def test_a_raw_card_number_is_refused_and_kept_nowhere(gw, caplog, change, where):
    caplog.set_level(logging.DEBUG)
    change = dict(change)  # the parameters are shared by both transports
    query = change.pop("query", {})
    response = gw.post("authorize", PURCHASE | change, query=query)
    assert response.status == 400 and response.json()["detail"].startswith(f"{where} holds a raw card number")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "simulators.payment.routes",
            "WARNING",
            f"payment authorize refused: a raw card number in {where}; nothing was stored",
        )
    ]
    kept = [
        response.to_bytes().decode(),
        json.dumps(gw.control("/__sandbox/journal")),
        json.dumps(gw.control("/__sandbox/state")),
        caplog.text,
    ]
    assert not [form for form in PAN_FORMS for text in kept if form in text]
    assert gw.control("/__sandbox/state")["idempotency_keys"] == 0


def test_a_card_number_in_the_trace_header_is_redacted_in_the_journal(gw):
    response = gw.post("authorize", PURCHASE, headers={"X-Trace-Id": "t-4111111111111111"})
    assert response.status == 200
    assert gw.control("/__sandbox/journal")["entries"][0]["trace_id"] == "t-[card number removed]"


def test_a_digit_run_failing_luhn_is_not_a_card(gw):
    assert gw.authorize("key-1", purchaseId="4111 1111 1111 1112")["purchaseId"] == "4111 1111 1111 1112"


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("4111111111111111", True),
        ("5500-0000-0000-0004", True),
        ("378282246310005", True),  # 15 digits (Amex)
        ("x4111111111111111y", True),
        ("4111111111111112", False),  # Luhn fails
        ("411111111111", False),  # 12 digits
        ("41111111111111111111111", False),  # 23 unbroken digits: an identifier
        ("2026-01-01", False),
        ("auth_xlwyekusydypryih", False),
    ],
)
def test_card_number_detection(text, card):
    assert contains_card_number(text) is card


@pytest.mark.parametrize("auth", [None, "Bearer wrong-key", "Basic pay-sandbox-key", "pay-sandbox-key"])
def test_a_missing_or_wrong_api_key_is_a_401(gw, auth):
    response = gw.post("authorize", PURCHASE, auth=auth)
    assert response.status == 401 and response.header("WWW-Authenticate") == 'Bearer realm="payment"'
    assert gw.control("/__sandbox/state")["authorizations"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 0},
        {"amount": -5},
        {"amount": 19.99},
        {"amount": "1999"},
        {"amount": True},
        {"currency": "eur"},
        {"currency": "EURO"},
        {"purchaseId": ""},
        {"surprise": 1},
    ],
)
def test_an_invalid_body_is_a_422_and_is_not_remembered(gw, change):
    assert gw.post("authorize", PURCHASE | change).status == 422
    assert gw.post("authorize", PURCHASE).status == 200  # the same key is still free


@pytest.mark.parametrize("currency", ["ABC", "XTS", "XAU", "HRK"])
def test_a_currency_not_in_iso_4217_is_a_422_that_names_it(gw, currency):
    response = gw.post("authorize", PURCHASE | {"currency": currency})
    assert response.status == 422 and response.header("Content-Type") == "application/problem+json"
    assert (
        response.json()["detail"]
        == f"currency: {currency!r} is not an ISO 4217 currency code, such as EUR or USD"
    )
    assert response.json()["field"] == "currency"
    assert gw.control("/__sandbox/state")["authorizations"] == 0


@pytest.mark.parametrize("currency", ["USD", "JPY", "GBP", "XOF", "ZWG"])
def test_any_iso_4217_currency_is_authorised(gw, currency):
    assert gw.post("authorize", PURCHASE | {"currency": currency}).json()["currency"] == currency


def test_a_capture_settles_by_a_signed_webhook_at_the_exact_time(gw):
    authorization = gw.authorize("a")
    gw.runtime.run(until=60)
    capture = gw.post("capture", {"authorizationId": authorization["authorizationId"]}, "c").json()
    assert capture["status"] == "CAPTURED" and capture["createdAt"] == "2026-01-01T00:01:00.000Z"
    gw.runtime.run(until=60 + 2_700 - 0.001)
    assert gw.receiver.received == []
    gw.runtime.run(until=10_000)
    [webhook] = gw.receiver.received
    assert (webhook.t, webhook.path, webhook.signature_ok) == (2_760.0, SETTLEMENT_PATH, True)
    assert webhook.payload == {
        "type": "payment.settlement",
        "timestamp": "2026-01-01T00:46:00Z",
        "data": {
            "authorizationId": authorization["authorizationId"],
            "captureId": capture["captureId"],
            "purchaseId": "pur-1",
            "status": "SETTLED",
            "amount": 1999,
            "currency": "EUR",
        },
    }
    [delivery] = gw.control("/__sandbox/webhooks")["deliveries"]
    assert (delivery["t"], delivery["message_id"], delivery["outcome"]) == (
        2_760.0,
        webhook.message_id,
        "delivered 200",
    )
    assert gw.control("/__sandbox/state")["settlements"] == {"PENDING": 0, "SETTLED": 1, "FAILED": 0}


@pytest.mark.parametrize(
    ("token", "rate", "reason"),
    [("tok_settlement_fails", 0.0, "issuer_rejected"), ("tok_success", 1.0, "processing_error")],
)
def test_settlements_fail_for_the_failing_card_and_at_the_failure_rate(token, rate, reason):
    gw = gateway("fast", FIXED.model_copy(update={"settlement_failure_rate": rate}))
    authorization = gw.authorize("a", cardToken=token)
    assert gw.post("capture", {"authorizationId": authorization["authorizationId"]}, "c").status == 200
    gw.runtime.run(until=10_000)
    [webhook] = gw.receiver.received
    assert (webhook.t, webhook.payload["data"]["status"]) == (2_700.0, "FAILED")
    assert webhook.payload["data"]["failureReason"] == reason
    assert gw.control("/__sandbox/state")["settlements"] == {"PENDING": 0, "SETTLED": 0, "FAILED": 1}


def test_void_and_the_moves_the_lifecycle_refuses(gw):
    voided = gw.authorize("a1")["authorizationId"]
    declined = gw.authorize("a2", cardToken="tok_declined")["authorizationId"]
    captured = gw.authorize("a3")["authorizationId"]
    assert gw.post("void", {"authorizationId": voided}, "v1").json() == {
        "authorizationId": voided,
        "status": "VOIDED",
        "amount": 1999,
        "currency": "EUR",
        "purchaseId": "pur-1",
        "voidedAt": "2026-01-01T00:00:00.000Z",
    }
    assert gw.post("capture", {"authorizationId": captured, "amount": 2_000}, "c0").status == 422
    assert gw.post("capture", {"authorizationId": captured, "amount": 1_000}, "c1").json()["amount"] == 1_000
    refused = [
        ("capture", voided),
        ("void", voided),
        ("capture", declined),
        ("void", declined),
        ("capture", captured),
        ("void", captured),
        ("capture", "auth_unknown"),
        ("void", "auth_unknown"),
    ]
    answers = [gw.post(op, {"authorizationId": auth}, f"r{i}") for i, (op, auth) in enumerate(refused)]
    assert [answer.status for answer in answers] == [409, 409, 409, 409, 409, 409, 404, 404]
    assert [answer.json()["detail"] for answer in answers[:2]] == [
        "cannot capture an authorization that is VOIDED",
        "cannot void an authorization that is VOIDED",
    ]
    assert gw.control("/__sandbox/state")["authorizations_by_status"] == {
        "AUTHORIZED": 0,
        "DECLINED": 1,
        "CAPTURED": 1,
        "VOIDED": 1,
    }
    gw.runtime.run(until=10_000)
    assert [w.payload["data"]["amount"] for w in gw.receiver.received] == [1_000]


def test_a_timed_out_authorisation_is_replayed_on_retry_never_doubled(gw):
    fault = {"route": "POST /api/payments/authorize", "latency": {"dist": "fixed", "ms": 50}, "first_n": 1}
    assert gw.exchange("POST", "/__sandbox/faults", json=fault).response.status == 201
    request = HttpRequest(
        "POST", "/api/payments/authorize", {"Authorization": BEARER, "Idempotency-Key": "k"}, json=PURCHASE
    )

    def client():
        answers = []
        for _ in range(3):
            try:
                answers.append((yield Send("payment", request, timeout=0.01)))
            except CallTimeout:
                answers.append(None)
        return answers

    handle = gw.runtime.spawn(client())
    gw.runtime.run(until=1)
    timed_out, replay, again = handle.result()
    assert timed_out is None and replay.status == 200 and replay.to_bytes() == again.to_bytes()
    [only] = gw.model.authorizations.values()  # the server authorised on arrival of the timed-out call
    assert replay.json() == authorization_view(gw.model, only)  # the first answer, made at t=0
    assert replay.json()["createdAt"] == "2026-01-01T00:00:00.000Z"
    entries = gw.control("/__sandbox/journal")["entries"]
    assert [(e["status"], e["latency_s"]) for e in entries] == [(200, 0.05), (200, 0.005), (200, 0.005)]
    assert [e["t"] for e in entries] == pytest.approx([0.0, 0.01, 0.015])
    state = gw.control("/__sandbox/state")
    assert (state["authorizations"], state["idempotent_replays"]) == (1, 2)


def run_script(transport: TransportName) -> dict[str, Any]:
    """A mixed day at the gateway with the default latency and settlement distributions."""
    gw = gateway(transport, PaymentConfig(settlement_failure_rate=0.5), seed=7)
    answers: list[Any] = []
    for i, token in enumerate([*TEST_CARDS, "tok_success", "tok_nope"]):
        change = {"cardToken": token, "purchaseId": f"pur-{i}"}
        sent = gw.exchange(
            "POST",
            "/api/payments/authorize",
            headers={"Authorization": BEARER, "Idempotency-Key": f"a{i}"},
            json=PURCHASE | change,
        )
        answers.append((sent.outcome, sent.latency, sent.response and sent.response.to_bytes()))
        if sent.response is not None and sent.response.status == 200:
            operation = "void" if i == 5 else "capture"
            body = {"authorizationId": sent.response.json()["authorizationId"]}
            for key in (f"c{i}", f"c{i}", f"again{i}"):  # the call, its replay, the call again: a 409
                answers.append(gw.post(operation, body, key).to_bytes())
        gw.runtime.run(until=gw.runtime.now() + 30)
    gw.runtime.run(until=8 * 86_400)
    return {
        "answers": answers,
        "webhooks": [(w.t, w.message_id, w.signature_ok, w.payload) for w in gw.receiver.received],
        "journal": gw.control("/__sandbox/journal"),
        "state": gw.control("/__sandbox/state"),
    }


def test_fast_and_wire_give_identical_results():
    fast, wire = run_script("fast"), run_script("wire")
    assert fast == wire
    # Settlement comes minutes to hours after the capture, signed, the earlier one first.
    assert [
        (round(t, 3), m, ok, w["data"]["purchaseId"], w["data"]["status"]) for t, m, ok, w in fast["webhooks"]
    ] == [
        (2185.614, "msg_payment_00000001_bd980171", True, "pur-4", "FAILED"),
        (31861.277, "msg_payment_00000002_7419339f", True, "pur-0", "SETTLED"),
    ]


def test_reset_forgets_everything_and_cancels_pending_settlements(gw):
    authorization = gw.authorize("a")
    assert gw.post("capture", {"authorizationId": authorization["authorizationId"]}, "c").status == 200
    assert gw.exchange("POST", "/__sandbox/reset").response.status == 204
    gw.runtime.run(until=10_000)
    assert gw.receiver.received == []
    assert gw.authorize("a")["authorizationId"] != authorization["authorizationId"]  # the key is free again


def test_the_openapi_document_describes_every_payment_route(gw):
    document = gw.control("/openapi.json")
    assert document["components"]["securitySchemes"]["bearerApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "the gateway API key: 'Authorization: Bearer pay-sandbox-key' in the sandbox",
    }
    expected = {
        "authorize": {"200", "400", "401", "405", "422"},
        "capture": {"200", "400", "401", "404", "405", "409", "422"},
        "void": {"200", "400", "401", "404", "405", "409", "422"},
    }
    for operation, statuses in expected.items():
        spec = document["paths"][f"/api/payments/{operation}"]["post"]
        assert spec["summary"] and spec["security"] == [{"bearerApiKey": []}]
        assert set(spec["responses"]) == statuses
        assert spec["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("Request")
        assert [(p["name"], p["in"], p["required"]) for p in spec["parameters"]] == [
            ("Idempotency-Key", "header", True)
        ]
    authorize = document["components"]["schemas"]["AuthorizeRequest"]["properties"]
    assert authorize["cardToken"]["enum"] == list(TEST_CARDS)
    amount = authorize["amount"]
    assert (amount["type"], amount["exclusiveMinimum"]) == ("integer", 0) and "minor units" in amount[
        "description"
    ]
    assert "paymentSettlement" in document["webhooks"]
    assert "/__sandbox/webhooks" in document["paths"]
    assert all(token in document["info"]["description"] for token in TEST_CARDS)


def test_the_flask_app_holds_the_payment_simulator():
    app = create_app(SimulatedRuntime(SEED), FIXED)
    assert app.extensions["simulator"].name == "payment"
    answer = app.test_client().post(
        "/api/payments/authorize", json=PURCHASE, headers={"Authorization": BEARER}
    )
    assert (answer.status_code, answer.get_json()["detail"]) == (400, KEY_REQUIRED)


def test_a_whole_number_written_as_a_float_is_an_amount(gw):
    assert gw.authorize("key-1", amount=1999.0)["amount"] == 1999
