"""Factory HTTP semantics: API-key auth, order placement and lookup, and the webhook delivery log.

Auth comes first, so an unauthorised caller learns nothing about which orders exist. A bad vehicle
spec is a 422 whose problem document names the field in `field` and at the start of `detail`.
`Idempotency-Key` on POST replays the first answer for the same order, and refuses (422) a different one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.openapi import Webhook
from httpkit.problems import Problem, parse_json
from httpkit.routing import Answer, HeaderParam, QueryParam, Route
from httpkit.tracing import trace_of
from simulators.factory.catalogue import VehicleSpec
from simulators.factory.model import STATUS_WEBHOOK_PATH, FactoryModel, IdempotencyMismatch, Status

if TYPE_CHECKING:
    from simulators.kit.service import Simulator

API_KEY_HEADER = "X-API-Key"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SECURITY_SCHEMES = {
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": API_KEY_HEADER,
        "description": "the sandbox key is in the simulator's config (default 'factory-sandbox-key')",
    }
}


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vehicleSpec: VehicleSpec
    customerReference: str = Field(min_length=1, max_length=64)


class OrderAccepted(BaseModel):
    orderId: str
    status: Literal["ACCEPTED"]
    estimatedCompletionDate: AwareDatetime


class HistoryEntry(BaseModel):
    status: Status
    at: AwareDatetime
    sequence: int


class OrderView(BaseModel):
    orderId: str
    status: Status
    sequence: int = Field(description="the sequence number of the order's latest status")
    vehicleSpec: VehicleSpec
    customerReference: str
    estimatedCompletionDate: AwareDatetime
    vin: str | None = Field(description="assigned when the order is READY")
    history: list[HistoryEntry]


class DeliveryView(BaseModel):
    t: float
    message_id: str
    event_type: str
    attempt: int
    outcome: str
    fault: str | None
    orderId: str | None
    sequence: int | None


class DeliveryList(BaseModel):
    deliveries: list[DeliveryView]


class StatusChange(BaseModel):
    orderId: str
    status: Status
    previousStatus: Status
    occurredAt: AwareDatetime
    sequence: int = Field(description="grows by one per change of the order: apply only newer ones")


class StatusWebhook(BaseModel):
    """What the factory POSTs to CaaS, signed per Standard Webhooks."""

    type: Literal["order.status_changed"]
    timestamp: AwareDatetime
    data: StatusChange


STATUS_WEBHOOK = Webhook(
    "orderStatusChanged",
    "order_status_changed",
    f"an order changed status; sent to CaaS at POST {STATUS_WEBHOOK_PATH}",
    StatusWebhook,
)


def place_order(model: FactoryModel, request: HttpRequest) -> HttpResponse:
    _authorise(model, request)
    body = parse_json(OrderRequest, request)
    key = request.header(IDEMPOTENCY_HEADER)
    try:
        order, replayed = model.place(body.vehicleSpec, body.customerReference, key, trace_of(request))
    except IdempotencyMismatch:
        raise Problem(
            422, f"{IDEMPOTENCY_HEADER} was already used for a different order", field=IDEMPOTENCY_HEADER
        ) from None
    headers = {"Location": f"/api/v1/orders/{order.order_id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(201, model.accepted(order), headers)


def get_order(model: FactoryModel, request: HttpRequest, orderId: str) -> HttpResponse:
    _authorise(model, request)
    order = model.orders.get(orderId)
    if order is None:
        raise Problem(404, f"no order with id {orderId}")
    return json_response(200, model.view(order))


def list_webhooks(sim: Simulator, request: HttpRequest) -> HttpResponse:
    model = cast(FactoryModel, sim.model)
    deliveries = model.deliveries(request.query.get("orderId"), request.query.get("trace_id"))
    return json_response(200, {"deliveries": deliveries})


def _authorise(model: FactoryModel, request: HttpRequest) -> None:
    if not model.authorised(request.header(API_KEY_HEADER)):
        raise Problem(401, f"a valid {API_KEY_HEADER} header is required")


ROUTES = [
    Route(
        "POST",
        "/api/v1/orders",
        place_order,
        summary="place a vehicle order",
        answers=(
            Answer(201, "the order is accepted", OrderAccepted),
            Answer(400, "no JSON body"),
            Answer(401, "missing or wrong API key"),
            Answer(422, "the vehicle spec is not in the catalogue, or the Idempotency-Key was reused"),
        ),
        body=OrderRequest,
        security=("apiKey",),
        headers=(
            HeaderParam(
                IDEMPOTENCY_HEADER,
                "the CaaS order id; a retried order carries the same key and must not be built twice",
            ),
        ),
    ),
    Route(
        "GET",
        "/api/v1/orders/{orderId}",
        get_order,
        summary="an order's status, history and VIN",
        answers=(
            Answer(200, "the order", OrderView),
            Answer(401, "missing or wrong API key"),
            Answer(404, "unknown order"),
        ),
        security=("apiKey",),
    ),
    Route(
        "GET",
        "/__sandbox/webhooks",
        list_webhooks,
        control=True,
        summary="status webhook delivery attempts, with the order and sequence each was about",
        answers=(Answer(200, "delivery records", DeliveryList),),
        query=(
            QueryParam("orderId", "only deliveries about this order"),
            QueryParam("trace_id", "only deliveries of this trace (the order's)"),
        ),
    ),
]
