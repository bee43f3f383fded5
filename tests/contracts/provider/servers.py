"""A sandbox simulator served as a provider for verification: the real app under waitress on 127.0.0.1,
on a live runtime, with no injected latency."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from contracts import states
from httpkit.flask_edge import create_app
from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from simulators.admin import AdminConfig
from simulators.factory import FactoryConfig
from simulators.iot import IotConfig
from simulators.kit.distributions import Fixed
from simulators.kit.service import Simulator
from simulators.payment import PaymentConfig
from simulators.registry import build_simulators
from simulators.vss import VssConfig
from tests.contracts.examples import EXAMPLE_EPOCH

NO_LATENCY = Fixed(s=0)
CONFIGS = {
    "factory": FactoryConfig(latency=NO_LATENCY),
    "vss": VssConfig(latency=NO_LATENCY),
    "iot": IotConfig(latency=NO_LATENCY),
    "payment": PaymentConfig(latency=NO_LATENCY),
    "admin": AdminConfig(latency=NO_LATENCY),
}
STATE_PATH = "/__sandbox/provider-states"


Build = Callable[[LiveRuntime], Simulator]


@contextmanager
def served(builds: dict[str, Build | None]) -> Iterator[dict[str, str]]:
    """Serve one simulator per name (the provider's own, or the one its `build` makes) while the block
    runs; yields each one's base URL. Servers stop together: each takes up to a second of its loop's
    poll timeout to notice, and in parallel that second is paid once."""
    runtime = LiveRuntime(seed=11)
    # The contracts' signed examples carry the example time: the simulators' clocks must read it.
    runtime.epoch = EXAMPLE_EPOCH
    servers: dict[str, BackgroundServer] = {}
    try:
        own = build_simulators(runtime, CONFIGS)
        for name, build in builds.items():
            simulator = build(runtime) if build is not None else own[states.SYSTEMS[name]]
            servers[name] = BackgroundServer(Delivery(create_app(simulator), runtime), threads=4).start()
        yield {name: server.url for name, server in servers.items()}
    finally:
        runtime.close()  # first: it releases any server thread still held
        stopping = [threading.Thread(target=server.stop) for server in servers.values()]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
