"""A transport that answers from a script, and a flow that sends through it: exact timelines in tests."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from caas_core.adapters.integration import Endpoint, Integration, Trace
from caas_core.effects import Flow, Send
from caas_core.policies import load_policies
from caas_core.resilience.deadline import Deadline
from caas_core.telemetry import Telemetry
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse
from runtimes.simulated import SimulatedRuntime

HANG = Exchange(0.0, None, "hang")


def answer(status: int, latency: float = 0.0) -> Exchange:
    return Exchange(
        latency, HttpResponse(status, {"Content-Type": "application/json"}, data={"status": status})
    )


@dataclass
class ScriptedTransport:
    """Answers each request with the next scripted exchange (then repeats the last); records arrivals."""

    runtime: SimulatedRuntime
    script: deque[Exchange] = field(default_factory=deque)
    arrivals: list[float] = field(default_factory=list)

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        self.arrivals.append(self.runtime.now())
        if len(self.script) > 1:
            return self.script.popleft()
        return self.script[0]


def scripted(seed: int, *exchanges: Exchange) -> tuple[SimulatedRuntime, ScriptedTransport]:
    runtime = SimulatedRuntime(seed)
    transport = ScriptedTransport(runtime, deque(exchanges))
    runtime.transports["x"] = transport
    return runtime, transport


def call_x(deadline: Deadline) -> Flow[HttpResponse]:
    """One attempt: a GET to system "x" bounded by the attempt's deadline; raises on a 4xx or 5xx."""
    x = Integration("x", load_policies().vss_query, Telemetry())
    return (yield from x.send(Endpoint("GET", "/thing"), HttpRequest("GET", "/thing"), deadline, Trace("t")))


def send_once(timeout: float | None) -> Flow[HttpResponse]:
    return (yield Send("x", HttpRequest("GET", "/thing"), timeout))
