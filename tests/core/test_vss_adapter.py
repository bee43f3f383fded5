"""The VSS adapter end to end against the VSS simulator, in simulated time."""

from __future__ import annotations

from functools import partial

import pytest

from caas_core.adapters import VssCredentials, VssMaintenanceAdapter
from caas_core.adapters.integration import Integration, Trace
from caas_core.adapters.vss import MAINTENANCE
from caas_core.policies import load_policies
from caas_core.resilience import breaker_for
from caas_core.telemetry import Telemetry
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import attach
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault
from simulators.vss import VssConfig, create_simulator
from tests.helpers.timed import run_at

CREDENTIALS = VssCredentials("caas-sandbox", "vss-sandbox-secret")


def world(overrides=None, token_ttl_s=3600.0):
    runtime = SimulatedRuntime(11)
    config = VssConfig(token_ttl_s=token_ttl_s, latency=Fixed(s=0.1))
    simulator = attach(runtime, lambda rt: create_simulator(rt, config), "fast")
    policies = load_policies(overrides=overrides)
    telemetry = Telemetry()
    breaker = breaker_for("vss", policies.breakers.vss, telemetry.circuit)
    adapter = VssMaintenanceAdapter(Integration("vss", policies.vss_query, telemetry, breaker), CREDENTIALS)
    return runtime, simulator, adapter, telemetry


def checks_at(runtime, adapter, plan):
    """The results of maintenance checks of (time, VIN) started at the planned times."""
    ended = run_at(runtime, [(t, partial(adapter.check, vin)) for t, vin in plan])
    return [result for _, result in ended]


def journal(simulator, route=None):
    return [(e.t, e.route, e.status) for e in simulator.journal.select(route)]


def test_the_token_is_reused_and_refreshed_60s_before_it_expires():
    runtime, simulator, adapter, _ = world(token_ttl_s=600)
    results = checks_at(
        runtime, adapter, [(0, "SBXHEALTHY0000001"), (539, "SBXHEALTHY0000001"), (541, "SBXHEALTHY0000001")]
    )
    assert [r.verdict for r in results] == ["allowed"] * 3
    assert [t for t, _, _ in journal(simulator, "POST /oauth/token")] == [0, 541]


def test_a_revoked_token_is_replaced_within_the_same_attempt():
    runtime, simulator, adapter, _ = world()
    checks_at(runtime, adapter, [(0, "SBXHEALTHY0000001")])
    simulator.model.tokens.clear()
    result = checks_at(runtime, adapter, [(10, "SBXHEALTHY0000001")])[0]
    assert (result.verdict, result.source) == ("allowed", "vss")
    assert journal(simulator)[2:] == [
        (10, MAINTENANCE.key, 401),
        (10.1, "POST /oauth/token", 200),
        (10.2, MAINTENANCE.key, 200),
    ]


def test_verdicts_for_the_test_vehicles_and_an_unknown_vin():
    runtime, _, adapter, _ = world()
    results = checks_at(
        runtime, adapter, [(0, "SBXHEALTHY0000001"), (1, "SBXLAPSED00000001"), (2, "WVWZZZ1JZXW000001")]
    )
    assert [(r.verdict, r.source, r.status) for r in results] == [
        ("allowed", "vss", "CURRENT"),
        ("blocked_maintenance", "vss", "OVERDUE"),
        ("unknown_vehicle", "vss", None),
    ]
    assert len(adapter.cache) == 2


def test_a_failing_vss_falls_back_to_a_cached_answer_younger_than_one_hour():
    runtime, simulator, adapter, _ = world()
    simulator.faults.add(Fault(route=MAINTENANCE.key, error={"status": 503}, from_s=100))
    plan = [
        (0, "SBXHEALTHY0000001"),
        (1, "SBXLAPSED00000001"),
        (200, "SBXHEALTHY0000001"),
        (300, "SBXLAPSED00000001"),
        (400, "SBXASLEEP00000001"),
        (3700, "SBXHEALTHY0000001"),
    ]
    results = checks_at(runtime, adapter, plan)
    assert [(r.verdict, r.source, r.age_s) for r in results] == [
        ("allowed", "vss", None),
        ("blocked_maintenance", "vss", None),
        # cached at 0.2 s; four attempts 100 ms each, 5, 10 and 20 s apart, fall back at 235.4 s
        ("allowed", "cache", pytest.approx(235.2)),
        ("blocked_maintenance", "cache", pytest.approx(334.3)),
        ("blocked_vss_unavailable", "none", None),  # never asked before: no cached answer
        ("blocked_vss_unavailable", "none", None),  # cached answer older than an hour
    ]
    failing = [t for t, route, status in journal(simulator, MAINTENANCE.key) if status == 503]
    assert failing[:4] == pytest.approx([200, 205.1, 215.2, 235.3])


def test_an_open_breaker_skips_vss_and_serves_the_cache():
    runtime, simulator, adapter, telemetry = world({"breakers": {"vss": {"failure_threshold": 2}}})
    checks_at(runtime, adapter, [(0, "SBXHEALTHY0000001")])
    simulator.faults.add(Fault(route=MAINTENANCE.key, error={"status": 503}, from_s=10))
    results = checks_at(runtime, adapter, [(10, "SBXHEALTHY0000001"), (20, "SBXHEALTHY0000001")])
    assert [(r.verdict, r.source) for r in results] == [("allowed", "cache"), ("allowed", "cache")]
    assert [t for t, _, status in journal(simulator, MAINTENANCE.key) if status == 503] == [10, 15.1]
    assert [(e.t, dict(e.data)["new"]) for e in telemetry.of_kind("circuit")] == [(15.2, "open")]


def test_every_call_carries_the_trace_and_is_counted():
    runtime, simulator, adapter, telemetry = world()

    def flow():
        return (yield from adapter.check("SBXHEALTHY0000001", Trace("abc123")))

    runtime.spawn(flow())
    runtime.run()
    assert {e.trace_id for e in simulator.journal.entries} == {"abc123"}
    metrics = telemetry.metrics
    assert dict(metrics.request_count) == {("vss", "POST /oauth/token"): 1, ("vss", MAINTENANCE.key): 1}
    assert metrics.request_duration[("vss", MAINTENANCE.key)] == [0.1]
    assert dict(metrics.request_errors) == {}
