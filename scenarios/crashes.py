"""When a scenario crashes the core: its crash steps turned into seeded moments, and set on the world.

A crash step without a rate strikes once, at its `at`, before any other effect of that instant. One with a
rate strikes at Poisson moments during the step, each some number of the core's effects after its moment
(drawn up to MAX_EFFECT_OFFSET): between any two effects of any flow, those that share a clock reading
included. Every draw comes from one stream, so adding crashes moves nothing else of the run.
"""

from __future__ import annotations

from dataclasses import dataclass

from caas_core.runtime import RandomStream
from caas_core.systems import CORE
from scenarios.model import CoreFault, FaultStep
from scenarios.world import World

CRASH_STREAM = "core.crashes"
MAX_EFFECT_OFFSET = 64  # more than a busy core's effects in one instant


@dataclass(frozen=True, slots=True, order=True)
class CrashPoint:
    at: float  # runtime seconds
    effects: int  # how many more of the core's effects are taken first
    downtime: float


def crash_points(steps: tuple[FaultStep, ...], end: float, rng: RandomStream) -> list[CrashPoint]:
    points = []
    for step in steps:
        if step.system != CORE or not isinstance(step.fault, CoreFault):
            continue
        crash = step.fault.crash
        if crash.rate_per_hour is None:
            points.append(CrashPoint(step.at, 0, crash.downtime))
            continue
        until = min(end, step.until if step.until is not None else end)
        t = step.at + rng.expovariate(crash.rate_per_hour / 3600)
        while t < until:
            points.append(CrashPoint(t, rng.randrange(MAX_EFFECT_OFFSET), crash.downtime))
            t += rng.expovariate(crash.rate_per_hour / 3600)
    return sorted(points)


def set_crashes(world: World, points: list[CrashPoint]) -> None:
    for point in points:
        world.runtime.call_later(
            point.at,
            lambda p=point: world.process.crash_after(p.effects, p.downtime),  # type: ignore[misc]
        )
