"""The live runtime over real loopback sockets, at a speed factor: the same effects, the same errors.

No test here times the wall clock: the speed factor shows in the wall waits the runtime asks asyncio for
(a timer, a timeout) and in its clock, read from a scripted monotonic clock."""

from __future__ import annotations

import asyncio
import socket
import threading
import types

import httpx
import pytest

import runtimes.live
from caas_core.effects import NOW, Send, Sleep
from caas_core.errors import CallTimeout, ConnectionFailed
from httpkit.messages import HttpRequest
from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from runtimes.transports import live_transport
from simulators.vss import create_app

pytestmark = pytest.mark.live

SPEED = 50


@pytest.fixture
def live():
    runtime = LiveRuntime(seed=3, speed=SPEED)
    server = BackgroundServer(Delivery(create_app(runtime), runtime), threads=8).start()
    runtime.mount("vss", live_transport(server.url))
    yield runtime, server
    runtime.close()  # first: it releases the server threads an injected hang still holds
    server.stop()


@pytest.fixture
def waits(monkeypatch) -> list[tuple[str, float]]:
    """The wall waits asked of asyncio, in order: ("timer", s) for a loop timer (a sleep is one),
    ("timeout", s) for the runtime's asyncio.timeout around a call."""
    asked: list[tuple[str, float]] = []
    call_later = asyncio.BaseEventLoop.call_later

    def timer(loop, delay, *args, **kwargs):
        asked.append(("timer", delay))
        return call_later(loop, delay, *args, **kwargs)

    def timeout(delay):
        asked.append(("timeout", delay))
        return asyncio.timeout(delay)

    monkeypatch.setattr(asyncio.BaseEventLoop, "call_later", timer)
    # asyncio.timeout schedules at an absolute loop time: its delay is caught where the runtime asks.
    proxy = types.SimpleNamespace(**{n: getattr(asyncio, n) for n in dir(asyncio) if not n.startswith("_")})
    proxy.timeout = timeout
    monkeypatch.setattr(runtimes.live, "asyncio", proxy)
    return asked


def test_the_clock_is_the_monotonic_clock_times_the_speed_since_the_start(monkeypatch):
    readings = iter([1000.0, 1000.25, 1001.0])
    clock = types.SimpleNamespace(monotonic=lambda: next(readings), time=lambda: 1_700_000_000.5)
    monkeypatch.setattr(runtimes.live, "time", clock)
    with LiveRuntime(seed=1, speed=SPEED) as runtime:
        assert runtime.epoch == 1_700_000_000.5
        assert (runtime.now(), runtime.now()) == (12.5, 50.0)  # a quarter and one wall second, at 50x


def test_a_sleep_waits_its_runtime_seconds_divided_by_the_speed(live, waits):
    runtime, _ = live

    def flow():
        before = yield NOW
        yield Sleep(10)
        return before, (yield NOW)

    before, after = runtime.spawn(flow()).result(timeout=30)
    assert waits == [("timer", 0.2)]  # 10 runtime seconds at 50x
    assert after - before >= 10  # and it really waited: never less than asked


def test_a_real_answer_over_loopback(live):
    runtime, _ = live

    def flow():
        response = yield Send("vss", HttpRequest("GET", "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"), 30)
        return response

    response = runtime.spawn(flow()).result(timeout=30)
    assert response.status == 401
    assert response.header("content-type") == "application/problem+json"
    assert response.json()["detail"] == "a valid bearer token is required"


def test_a_hanging_server_times_out_in_runtime_seconds_and_still_journals_the_request(live, waits):
    runtime, server = live
    fault = {"route": "GET /api/v2/vehicles/{vin}/maintenance", "hang": {"rate": 1}}
    assert httpx.post(f"{server.url}/__sandbox/faults", json=fault).status_code == 201

    def flow():
        start = yield NOW
        try:
            yield Send("vss", HttpRequest("GET", "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"), 5)
        except CallTimeout as timeout:
            return (yield NOW) - start, str(timeout)
        return None

    waited, message = runtime.spawn(flow()).result(timeout=30)
    assert waits == [("timeout", 0.1)]  # 5 runtime seconds at 50x
    assert message == "vss: no answer in 5s"
    assert waited >= 5
    journal = httpx.get(f"{server.url}/__sandbox/journal").json()["entries"]
    assert [(e["route"], e["outcome"]) for e in journal] == [
        ("GET /api/v2/vehicles/{vin}/maintenance", "hang")
    ]


def test_nothing_listening_is_a_connection_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with LiveRuntime(
        seed=1, speed=SPEED, transports={"x": live_transport(f"http://127.0.0.1:{port}")}
    ) as runtime:

        def flow():
            yield Send("x", HttpRequest("GET", "/"), 5)

        with pytest.raises(ConnectionFailed, match=r"^x: connection refused$"):
            runtime.spawn(flow()).result(timeout=30)


def test_call_later_runs_after_its_delay_in_runtime_seconds(waits):
    with LiveRuntime(seed=1, speed=SPEED) as runtime:
        scheduled = runtime.now()
        fired: list[float] = []
        done = threading.Event()

        def callback():
            fired.append(runtime.now())
            done.set()

        runtime.call_later(20, callback)
        assert done.wait(timeout=30)
        assert waits == [("timer", 0.4)]  # 20 runtime seconds at 50x
        assert fired[0] - scheduled >= 20
