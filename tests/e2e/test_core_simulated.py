"""The core end to end in simulated time, against every simulator: the flows, their exact outcomes, and
the business invariants after each run."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from caas_core.config import SANDBOX_FACTORY_SECRET
from caas_core.domain.records import Order, Payment, Purchase
from scenarios.invariants import check_all
from scenarios.world import build_world
from simulators.kit.faults import Fault
from tests.helpers.world import CONFIGS, HOUR, call, order_body, purchase_body, signed_webhook

ORDER_LIFECYCLE = [
    (s, c) for s in ("ACCEPTED", "MANUFACTURING", "READY", "REGISTERED") for c in ("email", "push")
]


def invariants_hold(w, now):
    broken = [(r.name, r.violations) for r in check_all(w, now) if not r.holds]
    assert broken == []


@pytest.fixture
def world():
    """Builds worlds for a test; after it, every world built must hold every invariant where it stopped."""
    built = []

    def build(transport="fast", seed=5):
        built.append(build_world(seed, transport, configs=CONFIGS))
        return built[-1]

    yield build
    for w in built:
        invariants_hold(w, w.runtime.now())


def payment_calls(w):
    return [e.route for e in w.simulators["payment"].journal.entries]


def events(w, entity):
    return [(n.event, n.channel) for n in w.core.store.notifications(entity)]


@pytest.mark.parametrize("transport", ["fast", "wire"])
def test_order_to_deliverable(world, transport):
    w = world(transport)
    placed = call(w, "POST", "/api/orders", order_body("ES"))
    trace = placed.header("X-Trace-Id")
    assert (placed.status, placed.json()) == (
        201,
        {"orderId": "ord_000001", "status": "PLACED", "traceId": trace},
    )
    w.run(until=4 * HOUR)
    view = call(w, "GET", "/api/orders/ord_000001").json()
    assert (view["status"], view["factoryOrderId"]) == ("REGISTERED", "ord_000001")
    # The VIN is the one the Factory built, the plate the one the Spanish registry gave it for this order.
    built = w.simulators["factory"].model.orders["ord_000001"]
    registered = w.simulators["admin-es"].model.registration(built.vin)
    assert (view["vin"], view["plate"], registered.order_id) == (built.vin, registered.plate, "ord_000001")
    assert events(w, "order:ord_000001") == ORDER_LIFECYCLE


def test_purchase_activates_and_captures_once(world):
    w = world()
    accepted = call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    trace = accepted.header("X-Trace-Id")
    assert (accepted.status, accepted.json()) == (
        202,
        {"purchaseId": "pur_000001", "status": "REQUESTED", "traceId": trace},
    )
    w.run(until=HOUR)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert (purchase.status, purchase.amount) == ("ACTIVE", 4900)
    assert payment_calls(w) == ["POST /api/payments/authorize", "POST /api/payments/capture"]
    payment = w.core.store.get(Payment, purchase.authorization_id)
    assert (payment.status, payment.settlement, payment.captures) == ("CAPTURED", "SETTLED", 1)


def test_the_service_is_active_before_the_charge_is_asked_for(world):
    """While the capture is on its way the purchase is already ACTIVE: a run or a crash that stops there
    leaves an active service not yet charged, never a charge the store does not show active."""
    w = world()
    slow = {"route": "POST /api/payments/capture", "latency": {"dist": "fixed", "ms": 20_000}}
    w.simulators["payment"].faults.add(Fault.model_validate(slow))
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    gateway = w.simulators["payment"].model
    while not gateway.captures:  # run until the gateway has taken the capture, 20 s before its answer
        w.run(until=w.runtime.now() + 1)
    taken = next(iter(gateway.captures.values())).created_at
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert (purchase.status, purchase.activated_at) == ("ACTIVE", taken)
    assert w.core.store.get(Payment, purchase.authorization_id).status == "AUTHORIZED"
    w.run(until=HOUR)
    assert w.core.store.get(Payment, purchase.authorization_id).status == "CAPTURED"


def test_a_failed_charge_leaves_the_service_active_with_an_operations_alert(world):
    w = world()
    refused = {"route": "POST /api/payments/capture", "error": {"status": 503}}
    w.simulators["payment"].faults.add(Fault.model_validate(refused))
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    w.run(until=HOUR)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert purchase.status == "ACTIVE"
    assert w.core.store.get(Payment, purchase.authorization_id).status == "AUTHORIZED"
    assert [(a.entity, a.reason) for a in w.core.store.alerts("ops")] == [
        (
            "purchase:pur_000001",
            "service active but capture failed: payment gateway: no usable answer to capture for purchase "
            "pur_000001 (last failure: ServerError)",
        )
    ]


def test_a_faulty_vehicle_fails_every_attempt_is_voided_ticketed_and_never_charged(world):
    w = world()
    call(w, "POST", "/api/purchases", purchase_body("SBXFAULTY00000001", service="track-mode"))
    w.run(until=HOUR)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert purchase.status == "ACTIVATION_FAILED"
    configure = [e.t for e in w.simulators["iot"].journal.select("POST /api/iot/vehicles/{vin}/configure")]
    assert len(configure) == 6
    assert payment_calls(w) == ["POST /api/payments/authorize", "POST /api/payments/void"]
    assert w.core.store.get(Payment, purchase.authorization_id).status == "VOIDED"
    assert [(a.kind, a.entity) for a in w.core.store.alerts()] == [("tech_support", "purchase:pur_000001")]


def test_overdue_maintenance_blocks_before_any_payment_call(world):
    w = world()
    call(w, "POST", "/api/purchases", purchase_body("SBXLAPSED00000001"))
    w.run(until=HOUR)
    assert w.core.store.get(Purchase, "pur_000001").status == "BLOCKED_MAINTENANCE"
    assert payment_calls(w) == []


def test_a_declined_card_ends_the_purchase_with_nothing_held(world):
    w = world()
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001", "tok_declined"))
    w.run(until=HOUR)
    assert w.core.store.get(Purchase, "pur_000001").status == "PAYMENT_DECLINED"
    assert payment_calls(w) == ["POST /api/payments/authorize"]
    assert w.simulators["iot"].journal.entries == []


def test_a_payment_without_an_answer_fails_and_its_outcome_is_asked_again_later(world):
    """No answer to the authorise nor its retry: the gateway may have authorised all the same. The core
    replays the authorise (same key) a minute later, then after doubling pauses, and says so to ops."""
    w = world()
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001", "tok_network_error"))
    w.run(until=HOUR)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert (purchase.status, purchase.step) == ("PAYMENT_FAILED", "release")
    journal = w.simulators["payment"].journal.entries
    assert {e.route for e in journal} == {"POST /api/payments/authorize"}
    assert [round(e.t, 2) for e in journal] == [
        0.1,
        0.15,
        60.2,
        60.25,
        180.3,
        180.35,
        420.4,
        420.45,
        900.5,
        900.55,
        1860.6,
        1860.65,
    ]
    assert [(a.kind, a.reason, a.created_at, a.resolved_at) for a in w.core.store.alerts()] == [
        (
            "ops",
            "an authorisation of unknown id (its authorise got no answer) may still be held: payment gateway:"
            " no usable answer to authorize for purchase pur_000001 (last failure: ConnectionFailed);"
            " voiding it again later",
            60.3,
            None,
        )
    ]


def test_a_failed_settlement_records_the_money_at_risk_and_leaves_the_service(world):
    w = world()
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001", "tok_settlement_fails"))
    w.run(until=2 * HOUR)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert purchase.status == "ACTIVE"
    assert w.core.store.get(Payment, purchase.authorization_id).settlement == "FAILED"
    [alert] = w.core.store.alerts("ops")
    assert alert.reason == "settlement failed (issuer_rejected): 4900 EUR at risk"


def test_duplicate_and_reordered_factory_webhooks_notify_once_per_status(world):
    w = world()
    w.simulators["factory"].faults.add(Fault.model_validate({"webhook": {"duplicate": 1.0, "reorder": 1.0}}))
    call(w, "POST", "/api/orders", order_body("ES"))
    w.run(until=5 * HOUR)
    assert w.core.store.get(Order, "ord_000001").status == "REGISTERED"
    assert events(w, "order:ord_000001") == ORDER_LIFECYCLE
    deliveries = [r for r in w.simulators["factory"].model.webhooks.log if r.outcome.startswith("delivered")]
    assert len(deliveries) == 4  # two status changes, each delivered twice


def test_dropped_webhooks_are_recovered_by_polling_after_the_silence_period(world):
    w = world()
    w.simulators["factory"].faults.add(Fault.model_validate({"webhook": {"drop": 1.0}}))
    call(w, "POST", "/api/orders", order_body("FR"))
    w.run(until=6 * HOUR)
    order = w.core.store.get(Order, "ord_000001")
    assert order.status == "REGISTERED"
    polls = [e.t for e in w.simulators["factory"].journal.select("GET /api/v1/orders/{orderId}")]
    # Silent since acceptance at 0.05 s: the sweep at 7,800 s polls (MANUFACTURING, news at 7,800.05 s);
    # 7,200 s later the sweep at 15,600 s polls again (READY, with the VIN the registration needs).
    assert polls == [7800, 15600]


def test_factory_down_fails_the_order_with_an_alert_and_a_manual_retry_places_it_once(world):
    w = world()
    w.simulators["factory"].faults.add(
        Fault.model_validate({"route": "POST /api/v1/orders", "error": {"status": 503}, "until_s": 60})
    )
    call(w, "POST", "/api/orders", order_body("DE"))
    w.run(until=120)
    assert w.core.store.get(Order, "ord_000001").status == "ORDER_FAILED"
    assert [(a.kind, a.resolved_at) for a in w.core.store.alerts()] == [("ops", None)]
    assert len(w.simulators["factory"].journal.entries) == 1  # no automatic retry
    retried = call(w, "POST", "/api/orders/ord_000001/retry")
    assert retried.status == 202
    w.run(until=200)
    assert w.core.store.get(Order, "ord_000001").status == "ACCEPTED"
    assert w.core.store.alerts()[0].resolved_at == 120.05  # when the retried placing was answered
    assert w.simulators["factory"].model.state()["orders"] == 1
    assert call(w, "POST", "/api/orders/ord_000001/retry").status == 409
    assert call(w, "POST", "/api/orders/ord_nope/retry").status == 404


def test_one_country_registry_down_blocks_its_deliveries_only(world):
    w = world()
    w.simulators["admin-es"].faults.add(Fault.model_validate({"error": {"status": 503}}))
    call(w, "POST", "/api/orders", order_body("ES"))
    call(w, "POST", "/api/orders", order_body("PT"))
    w.run(until=4 * HOUR)
    assert w.core.store.get(Order, "ord_000001").status == "DELIVERY_BLOCKED"
    assert w.core.store.get(Order, "ord_000002").status == "REGISTERED"
    registrations = w.simulators["admin-es"].journal.entries
    assert [round(e.t - registrations[0].t, 2) for e in registrations] == [0, 10.05, 20.1]
    assert [a.entity for a in w.core.store.alerts("ops")] == ["order:ord_000001"]
    invariants_hold(w, 4 * HOUR)  # while blocked; the fixture checks again after the retry
    w.simulators["admin-es"].faults.clear()
    assert call(w, "POST", "/api/orders/ord_000001/retry").status == 202
    w.run(until=5 * HOUR)
    assert w.core.store.get(Order, "ord_000001").status == "REGISTERED"


def test_forged_stale_and_replayed_webhooks_change_nothing(world):
    w = world()
    call(w, "POST", "/api/orders", order_body("ES"))
    w.run(until=60)
    epoch = w.runtime.epoch
    update = {"orderId": "ord_000001", "status": "READY", "previousStatus": "ACCEPTED", "sequence": 9}
    core = w.runtime.transports["core"]
    forged = signed_webhook(
        "whsec_" + "Zm9yZ2VkLXNlY3JldC1mb3Itc2FuZGJveA==", "msg_forged", update, epoch + 60
    )
    stale = signed_webhook(SANDBOX_FACTORY_SECRET, "msg_stale", update, epoch + 60 - 301)
    answers = [core.handle_request(r, None).response.status for r in (forged, stale)]
    assert answers == [401, 400]
    assert w.core.store.get(Order, "ord_000001").status == "ACCEPTED"
    genuine = signed_webhook(
        SANDBOX_FACTORY_SECRET, "msg_real", {**update, "status": "MANUFACTURING", "sequence": 2}, epoch + 60
    )
    assert core.handle_request(genuine, None).response.json() == {
        "webhookId": "msg_real",
        "duplicate": False,
        "outcome": "applied",
    }
    replay = core.handle_request(genuine, None).response
    assert (replay.status, replay.json()["duplicate"]) == (200, True)
    # Told of ACCEPTED and of the genuine MANUFACTURING once each: never of the forged READY, nor twice.
    assert events(w, "order:ord_000001") == ORDER_LIFECYCLE[:4]


def test_the_101st_webhook_in_a_minute_from_one_source_is_429(world):
    w = world()
    core = w.runtime.transports["core"]
    epoch = w.runtime.epoch
    update = {"orderId": "ord_nope", "status": "MANUFACTURING", "previousStatus": "ACCEPTED", "sequence": 2}
    statuses = [
        core.handle_request(
            signed_webhook(SANDBOX_FACTORY_SECRET, f"msg_{i}", update, epoch), None
        ).response.status
        for i in range(101)
    ]
    assert statuses == [404] * 100 + [429]
    refused = core.handle_request(
        signed_webhook(SANDBOX_FACTORY_SECRET, "msg_x", update, epoch), None
    ).response
    # All 100 arrived at second 0 and the window includes its edge: a slot frees just after 60 s.
    assert refused.header("Retry-After") == "61"


def test_fast_and_wire_end_in_the_same_state(world):
    def run(transport):
        w = world(transport, seed=11)
        for country in ("ES", "IT"):
            call(w, "POST", "/api/orders", order_body(country))
        for vin, token in (
            ("SBXHEALTHY0000001", "tok_success"),
            ("SBXFAULTY00000001", "tok_success"),
            ("SBXASLEEP00000001", "tok_insufficient_funds"),
        ):
            call(w, "POST", "/api/purchases", purchase_body(vin, token, "remote-climate"))
        w.run(until=5 * HOUR)
        store = w.core.store
        return (
            [o.as_dict() for o in store.all(Order)],
            [p.as_dict() for p in store.all(Purchase)],
            [n.as_dict() for n in store.notifications()],
            [a.as_dict() for a in store.alerts()],
        )

    assert run("fast") == run("wire")


def test_the_metrics_endpoint_counts_every_call_of_a_purchase_and_an_order(world):
    w = world()
    call(w, "POST", "/api/orders", order_body("ES"))
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    w.run(until=HOUR)
    answer = call(w, "GET", "/metrics")
    assert answer.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.to_bytes().decode())
        for s in family.samples
    }
    counts = {labels: n for (name, labels), n in samples.items() if name == "integration_request_count_total"}
    # Every route the core calls is there from the first scrape: those not called yet at zero.
    assert len(counts) == 14  # factory 2, vss 2, iot 2, payment 3, one registration route per country
    assert {labels: n for labels, n in counts.items() if n} == {
        (("route", "POST /api/v1/orders"), ("system", "factory")): 1,
        (("route", "POST /oauth/token"), ("system", "vss")): 1,
        (("route", "GET /api/v2/vehicles/{vin}/maintenance"), ("system", "vss")): 1,
        (("route", "POST /api/payments/authorize"), ("system", "payment")): 1,
        (("route", "POST /api/iot/vehicles/{vin}/configure"), ("system", "iot")): 1,
        # Transit 2 s and processing 10 s, polled every 5 s: done at the third poll.
        (("route", "GET /api/iot/vehicles/{vin}/commands/{commandId}"), ("system", "iot")): 3,
        (("route", "POST /api/payments/capture"), ("system", "payment")): 1,
    }
    polls = (("route", "GET /api/iot/vehicles/{vin}/commands/{commandId}"), ("system", "iot"))
    assert samples[("integration_request_duration_seconds_count", polls)] == 3
    circuits = {
        labels: value for (name, labels), value in samples.items() if name == "integration_circuit_state"
    }
    # Every breaker is there from the start, closed (Payment and the Admin bodies run without breakers
    # under the default policies), and so is the OTA queue, empty.
    assert circuits == {(("system", "factory"),): 0, (("system", "vss"),): 0, (("system", "iot"),): 0}
    assert samples[("integration_queue_depth", (("system", "iot"),))] == 0
    assert samples[("caas_orders", (("status", "ACCEPTED"),))] == 1
    assert samples[("caas_purchases", (("status", "ACTIVE"),))] == 1


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (
            {"vehicleSpec": {**order_body("FR")["vehicleSpec"]}},
            "body: vehicleSpec.country FR is not the order's country ES",
        ),
        (
            {"owner": {"name": "A" * 201, "nationalId": "12345678Z"}},
            "owner.name: String should have at most 200 characters",
        ),
        (
            {"vehicleSpec": {**order_body()["vehicleSpec"], "options": ["SUNROOF"] * 33}},
            "vehicleSpec.options: List should have at most 32 items after validation, not 33",
        ),
    ],
)
def test_an_order_the_core_cannot_carry_out_is_a_422_and_nothing_is_stored(world, change, detail):
    w = world()
    answer = call(w, "POST", "/api/orders", {**order_body(), **change})
    assert (answer.status, answer.header("Content-Type")) == (422, "application/problem+json")
    assert answer.json()["detail"] == detail
    assert w.core.store.all(Order) == [] and w.simulators["factory"].journal.entries == []


@pytest.mark.parametrize(
    ("slow_requests", "calls", "alerts"),
    [
        # Both answers lost: the replay a minute later learns the authorisation, and voids it at once.
        (2, [(0.1, "authorize"), (30.1, "authorize"), (120.1, "authorize"), (120.15, "void")], []),
        # The first replay's answers are lost too: operations are told, and told it is over once voided.
        (
            4,
            [
                (0.1, "authorize"),
                (30.1, "authorize"),
                (120.1, "authorize"),
                (150.1, "authorize"),
                (300.1, "authorize"),
                (300.15, "void"),
            ],
            [(180.1, 300.2)],
        ),
    ],
)
def test_an_authorisation_whose_answer_was_lost_is_learnt_by_replay_and_voided(
    world, slow_requests, calls, alerts
):
    w = world()
    slow = {"route": "POST /api/payments/authorize", "latency": {"dist": "fixed", "s": 40}}
    w.simulators["payment"].faults.add(Fault.model_validate({**slow, "first_n": slow_requests}))
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    w.run(until=HOUR)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert (purchase.status, purchase.step) == ("PAYMENT_FAILED", None)
    journal = w.simulators["payment"].journal.entries
    assert [(round(e.t, 2), e.route.rsplit("/", 1)[1]) for e in journal] == calls
    gateway = w.simulators["payment"].model.authorizations
    assert [(a.id, a.status) for a in gateway.values()] == [(purchase.authorization_id, "VOIDED")]
    assert w.core.store.get(Payment, purchase.authorization_id).status == "VOIDED"
    assert [(a.created_at, round(a.resolved_at, 2)) for a in w.core.store.alerts()] == alerts
