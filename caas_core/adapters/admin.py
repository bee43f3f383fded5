"""AdminRegistrationAdapter: register a vehicle with its country's registry and get its plate.

Rules:
1. Each country's registry is its own system, f"admin-{country}", with its own bearer credential and its
   own breaker (if breakers are enabled at all), so a fault in one country never touches another.
2. A registration is tried under the `admin_registration` policy (60 s, two retries 10 s apart) on
   timeouts, dropped connections and 5xx.
3. A 409 whose body names our order is the answer to an earlier attempt whose response was lost (the
   registry acted, the client timed out): that registration is returned, so a retry never registers
   twice. A 409 for another order, or a 422, raises `RegistrationRejected`.
4. Any other final failure is raised as it is; the caller blocks delivery and alerts operations.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caas_core.adapters.integration import Endpoint, Integration, Trace, new_trace
from caas_core.effects import NOW, Flow
from caas_core.errors import (
    ClientError,
    ConfigError,
    MalformedResponse,
    RegistrationRejected,
)
from caas_core.policies.models import RetryPolicy
from caas_core.resilience.deadline import Deadline
from httpkit.messages import HttpRequest, HttpResponse

REGISTER = Endpoint("POST", "/api/registration/vehicles")
ENDPOINTS = (REGISTER,)  # its route table


class Owner(BaseModel):
    """The owner data any of the registries asks for, in their field names. Only `name` is needed
    everywhere; each registry checks the fields its country requires and ignores the others."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # Bounded: what a customer sends is stored with the order and forwarded to a registry.
    name: str = Field(min_length=1, max_length=200)
    national_id: str | None = Field(default=None, alias="nationalId", max_length=32)  # ES: DNI or NIE
    date_of_birth: str | None = Field(default=None, alias="dateOfBirth", max_length=32)  # FR: YYYY-MM-DD
    postal_code: str | None = Field(default=None, alias="postalCode", max_length=32)  # FR, DE
    city: str | None = Field(default=None, max_length=100)  # DE
    codice_fiscale: str | None = Field(default=None, alias="codiceFiscale", max_length=32)  # IT
    nif: str | None = Field(default=None, max_length=32)  # PT

    def as_body(self) -> dict[str, str]:
        return self.model_dump(by_alias=True, exclude_none=True)


class Registration(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    registration_id: str = Field(alias="registrationId", min_length=1)
    plate: str = Field(min_length=1)
    country: str
    # None when recovered from a 409: the registry's conflict answer does not carry the date.
    registered_at: str | None = Field(default=None, alias="registeredAt")


class AdminRegistrationAdapter:
    def __init__(self, registries: Mapping[str, Integration[RetryPolicy]], tokens: Mapping[str, str]) -> None:
        """`registries` and `tokens` by country code: each country's integration and bearer credential."""
        self.registries = {c.upper(): r for c, r in registries.items()}
        self.tokens = {c.upper(): t for c, t in tokens.items()}

    def register(
        self, country: str, vin: str, order_id: str, owner: Owner, trace: Trace | None = None
    ) -> Flow[Registration]:
        code = country.upper()
        token, registry = self.tokens.get(code), self.registries.get(code)
        if token is None or registry is None:  # our configuration is incomplete: nothing a partner did
            raise ConfigError(f"no admin registry credential for country {code}; have {sorted(self.tokens)}")
        trace = trace or (yield from new_trace())
        request = HttpRequest(
            REGISTER.method,
            REGISTER.path(),
            headers={"Authorization": f"Bearer {token}"},
            json={"vin": vin, "country": code, "orderId": order_id, "owner": owner.as_body()},
        )
        return (
            yield from registry.call(
                REGISTER,
                lambda deadline: self._attempt(registry, code, order_id, request, deadline, trace),
                trace,
            )
        )

    def _attempt(
        self,
        registry: Integration[RetryPolicy],
        country: str,
        order_id: str,
        request: HttpRequest,
        deadline: Deadline,
        trace: Trace,
    ) -> Flow[Registration]:
        try:
            response = yield from registry.send(REGISTER, request, deadline, trace, keep=frozenset({409}))
        except ClientError as error:
            if error.status == 422:
                raise RegistrationRejected(error.status, error.detail) from error
            raise
        body = _body(response)
        if response.status == 409:
            if body.get("orderId") != order_id:
                raise RegistrationRejected(409, f"{body.get('detail', '')} for order {body.get('orderId')}")
            # Our own earlier attempt registered it and its answer was lost: that is the answer.
            registry.telemetry.record(
                (yield NOW), "registration_recovered", registry.system, order=order_id, trace=trace.trace_id
            )
            body = {**body, "country": country}
        try:
            return Registration.model_validate(body)
        except ValidationError:
            raise MalformedResponse(response.status, "unreadable registration") from None


def _body(response: HttpResponse) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        raise MalformedResponse(response.status, "unreadable registration") from None
    if not isinstance(body, dict):
        raise MalformedResponse(response.status, "unreadable registration")
    return body
