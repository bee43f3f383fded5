"""Admin registries (to be built by partners, one per country): build one simulator, all, or an app.

Each country is its own simulator, named after its system ("admin-es", ...), with its own credential,
routes, fault plan and journal, so a fault or outage on one registry leaves the others untouched.
"""

from __future__ import annotations

from collections.abc import Mapping

import flask

from caas_core.runtime import Runtime
from httpkit.flask_edge import create_app as _flask_app
from simulators.admin.countries import COUNTRIES, country
from simulators.admin.model import AdminConfig, AdminModel
from simulators.admin.routes import routes, security_schemes
from simulators.admin.states import STATES
from simulators.kit.service import Simulator


def create_simulator(runtime: Runtime, country_code: str, config: AdminConfig | None = None) -> Simulator:
    registry = country(country_code)
    config = config or AdminConfig()
    return Simulator(
        registry.system,
        runtime,
        AdminModel(runtime, registry, config),
        routes(registry),
        config.latency,
        title=f"Admin registration simulator: {registry.name} ({registry.registry})",
        description=(
            f"Vehicle registration with {registry.registry}, {registry.name}'s registration body: "
            f"plates in {registry.name}'s current format ({registry.plate_format}), owner data checked by "
            f"{registry.code} rules"
        ),
        security_schemes=security_schemes(registry),
        provider_states=STATES,
        capacity=config.capacity,
    )


def create_simulators(
    runtime: Runtime, config: AdminConfig | Mapping[str, AdminConfig] | None = None
) -> dict[str, Simulator]:
    """Every country's registry, keyed by system name. `config` is one for all, or one per country code
    (countries left out get the defaults)."""
    simulators = {}
    for code in COUNTRIES:
        own = config.get(code) if isinstance(config, Mapping) else config
        simulator = create_simulator(runtime, code, own)
        simulators[simulator.name] = simulator
    return simulators


def create_app(runtime: Runtime, country_code: str, config: AdminConfig | None = None) -> flask.Flask:
    """The country's simulator behind a Flask app; the simulator itself is `app.extensions["simulator"]`."""
    return _flask_app(create_simulator(runtime, country_code, config))
