"""The Factory simulator: vehicle orders by API key, a production timeline, signed status webhooks."""

from typing import TYPE_CHECKING

from simulators.factory.model import FactoryConfig, FactoryModel
from simulators.kit.lazy import exports_from

if TYPE_CHECKING:
    from simulators.factory.app import create_app, create_simulator

__all__ = ["FactoryConfig", "FactoryModel", "create_app", "create_simulator"]
# The app module imports Flask: loaded when one of its names is first used.
__getattr__ = exports_from(__name__, "simulators.factory.app", ["create_app", "create_simulator"])
