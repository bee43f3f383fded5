"""The workload: customers ordering cars and buying services, as Poisson arrivals through the core's API.

Every draw comes from a named stream ("workload.orders", "workload.purchases", ...), so a scenario's
arrivals are the same whatever policy the core runs under: common random numbers across policy files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from caas_core.config import SANDBOX_CORE_API_TOKEN
from caas_core.effects import NOW, Draw, Flow, Send, Sleep
from caas_core.errors import ConnectionFailed
from httpkit.messages import HttpRequest
from scenarios.model import RateStep, Scenario, Workload
from simulators.admin.countries import dni_letter, nif_check_digit
from simulators.kit.fleet import TEST_VEHICLES, Fleet

# The customers reach the core through the web platform, with the API token the simulated core expects.
AUTHORIZED = {"Authorization": f"Bearer {SANDBOX_CORE_API_TOKEN}"}
CATALOGUE = (
    {"model": "CITY", "trim": "BASE", "colour": "RED", "options": []},
    {"model": "TOURER", "trim": "LUXURY", "colour": "BLUE", "options": ["HEAT_PUMP"]},
    {"model": "SUV", "trim": "STYLE", "colour": "BLACK", "options": ["TOW_BAR"]},
)


def start(runtime: Any, scenario: Scenario, fleet: Fleet, refused: list[float]) -> None:
    """Spawn the order and purchase arrival processes for the scenario's duration. A request that finds
    the core down (its connection refused) is not retried: its time is added to `refused`."""
    workload = scenario.workload
    if workload.orders_per_hour:
        runtime.spawn(
            arrivals(
                workload.orders_per_hour,
                scenario.duration,
                "workload.orders",
                lambda: place_order(scenario),
                refused,
            )
        )
    if workload.purchases_per_hour:
        runtime.spawn(
            arrivals(
                workload.purchases_per_hour,
                scenario.duration,
                "workload.purchases",
                lambda: buy_service(workload, fleet),
                refused,
            )
        )


def arrivals(
    steps: tuple[RateStep, ...],
    until: float,
    stream: str,
    act: Callable[[], Flow[Any]],
    refused: list[float],
) -> Flow[None]:
    """Poisson arrivals at a piecewise-constant rate (per hour). Each arrival runs `act` inline: it only
    sends a request to the core's API, which answers with no simulated latency, so the next gap is drawn
    at the arrival's own time."""
    now = yield NOW
    while now < until:
        index = max(i for i, step in enumerate(steps) if step.at <= now) if steps[0].at <= now else -1
        rate = steps[index].rate if index >= 0 else 0.0
        boundary = steps[index + 1].at if index + 1 < len(steps) else until
        if rate <= 0:
            yield Sleep(min(boundary, until) - now)
            now = yield NOW
            continue
        gap = yield Draw(stream, "expovariate", (rate / 3600,))
        if now + gap >= min(boundary, until):
            # The rate changes first; arrivals are memoryless, so drawing anew from there is exact.
            yield Sleep(min(boundary, until) - now)
        else:
            yield Sleep(gap)
            try:
                yield from act()
            except ConnectionFailed:
                refused.append((yield NOW))
        now = yield NOW


def place_order(scenario: Scenario) -> Flow[None]:
    countries = scenario.fleet.countries
    country = countries[(yield Draw("workload.orders.country", "randrange", (len(countries),)))]
    spec = CATALOGUE[(yield Draw("workload.orders.spec", "randrange", (len(CATALOGUE),)))]
    number = yield Draw("workload.orders.owner", "randrange", (10_000_000, 99_999_999))
    body = {
        "customerEmail": f"customer{number}@example.com",
        "country": country,
        "vehicleSpec": {**spec, "country": country},
        "owner": owner(country, number),
    }
    yield Send("core", HttpRequest("POST", "/api/orders", headers=AUTHORIZED, json=body), None)


def buy_service(workload: Workload, fleet: Fleet) -> Flow[None]:
    vin = yield from _pick(workload.vehicles, "workload.purchases.vehicle")
    if vin == "fleet":
        vin = fleet.vin(
            (yield Draw("workload.purchases.fleet", "randrange", (len(TEST_VEHICLES), fleet.size)))
        )
    card = yield from _pick(workload.cards, "workload.purchases.card")
    service = yield from _pick(workload.services, "workload.purchases.service")
    body = {"vin": vin, "serviceId": service, "cardToken": card}
    yield Send("core", HttpRequest("POST", "/api/purchases", headers=AUTHORIZED, json=body), None)


def _pick(weights: dict[str, float], stream: str) -> Flow[str]:
    names = sorted(weights)
    [choice] = yield Draw(stream, "choices", (names, [weights[n] for n in names]))
    return choice


def owner(country: str, number: int) -> dict[str, str]:
    """Owner data each country's registry accepts, derived from one number."""
    name = f"Customer {number}"
    if country == "ES":
        national_id = f"{number:08d}"
        return {"name": name, "nationalId": national_id + dni_letter(national_id)}
    if country == "FR":
        return {
            "name": name,
            "dateOfBirth": f"19{50 + number % 50}-0{1 + number % 9}-1{number % 10}",
            "postalCode": f"{number % 100_000:05d}",
        }
    if country == "DE":
        return {"name": name, "postalCode": f"{number % 100_000:05d}", "city": "Berlin"}
    if country == "IT":
        return {"name": name, "codiceFiscale": "RSSMRA80A01H501U"}
    return {"name": name, "nif": _nif(number)}


def _nif(number: int) -> str:
    """A Portuguese NIF: eight digits and their check digit."""
    digits = f"{1 + number % 2}{number % 10_000_000:07d}"
    return digits + nif_check_digit(digits)
