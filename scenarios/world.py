"""A whole simulated world: the five systems' simulators and the CaaS core, on one SimPy runtime, every
call going through the transport the run asks for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caas_core.api.app import create_app
from caas_core.api.service import CoreApi
from caas_core.config import CoreConfig
from caas_core.policies import Policies, load_policies
from caas_core.service import CaasCore
from caas_core.web.flask_app import create_app as serve_routes
from runtimes.simulated import SimulatedRuntime
from runtimes.transports import FastTransport, WireTransport
from scenarios.wiring import TransportName
from simulators.kit.service import Simulator
from simulators.registry import build_simulators


@dataclass
class World:
    runtime: SimulatedRuntime
    simulators: dict[str, Simulator]
    core: CaasCore
    api: CoreApi

    def run(self, until: float) -> None:
        self.runtime.run(until=until)


def build_world(
    seed: int,
    transport: TransportName = "fast",
    policies: Policies | None = None,
    configs: Mapping[str, Any] | None = None,
    core_config: CoreConfig | None = None,
) -> World:
    runtime = SimulatedRuntime(seed)
    simulators = build_simulators(runtime, configs)
    for name, simulator in simulators.items():
        runtime.transports[name] = (
            FastTransport(simulator)
            if transport == "fast"
            else WireTransport(serve_routes(simulator, "report"))
        )
    core = CaasCore(runtime, policies or load_policies(), core_config)
    api = CoreApi(core)
    runtime.transports["core"] = (
        FastTransport(api, peer="127.0.0.1")
        if transport == "fast"
        else WireTransport(create_app(core, "report"))
    )
    core.start()
    return World(runtime, simulators, core, api)
