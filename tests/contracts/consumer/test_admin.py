"""Consumer contracts caas-core -> admin-registration-{es,fr,de,it,pt}, written by AdminRegistrationAdapter.

The invalid-owner interactions are pending: what makes owner data invalid is each country's rule as the
sandbox reads it (a DNI check letter, a calendar date...), to be confirmed by each registry, so a
registry that rules differently is told, but not failed, until it has agreed the rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact

from caas_core.adapters import AdminRegistrationAdapter, Integration, Owner
from caas_core.config import sandbox_admin_token
from caas_core.errors import RegistrationRejected
from caas_core.policies import load_policies
from caas_core.systems import admin_system
from caas_core.telemetry import Telemetry
from contracts import states
from simulators.admin import REGISTRIES
from tests.contracts.examples import (
    FACTORY_VIN,
    JSON,
    PROBLEM,
    header,
    identifier,
    problem,
    timestamp,
    vin,
)
from tests.helpers import world

pytestmark = pytest.mark.live

ORDER = "ord_000042"
OTHER_ORDER = "ord_000007"
OWNERS = {code: Owner(**fields) for code, fields in world.OWNERS.items()}
INVALID_OWNERS = {  # each breaks its country's rule, and only that
    "ES": (
        Owner(name="Ana García", nationalId="12345678A"),
        "owner.nationalId: the check letter should be Z",
    ),
    "FR": (
        Owner(name="Luc Martin", dateOfBirth="1980-02-30", postalCode="75001"),
        "owner.dateOfBirth: 1980-02-30 is not a calendar date",
    ),
    "DE": (
        Owner(name="Jonas Weber", postalCode="1011", city="Berlin"),
        "owner.postalCode: String should match pattern '^[0-9]{5}$'",
    ),
    "IT": (
        Owner(name="Giulia Rossi", codiceFiscale="RSSGLI80A41H501"),
        "owner.codiceFiscale: String should match pattern '^[A-Z]{6}[0-9]{2}[ABCDEHLMPRST][0-9]{2}[A-Z][0-9]{3}[A-Z]$'",
    ),
    "PT": (Owner(name="João Silva", nif="123456780"), "owner.nif: the check digit should be 9"),
}
PLATES = {"ES": "1234 BCD", "FR": "AB-123-CD", "DE": "B-AB 1234", "IT": "AB 123 CD", "PT": "AB-12-CD"}
COUNTRIES = tuple(OWNERS)


def adapter() -> AdminRegistrationAdapter:
    tokens = {code: sandbox_admin_token(code) for code in COUNTRIES}
    policy, telemetry = load_policies().admin_registration, Telemetry()
    registries = {c: Integration(admin_system(c), policy, telemetry) for c in tokens}
    return AdminRegistrationAdapter(registries, tokens)


def register(pact: Pact, country: str, description: str, owner: Owner):
    body = {
        "vin": vin(FACTORY_VIN),
        "country": country,
        "orderId": identifier(ORDER),
        "owner": owner.as_body(),
    }
    return (
        pact.upon_receiving(description)
        .with_request("POST", "/api/registration/vehicles")
        .with_header("Authorization", header(f"Bearer {sandbox_admin_token(country)}", r"^Bearer \S+$"))
        .with_body(body, JSON)
    )


def plate(country: str):
    return header(PLATES[country], REGISTRIES[country].plate_pattern)


def already_registered(country: str, order_id: str) -> dict[str, str]:
    return {
        "vin": FACTORY_VIN,
        "country": country,
        "orderId": order_id,
        "registrationId": f"REG-{country}-000001",
        "plate": PLATES[country],
    }


def conflict(country: str, order_id: Any) -> dict[str, Any]:
    """The registry's 409 for a VIN it already holds, naming the order it was registered for."""
    return problem(
        409,
        "Conflict",
        f"VIN {FACTORY_VIN} is already registered in {country}",
        registrationId=identifier(f"REG-{country}-000001"),
        plate=plate(country),
        orderId=order_id,
    )


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_vehicle_is_registered_and_gets_its_plate(country, runtime, serve):
    pact = Pact(states.CONSUMER, states.admin(country))
    register(pact, country, "a request to register a vehicle", OWNERS[country]).given(
        states.VEHICLE_NOT_REGISTERED, vin=FACTORY_VIN, country=country
    ).will_respond_with(201).with_body(
        {
            "registrationId": identifier(f"REG-{country}-000001"),
            "plate": plate(country),
            "country": country,
            "registeredAt": timestamp("2026-01-01T00:00:00.000Z"),
        },
        JSON,
    )
    with serve(pact, f"admin-{country.lower()}"):
        done = runtime.spawn(adapter().register(country, FACTORY_VIN, ORDER, OWNERS[country])).result(30)
    assert (done.registration_id, done.plate, done.country) == (
        f"REG-{country}-000001",
        PLATES[country],
        country,
    )
    assert done.registered_at == "2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_vin_registered_for_another_order_is_refused(country, runtime, serve):
    pact = Pact(states.CONSUMER, states.admin(country))
    register(
        pact, country, "a request to register a vehicle registered for another order", OWNERS[country]
    ).given(states.VEHICLE_REGISTERED, already_registered(country, OTHER_ORDER)).will_respond_with(
        409
    ).with_body(conflict(country, identifier(OTHER_ORDER)), PROBLEM)
    with serve(pact, f"admin-{country.lower()}"), pytest.raises(RegistrationRejected) as refused:
        runtime.spawn(adapter().register(country, FACTORY_VIN, ORDER, OWNERS[country])).result(30)
    detail = f"VIN {FACTORY_VIN} is already registered in {country} for order {OTHER_ORDER}"
    assert (refused.value.status, refused.value.detail) == (409, detail)


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_vin_registered_for_the_same_order_is_that_registration(country, runtime, serve):
    """The registry acted on an earlier attempt whose answer was lost: its 409 is our registration."""
    pact = Pact(states.CONSUMER, states.admin(country))
    register(
        pact, country, "a repeated request to register a vehicle for the same order", OWNERS[country]
    ).given(states.VEHICLE_REGISTERED, already_registered(country, ORDER)).will_respond_with(409).with_body(
        conflict(country, ORDER),  # this very order, exactly
        PROBLEM,
    )
    with serve(pact, f"admin-{country.lower()}"):
        done = runtime.spawn(adapter().register(country, FACTORY_VIN, ORDER, OWNERS[country])).result(30)
    assert (done.registration_id, done.plate, done.registered_at) == (
        f"REG-{country}-000001",
        PLATES[country],
        None,
    )


@pytest.mark.parametrize("country", COUNTRIES)
def test_invalid_owner_data_is_refused_with_the_field(country, runtime, serve):
    owner, detail = INVALID_OWNERS[country]
    pact = Pact(states.CONSUMER, states.admin(country))
    register(pact, country, "a request to register a vehicle with invalid owner data", owner).given(
        states.VEHICLE_NOT_REGISTERED, vin=FACTORY_VIN, country=country
    ).set_pending(pending=True).will_respond_with(422).with_body(
        problem(422, "Unprocessable Content", detail), PROBLEM
    )
    with serve(pact, f"admin-{country.lower()}"), pytest.raises(RegistrationRejected) as refused:
        runtime.spawn(adapter().register(country, FACTORY_VIN, ORDER, owner)).result(30)
    assert (refused.value.status, refused.value.detail) == (422, detail)
