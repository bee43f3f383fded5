"""The core's own HTTP API: what the web platform and QA call, and where Factory and Payment push.

Handlers are HTTP semantics only (parse, call the core, answer JSON or a problem); the core does the
work. Card numbers are refused before anything is read, and never echoed back.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from caas_core.adapters.admin import Owner
from caas_core.adapters.factory import VehicleSpec
from caas_core.api import paging
from caas_core.api.access import CLIENT, OPERATOR, require_metrics_access
from caas_core.api.metrics import CONTENT_TYPE, exposition
from caas_core.api.views import OrderView, PurchaseView, order_view, purchase_view
from caas_core.cards import find_card_number
from caas_core.domain.records import Alert, Notification, Order, Payment, Purchase
from caas_core.service import CaasCore, CommandRefused
from caas_core.systems import Country
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import Problem, parse_json
from httpkit.routing import Answer, HeaderParam, QueryParam, Route
from httpkit.tracing import TRACE_HEADER

R = TypeVar("R", Order, Purchase)


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customerEmail: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    country: Country
    vehicleSpec: VehicleSpec
    owner: Owner

    @model_validator(mode="after")
    def _delivered_where_registered(self) -> OrderRequest:
        # The vehicle is registered in `country`: built for another market, its registration would fail.
        if self.vehicleSpec.country != self.country:
            raise ValueError(
                f"vehicleSpec.country {self.vehicleSpec.country} is not the order's country {self.country}"
            )
        return self


class PurchaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vin: str = Field(pattern=r"^[A-HJ-NPR-Z0-9]{17}$")
    serviceId: str = Field(min_length=1, max_length=64)
    cardToken: str = Field(pattern=r"^tok_[A-Za-z0-9_]{1,64}$")


class OrderAccepted(BaseModel):
    orderId: str
    status: str
    traceId: str


class PurchaseAccepted(BaseModel):
    purchaseId: str
    status: str
    traceId: str


class Listing(BaseModel):
    items: list[dict[str, object]]
    next: str | None  # the next page, while there may be more


def place_order(core: CaasCore, request: HttpRequest) -> HttpResponse:
    _refuse_card_numbers(request)
    body = parse_json(OrderRequest, request)
    trace = request.header(TRACE_HEADER)  # checked by CoreApi; None: the core makes one
    order = core.place_order(body.customerEmail, body.country, body.vehicleSpec, body.owner, trace)
    headers = {"Location": f"/api/orders/{order.id}", TRACE_HEADER: order.trace_id}
    return json_response(
        201, {"orderId": order.id, "status": order.status, "traceId": order.trace_id}, headers
    )


def get_order(core: CaasCore, request: HttpRequest, order_id: str) -> HttpResponse:
    return json_response(200, order_view(_found(core.store.get(Order, order_id), "order", order_id)))


def retry_order(core: CaasCore, request: HttpRequest, order_id: str) -> HttpResponse:
    try:
        order = core.retry_order(order_id)
    except KeyError:
        raise Problem(404, f"no order {order_id}") from None
    except CommandRefused as refused:
        raise Problem(409, str(refused)) from None
    # The retry carries on the order's trace: its calls are the order's.
    body = {"orderId": order.id, "status": order.status, "traceId": order.trace_id}
    return json_response(202, body, {TRACE_HEADER: order.trace_id})


def request_purchase(core: CaasCore, request: HttpRequest) -> HttpResponse:
    _refuse_card_numbers(request)
    body = parse_json(PurchaseRequest, request)
    try:
        purchase = core.request_purchase(
            body.vin, body.serviceId, body.cardToken, request.header(TRACE_HEADER)
        )
    except CommandRefused as refused:
        raise Problem(422, str(refused), field="serviceId") from None
    headers = {"Location": f"/api/purchases/{purchase.id}", TRACE_HEADER: purchase.trace_id}
    accepted = {"purchaseId": purchase.id, "status": purchase.status, "traceId": purchase.trace_id}
    return json_response(202, accepted, headers)


def get_purchase(core: CaasCore, request: HttpRequest, purchase_id: str) -> HttpResponse:
    purchase = _found(core.store.get(Purchase, purchase_id), "purchase", purchase_id)
    payment = (
        None if purchase.authorization_id is None else core.store.get(Payment, purchase.authorization_id)
    )
    return json_response(200, purchase_view(purchase, payment, core.runtime.epoch))


def list_notifications(core: CaasCore, request: HttpRequest) -> HttpResponse:
    after, limit = paging.page_of(request)
    items = core.store.page(Notification, after, limit + 1, entity=request.query.get("entity"))
    return json_response(200, paging.listing(request, items, limit, _by_id, Notification.as_dict))


def list_alerts(core: CaasCore, request: HttpRequest) -> HttpResponse:
    kind = request.query.get("kind")
    if kind not in (None, "ops", "tech_support"):
        raise Problem(400, "kind must be ops or tech_support")
    after, limit = paging.page_of(request)
    items = core.store.page(Alert, after, limit + 1, kind=kind)
    return json_response(200, paging.listing(request, items, limit, _by_id, Alert.as_dict))


def metrics(core: CaasCore, request: HttpRequest) -> HttpResponse:
    require_metrics_access(request, core.config)
    return HttpResponse(200, {"Content-Type": CONTENT_TYPE}, body=exposition(core))


def factory_status_webhook(core: CaasCore, request: HttpRequest) -> HttpResponse:
    return core.receive_webhook("factory", request)


def settlement_webhook(core: CaasCore, request: HttpRequest) -> HttpResponse:
    return core.receive_webhook("payment", request)


def _refuse_card_numbers(request: HttpRequest) -> None:
    where = find_card_number(request.json, request.query)
    if where is not None:
        raise Problem(400, f"{where} looks like a card number: send a card token, never the card")


def _found(record: R | None, kind: str, key: str) -> R:
    if record is None:
        raise Problem(404, f"no {kind} {key}")
    return record


def _by_id(record: Notification | Alert) -> int:
    return record.id


CLIENT_REFUSALS = (Answer(401, "no token, or not one of ours"),)
OPERATOR_REFUSALS = (*CLIENT_REFUSALS, Answer(403, "the API token, where the operator's is needed"))

WEBHOOK_ANSWERS = (
    Answer(200, "applied, ignored as stale, or a duplicate"),
    Answer(400, "missing Standard Webhooks headers, a stale timestamp, or a body that is not JSON"),
    Answer(401, "the signature does not match"),
    Answer(403, "the source address is not allowed"),
    Answer(404, "the order or authorisation is not known (yet); retry later"),
    Answer(422, "the webhook's data is not what this endpoint takes"),
    Answer(429, "more than the allowed webhooks a minute from this source; see Retry-After"),
)

# Standard Webhooks: the signature covers "{webhook-id}.{webhook-timestamp}.{body}", the body as sent.
WEBHOOK_HEADERS = (
    HeaderParam("webhook-id", "the message id; a repeated id is a duplicate", required=True),
    HeaderParam("webhook-timestamp", "Unix seconds when signed, within five minutes of now", required=True),
    HeaderParam(
        "webhook-signature", "'v1,' and the base64 HMAC-SHA256; several, space-separated", required=True
    ),
)

ROUTES = [
    Route(
        "POST",
        "/api/orders",
        place_order,
        summary="order a vehicle",
        body=OrderRequest,
        answers=(
            Answer(201, "placed; Factory is being asked", OrderAccepted),
            Answer(400, "a card number, or no body"),
            *CLIENT_REFUSALS,
            Answer(422, "a field is not valid"),
        ),
        security=(CLIENT,),
    ),
    Route(
        "GET",
        "/api/orders/{order_id}",
        get_order,
        summary="an order",
        answers=(Answer(200, "the order", OrderView), *CLIENT_REFUSALS, Answer(404, "no such order")),
        security=(CLIENT,),
    ),
    Route(
        "POST",
        "/api/orders/{order_id}/retry",
        retry_order,
        summary="retry a failed order or a blocked delivery",
        answers=(
            Answer(202, "retrying", OrderAccepted),
            *OPERATOR_REFUSALS,
            Answer(404, "no such order"),
            Answer(409, "the order is not waiting for a manual retry"),
        ),
        security=(OPERATOR,),
    ),
    Route(
        "POST",
        "/api/purchases",
        request_purchase,
        summary="buy an over-the-air service",
        body=PurchaseRequest,
        answers=(
            Answer(202, "accepted; maintenance, payment and activation follow", PurchaseAccepted),
            Answer(400, "a card number, or no body"),
            *CLIENT_REFUSALS,
            Answer(422, "a field is not valid"),
        ),
        security=(CLIENT,),
    ),
    Route(
        "GET",
        "/api/purchases/{purchase_id}",
        get_purchase,
        summary="a purchase, with what happened to its money",
        answers=(
            Answer(200, "the purchase", PurchaseView),
            *CLIENT_REFUSALS,
            Answer(404, "no such purchase"),
        ),
        security=(CLIENT,),
    ),
    Route(
        "GET",
        "/api/notifications",
        list_notifications,
        summary="customer notifications (the outbox), a page at a time",
        answers=(Answer(200, "notifications", Listing), Answer(400, "a bad page"), *OPERATOR_REFUSALS),
        query=(
            QueryParam("entity", "only these: 'order:ord_000001' or 'purchase:pur_000001'"),
            *paging.QUERY,
        ),
        security=(OPERATOR,),
    ),
    Route(
        "GET",
        "/api/alerts",
        list_alerts,
        summary="operations alerts and tech-support tickets, a page at a time",
        answers=(
            Answer(200, "alerts", Listing),
            Answer(400, "unknown kind, or a bad page"),
            *OPERATOR_REFUSALS,
        ),
        query=(QueryParam("kind", "ops or tech_support"), *paging.QUERY),
        security=(OPERATOR,),
    ),
    Route(
        "GET",
        "/metrics",
        metrics,
        summary="metrics in the Prometheus text format (open on this machine; else the operator token)",
        answers=(Answer(200, "Prometheus exposition"), *OPERATOR_REFUSALS),
    ),
    Route(
        "POST",
        "/webhooks/factory/status",
        factory_status_webhook,
        summary="Factory order status (webhook)",
        answers=WEBHOOK_ANSWERS,
        headers=WEBHOOK_HEADERS,
    ),
    Route(
        "POST",
        "/webhooks/payment/settlement",
        settlement_webhook,
        summary="payment settlement (webhook)",
        answers=WEBHOOK_ANSWERS,
        headers=WEBHOOK_HEADERS,
    ),
]
