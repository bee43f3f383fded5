"""The IoT call path alone, against the bare-SimPy model of the same calls (figures in bench/README.md).

    .venv/bin/python bench/bench_iot_path.py [--activations N]

N activations of the always-asleep test vehicle, started half a second apart: each attempt sends the
configure command, then polls it every 5 s until its 60 s run out; six attempts, 30 s apart. Every call
goes through the core's adapter, breaker and retry loop and the IoT simulator (signature, route, fault
plan, journal, model), on the fast transport. The bare model replays the same calls as in
bench_fleet_day.py.
"""

from __future__ import annotations

import argparse
import json
import time

from bench_fleet_day import Recorder, bare_simpy  # this folder is the script's own, first on sys.path

from scenarios.world import build_world
from simulators.kit.fleet import TEST_VEHICLES

ASLEEP = TEST_VEHICLES[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activations", type=int, default=2000)
    args = parser.parse_args()
    world = build_world(seed=7)
    calls = Recorder().install().calls
    for i in range(args.activations):
        world.runtime.spawn(world.core.deps.vehicles.activate(ASLEEP, f"svc-{i}", {}), delay=i * 0.5)
    started = time.perf_counter()
    world.runtime.run(until=args.activations * 0.5 + 1_000)  # past the last activation's last attempt
    wall = time.perf_counter() - started
    bare = bare_simpy(calls)
    print(
        json.dumps(
            {
                "activations": args.activations,
                "simulated_calls": len(calls),
                "wall_s": round(wall, 2),
                "us_per_call": round(1e6 * wall / len(calls), 1),
                "bare_simpy_wall_s": round(bare, 2),
                "bare_us_per_call": round(1e6 * bare / len(calls), 1),
                "speed_vs_bare": round(bare / wall, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
