"""VSS, the workshop system (pre-existing, read-only): build the simulator, or its Flask app."""

from __future__ import annotations

import flask

from caas_core.runtime import Runtime
from httpkit.flask_edge import create_app as _flask_app
from simulators.kit.service import Simulator
from simulators.vss.model import VssConfig, VssModel
from simulators.vss.routes import ROUTES, SECURITY_SCHEMES
from simulators.vss.states import STATES


def create_simulator(runtime: Runtime, config: VssConfig | None = None) -> Simulator:
    config = config or VssConfig()
    return Simulator(
        "vss",
        runtime,
        VssModel(runtime, config),
        ROUTES,
        config.latency,
        title="VSS simulator",
        description="Vehicle Service System: maintenance records behind OAuth 2.0 client credentials",
        security_schemes=SECURITY_SCHEMES,
        provider_states=STATES,
        capacity=config.capacity,
    )


def create_app(runtime: Runtime, config: VssConfig | None = None) -> flask.Flask:
    """The simulator behind a Flask app; the simulator itself is `app.extensions["simulator"]`."""
    return _flask_app(create_simulator(runtime, config))
