"""The live runtime's test clock: advancing fires everything due in between, in time order, each at its
own time, what it starts included; calls in flight keep their real timeouts; held timers wait for the
step. The runtime's times are read from its own clock: no test here asserts on a wall-clock duration."""

from __future__ import annotations

import socket
import threading

import pytest

from caas_core.effects import NOW, Send, Sleep
from caas_core.errors import CallTimeout
from httpkit.messages import HttpRequest
from runtimes.live import LiveRuntime
from runtimes.testclock import LocalClock, advance
from runtimes.transports import live_transport

DAY = 86_400.0
# How far after its due time a timer may be seen to fire: the wall time a step takes, at speed 1.
SLACK_S = 1.0


@pytest.fixture
def runtime():
    with LiveRuntime(seed=1, speed=1) as live:
        yield live


def sleeper(runtime, name, seconds, seen):
    def flow():
        start = yield NOW
        yield Sleep(seconds)
        seen.append((name, (yield NOW) - start))

    return flow()


def test_everything_due_in_between_fires_in_time_order_each_at_its_time(runtime):
    seen: list[tuple[str, float]] = []
    for name, seconds in [("third", 3 * DAY), ("first", DAY), ("never", 30 * DAY), ("second", 2 * DAY)]:
        runtime.spawn(sleeper(runtime, name, seconds, seen))
    done = advance([LocalClock(runtime)], 4 * DAY)
    assert [name for name, _ in seen] == ["first", "second", "third"]
    for (_, waited), due in zip(seen, (DAY, 2 * DAY, 3 * DAY), strict=True):
        assert due <= waited < due + SLACK_S
    assert done.time_s - done.started_s >= 4 * DAY
    assert done.timers_fired == 3 and done.unsettled_steps == 0


def test_what_a_timer_starts_runs_at_its_own_time_before_anything_later(runtime):
    seen: list[tuple[str, float]] = []
    origin = runtime.now()

    def chain():
        yield Sleep(DAY)
        runtime.spawn(sleeper(runtime, "started by day 1, due an hour later", 3600, seen), delay=0)
        runtime.call_later(7200, lambda: seen.append(("called two hours later", runtime.now() - origin)))

    runtime.spawn(chain())
    runtime.spawn(sleeper(runtime, "day 2", 2 * DAY, seen))
    advance([LocalClock(runtime)], 3 * DAY)
    assert [name for name, _ in seen] == [
        "started by day 1, due an hour later",
        "called two hours later",
        "day 2",
    ]
    assert DAY + 7200 <= seen[1][1] < DAY + 7200 + SLACK_S


def test_a_delayed_spawn_waits_on_the_clock_too(runtime):
    seen: list[str] = []

    def flow():
        seen.append("ran")
        yield NOW

    runtime.spawn(flow(), delay=DAY)
    advance([LocalClock(runtime)], DAY / 2)
    assert seen == []
    advance([LocalClock(runtime)], DAY / 2)
    assert seen == ["ran"]


def test_a_call_in_flight_keeps_its_real_timeout_and_the_advance_waits_for_it():
    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with LiveRuntime(seed=1, speed=20, transports={"x": live_transport(url)}) as runtime:
            seen: list[tuple[str, float]] = []

            def flow():
                start = yield NOW
                try:
                    yield Send("x", HttpRequest("GET", "/"), 5)
                except CallTimeout:
                    seen.append(("timed out", (yield NOW) - start))
                yield Sleep(DAY)  # a retry's wait, a day long
                seen.append(("retried", (yield NOW) - start))

            runtime.spawn(flow())
            advance([LocalClock(runtime)], 2 * DAY)
    assert [name for name, _ in seen] == ["timed out", "retried"]
    assert 5 <= seen[0][1] < 5 + 20 * SLACK_S  # its five runtime seconds passed for real, not skipped
    assert seen[1][1] >= DAY


def test_held_timers_fire_only_when_stepped_to_and_the_clock_never_goes_back(runtime):
    fired = threading.Event()
    runtime.call_later(0.05, fired.set)
    runtime.hold(lease_s=30)
    assert not fired.wait(0.3)  # due, but held
    before = runtime.now()
    assert runtime.step_to(before - 100) == 1  # no time travel: it only fires what is due
    assert fired.is_set() and runtime.now() >= before
    runtime.release()


def test_released_timers_fire_on_their_own_again(runtime):
    fired = threading.Event()
    runtime.hold(lease_s=30)
    runtime.call_later(0.05, fired.set)
    runtime.release()
    assert fired.wait(10)


def test_a_lapsed_lease_lets_go_of_the_clock(runtime):
    fired = threading.Event()
    runtime.hold(lease_s=0.2)  # the coordinator never comes back
    runtime.call_later(0.05, fired.set)
    assert fired.wait(10)
