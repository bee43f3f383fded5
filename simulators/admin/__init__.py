"""The Admin simulators: national vehicle-registration bodies, one simulator per country."""

from typing import TYPE_CHECKING

from simulators.admin.countries import COUNTRIES, REGISTRIES, Country, country
from simulators.admin.model import AdminConfig, AdminModel, Outage, Registration
from simulators.kit.lazy import exports_from

if TYPE_CHECKING:
    from simulators.admin.app import create_app, create_simulator, create_simulators

__all__ = [
    "COUNTRIES",
    "REGISTRIES",
    "AdminConfig",
    "AdminModel",
    "Country",
    "Outage",
    "Registration",
    "country",
    "create_app",
    "create_simulator",
    "create_simulators",
]
# The app module imports Flask: loaded when one of its names is first used.
__getattr__ = exports_from(
    __name__, "simulators.admin.app", ["create_app", "create_simulator", "create_simulators"]
)
