"""Put simulators behind a simulated runtime with the transport a run asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import flask

from caas_core.runtime import Runtime
from caas_core.web.flask_app import create_app
from runtimes.simulated import SimulatedRuntime
from runtimes.transports import FastTransport, WireTransport
from simulators.kit.service import Simulator

TransportName = Literal["fast", "wire"]
TRANSPORTS: tuple[TransportName, ...] = ("fast", "wire")


def attach(
    runtime: SimulatedRuntime, build: Callable[[Runtime], Simulator], transport: TransportName
) -> Simulator:
    """Build a simulator on `runtime` and route its system's calls through `transport`."""
    simulator = build(runtime)
    if transport == "fast":
        runtime.transports[simulator.name] = FastTransport(simulator)
    else:
        app: flask.Flask = create_app(simulator, latency="report")
        runtime.transports[simulator.name] = WireTransport(app)
    return simulator
