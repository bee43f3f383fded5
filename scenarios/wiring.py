"""Put simulators and the core's API behind a simulated runtime with the transport a run asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from caas_core.api.service import CoreApi
from caas_core.runtime import Runtime
from httpkit.flask_edge import create_app
from runtimes.simulated import SimulatedRuntime
from runtimes.transports import FastTransport, Transport, wire_transport
from simulators.kit.service import Simulator

TransportName = Literal["fast", "wire"]
TRANSPORTS: tuple[TransportName, ...] = ("fast", "wire")


def transport_for(
    service: Simulator | CoreApi, transport: TransportName, peer: str | None = None
) -> Transport:
    """`fast` calls the service's dispatcher; `wire` goes through its Flask app over WSGI. `peer` is the
    caller's address a fast call shows (the wire's WSGI peer is this machine)."""
    if transport == "fast":
        return FastTransport(service, peer)
    return wire_transport(create_app(service))


def attach(
    runtime: SimulatedRuntime, build: Callable[[Runtime], Simulator], transport: TransportName
) -> Simulator:
    """Build a simulator on `runtime` and route its system's calls through `transport`."""
    simulator = build(runtime)
    runtime.mount(simulator.name, transport_for(simulator, transport))
    return simulator
