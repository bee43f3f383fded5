"""The live runtime over real loopback sockets, at a speed factor: the same effects, the same errors."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from caas_core.effects import NOW, Send, Sleep
from caas_core.errors import CallTimeout, ConnectionFailed
from caas_core.http import HttpRequest
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from simulators.vss import create_app

pytestmark = pytest.mark.live

SPEED = 50
# What a loaded machine may add to a wait, in wall seconds: generous, yet far less than the waits here
# would take at speed 1 (5 to 20 s), so the upper bounds below prove the speed factor applies.
SLACK_S = 2.0


def wall_bound(runtime_s: float) -> float:
    """The most wall time a wait of `runtime_s` runtime seconds may take at SPEED."""
    return runtime_s / SPEED + SLACK_S


def runtime_bound(runtime_s: float) -> float:
    """The most runtime seconds a wait of `runtime_s` may be seen to last: the slack, sped up."""
    return runtime_s + SLACK_S * SPEED


@pytest.fixture
def live():
    runtime = LiveRuntime(seed=3, speed=SPEED)
    server = BackgroundServer(create_app(runtime), threads=8).start()
    runtime.endpoints["vss"] = server.url
    yield runtime, server
    runtime.close()  # first: it releases the server threads an injected hang still holds
    server.stop()


def test_runtime_time_runs_speed_times_faster_and_sleeps_in_runtime_seconds(live):
    runtime, _ = live

    def flow():
        before = yield NOW
        yield Sleep(10)
        return before, (yield NOW)

    started = time.monotonic()
    before, after = runtime.spawn(flow()).result(timeout=30)
    assert time.monotonic() - started < wall_bound(10)
    assert 10 <= after - before < runtime_bound(10)


def test_a_real_answer_over_loopback(live):
    runtime, _ = live

    def flow():
        response = yield Send("vss", HttpRequest("GET", "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"), 30)
        return response

    response = runtime.spawn(flow()).result(timeout=30)
    assert response.status == 401
    assert response.header("content-type") == "application/problem+json"
    assert response.json()["detail"] == "a valid bearer token is required"


def test_a_hanging_server_times_out_in_runtime_seconds_and_still_journals_the_request(live):
    runtime, server = live
    fault = {"route": "GET /api/v2/vehicles/{vin}/maintenance", "hang": {"rate": 1}}
    assert httpx.post(f"{server.url}/__sandbox/faults", json=fault).status_code == 201

    def flow():
        start = yield NOW
        try:
            yield Send("vss", HttpRequest("GET", "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"), 5)
        except CallTimeout:
            return (yield NOW) - start
        return None

    started = time.monotonic()
    waited = runtime.spawn(flow()).result(timeout=30)
    assert time.monotonic() - started < wall_bound(5)
    assert waited is not None and 5 <= waited < runtime_bound(5)
    journal = httpx.get(f"{server.url}/__sandbox/journal").json()["entries"]
    assert [(e["route"], e["outcome"]) for e in journal] == [
        ("GET /api/v2/vehicles/{vin}/maintenance", "hang")
    ]


def test_nothing_listening_is_a_connection_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with LiveRuntime(seed=1, speed=SPEED, endpoints={"x": f"http://127.0.0.1:{port}"}) as runtime:

        def flow():
            yield Send("x", HttpRequest("GET", "/"), 5)

        with pytest.raises(ConnectionFailed):
            runtime.spawn(flow()).result(timeout=30)


def test_call_later_runs_after_its_delay_in_runtime_seconds():
    with LiveRuntime(seed=1, speed=SPEED) as runtime:
        scheduled = runtime.now()
        fired: list[float] = []
        done = threading.Event()

        def callback():
            fired.append(runtime.now())
            done.set()

        started = time.monotonic()
        runtime.call_later(20, callback)
        assert done.wait(timeout=30)
        assert time.monotonic() - started < wall_bound(20)
        assert 20 <= fired[0] - scheduled < runtime_bound(20)
