"""The IoT API simulator: configuration commands delivered over a flaky network, HMAC-signed requests."""

from simulators.iot.app import create_app, create_simulator
from simulators.iot.model import IotConfig, IotModel
from simulators.iot.network import LinkConfig

__all__ = ["IotConfig", "IotModel", "LinkConfig", "create_app", "create_simulator"]
