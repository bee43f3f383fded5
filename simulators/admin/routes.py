"""Admin registry HTTP semantics: a per-country bearer credential and the registration call.

Checks run in the order a real front door applies them: scheduled outage (503), credential (401), body
(400 when missing, 422 naming the first bad field), duplicate VIN (409), then the registration (201).
A 409 carries the existing registration's id, plate and order, so a client whose first attempt timed
out after the registry acted can tell its own registration from someone else's.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.openapi import ProblemDocument
from httpkit.problems import Problem, parse_json
from httpkit.routing import Answer, Route
from simulators.admin.countries import Country
from simulators.admin.model import AdminModel
from simulators.kit.credentials import authorization, same_secret

REGISTER_PATH = "/api/registration/vehicles"


class RegistrationConflict(ProblemDocument):
    """RFC 9457 problem details, with the registration the VIN already has."""

    model_config = ConfigDict(title="RegistrationConflict")

    registrationId: str
    plate: str
    orderId: str = Field(description="the order the vehicle was registered for")


class RegistrationCreated(BaseModel):
    registrationId: str
    plate: str
    country: str
    registeredAt: str = Field(
        json_schema_extra={"format": "date-time"}, examples=["2026-01-01T00:00:00.000Z"]
    )


def security_schemes(country: Country) -> dict[str, dict[str, Any]]:
    return {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": f"the credential {country.registry} ({country.name}) issued to the CaaS platform",
        }
    }


def register_vehicle(model: AdminModel, request: HttpRequest) -> HttpResponse:
    country = model.country
    until = model.outage_until()
    if until is not None:
        retry_after = str(max(1, math.ceil(until - model.runtime.now())))
        raise Problem(
            503, f"the {country.code} registry is down for maintenance", {"Retry-After": retry_after}
        )
    _authorise(model, request)
    body = parse_json(country.request, request)
    existing = model.registration(body.vin)
    if existing is not None:
        raise Problem(
            409,
            f"VIN {body.vin} is already registered in {country.code}",
            registrationId=existing.registration_id,
            plate=existing.plate,
            orderId=existing.order_id,
        )
    registration = model.register(body.vin, body.orderId, body.owner.model_dump())
    return json_response(201, registration.as_body())


def _authorise(model: AdminModel, request: HttpRequest) -> None:
    realm = f'Bearer realm="{model.country.system}"'
    token = authorization(request, "bearer")
    if not token:
        raise Problem(
            401,
            f"a bearer credential for the {model.country.code} registry is required",
            {"WWW-Authenticate": realm},
        )
    if not same_secret(token, model.token):
        raise Problem(
            401,
            f"the credential is not valid for the {model.country.code} registry",
            {"WWW-Authenticate": f'{realm}, error="invalid_token"'},
        )


@cache
def _answers(country: Country) -> tuple[type[BaseModel], type[BaseModel]]:
    """The 201's and the 409's schemas, their plate in the country's format (documents only: the
    registry itself draws its plates in that format)."""
    plate = Annotated[
        str,
        Field(
            pattern=country.plate_pattern,
            description=f"{country.name}'s current format: {country.plate_format}",
            examples=[country.plate_example],
        ),
    ]
    created = create_model("RegistrationCreated", __base__=RegistrationCreated, plate=(plate, ...))
    conflict = create_model(
        "RegistrationConflict",
        __base__=RegistrationConflict,
        __doc__=RegistrationConflict.__doc__,
        plate=(plate, ...),
    )
    return created, conflict


def routes(country: Country) -> list[Route]:
    """The country's route table: the same call everywhere, with the country's own body schema."""
    created, conflict = _answers(country)
    return [
        Route(
            "POST",
            REGISTER_PATH,
            register_vehicle,
            summary=f"register a vehicle with {country.registry} ({country.name}) and get its plate",
            answers=(
                Answer(201, "registered; the plate is issued", created),
                Answer(400, "no JSON body"),
                Answer(401, "no bearer credential, or not this registry's"),
                Answer(
                    409,
                    "the VIN is already registered here; the problem has its registrationId, plate, orderId",
                    conflict,
                ),
                Answer(422, "a field is not valid (VIN format, country, owner data); the detail names it"),
                Answer(503, "scheduled maintenance; Retry-After says for how many seconds"),
            ),
            body=country.request,
            security=("bearer",),
        )
    ]
