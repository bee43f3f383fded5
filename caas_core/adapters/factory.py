"""FactoryOrderAdapter: place a vehicle order with the Factory, and read an order's status back.

Rules:
1. `place` POSTs the order under the `factory_order` policy (30 s, no automatic retry) behind the Factory
   breaker. The caller owns the Idempotency-Key: a manual retry of the same order reuses it, so a request
   whose answer was lost can never make the Factory build a second vehicle.
2. A 422 means the Factory will not build this order: `OrderRejected` with the Factory's detail. Any other
   failure (timeout, 5xx, 401, an open breaker) is raised as it is; the order flow alerts operations.
3. `status` GETs the order: the fallback poll when status webhooks fall silent. It shares the policy and
   the breaker, since both calls go to the same system.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from caas_core.adapters.integration import Endpoint, Integration, Trace, new_trace, read
from caas_core.effects import Flow
from caas_core.errors import ClientError, OrderRejected
from caas_core.policies.models import RetryPolicy
from caas_core.resilience.deadline import Deadline
from httpkit.messages import HttpRequest

PLACE = Endpoint("POST", "/api/v1/orders")
STATUS = Endpoint("GET", "/api/v1/orders/{orderId}")
ENDPOINTS = (PLACE, STATUS)  # its route table
API_KEY_HEADER = "X-API-Key"

M = TypeVar("M", bound=BaseModel)

FactoryStatusName = Literal["ACCEPTED", "MANUFACTURING", "DELAYED", "READY"]


CatalogueName = Annotated[str, Field(min_length=1, max_length=64)]  # a model, trim, colour or option


class VehicleSpec(BaseModel):
    """What CaaS orders, in the Factory API's field names. Which models, trims and options exist is the
    Factory's catalogue, not ours: an unbuildable combination comes back as `OrderRejected`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: CatalogueName
    trim: CatalogueName
    colour: CatalogueName
    options: list[CatalogueName] = Field(default_factory=list, max_length=32)
    country: str = Field(pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2: where the vehicle is delivered


class FactoryOrder(BaseModel):
    """The Factory's answer to a placed order."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    order_id: str = Field(alias="orderId", min_length=1)
    status: FactoryStatusName
    estimated_completion: str = Field(alias="estimatedCompletionDate")  # RFC 3339, as the Factory wrote it


class FactoryStatus(BaseModel):
    """An order as the Factory sees it now; `sequence` orders status changes, as in the webhooks."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    order_id: str = Field(alias="orderId", min_length=1)
    status: FactoryStatusName
    sequence: int = Field(ge=1)
    vin: str | None = Field(default=None, pattern=r"^[A-HJ-NPR-Z0-9]{17}$")  # assigned when READY


class FactoryOrderAdapter:
    def __init__(self, factory: Integration[RetryPolicy], api_key: str) -> None:
        self.factory = factory
        self.api_key = api_key

    def place(
        self, spec: VehicleSpec, customer_reference: str, idempotency_key: str, trace: Trace | None = None
    ) -> Flow[FactoryOrder]:
        trace = trace or (yield from new_trace())
        body = {"vehicleSpec": spec.model_dump(), "customerReference": customer_reference}
        request = HttpRequest(
            "POST",
            PLACE.path(),
            headers={API_KEY_HEADER: self.api_key, "Idempotency-Key": idempotency_key},
            json=body,
        )
        return (yield from self._call(PLACE, request, FactoryOrder, trace))

    def status(self, order_id: str, trace: Trace | None = None) -> Flow[FactoryStatus]:
        trace = trace or (yield from new_trace())
        request = HttpRequest("GET", STATUS.path(orderId=order_id), headers={API_KEY_HEADER: self.api_key})
        return (yield from self._call(STATUS, request, FactoryStatus, trace))

    def _call(self, endpoint: Endpoint, request: HttpRequest, model: type[M], trace: Trace) -> Flow[M]:
        return (
            yield from self.factory.call(
                endpoint, lambda deadline: self._attempt(endpoint, request, model, deadline, trace), trace
            )
        )

    def _attempt(
        self, endpoint: Endpoint, request: HttpRequest, model: type[M], deadline: Deadline, trace: Trace
    ) -> Flow[M]:
        try:
            response = yield from self.factory.send(endpoint, request, deadline, trace)
        except ClientError as error:
            if endpoint == PLACE and error.status == 422:
                raise OrderRejected(error.status, error.detail) from error
            raise
        return read(response, model, f"unreadable {model.__name__}")
