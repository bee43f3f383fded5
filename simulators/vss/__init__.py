"""The VSS simulator: maintenance records behind OAuth 2.0 client credentials."""

from typing import TYPE_CHECKING

from simulators.kit.lazy import exports_from
from simulators.vss.model import VssConfig, VssModel

if TYPE_CHECKING:
    from simulators.vss.app import create_app, create_simulator

__all__ = ["VssConfig", "VssModel", "create_app", "create_simulator"]
# The app module imports Flask: loaded when one of its names is first used.
__getattr__ = exports_from(__name__, "simulators.vss.app", ["create_app", "create_simulator"])
