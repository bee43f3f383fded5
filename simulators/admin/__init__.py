"""The Admin simulators: national vehicle-registration bodies, one simulator per country."""

from simulators.admin.app import create_app, create_simulator, create_simulators
from simulators.admin.countries import COUNTRIES, REGISTRIES, Country, country
from simulators.admin.model import AdminConfig, AdminModel, Outage, Registration

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
