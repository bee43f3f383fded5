"""A minimal capacity-limited server for tests: one route whose model notes when it acted on each request."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from caas_core.effects import NOW, Flow, Send
from caas_core.errors import IntegrationError
from caas_core.telemetry import Telemetry
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.routing import Route
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TransportName, transport_for
from simulators.kit.capacity import CapacitySetting
from simulators.kit.distributions import Fixed
from simulators.kit.service import Simulator

COUNT = Route("POST", "/count", lambda model, request: model.count(request))
PEEK = Route("GET", "/peek", lambda model, request: json_response(200, {"acted": len(model.acted)}))
SYSTEM = "counter"
_SETTING = TypeAdapter(CapacitySetting | None)


class Counter:
    """Acts on each request by noting the time: when the server acted, as the request's caller never sees."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.acted: list[tuple[str, float]] = []

    def count(self, request: HttpRequest) -> HttpResponse:
        name = str((request.json or {}).get("name"))
        self.acted.append((name, self.runtime.now()))
        return json_response(200, {"name": name, "acted_at": self.runtime.now()})

    def state(self) -> dict[str, Any]:
        return {"acted": len(self.acted)}

    def reset(self) -> None:
        self.acted.clear()


def capacity_setting(data: Any) -> Any:
    """A `capacity` setting as a simulator's config validates it."""
    return _SETTING.validate_python(data)


def counter_world(
    capacity: Any, seed: int = 1, transport: TransportName = "fast", latency_s: float = 0.0
) -> tuple[SimulatedRuntime, Simulator]:
    """A simulated runtime with the counter server mounted behind `transport`, its network latency fixed."""
    runtime = SimulatedRuntime(seed)
    setting = _SETTING.validate_python(capacity)  # as a simulator's config gives it
    simulator = Simulator(
        SYSTEM, runtime, Counter(runtime), [COUNT, PEEK], Fixed(s=latency_s), capacity=setting
    )
    runtime.mount(SYSTEM, transport_for(simulator, transport))
    return runtime, simulator


def call(
    name: str, timeout: float | None = None, route: Route = COUNT, telemetry: Telemetry | None = None
) -> Flow[tuple[float, Any]]:
    """One request; (when its answer or failure came, the status or the failure's type name). With
    `telemetry`, it is measured there as the core's integrations measure theirs."""
    request = HttpRequest(route.method, route.template, json={"name": name})
    start = yield NOW
    try:
        response = yield Send(SYSTEM, request, timeout)
    except IntegrationError as error:
        outcome: Any = type(error).__name__
    else:
        outcome = response.status
    end = yield NOW
    if telemetry is not None:
        error = None if outcome in (200,) else str(outcome)
        telemetry.request(end, SYSTEM, route.key, end - start, error)
    return end, outcome
