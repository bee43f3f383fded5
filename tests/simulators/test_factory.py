"""The Factory simulator: orders over HTTP, the production timeline, and its signed status webhooks.

Timelines use fixed durations (accepted at 0 s, MANUFACTURING at 3,600 s, READY at 90,000 s), so every
time, sequence number and date below is exact for the seed.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from pydantic import ValidationError

from httpkit.messages import HttpRequest, HttpResponse
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TRANSPORTS, TransportName, attach
from simulators.factory import FactoryConfig, create_simulator
from simulators.factory.model import FactoryModel
from simulators.factory.routes import OrderAccepted, OrderView
from simulators.kit.distributions import Fixed
from simulators.kit.fleet import check_digit
from simulators.kit.service import Simulator
from simulators.kit.webhooks import DeliveryPolicy
from tests.helpers.openapi import CONTROL_OPERATIONS
from tests.helpers.receiver import RecordingReceiver

SEED = 2026
KEY = "factory-sandbox-key"
SPEC = {
    "model": "TOURER",
    "trim": "LUXURY",
    "colour": "BLUE",
    "options": ["SUNROOF", "TOW_BAR"],
    "country": "FR",
}
ORDER = {"vehicleSpec": SPEC, "customerReference": "cust-42"}
FIXED = FactoryConfig(
    queue_time=Fixed(s=3_600),
    build_time=Fixed(s=86_400),
    delay_probability=0,
    latency=Fixed(s=0.05),
    delivery=DeliveryPolicy(max_attempts=4, initial_backoff_s=10, multiplier=2, timeout_s=5),
)
FINISHED = 200_000.0  # well after every fixed timeline and its retries


class Harness:
    def __init__(self, transport: TransportName = "fast", config: FactoryConfig = FIXED, seed: int = SEED):
        self.runtime = SimulatedRuntime(seed)
        self.sim: Simulator = attach(self.runtime, lambda rt: create_simulator(rt, config), transport)
        self.receiver = RecordingReceiver(self.runtime, config.webhook_secret)
        self.runtime.transports["core"] = self.receiver

    @property
    def model(self) -> FactoryModel:
        return cast(FactoryModel, self.sim.model)

    def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        key: str | None = KEY,
        query: dict[str, str] | None = None,
        **headers: str,
    ) -> HttpResponse:
        if key is not None:
            headers["X-API-Key"] = key
        request = HttpRequest(method, path, headers, query or {}, json=json)
        exchange = self.runtime.transports["factory"].handle_request(request, None)
        assert exchange.response is not None
        return exchange.response

    def place(self, body: dict[str, Any] = ORDER) -> str:
        response = self.call("POST", "/api/v1/orders", body)
        assert response.status == 201
        return response.json()["orderId"]

    def webhooks(self) -> list[tuple[float, str, str, int, bool]]:
        return [
            (
                r.t,
                r.payload["data"]["status"],
                r.payload["data"]["previousStatus"],
                r.payload["data"]["sequence"],
                r.signature_ok,
            )
            for r in self.receiver.received
        ]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_order_is_accepted_with_its_estimated_completion(transport):
    harness = Harness(transport)
    response = harness.call("POST", "/api/v1/orders", ORDER)
    assert response.status == 201
    assert response.header("Location") == "/api/v1/orders/ord_000001"
    body = response.json()
    assert body == {
        "orderId": "ord_000001",
        "status": "ACCEPTED",
        "estimatedCompletionDate": "2026-01-02T01:00:00Z",
    }
    OrderAccepted.model_validate(body)
    assert harness.place() == "ord_000002"


@pytest.mark.parametrize(
    ("change", "field", "detail"),
    [
        (
            {"model": "ROADSTER"},
            "vehicleSpec.model",
            "vehicleSpec.model: Input should be 'CITY', 'TOURER' or 'SUV'",
        ),
        (
            {"model": "CITY"},
            "vehicleSpec.trim",
            "vehicleSpec.trim: LUXURY is not offered on CITY; choose one of BASE, STYLE",
        ),
        (
            {"colour": "PINK"},
            "vehicleSpec.colour",
            "vehicleSpec.colour: Input should be 'WHITE', 'BLACK', 'SILVER', 'RED', 'BLUE' or 'GREEN'",
        ),
        (
            {"options": ["SUNROOF", "SUNROOF"]},
            "vehicleSpec.options",
            "vehicleSpec.options: each option may be listed once",
        ),
        (
            {"options": ["ROOF_RAILS"]},
            "vehicleSpec.options",
            "vehicleSpec.options: ROOF_RAILS not offered on TOURER",
        ),
        (
            {"options": ["JETPACK"]},
            "vehicleSpec.options.0",
            "vehicleSpec.options.0: Input should be 'HEAT_PUMP', 'PREMIUM_AUDIO', 'WINTER_PACK', "
            "'SUNROOF', 'TOW_BAR' or 'ROOF_RAILS'",
        ),
        (
            {"country": "GB"},
            "vehicleSpec.country",
            "vehicleSpec.country: Input should be 'ES', 'FR', 'DE', 'IT' or 'PT'",
        ),
        ({"wheels": 5}, "vehicleSpec.wheels", "vehicleSpec.wheels: Extra inputs are not permitted"),
    ],
)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_spec_outside_the_catalogue_is_a_422_naming_the_field(transport, change, field, detail):
    harness = Harness(transport)
    response = harness.call("POST", "/api/v1/orders", {**ORDER, "vehicleSpec": {**SPEC, **change}})
    assert response.status == 422
    assert response.header("Content-Type") == "application/problem+json"
    problem = response.json()
    assert problem["field"] == field
    assert problem["detail"] == detail
    assert harness.model.orders == {}


def test_a_missing_customer_reference_or_body_is_refused():
    harness = Harness("wire")
    missing = harness.call("POST", "/api/v1/orders", {"vehicleSpec": SPEC})
    assert (missing.status, missing.json()["field"]) == (422, "customerReference")
    no_body = harness.call("POST", "/api/v1/orders")
    assert (no_body.status, no_body.json()["detail"]) == (400, "the request needs a JSON body")


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("key", [None, "wrong-key", ""])
def test_a_missing_or_wrong_api_key_is_a_401_before_anything_else(transport, key):
    harness = Harness(transport)
    harness.place()
    for method, path, body in (("POST", "/api/v1/orders", ORDER), ("GET", "/api/v1/orders/ord_000001", None)):
        response = harness.call(method, path, body, key=key)
        assert response.status == 401
        assert response.json()["detail"] == "a valid X-API-Key header is required"
    assert harness.call("GET", "/api/v1/orders/nope", key=key).status == 401  # no hint whether it exists
    assert list(harness.model.orders) == ["ord_000001"]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_unknown_order_is_a_404(transport):
    response = Harness(transport).call("GET", "/api/v1/orders/ord_999999")
    assert (response.status, response.json()["detail"]) == (404, "no order with id ord_999999")


def test_the_timeline_and_its_webhooks_are_exact():
    harness = Harness()
    order_id = harness.place()
    harness.runtime.run(until=FINISHED)
    assert harness.webhooks() == [
        (3_600.0, "MANUFACTURING", "ACCEPTED", 2, True),
        (90_000.0, "READY", "MANUFACTURING", 3, True),
    ]
    first = harness.receiver.received[0]
    assert first.path == "/webhooks/factory/status"
    assert first.payload["type"] == "order.status_changed"
    assert first.payload["data"] == {
        "orderId": order_id,
        "status": "MANUFACTURING",
        "previousStatus": "ACCEPTED",
        "occurredAt": "2026-01-01T01:00:00Z",
        "sequence": 2,
    }
    body = harness.call("GET", f"/api/v1/orders/{order_id}").json()
    OrderView.model_validate(body)
    assert body == {
        "orderId": "ord_000001",
        "status": "READY",
        "sequence": 3,
        "vehicleSpec": SPEC,
        "customerReference": "cust-42",
        "estimatedCompletionDate": "2026-01-02T01:00:00Z",
        "vin": "VSXT2LFS1TM000001",
        "history": [
            {"status": "ACCEPTED", "at": "2026-01-01T00:00:00Z", "sequence": 1},
            {"status": "MANUFACTURING", "at": "2026-01-01T01:00:00Z", "sequence": 2},
            {"status": "READY", "at": "2026-01-02T01:00:00Z", "sequence": 3},
        ],
    }
    assert check_digit(body["vin"]) == body["vin"][8]


def test_the_vin_is_assigned_only_when_ready():
    harness = Harness()
    order_id = harness.place()
    harness.runtime.run(until=89_999)
    body = harness.call("GET", f"/api/v1/orders/{order_id}").json()
    assert (body["status"], body["vin"]) == ("MANUFACTURING", None)


def test_delays_loop_up_to_max_delays_and_push_the_estimate_out():
    config = FIXED.model_copy(
        update={"delay_probability": 1.0, "max_delays": 2, "delay_time": Fixed(s=7_200)}
    )
    harness = Harness(config=config)
    order_id = harness.place()
    harness.runtime.run(until=FINISHED)
    assert harness.webhooks() == [
        (3_600.0, "MANUFACTURING", "ACCEPTED", 2, True),
        (43_249.0, "DELAYED", "MANUFACTURING", 3, True),
        (50_449.0, "MANUFACTURING", "DELAYED", 4, True),
        (88_116.0, "DELAYED", "MANUFACTURING", 5, True),
        (95_316.0, "MANUFACTURING", "DELAYED", 6, True),
        (104_400.0, "READY", "MANUFACTURING", 7, True),  # 3,600 queue + 86,400 work + 2 x 7,200 delays
    ]
    body = harness.call("GET", f"/api/v1/orders/{order_id}").json()
    assert body["estimatedCompletionDate"] == "2026-01-02T05:00:00Z"  # 104,400 s after the epoch


def test_the_default_timeline_is_seeded():
    def story(seed: int) -> list[tuple[float, str, str, int, bool]]:
        harness = Harness(config=FactoryConfig(delay_probability=0.5), seed=seed)
        for _ in range(3):
            harness.place()
        harness.runtime.run(until=200 * 86_400)
        return harness.webhooks()

    first = story(7)
    assert first == story(7)
    assert first != story(8)
    assert [w[1] for w in first].count("READY") == 3


def test_a_503_is_retried_with_exponential_backoff():
    harness = Harness()
    harness.receiver.answer_with(503, 503, 503)
    order_id = harness.place()
    harness.runtime.run(until=FINISHED)
    assert [r.t for r in harness.receiver.received] == [3_600.0, 3_610.0, 3_630.0, 3_670.0, 90_000.0]
    assert len({r.message_id for r in harness.receiver.received[:4]}) == 1
    log = harness.call("GET", "/__sandbox/webhooks", key=None).json()["deliveries"]
    assert [(d["t"], d["attempt"], d["outcome"], d["sequence"]) for d in log] == [
        (3_600.0, 1, "answered 503", 2),
        (3_610.0, 2, "answered 503", 2),
        (3_630.0, 3, "answered 503", 2),
        (3_670.0, 4, "delivered 200", 2),
        (90_000.0, 1, "delivered 200", 3),
    ]
    assert {d["orderId"] for d in log} == {order_id}


def test_a_429_waits_its_retry_after_and_the_backoff_keeps_growing():
    harness = Harness()
    harness.receiver.answer_with((429, {"Retry-After": "42"}), 503)
    harness.place()
    harness.runtime.run(until=10_000)
    assert [(r.t, r.status) for r in harness.receiver.received] == [
        (3_600.0, 429),
        (3_642.0, 503),
        (3_662.0, 200),
    ]


def test_delivery_gives_up_after_max_attempts():
    harness = Harness()
    harness.receiver.answer_with(503, 503, 503, 503)
    harness.place()
    harness.runtime.run(until=FINISHED)
    assert [r.t for r in harness.receiver.received] == [3_600.0, 3_610.0, 3_630.0, 3_670.0, 90_000.0]
    outcomes = [(d["t"], d["attempt"], d["outcome"]) for d in harness.model.deliveries()]
    assert outcomes[3:] == [
        (3_670.0, 4, "answered 503"),
        (3_670.0, 4, "gave up"),
        (90_000.0, 1, "delivered 200"),
    ]


def _with_webhook_fault(transport: TransportName = "fast", **webhook: float) -> Harness:
    harness = Harness(transport)
    added = harness.call("POST", "/__sandbox/faults", {"webhook": webhook}, key=None)
    assert added.status == 201
    harness.place()
    harness.runtime.run(until=FINISHED)
    return harness


def test_a_dropped_webhook_is_never_sent_and_polling_recovers_the_status():
    harness = _with_webhook_fault(drop=1.0)
    assert harness.receiver.received == []
    log = harness.model.deliveries()
    assert [(d["t"], d["attempt"], d["outcome"], d["fault"], d["sequence"]) for d in log] == [
        (3_600.0, 0, "dropped", "drop", 2),
        (90_000.0, 0, "dropped", "drop", 3),
    ]
    assert harness.call("GET", "/api/v1/orders/ord_000001").json()["status"] == "READY"


def test_a_duplicated_webhook_arrives_twice_with_the_same_id():
    harness = _with_webhook_fault(duplicate=1.0)
    received = harness.receiver.received
    assert [(r.t, r.payload["data"]["sequence"]) for r in received] == [
        (3_600.0, 2),
        (3_600.0, 2),
        (90_000.0, 3),
        (90_000.0, 3),
    ]
    assert (
        received[0].message_id == received[1].message_id != received[2].message_id == received[3].message_id
    )
    assert all(r.signature_ok for r in received)


def test_a_bad_signature_fails_verification():
    harness = _with_webhook_fault(bad_signature=1.0)
    assert [(r.t, r.signature_ok) for r in harness.receiver.received] == [(3_600.0, False), (90_000.0, False)]
    assert [d["fault"] for d in harness.model.deliveries()] == ["bad_signature", "bad_signature"]


def test_a_delayed_webhook_arrives_later_but_keeps_its_occurrence_time():
    harness = _with_webhook_fault(delay_s=600)
    received = harness.receiver.received
    assert [(r.t, r.payload["data"]["occurredAt"]) for r in received] == [
        (4_200.0, "2026-01-01T01:00:00Z"),
        (90_600.0, "2026-01-02T01:00:00Z"),
    ]


def test_reordered_webhooks_let_a_stale_update_arrive_last():
    config = FIXED.model_copy(
        update={
            "build_time": Fixed(s=10),
            "delivery": DeliveryPolicy(reorder_window_s=600),
        }
    )
    harness = Harness(config=config)
    harness.call("POST", "/__sandbox/faults", {"webhook": {"reorder": 1.0}}, key=None)
    harness.place()
    harness.runtime.run(until=10_000)
    assert [r.payload["data"]["sequence"] for r in harness.receiver.received] == [3, 2]


def test_idempotency_key_replays_the_first_answer_and_refuses_a_different_order():
    harness = Harness("wire")
    first = harness.call("POST", "/api/v1/orders", ORDER, **{"Idempotency-Key": "k-1"})
    again = harness.call("POST", "/api/v1/orders", ORDER, **{"Idempotency-Key": "k-1"})
    assert (first.status, again.status) == (201, 201)
    assert first.json() == again.json()
    assert (first.header("Idempotent-Replayed"), again.header("Idempotent-Replayed")) == (None, "true")
    other = harness.call(
        "POST", "/api/v1/orders", {**ORDER, "customerReference": "x"}, **{"Idempotency-Key": "k-1"}
    )
    assert (other.status, other.json()["field"]) == (422, "Idempotency-Key")
    assert list(harness.model.orders) == ["ord_000001"]


def test_state_and_the_webhook_log_are_served_by_the_control_api():
    harness = Harness("wire")
    harness.place()
    harness.place()
    harness.runtime.run(until=FINISHED)
    state = harness.call("GET", "/__sandbox/state", key=None).json()
    assert (state["simulator"], state["orders"], state["by_status"], state["webhooks_emitted"]) == (
        "factory",
        2,
        {"READY": 2},
        4,
    )
    assert [(d["orderId"], d["sequence"], d["outcome"]) for d in state["deliveries"]] == [
        ("ord_000001", 2, "delivered 200"),
        ("ord_000002", 2, "delivered 200"),
        ("ord_000001", 3, "delivered 200"),
        ("ord_000002", 3, "delivered 200"),
    ]
    assert harness.call("GET", "/__sandbox/webhooks", key=None).json()["deliveries"] == state["deliveries"]
    filtered = harness.call("GET", "/__sandbox/webhooks", key=None, query={"orderId": "ord_000002"}).json()
    assert [(d["orderId"], d["sequence"]) for d in filtered["deliveries"]] == [
        ("ord_000002", 2),
        ("ord_000002", 3),
    ]


def test_reset_forgets_orders_and_stops_their_timelines():
    harness = Harness()
    harness.place()
    harness.runtime.run(until=4_000)
    assert harness.call("POST", "/__sandbox/reset", key=None).status == 204
    harness.runtime.run(until=FINISHED)
    assert [r.t for r in harness.receiver.received] == [3_600.0]  # READY of the forgotten order never comes
    assert harness.call("GET", "/api/v1/orders/ord_000001").status == 404
    assert harness.model.state()["deliveries"] == []
    assert harness.place() == "ord_000002"  # never ord_000001 again: the core still knows that one


def test_an_order_placed_after_a_seeded_one_takes_the_next_free_id():
    harness = Harness()
    seeded = {
        "state": "order {orderId} exists in status {status}",
        "params": {"orderId": "ord_000002", "status": "MANUFACTURING"},
    }
    assert harness.call("POST", "/__sandbox/provider-states", seeded, key=None).status == 200
    assert [harness.place(), harness.place()] == ["ord_000001", "ord_000003"]
    assert harness.call("GET", "/api/v1/orders/ord_000002").json()["status"] == "MANUFACTURING"


def _story(transport: TransportName) -> dict[str, Any]:
    """Orders over a few simulated months, with random timelines, refusals, retries and webhook faults."""
    harness = Harness(transport, FactoryConfig(delay_probability=0.5))
    harness.receiver.answer_with(503, (429, {"Retry-After": "30"}), 500)
    harness.call(
        "POST",
        "/__sandbox/faults",
        {"webhook": {"duplicate": 0.5, "reorder": 0.3}, "until_s": 20 * 86_400},
        key=None,
    )
    answers = []
    for day, model in enumerate(["CITY", "SUV", "TOURER", "SUV"]):
        harness.runtime.run(until=day * 86_400 + 1)
        spec = {**SPEC, "model": model, "trim": "STYLE", "options": []}
        answers.append(harness.call("POST", "/api/v1/orders", {**ORDER, "vehicleSpec": spec}).json())
    answers.append(
        harness.call("POST", "/api/v1/orders", {**ORDER, "vehicleSpec": {**SPEC, "trim": "ADVENTURE"}}).json()
    )
    harness.runtime.run(until=120 * 86_400)
    return {
        "answers": answers,
        "received": [
            (r.t, r.message_id, r.signature_ok, r.payload, r.status) for r in harness.receiver.received
        ],
        "orders": [harness.call("GET", f"/api/v1/orders/ord_{n:06d}").json() for n in range(1, 5)],
        "state": harness.call("GET", "/__sandbox/state", key=None).json(),
        "journal": harness.call("GET", "/__sandbox/journal", key=None).json(),
    }


def test_fast_and_wire_give_identical_results():
    fast, wire = _story("fast"), _story("wire")
    assert fast == wire
    assert [o["status"] for o in fast["orders"]] == ["READY"] * 4
    assert fast["answers"][-1]["field"] == "vehicleSpec.trim"
    assert len(fast["journal"]["entries"]) == 5 + 4
    assert [r[4] for r in fast["received"]].count(200) == 26
    faults = [d["fault"] for d in fast["state"]["deliveries"]]
    assert (faults.count("duplicate"), faults.count("reorder")) == (9, 2)
    assert [len(o["history"]) for o in fast["orders"]] == [9, 7, 3, 3]


def test_the_openapi_document_lists_every_route_with_its_answers_and_security():
    harness = Harness("wire")
    document = harness.call("GET", "/openapi.json", key=None).json()
    listed = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert listed == {(r.method, r.template) for r in harness.sim.routes}
    assert listed == {
        ("POST", "/api/v1/orders"),
        ("GET", "/api/v1/orders/{orderId}"),
        ("GET", "/__sandbox/webhooks"),
        *CONTROL_OPERATIONS,
    }
    assert document["components"]["securitySchemes"]["apiKey"]["in"] == "header"
    assert document["components"]["securitySchemes"]["apiKey"]["name"] == "X-API-Key"
    post = document["paths"]["/api/v1/orders"]["post"]
    get = document["paths"]["/api/v1/orders/{orderId}"]["get"]
    assert post["security"] == get["security"] == [{"apiKey": []}]
    assert sorted(post["responses"]) == ["201", "400", "401", "405", "422"]
    assert sorted(get["responses"]) == ["200", "401", "404", "405"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderRequest"
    }
    assert document["components"]["schemas"]["VehicleSpec"]["properties"]["country"]["enum"] == [
        "ES",
        "FR",
        "DE",
        "IT",
        "PT",
    ]
    hook = document["webhooks"]["orderStatusChanged"]["post"]
    assert hook["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StatusWebhook"
    }
    assert "StatusChange" in document["components"]["schemas"]
    for route in harness.sim.routes:
        assert route.summary and route.answers, route.key


@pytest.mark.parametrize(
    "secret",
    ["not-a-secret", "whsec_###", "whsec_" + "c2hvcnQ="],  # the last is base64 of only 5 bytes
)
def test_a_webhook_secret_must_be_a_standard_webhooks_secret(secret):
    with pytest.raises(ValidationError, match="webhook_secret"):
        FactoryConfig(webhook_secret=secret)
