"""The IoT adapter end to end against the IoT simulator, in simulated time, with every delay fixed.

Latency 100 ms per call, transit 2 s, processing on the vehicle 30 s (10 s for the breaker cases), polls
every 5 s after each answer: a healthy activation acked at 0.1 s is seen COMPLETED by the poll at 35.7 s.
"""

from __future__ import annotations

from functools import partial

import pytest

from caas_core.adapters import IotCredentials, IotGatewayAdapter
from caas_core.adapters.integration import Integration, Trace
from caas_core.adapters.iot import COMMAND, CONFIGURE
from caas_core.policies import load_policies
from caas_core.resilience import CLOSED, breaker_for
from caas_core.telemetry import Telemetry
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TRANSPORTS, attach
from simulators.iot import IotConfig, LinkConfig, create_simulator
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault
from tests.helpers.timed import run_at

HEALTHY, ASLEEP, FAULTY = "SBXHEALTHY0000001", "SBXASLEEP00000001", "SBXFAULTY00000001"
CREDENTIALS = IotCredentials("caas-sandbox", "iot-sandbox-psk-3f9a1c")
ALWAYS_ONLINE = LinkConfig(start_online=1.0, online=Fixed(s=10**7))


def config(processing_s: float = 30) -> IotConfig:
    # Fleet vehicles stay online and never fail, so only the injected faults shape a timeline.
    return IotConfig(
        latency=Fixed(s=0.1),
        transit=Fixed(s=2),
        processing=Fixed(s=processing_s),
        failure_rate=0,
        link=ALWAYS_ONLINE,
    )


def world(transport="fast", processing_s=30, queue_capacity=1000):
    runtime = SimulatedRuntime(5)
    simulator = attach(runtime, lambda rt: create_simulator(rt, config(processing_s)), transport)
    policies = load_policies()
    telemetry = Telemetry()
    breaker = breaker_for("iot", policies.breakers.iot, telemetry.circuit)
    iot = Integration("iot", policies.ota_activation, telemetry, breaker)
    adapter = IotGatewayAdapter(iot, CREDENTIALS, queue_capacity, epoch=runtime.epoch)
    return runtime, simulator, adapter, telemetry


def activations_at(runtime, adapter, plan):
    """Run activations starting at the planned times; each result is (time it ended, Activation)."""

    def activation(vin):
        return adapter.activate(vin, "heated-seats", {"level": 2}, Trace(f"trace-{vin}"))

    return run_at(runtime, [(t, partial(activation, vin)) for t, vin in plan])


def at_ms(t):
    """Simulated times are sums of floats: compare them to the millisecond."""
    return round(t, 3)


def sent(simulator, route=CONFIGURE.key):
    """(time, VIN, status) of each request the simulator received on `route`."""
    return [(at_ms(e.t), e.path.split("/")[4], e.status) for e in simulator.journal.select(route)]


def fleet(simulator, n):
    return [simulator.model.fleet.vin(i) for i in range(4, 4 + n)]  # 0-3 are the test vehicles


def events(telemetry, kind, key):
    return [(at_ms(e.t), dict(e.data)[key]) for e in telemetry.of_kind(kind, "iot")]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_healthy_vehicle_completes_on_the_first_attempt(transport):
    runtime, simulator, adapter, telemetry = world(transport)
    [(ended, activation)] = activations_at(runtime, adapter, [(0, HEALTHY)])
    assert ended == pytest.approx(35.8)
    assert (activation.completed, activation.attempts, activation.failure) == (True, 1, None)
    assert simulator.model.commands[activation.command_id].status == "COMPLETED"
    assert sent(simulator) == [(0, HEALTHY, 202)]
    polls = [t for t, _, _ in sent(simulator, COMMAND.key)]
    assert polls == pytest.approx([5.1, 10.2, 15.3, 20.4, 25.5, 30.6, 35.7])
    # Signed requests all verified; every call carried the trace and was counted.
    assert simulator.model.auth_rejections == 0
    assert {e.trace_id for e in simulator.journal.entries} == {f"trace-{HEALTHY}"}
    counts = telemetry.metrics.request_count
    assert (counts[("iot", CONFIGURE.key)], counts[("iot", COMMAND.key)]) == (1, 7)
    assert dict(telemetry.metrics.retry_count) == {}


def test_a_faulty_vehicle_fails_six_attempts_each_30s_after_the_failure():
    runtime, simulator, adapter, telemetry = world()
    [(ended, activation)] = activations_at(runtime, adapter, [(0, FAULTY)])
    # An attempt: ack 0.1 s, FAILED at 32.1 s, seen by the poll answered at 35.8 s; then 30 s of wait.
    starts = [t for t, _, _ in sent(simulator)]
    assert starts == pytest.approx([0, 65.8, 131.6, 197.4, 263.2, 329.0])
    assert ended == pytest.approx(364.8)
    assert (activation.completed, activation.attempts) == (False, 6)
    assert activation.failure == f"ActivationFailed: command {activation.command_id} FAILED: ECU_REJECTED"
    assert [c.status for c in simulator.model.commands.values()] == ["FAILED"] * 6
    assert telemetry.metrics.retry_count[("iot", CONFIGURE.key)] == 5
    # The vehicle said no; the API answered every call: the breaker saw only successes.
    assert adapter.iot.gate.state == CLOSED and telemetry.of_kind("circuit") == []


def test_an_asleep_vehicle_times_every_attempt_out_at_60s():
    runtime, simulator, adapter, telemetry = world()
    [(ended, activation)] = activations_at(runtime, adapter, [(0, ASLEEP)])
    assert [t for t, _, _ in sent(simulator)] == pytest.approx([0, 90, 180, 270, 360, 450])
    assert ended == pytest.approx(510)
    assert (activation.completed, activation.attempts) == (False, 6)
    assert activation.failure == "AttemptTimeout: the attempt ran out of time"
    assert [c.status for c in simulator.model.commands.values()] == ["PENDING"] * 6
    outcomes = [dict(e.data)["outcome"] for e in telemetry.of_kind("attempt")]
    assert outcomes == ["AttemptTimeout"] * 6
    assert adapter.iot.gate.state == CLOSED


def test_a_poll_without_an_answer_is_skipped_and_the_command_not_resent():
    runtime, simulator, adapter, telemetry = world()
    simulator.faults.add(Fault(route=COMMAND.key, error={"status": 503}, until_s=12))
    [(ended, activation)] = activations_at(runtime, adapter, [(0, HEALTHY)])
    assert (activation.completed, activation.attempts, ended) == (True, 1, pytest.approx(35.8))
    assert [status for _, _, status in sent(simulator, COMMAND.key)] == [503, 503, 200, 200, 200, 200, 200]
    assert len(sent(simulator)) == 1
    assert telemetry.metrics.request_errors[("iot", COMMAND.key)] == 2


def test_an_unknown_vehicle_is_refused_at_once():
    runtime, _, adapter, _ = world()
    [(ended, activation)] = activations_at(runtime, adapter, [(0, "WVWZZZ1JZXW000001")])
    assert (ended, activation.completed, activation.attempts) == (pytest.approx(0.1), False, 1)
    assert activation.command_id is None
    assert activation.failure == "ClientError: HTTP 404: no vehicle with VIN WVWZZZ1JZXW000001"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_commands_queue_while_the_breaker_is_open_and_drain_in_order(transport):
    runtime, simulator, adapter, telemetry = world(transport, processing_s=10)
    simulator.faults.add(Fault(route=CONFIGURE.key, error={"status": 503}, until_s=50))
    vins = fleet(simulator, 5)
    results = activations_at(runtime, adapter, [(i * 0.5, vin) for i, vin in enumerate(vins)])
    # Five 503s within 60 s open the breaker at 2.1 s; the retries 30 s later find it open and queue.
    assert events(telemetry, "circuit", "new") == [(2.1, "open"), (62.1, "half_open"), (63.1, "closed")]
    queued = [(30.1, 1), (30.6, 2), (31.1, 3), (31.6, 4), (32.1, 5)]
    assert events(telemetry, "queue", "depth") == queued + [(63, 4)] + [(64, n) for n in (3, 2, 1, 0)]
    # At the first tick after it half-opens, the head goes alone as the probe; the rest follow, in order.
    assert sent(simulator) == [
        *[(i * 0.5, vin, 503) for i, vin in enumerate(vins)],
        (63, vins[0], 202),
        *[(64, vin, 202) for vin in vins[1:]],
    ]
    assert [(a.completed, a.attempts) for _, a in results] == [(True, 2)] * 5
    assert [ended for ended, _ in results] == pytest.approx([78.4] + [79.4] * 4)
    assert telemetry.metrics.queue_depth["iot"] == 0
    assert simulator.model.auth_rejections == 0  # signed when sent, not when queued


def test_time_in_the_queue_counts_against_the_attempt():
    runtime, simulator, adapter, telemetry = world()
    simulator.faults.add(Fault(route=CONFIGURE.key, error={"status": 503}, until_s=200))
    activations_at(runtime, adapter, [(0, vin) for vin in fleet(simulator, 5)])
    queue = [(t, depth) for t, depth in events(telemetry, "queue", "depth") if t <= 90.1]
    # Queued at 30.1; the head leaves as the failed probe at 61; the others run out of time at 90.1.
    assert queue == [(30.1, n) for n in range(1, 6)] + [(61, 4)] + [(90.1, n) for n in (3, 2, 1, 0)]
    assert [t for t, _, _ in sent(simulator)][:6] == [0] * 5 + [61]


def test_a_full_queue_fails_the_command_at_once():
    runtime, simulator, adapter, telemetry = world(processing_s=10, queue_capacity=3)
    simulator.faults.add(Fault(route=CONFIGURE.key, error={"status": 503}, until_s=50))
    results = activations_at(runtime, adapter, [(0, vin) for vin in fleet(simulator, 5)])
    assert max(depth for _, depth in events(telemetry, "queue", "depth")) == 3
    refused = results[3:]
    assert [(at_ms(ended), a.completed, a.attempts) for ended, a in refused] == [(30.1, False, 2)] * 2
    assert all(
        a.failure.startswith("CircuitOpen: iot circuit is open and its command queue is full")
        for _, a in refused
    )
    assert [a.completed for _, a in results[:3]] == [True] * 3
    assert len(sent(simulator)) == 5 + 3
