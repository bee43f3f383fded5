"""A capacity-limited server live, over loopback: the delivery layer holds a queued request until its turn,
hands it back to the server then (its client there or not), and a full queue refuses at once.

No wall-clock timing is asserted: requests are sent one at a time once the server's state shows the one
before in place, and the runtime clock only ever bounds waits from below.
"""

from __future__ import annotations

import time

import httpx
import pytest

from caas_core.effects import Send
from caas_core.errors import CallTimeout
from httpkit.exchange import TICKET_HEADER
from httpkit.flask_edge import create_app
from httpkit.messages import HttpRequest
from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from runtimes.transports import FastTransport, live_transport
from simulators.kit.distributions import Fixed
from simulators.kit.service import Simulator
from tests.helpers.counter import COUNT, SYSTEM, Counter, capacity_setting

pytestmark = pytest.mark.live

SPEED = 50
SERVICE_S = 50.0  # a wall second at 50x: ample time to send the next request while one is served


@pytest.fixture
def served():
    runtime = LiveRuntime(seed=5, speed=SPEED)
    setting = capacity_setting({"workers": 1, "service": {"dist": "fixed", "s": SERVICE_S}, "queue_limit": 1})
    simulator = Simulator(SYSTEM, runtime, Counter(runtime), [COUNT], Fixed(s=0), capacity=setting)
    server = BackgroundServer(Delivery(create_app(simulator), runtime), threads=8).start()
    runtime.mount(SYSTEM, live_transport(server.url))
    yield runtime, simulator, server
    runtime.close()
    server.stop()


def until(condition, what: str) -> None:
    """Poll until `condition()` holds: the order of requests, never their timing, is what tests rely on."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.005)


def send(name: str, timeout: float | None, headers: dict[str, str] | None = None):
    request = HttpRequest("POST", "/count", dict(headers or {}), json={"name": name})
    try:
        response = yield Send(SYSTEM, request, timeout)
    except CallTimeout:
        return "CallTimeout"
    return response.status, response.header("Retry-After")


def test_a_queued_request_is_served_in_its_turn_even_after_its_client_gave_up(served):
    runtime, simulator, server = served
    pools = lambda: httpx.get(f"{server.url}/__sandbox/state").json().get("capacity", [{}])[0]  # noqa: E731

    first = runtime.spawn(send("a", None))
    until(lambda: pools().get("in_service") == 1, "a in service")
    second = runtime.spawn(send("b", 2.0))  # gives up after 2 s, while still queued behind a
    until(lambda: pools().get("queued") == 1, "b queued")
    # A ticket of the client's own is ignored: the delivery layer alone hands tickets back.
    third = runtime.spawn(send("c", 30.0, {TICKET_HEADER: "q2"}))

    status, retry_after = third.result(timeout=30)
    assert status == 503 and 0 < int(retry_after) <= SERVICE_S  # when b, at the queue's head, starts
    assert second.result(timeout=30) == "CallTimeout"
    assert first.result(timeout=30) == (200, None)
    until(lambda: len(simulator.model.acted) == 2, "b served")
    (a, acted_a), (b, acted_b) = simulator.model.acted
    assert (a, b) == ("a", "b")
    assert acted_b - acted_a >= SERVICE_S  # b was taken when a's service ended, not when it arrived
    journal = httpx.get(f"{server.url}/__sandbox/journal").json()["entries"]
    assert [(e["status"], e["overflow"]) for e in journal] == [(200, False), (503, True), (200, False)]
    assert journal[2]["queued_s"] > 0 and journal[2]["service_s"] == SERVICE_S


def test_the_live_runtime_hands_back_a_request_an_in_process_server_queued():
    """Without a socket, no delivery layer holds the request: the live runtime waits its turn itself, and
    the server still acts on it after its caller has given up."""
    with LiveRuntime(seed=5, speed=SPEED) as runtime:
        setting = capacity_setting({"workers": 1, "service": {"dist": "fixed", "s": SERVICE_S}})
        simulator = Simulator(SYSTEM, runtime, Counter(runtime), [COUNT], Fixed(s=0), capacity=setting)
        runtime.mount(SYSTEM, FastTransport(simulator))
        first = runtime.spawn(send("a", None))
        until(lambda: len(simulator.model.acted) == 1, "a acted")
        second = runtime.spawn(send("b", 2.0))  # gives up while still queued behind a
        assert second.result(timeout=30) == "CallTimeout"
        assert first.result(timeout=30) == (200, None)
        until(lambda: len(simulator.model.acted) == 2, "b served after its caller gave up")
        (_, acted_a), (_, acted_b) = simulator.model.acted
        assert acted_b - acted_a >= SERVICE_S
