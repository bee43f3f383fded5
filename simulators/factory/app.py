"""The Factory (to be built by a partner): build the simulator, or its Flask app."""

from __future__ import annotations

import flask

from caas_core.runtime import Runtime
from httpkit.flask_edge import create_app as _flask_app
from simulators.factory.model import FactoryConfig, FactoryModel
from simulators.factory.routes import ROUTES, SECURITY_SCHEMES, STATUS_WEBHOOK
from simulators.factory.states import STATES
from simulators.kit.faults import FaultPlan
from simulators.kit.service import Simulator


def create_simulator(runtime: Runtime, config: FactoryConfig | None = None) -> Simulator:
    config = config or FactoryConfig()
    faults = FaultPlan.for_simulator(runtime, "factory", config.latency)
    model = FactoryModel(runtime, config, faults)
    simulator = Simulator(
        "factory",
        runtime,
        model,
        ROUTES,
        config.latency,
        title="Factory simulator",
        description="Factory order management: orders by API key, status changes pushed as signed webhooks",
        security_schemes=SECURITY_SCHEMES,
        webhooks=(STATUS_WEBHOOK,),
        provider_states=STATES,
        capacity=config.capacity,
        faults=faults,
    )
    return simulator


def create_app(runtime: Runtime, config: FactoryConfig | None = None) -> flask.Flask:
    """The simulator behind a Flask app; the simulator itself is `app.extensions["simulator"]`."""
    return _flask_app(create_simulator(runtime, config))
