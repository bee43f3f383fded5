"""Capacity-limited partners: FIFO workers, queue limits, brownouts, and when the server acts.

The counter server acts on each request by noting the time; service times are fixed, so every start,
every answer and every refusal is known exactly.
"""

from __future__ import annotations

import pytest

from caas_core.errors import ConfigError
from httpkit.messages import HttpRequest
from scenarios.model import Scenario
from scenarios.runner import simulator_configs
from simulators.kit.faults import Fault
from tests.helpers.counter import PEEK, call, counter_world

TWO_SECONDS = {"workers": 1, "service": {"dist": "fixed", "s": 2}}


def run_calls(runtime, calls):
    """Spawn (at, name, timeout) calls; run to the end; each call's (done_at, status or failure)."""
    handles = [runtime.spawn(call(name, timeout), delay=at) for at, name, timeout in calls]
    runtime.run()
    return [h.result() for h in handles]


def test_one_worker_serves_in_arrival_order_and_each_waits_for_the_one_before():
    runtime, simulator = counter_world(TWO_SECONDS, latency_s=0.5)
    results = run_calls(runtime, [(0, "a", None), (0, "b", None), (1, "c", None)])
    # Each answer comes its queue wait + its 2 s service + the 0.5 s network latency after it was sent.
    assert results == [(2.5, 200), (4.5, 200), (6.5, 200)]
    assert simulator.model.acted == [("a", 0.0), ("b", 2.0), ("c", 4.0)]  # acted as its service started
    journal = [(e.t, e.queued_s, e.service_s, e.latency_s) for e in simulator.journal.entries]
    assert journal == [(0.0, 0.0, 2.0, 2.5), (0.0, 2.0, 2.0, 4.5), (1.0, 3.0, 2.0, 5.5)]


def test_a_request_whose_client_gave_up_is_still_served_and_holds_its_worker():
    runtime, simulator = counter_world(TWO_SECONDS)
    results = run_calls(runtime, [(0, "a", None), (0, "b", 3.0), (0, "c", 1.0), (1, "d", None)])
    # b times out at 3 s (its answer was due at 4 s), c at 1 s while still queued; both are served all
    # the same, so d, which came later, waits for c's service to end at 6 s.
    assert results == [(2.0, 200), (3.0, "CallTimeout"), (1.0, "CallTimeout"), (8.0, 200)]
    assert simulator.model.acted == [("a", 0.0), ("b", 2.0), ("c", 4.0), ("d", 6.0)]


def test_a_full_queue_refuses_at_once_with_the_overflow_status_and_when_to_come_back():
    capacity = {**TWO_SECONDS, "queue_limit": 1, "overflow": 429}
    runtime, simulator = counter_world(capacity)
    results = run_calls(runtime, [(0, "a", None), (0, "b", None), (0, "c", None), (2.5, "d", None)])
    assert results == [(2.0, 200), (4.0, 200), (0.0, 429), (6.0, 200)]
    # Written as it happened: the refusal at once, the others as their service started.
    journal = [(e.t, e.status, e.queued_s, e.overflow) for e in simulator.journal.entries]
    assert journal == [(0, 200, 0, False), (0, 429, 0, True), (0, 200, 2, False), (2.5, 200, 1.5, False)]
    answer = simulator.handle(HttpRequest("POST", "/count", json={"name": "e"}))  # now 8 s: room again
    assert answer.outcome == "answer" and answer.response.status == 200


def test_a_refusal_says_when_the_queue_will_have_room():
    _, simulator = counter_world({**TWO_SECONDS, "queue_limit": 1})
    for name in "abc":
        exchange = simulator.handle(HttpRequest("POST", "/count", json={"name": name}))
    assert exchange.response.status == 503
    assert exchange.response.header("Retry-After") == "2"  # b, at the head of the queue, starts at 2 s
    assert exchange.response.header("Content-Type") == "application/problem+json"


def test_a_brownout_fault_cuts_the_workers_for_its_window_and_the_queue_drains_after_it():
    runtime, simulator = counter_world({"workers": 2, "service": {"dist": "fixed", "s": 2}})
    simulator.faults.add(Fault.model_validate({"capacity": {"workers": 1}, "from_s": 1, "until_s": 5}))
    calls = [(0, "a", None), (0, "b", None), (1, "c", None), (1, "d", None), (1, "e", None), (6, "f", None)]
    run_calls(runtime, calls)
    # a, b in service from 0; from 1 one worker: c starts when both are done (2), d at 4; from 5 two
    # workers again, so e starts at 5, with d still in service; f finds a free worker.
    assert simulator.model.acted == [("a", 0), ("b", 0), ("c", 2), ("d", 4), ("e", 5), ("f", 6)]


def test_a_fault_sets_up_a_capacity_where_there_was_none_for_its_window_only():
    runtime, simulator = counter_world(None)
    simulator.faults.add(Fault.model_validate({"capacity": TWO_SECONDS, "from_s": 0, "until_s": 3}))
    run_calls(runtime, [(0, "a", None), (0, "b", None), (0, "c", None), (3.5, "d", None)])
    # c would start at 4 s, but the pool is gone at 3 s: whatever still waits starts then.
    assert simulator.model.acted == [("a", 0), ("b", 2), ("c", 3), ("d", 3.5)]


def test_a_route_map_limits_only_the_routes_it_names():
    runtime, _ = counter_world({"POST /count": TWO_SECONDS})
    handles = [runtime.spawn(call(n)) for n in "ab"] + [runtime.spawn(call("p", route=PEEK))]
    runtime.run()
    assert [h.result() for h in handles] == [(2.0, 200), (4.0, 200), (0.0, 200)]


@pytest.mark.parametrize(
    ("setting", "fault", "message"),
    [
        (
            TWO_SECONDS,
            {"route": "POST /count", "capacity": {"workers": 2}},
            "one pool that every route shares",
        ),
        (None, {"capacity": {"workers": 2}}, "no capacity set for its routes: give workers and service"),
        ({"POST /count": TWO_SECONDS}, {"route": "GET /peek", "capacity": {"workers": 2}}, "route GET /peek"),
    ],
)
def test_a_capacity_fault_that_could_not_act_is_refused_with_the_reason(setting, fault, message):
    _, simulator = counter_world(setting)
    field, reason = simulator.why_inert(Fault.model_validate(fault))
    assert field == "capacity" and message in reason


def test_a_route_map_naming_no_route_of_the_simulator_is_refused():
    with pytest.raises(ConfigError, match=r"capacity: counter has no route 'GET /nowhere'; it serves: POST"):
        counter_world({"GET /nowhere": TWO_SECONDS})


def scenario(simulators: dict) -> Scenario:
    return Scenario.model_validate({"title": "t", "name": "t", "duration": 60, "simulators": simulators})


def test_a_scenario_sets_a_capacity_for_a_simulator_and_a_mistake_is_one_line_naming_the_key():
    assert simulator_configs(scenario({"iot": {"capacity": TWO_SECONDS}}))["iot"].capacity.workers == 1
    bad = scenario({"iot": {"capacity": {"workers": 0, "service": {}}}})
    with pytest.raises(
        ConfigError, match=r"^scenario t: simulators.iot.capacity.workers = 0 is out of range"
    ):
        simulator_configs(bad)
    unknown = scenario({"vss": {"capacity": {"GET /nowhere": TWO_SECONDS}}})
    with pytest.raises(
        ConfigError, match=r"^scenario t: simulators.vss.capacity: vss has no route 'GET /nowhere'"
    ):
        simulator_configs(unknown)


def test_fast_and_wire_give_the_same_timeline():
    capacity = {"workers": 2, "service": {"dist": "exponential", "mean_s": 1.0}, "queue_limit": 3}
    calls = [(k * 0.3, f"r{k}", 2.5 if k % 3 else None) for k in range(30)]
    timelines = []
    for transport in ("fast", "wire"):
        runtime, simulator = counter_world(capacity, seed=7, transport=transport, latency_s=0.1)
        results = run_calls(runtime, calls)
        journal = [(e.t, e.status, e.queued_s, e.service_s, e.overflow) for e in simulator.journal.entries]
        timelines.append((results, simulator.model.acted, journal))
    fast, wire = timelines
    assert fast == wire
    outcomes = {status for _, status in fast[0]}
    assert outcomes == {200, 503, "CallTimeout"}  # the timeline exercises every path
