"""The Factory adapter end to end against the Factory simulator, in simulated time.

Every request takes exactly 50 ms; timelines use fixed durations (MANUFACTURING at 3,600 s, READY at
90,000 s), so every time, id and VIN below is exact for the seed.
"""

from __future__ import annotations

import pytest

from caas_core.adapters import FactoryOrder, FactoryOrderAdapter, FactoryStatus, VehicleSpec
from caas_core.adapters.factory import PLACE
from caas_core.adapters.integration import Integration
from caas_core.errors import (
    CallTimeout,
    CircuitOpen,
    ClientError,
    OrderRejected,
    ServerError,
)
from caas_core.policies import load_policies
from caas_core.resilience import breaker_for
from caas_core.telemetry import Telemetry
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TRANSPORTS, attach
from simulators.factory import FactoryConfig, create_simulator
from simulators.factory.catalogue import VehicleSpec as FactorySpec
from simulators.factory.catalogue import vin_for
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault
from tests.helpers.receiver import RecordingReceiver
from tests.helpers.timed import run_at

SPEC = VehicleSpec(model="TOURER", trim="LUXURY", colour="BLUE", options=["SUNROOF", "TOW_BAR"], country="FR")
FIXED = FactoryConfig(
    queue_time=Fixed(s=3_600),
    build_time=Fixed(s=86_400),
    delay_probability=0,
    latency=Fixed(s=0.05),
)


def world(transport="fast", overrides=None):
    runtime = SimulatedRuntime(5)
    simulator = attach(runtime, lambda rt: create_simulator(rt, FIXED), transport)
    runtime.transports["core"] = RecordingReceiver(runtime, FIXED.webhook_secret)  # status webhooks land here
    policies = load_policies(overrides=overrides)
    telemetry = Telemetry()
    breaker = breaker_for("factory", policies.breakers.factory, telemetry.circuit)
    adapter = FactoryOrderAdapter(
        Integration("factory", policies.factory_order, telemetry, breaker), "factory-sandbox-key"
    )
    return runtime, simulator, adapter, telemetry


def journal(simulator):
    return [(e.t, e.status, e.outcome) for e in simulator.journal.select(PLACE.key)]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_place_returns_the_order_id_and_accepted(transport):
    runtime, simulator, adapter, telemetry = world(transport)
    [(ended, order)] = run_at(runtime, [(0, lambda: adapter.place(SPEC, "cust-42", "key-1"))])
    assert ended == 0.05
    assert order == FactoryOrder(
        order_id="ord_000001", status="ACCEPTED", estimated_completion="2026-01-02T01:00:00Z"
    )
    placed = simulator.model.orders["ord_000001"]
    assert (placed.spec, placed.customer_reference) == (FactorySpec(**SPEC.model_dump()), "cust-42")
    assert dict(telemetry.metrics.request_count) == {("factory", PLACE.key): 1}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_trim_the_factory_does_not_build_is_rejected_with_its_detail(transport):
    runtime, simulator, adapter, _ = world(transport)
    city = SPEC.model_copy(update={"model": "CITY", "options": []})
    [(ended, error)] = run_at(runtime, [(0, lambda: adapter.place(city, "cust-42", "key-1"))])
    assert isinstance(error, OrderRejected)
    assert (ended, error.status, error.detail) == (
        0.05,
        422,
        "vehicleSpec.trim: LUXURY is not offered on CITY; choose one of BASE, STYLE",
    )
    assert simulator.model.orders == {}
    assert (
        adapter.factory.gate.state == "closed"
    )  # a refusal is an answer: it never counts against the breaker


def test_a_hung_factory_times_out_at_30s_with_no_automatic_retry():
    runtime, simulator, adapter, telemetry = world()
    simulator.faults.add(Fault(route=PLACE.key, hang={}))
    [(ended, error)] = run_at(runtime, [(0, lambda: adapter.place(SPEC, "cust-42", "key-1"))])
    assert (ended, type(error)) == (30, CallTimeout)
    assert journal(simulator) == [(0, None, "hang")]
    assert dict(telemetry.metrics.retry_count) == {}


def test_five_failures_in_60s_open_the_breaker_and_the_sixth_is_refused_unsent():
    runtime, simulator, adapter, telemetry = world()
    simulator.faults.add(Fault(route=PLACE.key, error={"status": 503}))
    plan = [(t, lambda t=t: adapter.place(SPEC, "cust-42", f"key-{t}")) for t in (0, 10, 20, 30, 40, 50)]
    results = run_at(runtime, plan)
    assert [(ended, type(error)) for ended, error in results] == [
        (0.05, ServerError),
        (10.05, ServerError),
        (20.05, ServerError),
        (30.05, ServerError),
        (40.05, ServerError),
        (50, CircuitOpen),
    ]
    assert [t for t, _, _ in journal(simulator)] == [0, 10, 20, 30, 40]
    assert [(e.t, dict(e.data)["new"]) for e in telemetry.of_kind("circuit")] == [(40.05, "open")]


def test_a_manual_retry_with_the_same_key_never_creates_a_second_order():
    runtime, simulator, adapter, _ = world()
    # The first answer arrives after the client gave up, but the factory has placed the order.
    simulator.faults.add(Fault(route=PLACE.key, latency=Fixed(s=31), first_n=1))
    results = run_at(
        runtime,
        [
            (0, lambda: adapter.place(SPEC, "cust-42", "key-1")),
            (100, lambda: adapter.place(SPEC, "cust-42", "key-1")),  # the operator's manual retry
            (200, lambda: adapter.place(SPEC, "cust-43", "key-2")),
        ],
    )
    assert [(ended, getattr(r, "order_id", type(r))) for ended, r in results] == [
        (30, CallTimeout),
        (100.05, "ord_000001"),
        (200.05, "ord_000002"),
    ]
    assert sorted(simulator.model.orders) == ["ord_000001", "ord_000002"]
    assert journal(simulator) == [(0, 201, "answer"), (100, 201, "answer"), (200, 201, "answer")]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_status_reads_sequence_and_vin_once_the_order_is_ready(transport):
    runtime, _, adapter, _ = world(transport)
    results = run_at(
        runtime,
        [
            (0, lambda: adapter.place(SPEC, "cust-42", "key-1")),
            (1_000, lambda: adapter.status("ord_000001")),
            (4_000, lambda: adapter.status("ord_000001")),
            (100_000, lambda: adapter.status("ord_000001")),
        ],
    )
    vin = "VSXT2LFS1TM000001"
    assert vin == vin_for(FactorySpec(**SPEC.model_dump()), 1, runtime.epoch + 90_000)
    assert [r for _, r in results[1:]] == [
        FactoryStatus(order_id="ord_000001", status="ACCEPTED", sequence=1, vin=None),
        FactoryStatus(order_id="ord_000001", status="MANUFACTURING", sequence=2, vin=None),
        FactoryStatus(order_id="ord_000001", status="READY", sequence=3, vin=vin),
    ]


def test_status_of_an_unknown_order_is_a_client_error():
    runtime, _, adapter, _ = world()
    [(_, error)] = run_at(runtime, [(0, lambda: adapter.status("ord_999999"))])
    assert isinstance(error, ClientError) and not isinstance(error, OrderRejected)
    assert (error.status, error.detail) == (404, "no order with id ord_999999")
