"""The IoT API simulator: configuration commands delivered over a flaky network, HMAC-signed requests."""

from simulators.iot.app import create_app, create_simulator
from simulators.iot.model import IotConfig, IotModel
from simulators.iot.network import (
    Duration,
    ExponentialDelay,
    FixedDelay,
    LinkConfig,
    LognormalDelay,
    ParetoDelay,
)

__all__ = [
    "Duration",
    "ExponentialDelay",
    "FixedDelay",
    "IotConfig",
    "IotModel",
    "LinkConfig",
    "LognormalDelay",
    "ParetoDelay",
    "create_app",
    "create_simulator",
]
