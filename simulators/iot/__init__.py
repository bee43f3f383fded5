"""The IoT API simulator: configuration commands delivered over a flaky network, HMAC-signed requests."""

from typing import TYPE_CHECKING

from simulators.iot.model import IotConfig, IotModel
from simulators.iot.network import LinkConfig
from simulators.kit.lazy import exports_from

if TYPE_CHECKING:
    from simulators.iot.app import create_app, create_simulator

__all__ = ["IotConfig", "IotModel", "LinkConfig", "create_app", "create_simulator"]
# The app module imports Flask: loaded when one of its names is first used.
__getattr__ = exports_from(__name__, "simulators.iot.app", ["create_app", "create_simulator"])
