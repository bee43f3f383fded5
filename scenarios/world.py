"""A whole simulated world: the five systems' simulators and the CaaS core, on one SimPy runtime, every
call going through the transport the run asks for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caas_core.api.service import CoreApi
from caas_core.policies import Policies, load_policies
from caas_core.service import CaasCore
from caas_core.systems import CORE
from caas_core.wiring import build_core
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TransportName, transport_for
from simulators.kit.service import Simulator
from simulators.registry import build_simulators


@dataclass
class World:
    runtime: SimulatedRuntime
    simulators: dict[str, Simulator]
    core: CaasCore

    def run(self, until: float) -> None:
        self.runtime.run(until=until)


def build_world(
    seed: int,
    transport: TransportName = "fast",
    policies: Policies | None = None,
    configs: Mapping[str, Any] | None = None,
) -> World:
    runtime = SimulatedRuntime(seed)
    simulators = build_simulators(runtime, configs)
    for name, simulator in simulators.items():
        runtime.mount(name, transport_for(simulator, transport))
    core = build_core(runtime, policies or load_policies())
    # Simulators push their webhooks to the core from this machine, as the core's allowlist expects.
    runtime.mount(CORE, transport_for(CoreApi(core), transport, peer="127.0.0.1"))
    core.start()
    return World(runtime, simulators, core)
