"""The IoT API (pre-existing, cannot change): build the simulator, or its Flask app."""

from __future__ import annotations

import flask

from caas_core.runtime import Runtime
from httpkit.flask_edge import create_app as _flask_app
from simulators.iot.model import IotConfig, IotModel
from simulators.iot.routes import ROUTES, SECURITY_SCHEMES
from simulators.iot.states import STATES
from simulators.kit.service import Simulator


def create_simulator(runtime: Runtime, config: IotConfig | None = None) -> Simulator:
    config = config or IotConfig()
    return Simulator(
        "iot",
        runtime,
        IotModel(runtime, config),
        ROUTES,
        config.latency,
        title="IoT API simulator",
        description="Vehicle configuration commands over a flaky network, behind HMAC-signed requests "
        "(headers X-IoT-Key-Id, X-IoT-Timestamp, X-IoT-Signature).",
        security_schemes=SECURITY_SCHEMES,
        provider_states=STATES,
        capacity=config.capacity,
    )


def create_app(runtime: Runtime, config: IotConfig | None = None) -> flask.Flask:
    """The simulator behind a Flask app; the simulator itself is `app.extensions["simulator"]`."""
    return _flask_app(create_simulator(runtime, config))
