"""The live sandbox: the core and the simulators under waitress on loopback, wired together.

Ports from `port_base` P: core P, factory P+1, vss P+2, iot P+3, payment P+4, admin P+5 (each country
under its own prefix: /es, /fr, ...). With P = 0 every server takes a free port (tests, benchmarks).

Its parts can run as processes of their own (`parts`): "simulators" serves the five partners and sends
their webhooks to a core at `core_url`; "core" serves the core and reaches the partners served from
`partners_url` (their port base), on their clock. So the core can be killed and restarted on the same
database while the partners keep their orders, commands and authorisations. "all" runs both in one
process, on one runtime.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

import flask
import httpx
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from caas_core.api.access import OPERATOR, require
from caas_core.api.app import create_app as create_core_app
from caas_core.config import CoreConfig
from caas_core.errors import ConfigError
from caas_core.policies import Policies, load_policies
from caas_core.service import CaasCore
from caas_core.systems import ADMIN, ADMIN_SYSTEMS, CORE, SYSTEMS, country_of
from caas_core.wiring import build_core
from caas_sandbox.clock import ClockService
from caas_sandbox.console.app import core_port, create_console
from caas_sandbox.console.partners import Partners
from caas_sandbox.speeds import check_speed
from caas_sandbox.tokens import Tokens
from httpkit.card_guard import CardGuard
from httpkit.flask_edge import create_app, http_problem, to_flask
from httpkit.messages import HttpRequest
from httpkit.problems import problem_for
from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer, ServerLimits
from runtimes.transports import live_transport
from simulators.kit.journal import Journal
from simulators.kit.service import Simulator
from simulators.registry import build_simulators, credentials

HOST = "127.0.0.1"
# Enough workers that injected latency, which holds a worker while it sleeps, does not throttle throughput.
THREADS = 200
PORTS = (CORE, *SYSTEMS)  # in this order from the port base
Parts = Literal["all", "core", "simulators"]
PARTNER_WAITS, PARTNER_WAIT_S = 20, 0.5  # how long a core on its own waits for its partners to answer
JOURNAL_CAPACITY = 5_000  # entries each simulator keeps, with their headers and bodies
TRACES_KEPT = 2_000  # traces the core keeps its own record of


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
        parts: Parts = "all",
        partners_url: str | None = None,
        core_url: str | None = None,
        limits: ServerLimits | None = None,
        tokens: Tokens | None = None,
    ) -> None:
        """`partners_url` (parts "core"): where the partners are served, as the URL of their port base;
        by default this sandbox's own. `core_url` (parts "simulators"): the core their webhooks go to."""
        self.seed, self.port_base, self.speed, self.threads = seed, port_base, speed, threads
        self.policies = policies or load_policies()
        check_speed(speed, self.policies)
        self.database = database
        self.configs = configs
        self.parts = parts
        self.partners_url = partners_url or f"http://{HOST}:{port_base}"
        self.core_url = core_url or f"http://{HOST}:{port_base}"
        self.limits = limits or ServerLimits()
        self.tokens = tokens or Tokens.generate()
        self.runtime: LiveRuntime | None = None
        self.clock: ClockService | None = None
        self.partners = Partners({})
        self.core: CaasCore | None = None
        self.simulators: dict[str, Simulator] = {}
        self.servers: dict[str, BackgroundServer] = {}

    def start(self) -> LiveSandbox:
        runtime = self.runtime = LiveRuntime(self.seed, speed=self.speed, clock=self._partners_clock())
        # A core on its own follows the partners' clock; otherwise this process owns it.
        owner = self._urls()["factory"] if self.parts == "core" else None
        clock = self.clock = ClockService(runtime, owner_url=owner)
        apps: dict[str, Any] = {}
        if self.parts != "core":
            self.simulators = build_simulators(runtime, self.configs)
            for name, simulator in self.simulators.items():
                # What a developer reads to see what happened: kept whole, but not for ever.
                simulator.journal = Journal(detail=True, capacity=JOURNAL_CAPACITY)
                simulator.mount = _prefix(name) if name in ADMIN_SYSTEMS else ""
            admin = {name: self.simulators[name] for name in ADMIN_SYSTEMS}
            apps.update({name: create_app(self.simulators[name]) for name in SYSTEMS if name != ADMIN})
            apps[ADMIN] = _admin_front(admin)
        if self.parts != "simulators":
            # Served before it is wired: until start() below has recovered it, its API answers 503.
            config = CoreConfig(
                database=self.database,
                api_token=self.tokens.api,
                operator_token=self.tokens.operator,
                traces_kept=TRACES_KEPT,
            )
            self.core = build_core(runtime, self.policies, config)
            self.partners = Partners({})  # where they are is known once every server listens
            apps[CORE] = core_port(create_core_app(self.core), create_console(self.core, self.partners))
        for offset, name in enumerate(PORTS):
            if name in apps:
                port = self.port_base + offset if self.port_base else 0
                try:
                    # The simulators take no card number anywhere; the core checks its own bodies.
                    guard = self._operator_guard if name == CORE else None
                    app = CardGuard(
                        clock.wrap(Delivery(apps[name], runtime), guard), scan_bodies=name != CORE
                    )
                    server = BackgroundServer(app, HOST, port, self.threads, self.limits)
                except OSError as error:
                    self.stop()
                    raise ConfigError(self._unavailable(name, port, error)) from None
                self.servers[name] = server.start()
        for name, url in self._urls().items():
            runtime.mount(name, live_transport(url))
            if name != CORE:
                self.partners.urls[name] = url
        if self.parts == "core":
            clock.join(self.servers[CORE].url)
        if self.core is not None:
            with runtime.exclusive():
                self.core.start()
        return self

    def _operator_guard(self, environ: dict[str, Any]) -> None:
        """Who may advance the clock through the core: the operator, as for everything else it opens."""
        assert self.core is not None
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        require(
            (OPERATOR,), HttpRequest("POST", "", headers={"Authorization": authorization}), self.core.config
        )

    def _unavailable(self, name: str, port: int, error: OSError) -> str:
        last = self.port_base + len(PORTS) - 1
        return (
            f"cannot listen on port {port} ({name}): {error.strerror or error}; choose another --port-base "
            f"(the sandbox takes ports {self.port_base}-{last})"
        )

    def _urls(self) -> dict[str, str]:
        """Where each system this sandbox calls is served: its own servers, or the other part's."""
        if self.parts == "core":
            base = urlsplit(self.partners_url)
            served = {
                name: f"{base.scheme}://{base.hostname}:{(base.port or 80) + offset}"
                for offset, name in enumerate(PORTS)
                if name != CORE
            }
        else:
            served = {name: server.url for name, server in self.servers.items()}
        if self.parts == "simulators":
            served[CORE] = self.core_url
        urls = {name: url for name, url in served.items() if name != ADMIN}
        urls.update({name: served[ADMIN] + _prefix(name) for name in ADMIN_SYSTEMS})
        return urls

    def _partners_clock(self) -> tuple[float, float] | None:
        """A core on its own keeps the partners' clock (their epoch, and their runtime seconds now), so the
        timestamps they sign and those it checks agree at any speed."""
        if self.parts != "core":
            return None
        state = f"{self._urls()['factory']}/__sandbox/state"
        for _ in range(PARTNER_WAITS):  # both parts may be starting together: give the partners a moment
            try:
                read = httpx.get(state, timeout=5).json()
                return float(read["epoch"]), float(read["time_s"])
            except (httpx.HTTPError, ValueError, KeyError, TypeError):
                time.sleep(PARTNER_WAIT_S)
        raise ConfigError(
            f"no partners answer at {self.partners_url} (asked {state}): start them first with "
            "caas-sandbox serve --simulators-only, on the same --port-base"
        )

    def describe(self) -> dict[str, Any]:
        """Names, URLs and sandbox credentials: what a developer needs to call each system."""
        secrets = {
            "core": {"token": self.tokens.api, "operator_token": self.tokens.operator},
            **credentials(),
        }
        listing: dict[str, Any] = {}
        for name, server in self.servers.items():
            listing[name] = {"url": server.url, **secrets[name]}
        if ADMIN in listing:
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

    @front.route("/", methods=["GET"])
    def index() -> flask.Response:
        listing = {
            "service": "Admin bodies: one vehicle registry per country",
            "countries": {
                country_of(name): {"index": f"{_prefix(name)}/", "openapi": f"{_prefix(name)}/openapi.json"}
                for name in registries
            },
        }
        return flask.Response(json.dumps(listing), mimetype="application/json")

    @front.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def no_country(path: str) -> flask.Response:
        return to_flask(problem_for(404, f"each registry lives under its country: {countries}"))

    front.register_error_handler(HTTPException, http_problem)
    return DispatcherMiddleware(front, {_prefix(name): create_app(sim) for name, sim in registries.items()})


def _prefix(system: str) -> str:
    """Where a country's registry is served on the Admin server: 'admin-es' -> '/es'."""
    return f"/{country_of(system).lower()}"
