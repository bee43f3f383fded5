"""The simulated runtime: latency spent in simulated time, timeouts racing it, servers that still act."""

from __future__ import annotations

import pytest

from caas_core.effects import NOW, Draw, Sleep
from caas_core.errors import CallTimeout, ConnectionFailed
from httpkit.exchange import Exchange
from runtimes.simulated import SimulatedRuntime
from tests.helpers.scripted import HANG, answer, scripted, send_once


def test_an_answer_arrives_after_its_latency():
    runtime, _transport = scripted(1, answer(200, latency=1.5))
    handle = runtime.spawn(send_once(timeout=2))
    runtime.run()
    assert handle.result().status == 200
    assert runtime.now() == 1.5


def test_a_timeout_shorter_than_the_latency_wins_yet_the_server_got_the_request():
    runtime, transport = scripted(1, answer(200, latency=3))
    handle = runtime.spawn(send_once(timeout=2))
    runtime.run()
    with pytest.raises(CallTimeout):
        handle.result()
    assert runtime.now() == 2
    assert transport.arrivals == [0]


def test_a_hang_times_out_or_waits_for_ever_without_a_timeout():
    runtime, _ = scripted(1, HANG)
    bounded = runtime.spawn(send_once(timeout=5))
    unbounded = runtime.spawn(send_once(timeout=None))
    runtime.run(until=10_000)
    with pytest.raises(CallTimeout):
        bounded.result()
    assert not unbounded.done()


def test_a_reset_fails_the_call_after_its_latency():
    runtime, _ = scripted(1, Exchange(0.25, None, "reset"))
    handle = runtime.spawn(send_once(timeout=5))
    runtime.run()
    with pytest.raises(ConnectionFailed):
        handle.result()
    assert runtime.now() == 0.25


def test_sleep_delay_and_call_later_in_simulated_seconds():
    runtime = SimulatedRuntime(1)
    fired: list[float] = []
    runtime.call_later(7.5, lambda: fired.append(runtime.now()))

    def flow():
        yield Sleep(2)
        return (yield NOW)

    handle = runtime.spawn(flow(), delay=3)
    runtime.run()
    assert handle.result() == 5
    assert fired == [7.5]


def test_draws_come_from_the_named_seeded_stream():
    def flow():
        draws = []
        for _ in range(3):
            draws.append((yield Draw("s", "uniform", (0, 10))))
        return draws

    first, second = SimulatedRuntime(9), SimulatedRuntime(9)
    a, b = first.spawn(flow()), second.spawn(flow())
    first.run()
    second.run()
    reference = SimulatedRuntime(9).stream("s")
    assert a.result() == b.result() == [reference.uniform(0, 10) for _ in range(3)]
    assert len(set(a.result())) == 3


def test_effects_validate_their_arguments():
    with pytest.raises(ValueError, match="non-negative"):
        Sleep(-1)
    with pytest.raises(ValueError, match="Draw method"):
        Draw("s", "seed")


def test_a_bug_in_a_flow_stops_the_simulation():
    def broken():
        yield Sleep(1)
        raise KeyError("bug")

    runtime = SimulatedRuntime(1)
    runtime.spawn(broken())
    with pytest.raises(KeyError):
        runtime.run()
