"""One live sandbox at the wall clock's own speed for the tests that advance its clock or read its console,
its partners answering at once, so that an advance takes the wall time of its steps only."""

from __future__ import annotations

import pytest

from caas_sandbox.sandbox import LiveSandbox
from simulators.factory import FactoryConfig
from simulators.iot import IotConfig
from simulators.kit.distributions import Fixed
from simulators.payment import PaymentConfig
from tests.helpers.serving import operator_client
from tests.helpers.world import CONFIGS

QUICK = Fixed(ms=2)
QUICK_CONFIGS = {
    **CONFIGS,
    "factory": FactoryConfig(latency=QUICK),  # its own timeline: 1 to 3 days queued, ~10 days to build
    "iot": IotConfig(latency=QUICK, transit=Fixed(s=2), processing=Fixed(s=20), failure_rate=0.0),
    "payment": PaymentConfig(latency=QUICK, settlement_delay=Fixed(s=3 * 3600)),
}


@pytest.fixture(scope="session")
def quick_sandbox():
    box = LiveSandbox(seed=11, port_base=0, speed=1, configs=QUICK_CONFIGS).start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def quick_api(quick_sandbox):
    with operator_client(quick_sandbox, timeout_s=300) as client:
        yield client
