"""The live sandbox: every simulator under waitress on loopback, one live runtime, wired together.

Ports from `port_base` P: core P, factory P+1, vss P+2, iot P+3, payment P+4, admin P+5 (each country
under its own prefix: /es, /fr, ...). With P = 0 every server takes a free port (tests, benchmarks).
The core is wired to the simulators (transports, credentials, webhook secrets) and they to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from caas_core.api.app import create_app as create_core_app
from caas_core.config import CoreConfig
from caas_core.policies import Policies, load_policies
from caas_core.service import CaasCore
from caas_core.systems import ADMIN, ADMIN_SYSTEMS, CORE, SYSTEMS, country_of
from caas_core.wiring import build_core
from httpkit.flask_edge import create_app, to_flask
from httpkit.problems import problem_for
from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from runtimes.transports import live_transport
from simulators.kit.service import Simulator
from simulators.registry import build_simulators, credentials

HOST = "127.0.0.1"
# Enough workers that injected latency, which holds a worker while it sleeps, does not throttle throughput.
THREADS = 200


class LiveSandbox:
    def __init__(
        self,
        seed: int = 0,
        port_base: int = 8100,
        speed: float = 1.0,
        threads: int = THREADS,
        policies: Policies | None = None,
        database: str = ":memory:",
        configs: Mapping[str, Any] | None = None,
    ) -> None:
        self.seed, self.port_base, self.speed, self.threads = seed, port_base, speed, threads
        self.policies = policies or load_policies()
        self.database = database
        self.configs = configs
        self.runtime: LiveRuntime | None = None
        self.core: CaasCore | None = None
        self.simulators: dict[str, Simulator] = {}
        self.servers: dict[str, BackgroundServer] = {}

    def start(self) -> LiveSandbox:
        runtime = self.runtime = LiveRuntime(self.seed, speed=self.speed)
        self.simulators = build_simulators(runtime, self.configs)
        self.core = build_core(runtime, self.policies, CoreConfig(database=self.database))
        admin = {name: self.simulators[name] for name in ADMIN_SYSTEMS}
        apps: dict[str, Any] = {name: create_app(self.simulators[name]) for name in SYSTEMS if name != ADMIN}
        apps[ADMIN] = _admin_front(admin)
        apps[CORE] = create_core_app(self.core)
        try:
            for offset, name in enumerate((CORE, *SYSTEMS)):  # the ports, in this order from the base
                port = self.port_base + offset if self.port_base else 0
                app = Delivery(apps[name], runtime)
                self.servers[name] = BackgroundServer(app, HOST, port, self.threads).start()
        except OSError:
            self.stop()
            raise
        for name, server in self.servers.items():
            if name != ADMIN:
                runtime.mount(name, live_transport(server.url))
        for name in admin:
            runtime.mount(name, live_transport(self.servers[ADMIN].url + _prefix(name)))
        with runtime.exclusive():
            self.core.start()
        return self

    def describe(self) -> dict[str, Any]:
        """Names, URLs and sandbox credentials: what a developer needs to call each system."""
        secrets = {"core": {}, **credentials()}
        listing: dict[str, Any] = {}
        for name, server in self.servers.items():
            listing[name] = {"url": server.url, **secrets[name]}
        listing[ADMIN]["countries"] = {
            country_of(name): self.servers[ADMIN].url + _prefix(name) for name in ADMIN_SYSTEMS
        }
        return listing

    def stop(self) -> None:
        if self.runtime is not None:
            self.runtime.close()  # first: it releases the server threads an injected hang still holds
        for server in self.servers.values():
            server.stop()
        self.servers.clear()

    def __enter__(self) -> LiveSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _admin_front(registries: dict[str, Simulator]) -> DispatcherMiddleware:
    """One server for the national registries, each under its country prefix (/es, /fr, ...)."""
    front = flask.Flask("simulators.admin")
    countries = ", ".join(_prefix(name) for name in registries)

    @front.route("/", defaults={"path": ""})
    @front.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def no_country(path: str) -> flask.Response:
        return to_flask(problem_for(404, f"each registry lives under its country: {countries}"))

    return DispatcherMiddleware(front, {_prefix(name): create_app(sim) for name, sim in registries.items()})


def _prefix(system: str) -> str:
    """Where a country's registry is served on the Admin server: 'admin-es' -> '/es'."""
    return f"/{country_of(system).lower()}"
