"""The VSS simulator: maintenance records behind OAuth 2.0 client credentials."""

from simulators.vss.app import create_app, create_simulator
from simulators.vss.model import VssConfig, VssModel

__all__ = ["VssConfig", "VssModel", "create_app", "create_simulator"]
