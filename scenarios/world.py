"""A whole simulated world: the five systems' simulators and the CaaS core, on one SimPy runtime, every
call going through the transport the run asks for.

The core is a process of that world (`CoreProcess`): it can crash, losing everything it holds in memory
(its running flows, breakers, caches, the IoT queue, the webhook rate limits) and keeping only its store;
while it is down its port refuses connections; after the downtime a new core starts on the same store and
resumes what the store says is owed. The simulators are other processes: they keep their state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from caas_core.api.service import CoreApi
from caas_core.policies import Policies, load_policies
from caas_core.service import CaasCore
from caas_core.store import Store
from caas_core.systems import CORE
from caas_core.telemetry import CIRCUIT_STATE_VALUE, Telemetry
from caas_core.wiring import build_core
from runtimes.lifetime import Lifetime
from runtimes.simulated import SimulatedRuntime
from runtimes.transports import NothingListening
from scenarios.wiring import TransportName, transport_for
from simulators.kit.service import Simulator
from simulators.registry import build_simulators

LOOPBACK = "127.0.0.1"  # simulators push their webhooks from this machine, as the core's allowlist expects
# A crash set to strike after a number of the core's effects strikes anyway this long after it was set:
# a core with no flow running takes no effects.
CRASH_WITHIN_S = 60.0
_STATE_NAMES = {value: name for name, value in CIRCUIT_STATE_VALUE.items()}


class CoreProcess:
    def __init__(
        self, runtime: SimulatedRuntime, policies: Policies, transport: TransportName, mortal: bool
    ) -> None:
        """`mortal`: whether the world may crash it. An immortal core runs on the runtime itself, with no
        layer between each of its effects and SimPy."""
        self.runtime = runtime
        self.policies = policies
        self.transport = transport
        self.mortal = mortal
        self.store = Store()  # its disk: what outlives a crash
        # The observer outside the process: it sees every life, and keeps each call for the time series.
        self.telemetry = Telemetry(keep_calls=True)
        self.down = False
        self._life: Lifetime | None = None
        self._armed = False
        self.core = self._boot()

    def crash_after(self, effects: int, downtime: float, within: float | None = CRASH_WITHIN_S) -> None:
        """Crash once the core's flows have taken `effects` more effects (0: now), or `within` seconds
        whatever they have taken (None: only after the effects); down for `downtime`."""
        life = self._life
        if life is None or self.down or self._armed:
            return  # immortal, down already, or a crash already on its way
        self._armed = True
        life.end_after(effects, lambda: self._crashed(downtime))
        if within is not None:
            self.runtime.call_later(within, lambda: self._strike(life, downtime))

    def _strike(self, life: Lifetime, downtime: float) -> None:
        """The fallback of `crash_after`: the life it was set for is still going, so end it now."""
        if life.alive and self._armed:
            life.end_after(0, lambda: self._crashed(downtime))

    def _boot(self) -> CaasCore:
        runtime = self._life = Lifetime(self.runtime) if self.mortal else None
        core = build_core(runtime or self.runtime, self.policies, store=self.store, telemetry=self.telemetry)
        self.runtime.mount(CORE, transport_for(CoreApi(core), self.transport, peer=LOOPBACK))
        core.start()
        return core

    def _crashed(self, downtime: float) -> None:
        if self.down:
            return  # the fallback of a crash that has struck already
        now = self.runtime.now()
        self.down, self._armed = True, False
        if self.store.db.in_transaction:  # a step never spans an effect; were it to, it would be lost
            self.store.db.execute("ROLLBACK")
        metrics = self.telemetry.metrics
        self.telemetry.record(now, "crash", CORE, downtime=downtime)
        # The breakers and the queue were memory: the next core starts with them closed and empty.
        for breaker, value in sorted(metrics.circuit_state.items()):
            if value != CIRCUIT_STATE_VALUE["closed"]:
                self.telemetry.circuit(now, breaker, _STATE_NAMES[value], "closed")
        for system, depth in sorted(metrics.queue_depth.items()):
            if depth:
                metrics.queue_depth[system] = 0
                self.telemetry.record(now, "queue", system, depth=0)
        self.runtime.mount(CORE, NothingListening())
        self.runtime.call_later(downtime, self._restart)

    def _restart(self) -> None:
        self.down = False
        self.telemetry.record(self.runtime.now(), "restart", CORE)
        self.core = self._boot()


@dataclass
class World:
    runtime: SimulatedRuntime
    simulators: dict[str, Simulator]
    process: CoreProcess
    refused_requests: list[float] = field(default_factory=list)  # when a customer's call found no core

    @property
    def core(self) -> CaasCore:
        """The core now running (or the last one, while it is down): its store is every life's."""
        return self.process.core

    def run(self, until: float) -> None:
        self.runtime.run(until=until)


def build_world(
    seed: int,
    transport: TransportName = "fast",
    policies: Policies | None = None,
    configs: Mapping[str, Any] | None = None,
    crashes: bool = False,
) -> World:
    """`crashes`: whether the core may be crashed (`world.process.crash_after`)."""
    runtime = SimulatedRuntime(seed)
    simulators = build_simulators(runtime, configs)
    for name, simulator in simulators.items():
        runtime.mount(name, transport_for(simulator, transport))
    process = CoreProcess(runtime, policies or load_policies(), transport, mortal=crashes)
    return World(runtime, simulators, process)
