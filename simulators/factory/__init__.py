"""The Factory simulator: vehicle orders by API key, a production timeline, signed status webhooks."""

from simulators.factory.app import create_app, create_simulator
from simulators.factory.model import FactoryConfig, FactoryModel

__all__ = ["FactoryConfig", "FactoryModel", "create_app", "create_simulator"]
