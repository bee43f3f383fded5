"""The payment adapter end to end against the payment gateway simulator, in simulated time.

The gateway answers in 200 ms; the policy gives each attempt 30 s and one immediate retry. Settlements
come an hour after a capture, after every flow here has ended: nothing receives their webhooks.
"""

from __future__ import annotations

import pytest

from caas_core.adapters import PaymentGatewayAdapter
from caas_core.adapters.integration import Integration, Trace
from caas_core.adapters.payment import AUTHORIZE, CAPTURE, VOID
from caas_core.errors import ClientError, PaymentUnavailable
from caas_core.policies import load_policies
from caas_core.resilience import breaker_for
from caas_core.telemetry import Telemetry
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TRANSPORTS, attach
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault
from simulators.payment import PaymentConfig, create_simulator
from tests.helpers.timed import run_at

API_KEY = "pay-sandbox-key"  # the simulator's sandbox default
TOKENS = (
    "tok_success",
    "tok_declined",
    "tok_insufficient_funds",
    "tok_network_error",
    "tok_settlement_fails",
)


class Recording:
    """A transport that remembers every request it carries, headers included."""

    def __init__(self, inner) -> None:
        self.inner, self.requests = inner, []

    def handle_request(self, request, timeout):
        self.requests.append(request)
        return self.inner.handle_request(request, timeout)


def world(transport="fast"):
    runtime = SimulatedRuntime(13)
    config = PaymentConfig(latency=Fixed(s=0.2), settlement_delay=Fixed(s=3600))
    simulator = attach(runtime, lambda rt: create_simulator(rt, config), transport)
    recording = runtime.transports["payment"] = Recording(runtime.transports["payment"])
    policies = load_policies()
    telemetry = Telemetry()
    breaker = breaker_for("payment", policies.breakers.payment, telemetry.circuit)
    adapter = PaymentGatewayAdapter(Integration("payment", policies.payment, telemetry, breaker), API_KEY)
    return runtime, simulator, adapter, telemetry, recording


def run(runtime, flow):
    """Run one flow; its result is (time it ended, value or the IntegrationError it raised)."""
    [(ended, value)] = run_at(runtime, [(0, lambda: flow)], until=600)  # before the first settlement
    return round(ended, 3), value


def journal(simulator):
    return [(round(e.t, 3), e.route, e.status, e.outcome) for e in simulator.journal.entries]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_good_card_is_authorised_with_key_and_idempotency_key(transport):
    runtime, simulator, adapter, telemetry, recording = world(transport)
    ended, authorization = run(runtime, adapter.authorize("p-1", 1999, "EUR", "tok_success", Trace("t1")))
    assert ended == 0.2
    assert authorization.approved and authorization.decline_reason is None
    assert simulator.model.authorizations[authorization.authorization_id].status == "AUTHORIZED"
    [request] = recording.requests
    assert request.header("Authorization") == f"Bearer {API_KEY}"
    assert request.header("Idempotency-Key") == "p-1:authorize"
    assert request.header("X-Trace-Id") == "t1"
    assert telemetry.metrics.request_count[("payment", AUTHORIZE.key)] == 1


def test_a_decline_is_an_answer_and_never_retried():
    runtime, simulator, adapter, telemetry, _ = world()
    ended, authorization = run(runtime, adapter.authorize("p-1", 1999, "EUR", "tok_declined"))
    assert (ended, authorization.approved, authorization.decline_reason) == (0.2, False, "card_declined")
    assert authorization.authorization_id is None  # nothing to capture or void
    assert journal(simulator) == [(0, AUTHORIZE.key, 200, "answer")]
    assert dict(telemetry.metrics.retry_count) == {}


def test_a_dropped_connection_is_retried_once_then_the_gateway_is_unavailable():
    runtime, simulator, adapter, telemetry, recording = world()
    ended, error = run(runtime, adapter.authorize("p-1", 1999, "EUR", "tok_network_error"))
    assert ended == 0.4 and isinstance(error, PaymentUnavailable)
    assert journal(simulator) == [(0, AUTHORIZE.key, None, "reset"), (0.2, AUTHORIZE.key, None, "reset")]
    assert {r.header("Idempotency-Key") for r in recording.requests} == {"p-1:authorize"}
    assert simulator.model.state()["authorizations"] == 0
    assert telemetry.metrics.retry_count[("payment", AUTHORIZE.key)] == 1


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_timed_out_authorisation_is_retried_with_the_same_key_and_happens_once(transport):
    runtime, simulator, adapter, _, recording = world(transport)
    # The first call takes 31 s: the gateway authorises at once, but the adapter gives up at 30 s.
    simulator.faults.add(Fault(route=AUTHORIZE.key, latency={"dist": "fixed", "ms": 31_000}, first_n=1))
    ended, authorization = run(runtime, adapter.authorize("p-1", 1999, "EUR", "tok_success"))
    assert (ended, authorization.approved) == (30.2, True)
    assert journal(simulator) == [(0, AUTHORIZE.key, 200, "answer"), (30, AUTHORIZE.key, 200, "answer")]
    first, retry = recording.requests
    assert first.header("Idempotency-Key") == retry.header("Idempotency-Key") == "p-1:authorize"
    assert first.json == retry.json
    state = simulator.model.state()
    assert (state["authorizations"], state["idempotency_keys"], state["idempotent_replays"]) == (1, 1, 1)
    assert list(simulator.model.authorizations) == [authorization.authorization_id]


def test_a_gateway_that_never_answers_is_unavailable_after_two_30s_attempts():
    runtime, simulator, adapter, _, _ = world()
    simulator.faults.add(Fault(route=AUTHORIZE.key, hang={}))
    ended, error = run(runtime, adapter.authorize("p-1", 1999, "EUR", "tok_success"))
    assert ended == 60 and isinstance(error, PaymentUnavailable)
    assert (
        str(error)
        == "payment gateway: no usable answer to authorize for purchase p-1 (last failure: CallTimeout)"
    )
    assert [t for t, *_ in journal(simulator)] == [0, 30]


def test_capture_and_void_carry_their_own_keys():
    runtime, simulator, adapter, _, recording = world()

    def flow():
        kept = yield from adapter.authorize("p-1", 1999, "EUR", "tok_success")
        released = yield from adapter.authorize("p-2", 500, "EUR", "tok_success")
        capture = yield from adapter.capture(kept.authorization_id, 1999, "p-1")
        yield from adapter.void(released.authorization_id, "p-2")
        return kept, released, capture

    ended, (kept, released, capture) = run(runtime, flow())
    assert ended == 0.8
    assert (capture.authorization_id, capture.amount) == (kept.authorization_id, 1999)
    assert capture.capture_id in simulator.model.captures
    statuses = {a.id: a.status for a in simulator.model.authorizations.values()}
    assert statuses == {kept.authorization_id: "CAPTURED", released.authorization_id: "VOIDED"}
    keys = [(r.path, r.header("Idempotency-Key")) for r in recording.requests]
    assert keys[2:] == [("/api/payments/capture", "p-1:capture"), ("/api/payments/void", "p-2:void")]


def test_a_refused_capture_is_a_client_error_and_not_retried():
    runtime, simulator, adapter, _, _ = world()

    def flow():
        authorization = yield from adapter.authorize("p-1", 1999, "EUR", "tok_success")
        yield from adapter.void(authorization.authorization_id, "p-1")
        return (yield from adapter.capture(authorization.authorization_id, 1999, "p-1"))

    ended, error = run(runtime, flow())
    assert isinstance(error, ClientError) and error.status == 409
    assert [route for _, route, *_ in journal(simulator)] == [AUTHORIZE.key, VOID.key, CAPTURE.key]
    assert ended == 0.6


def test_no_card_token_reaches_telemetry_or_an_error():
    runtime, simulator, adapter, telemetry, _ = world()
    simulator.faults.add(Fault(route=AUTHORIZE.key, error={"status": 503}, first_n=1))

    def flow():
        outcomes = []
        for n, token in enumerate(TOKENS):
            try:
                outcomes.append((yield from adapter.authorize(f"p-{n}", 1999, "EUR", token)))
            except PaymentUnavailable as error:
                outcomes.append(error)
        return outcomes

    _, outcomes = run(runtime, flow())
    assert [getattr(o, "approved", None) for o in outcomes] == [True, False, False, None, True]
    assert telemetry.events and telemetry.metrics.request_count
    recorded = repr(telemetry.events) + repr(telemetry.metrics) + repr(outcomes)
    assert not any(token in recorded for token in TOKENS)
