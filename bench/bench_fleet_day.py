"""A fleet day in simulated time (figures in bench/README.md).

    .venv/bin/python bench/bench_fleet_day.py [--profile]

100,000 vehicles, 50,000 purchases and 5,000 orders over 24 simulated hours with faults, on the fast
transport. Reports the wall time, simulated calls per second, and the ratio against a bare-SimPy model
of the same call pattern: every call the real run made, at the same simulated start, waiting its sampled
latency (capped at 60 s, the longest timeout of any call: the run itself stops waiting at each call's own
timeout, which moves when an event fires, not how many there are), with no core or simulator logic.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import sys
import time

import simpy

from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest
from runtimes.simulated import few_collections
from runtimes.transports import FastTransport
from scenarios.model import Scenario
from scenarios.runner import run

FLEET_DAY = Scenario.model_validate(
    {
        "title": "A fleet day",
        "name": "fleet-day",
        "seed": 2026,
        "duration": "24h",
        "fleet": {"size": 100_000},
        "workload": {
            "orders_per_hour": 5000 / 24,
            "purchases_per_hour": 50_000 / 24,
            "cards": {
                "tok_success": 0.93,
                "tok_declined": 0.03,
                "tok_network_error": 0.02,
                "tok_settlement_fails": 0.02,
            },
        },
        "simulators": {
            "factory": {
                "queue_time": {"dist": "fixed", "s": 3600},
                "build_time": {"dist": "lognormal", "p50_s": 14400, "p99_s": 43200},
            }
        },
        "faults": [
            {"at": "6h", "duration": "20m", "system": "iot", "fault": {"error": {"status": 503}}},
            {"at": "12h", "duration": "30m", "system": "vss", "fault": {"error": {"status": 503}}},
            {"at": 0, "system": "factory", "fault": {"webhook": {"duplicate": 0.1, "reorder": 0.1}}},
        ],
    }
)


class Recorder:
    """Wraps the fast transport's handle_request to note (start, latency) of every call, the start read from
    the called service's runtime clock."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float]] = []

    def install(self) -> Recorder:
        original = FastTransport.handle_request
        calls = self.calls

        def handle_request(transport: FastTransport, request: HttpRequest, timeout: float | None) -> Exchange:
            answer = original(transport, request, timeout)
            calls.append((transport.service.runtime.now(), answer.latency))  # type: ignore[attr-defined]
            return answer

        FastTransport.handle_request = handle_request  # type: ignore[method-assign]
        return self


def bare_simpy(calls: list[tuple[float, float]]) -> float:
    """The same call pattern with no logic: one process per call, waiting its latency (capped at 60 s)."""
    env = simpy.Environment()

    def call(start: float, wait: float):
        yield env.timeout(start)
        yield env.timeout(min(wait, 60.0))

    started = time.perf_counter()
    with few_collections():  # the collector settings the simulated runtime uses: a fair race
        for start, wait in calls:
            env.process(call(start, wait))
        env.run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    recorder = Recorder().install()
    profiler = cProfile.Profile() if args.profile else None
    with few_collections():  # kept until the wall time is read: the collector's pass comes after, timed apart
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        record = run(FLEET_DAY)
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - started
    # The finished world is a web of cycles (simulators, core and runtime refer to each other): the
    # collector frees it in one full pass whenever it next runs. Timed apart, so it lands in neither run.
    started = time.perf_counter()
    gc.collect()
    freeing = time.perf_counter() - started
    bare = bare_simpy(recorder.calls)
    calls = len(recorder.calls)
    result = {
        "wall_s": round(wall, 2),
        "simulated_calls": calls,
        "calls_per_s": round(calls / wall),
        "bare_simpy_wall_s": round(bare, 2),
        "speed_vs_bare": round(bare / wall, 3),
        "freeing_the_world_s": round(freeing, 2),
        "purchases": record.metrics["purchases.requested"],
        "orders": record.metrics["orders.placed"],
        "passed_invariants": all(c.holds for c in record.checks if c.kind == "invariant"),
    }
    print(json.dumps(result, indent=2))
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
