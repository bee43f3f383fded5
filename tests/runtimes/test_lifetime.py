"""A process's life on a shared runtime: its flows stop for good between two effects when it ends, its
timers never fire after, and the rest of the world goes on."""

from __future__ import annotations

import pytest

from caas_core.effects import NOW, Sleep
from runtimes.lifetime import Lifetime
from runtimes.simulated import SimulatedRuntime


def ticker(log: list, name: str):
    try:
        while True:
            log.append((name, (yield NOW)))
            yield Sleep(1)
    finally:
        log.append((name, "closed"))


def test_ending_a_life_stops_its_flows_and_timers_but_not_the_worlds():
    runtime = SimulatedRuntime(1)
    life, log = Lifetime(runtime), []
    life.spawn(ticker(log, "mortal"))
    runtime.spawn(ticker(log, "world"))
    life.call_later(3.5, lambda: log.append(("timer", runtime.now())))
    runtime.call_later(2.5, life.end)
    runtime.run(until=4)
    assert log == [
        ("mortal", 0),
        ("world", 0),
        ("mortal", 1),
        ("world", 1),
        ("mortal", 2),
        ("world", 2),
        ("mortal", "closed"),  # closed at once when the life ended, at 2.5
        ("world", 3),
    ]


@pytest.mark.parametrize("effects", range(6))
def test_a_life_can_end_after_a_number_of_its_effects_between_any_two(effects):
    runtime = SimulatedRuntime(1)
    life, log, ended = Lifetime(runtime), [], []
    life.spawn(ticker(log, "mortal"))
    life.end_after(effects, lambda: ended.append(runtime.now()))
    runtime.run(until=10)
    # Each tick takes two effects (NOW, then Sleep): the life ends before the effect numbered `effects`.
    assert [t for _, t in log if t != "closed"] == list(range((effects + 1) // 2))
    assert ended == [effects // 2]
    assert life.effects == effects
