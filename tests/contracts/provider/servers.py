"""A sandbox simulator served as a provider for verification: the real app under waitress on 127.0.0.1,
on a live runtime, with no injected latency."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from caas_core.web.flask_app import create_app
from contracts import states
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from simulators import admin, factory, iot, payment, vss
from simulators.kit.latency import Fixed
from simulators.kit.service import Simulator
from tests.contracts.examples import EXAMPLE_EPOCH

NO_LATENCY = Fixed(dist="fixed", ms=0)
STATE_PATH = "/__sandbox/provider-states"


def simulator_for(provider: str, runtime: LiveRuntime) -> Simulator:
    system = states.SYSTEMS[provider]
    if system == "factory":
        return factory.create_simulator(runtime, factory.FactoryConfig(latency=NO_LATENCY))
    if system == "vss":
        return vss.create_simulator(runtime, vss.VssConfig(latency=NO_LATENCY))
    if system == "iot":
        # The contract's signed examples carry the example time: the simulator's clock must read it.
        runtime.epoch = EXAMPLE_EPOCH
        return iot.create_simulator(runtime, iot.IotConfig(latency=NO_LATENCY))
    if system == "payment":
        return payment.create_simulator(runtime, payment.PaymentConfig(latency=NO_LATENCY))
    return admin.create_simulator(
        runtime, system.removeprefix("admin-"), admin.AdminConfig(latency=NO_LATENCY)
    )


Build = Callable[[LiveRuntime], Simulator]


@contextmanager
def served(builds: dict[str, Build | None]) -> Iterator[dict[str, str]]:
    """Serve one simulator per name (the provider's own, or the one its `build` makes) while the block
    runs; yields each one's base URL. Servers stop together: each takes up to a second of its loop's
    poll timeout to notice, and in parallel that second is paid once."""
    runtime = LiveRuntime(seed=11)
    servers: dict[str, BackgroundServer] = {}
    try:
        for name, build in builds.items():
            simulator = build(runtime) if build is not None else simulator_for(name, runtime)
            servers[name] = BackgroundServer(create_app(simulator), threads=4).start()
        yield {name: server.url for name, server in servers.items()}
    finally:
        runtime.close()  # first: it releases any server thread still held
        stopping = [threading.Thread(target=server.stop) for server in servers.values()]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
