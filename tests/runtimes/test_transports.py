"""One transport protocol, three ways to a system, and the live servers' delivery of what was reported."""

from __future__ import annotations

import socket

import httpx
import pytest

from caas_core.effects import Send
from caas_core.errors import CallTimeout
from httpkit.exchange import HANG_HOLD_S
from httpkit.flask_edge import create_app
from httpkit.messages import HttpRequest
from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.simulated import SimulatedRuntime
from runtimes.transports import FastTransport, live_transport, wire_transport
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault
from simulators.vss import VssConfig, create_simulator

MAINTENANCE = "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"
SLOW = VssConfig(latency=Fixed(ms=250))


class Holds:
    """Stands in for the live runtime's clock where the delivery layer holds a server thread."""

    def __init__(self) -> None:
        self.held: list[float] = []

    def block(self, seconds: float, gone=None) -> None:
        self.held.append(seconds)


def test_fast_and_wire_report_the_same_exchange():
    fast = FastTransport(create_simulator(SimulatedRuntime(5), SLOW))
    wire = wire_transport(create_app(create_simulator(SimulatedRuntime(5), SLOW)))
    answers = [t.handle_request(HttpRequest("GET", MAINTENANCE), 1.0) for t in (fast, wire)]
    assert [(a.latency, a.outcome, a.response.status) for a in answers] == [(0.25, "answer", 401)] * 2
    assert answers[0].response.json() == answers[1].response.json()


def test_the_delivery_layer_holds_the_answer_for_its_latency_and_strips_the_report():
    holds = Holds()
    client = httpx.Client(
        transport=httpx.WSGITransport(
            app=Delivery(create_app(create_simulator(SimulatedRuntime(5), SLOW)), holds)
        ),
        base_url="http://vss",
    )
    answer = client.get(MAINTENANCE)
    assert holds.held == [0.25]
    assert answer.status_code == 401
    assert "x-sandbox-latency-s" not in answer.headers and "x-sandbox-outcome" not in answer.headers


def test_a_hang_holds_the_server_past_any_client_then_answers_504():
    holds = Holds()
    simulator = create_simulator(SimulatedRuntime(5), SLOW)
    simulator.faults.add(Fault.model_validate({"hang": {"rate": 1}}))
    client = httpx.Client(
        transport=httpx.WSGITransport(app=Delivery(create_app(simulator), holds)), base_url="http://vss"
    )
    answer = client.get(MAINTENANCE)
    assert holds.held == [HANG_HOLD_S]
    assert (answer.status_code, answer.json()["detail"]) == (
        504,
        "the simulator did not answer (injected hang)",
    )


def test_a_live_runtime_spends_an_in_process_exchanges_latency_racing_the_timeout():
    with LiveRuntime(seed=1, speed=100) as runtime:
        runtime.mount("vss", FastTransport(create_simulator(runtime, SLOW)))

        def call(timeout):
            try:
                return (yield Send("vss", HttpRequest("GET", MAINTENANCE), timeout)).status
            except CallTimeout as error:
                return str(error)

        assert runtime.spawn(call(1.0)).result(timeout=10) == 401
        assert runtime.spawn(call(0.1)).result(timeout=10) == "vss: no answer in 0.1s"


@pytest.mark.live
def test_a_refused_connection_and_a_timeout_are_outcomes_not_exceptions():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = live_transport(f"http://127.0.0.1:{port}").handle_request(HttpRequest("GET", "/"), 1.0)
    assert (refused.outcome, refused.response) == ("refused", None)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts, never answers
        port = silent.getsockname()[1]
        hung = live_transport(f"http://127.0.0.1:{port}").handle_request(HttpRequest("GET", "/"), 0.2)
    assert (hung.outcome, hung.latency, hung.response) == ("hang", 0.2, None)
