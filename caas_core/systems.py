"""The external systems by name: as the core sends to them, the simulators answer as them, and scenarios,
reports and the live sandbox speak of them.

Admin bodies are one system per country: Spain's registry is `admin-es`. Policies, metrics and reports
speak of the family (`admin`); breakers, faults, transports and journals of each country's system.
"""

from __future__ import annotations

from typing import Literal, get_args

CORE = "core"  # the integration core itself: where webhooks are sent
ADMIN = "admin"
# The partner systems the core integrates, as families.
SYSTEMS = ("factory", "vss", "iot", "payment", ADMIN)
# The countries whose registries the core knows; the API takes orders for these only.
Country = Literal["ES", "FR", "DE", "IT", "PT"]
COUNTRIES: tuple[Country, ...] = get_args(Country)

_ADMIN_PREFIX = f"{ADMIN}-"


def admin_system(country: str) -> str:
    """The system of a country's registry: 'ES' -> 'admin-es'."""
    return f"{_ADMIN_PREFIX}{country.lower()}"


ADMIN_SYSTEMS = tuple(admin_system(c) for c in COUNTRIES)
# Every system a request can be sent to, one per country for Admin.
ADDRESSABLE = (*(s for s in SYSTEMS if s != ADMIN), *ADMIN_SYSTEMS)


def is_admin(system: str) -> bool:
    return system.startswith(_ADMIN_PREFIX)


def country_of(system: str) -> str:
    """The country of a registry's system, upper case: 'admin-es' -> 'ES'."""
    if not is_admin(system):
        raise ValueError(f"{system!r} is not a country's registry")
    return system.removeprefix(_ADMIN_PREFIX).upper()


def family(system: str) -> str:
    """The family a system belongs to: 'admin-es' -> 'admin'; any other system is its own."""
    return ADMIN if is_admin(system) else system


def members(name: str) -> tuple[str, ...]:
    """The systems a name stands for: 'admin' is every country's registry; any other name is itself."""
    return ADMIN_SYSTEMS if name == ADMIN else (name,)
