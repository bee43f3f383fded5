"""Payment gateway HTTP semantics: bearer API key, card numbers refused, idempotency keys, problems.

Every payment route checks, in this order: the API key (401), that no raw card number is anywhere in
the body or query (400; nothing is stored and the log line names only where it was), the
Idempotency-Key header (400), an earlier use of that key on this route (replay, or 422 when the body
differs), the body (400/422), and only then asks the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import BaseModel

from caas_core.cards import find_card_number
from httpkit.exchange import ConnectionDropped
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.openapi import Webhook
from httpkit.problems import Problem, parse_json
from httpkit.routing import Answer, HeaderParam, QueryParam, Route
from httpkit.tracing import trace_of
from simulators.kit.credentials import authorization, same_secret
from simulators.kit.idempotency import KeyReused, fingerprint
from simulators.payment.model import (
    CAPTURED,
    SETTLEMENT_PATH,
    Authorization,
    Capture,
    NetworkFailure,
    PaymentModel,
    Refused,
)
from simulators.payment.schemas import (
    AuthorizationView,
    AuthorizeRequest,
    CaptureRequest,
    CaptureView,
    DeliveryList,
    SettlementWebhook,
    VoidRequest,
    VoidView,
)

if TYPE_CHECKING:
    from simulators.kit.service import Simulator

log = logging.getLogger(__name__)
B = TypeVar("B", bound=BaseModel)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
REFUSAL_STATUS = {
    "unknown_authorization": 404,
    "conflict": 409,
    "amount_too_large": 422,
}
SECURITY_SCHEMES = {
    "bearerApiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "the gateway API key: 'Authorization: Bearer pay-sandbox-key' in the sandbox",
    }
}
SETTLEMENT_WEBHOOK = Webhook(
    "paymentSettlement",
    "payment_settlement",
    f"a capture settled or failed; sent to CaaS at POST {SETTLEMENT_PATH}",
    SettlementWebhook,
)


def authorize(model: PaymentModel, request: HttpRequest) -> HttpResponse:
    def act(body: AuthorizeRequest) -> dict[str, Any]:
        return authorization_view(
            model,
            model.authorize(body.amount, body.currency, body.cardToken, body.purchaseId, trace_of(request)),
        )

    return _serve(model, request, "authorize", AuthorizeRequest, act)


def capture(model: PaymentModel, request: HttpRequest) -> HttpResponse:
    def act(body: CaptureRequest) -> dict[str, Any]:
        return capture_view(model, model.capture(body.authorizationId, body.amount))

    return _serve(model, request, "capture", CaptureRequest, act)


def void(model: PaymentModel, request: HttpRequest) -> HttpResponse:
    def act(body: VoidRequest) -> dict[str, Any]:
        authorization = model.void(body.authorizationId)
        return {
            "authorizationId": authorization.id,
            "status": authorization.status,
            "amount": authorization.amount,
            "currency": authorization.currency,
            "purchaseId": authorization.purchase_id,
            "voidedAt": model.iso(cast(float, authorization.voided_at)),
        }

    return _serve(model, request, "void", VoidRequest, act)


def list_webhooks(sim: Simulator, request: HttpRequest) -> HttpResponse:
    model = cast(PaymentModel, sim.model)
    trace_id = request.query.get("trace_id")
    records = [r for r in model.webhooks.log if trace_id is None or r.trace_id == trace_id]
    return json_response(200, {"deliveries": [record.as_dict() for record in records]})


def authorization_view(model: PaymentModel, authorization: Authorization) -> dict[str, Any]:
    view: dict[str, Any] = {"authorizationId": authorization.id, "status": authorization.status}
    if authorization.decline_reason:
        view["declineReason"] = authorization.decline_reason
    return view | {
        "amount": authorization.amount,
        "currency": authorization.currency,
        "purchaseId": authorization.purchase_id,
        "createdAt": model.iso(authorization.created_at),
    }


def capture_view(model: PaymentModel, capture: Capture) -> dict[str, Any]:
    authorization = model.authorizations[capture.authorization_id]
    return {
        "captureId": capture.id,
        "authorizationId": authorization.id,
        "status": CAPTURED,
        "amount": capture.amount,
        "currency": authorization.currency,
        "purchaseId": authorization.purchase_id,
        "createdAt": model.iso(capture.created_at),
    }


def _serve(
    model: PaymentModel,
    request: HttpRequest,
    scope: str,
    schema: type[B],
    act: Callable[[B], dict[str, Any]],
) -> HttpResponse:
    _authenticate(model, request)
    where = find_card_number(request.json, request.query)
    if where is not None:
        where = where[:120]
        log.warning("payment %s refused: a raw card number in %s; nothing was stored", scope, where)
        raise Problem(400, f"{where} holds a raw card number; send a card token (cardToken) instead")
    key = request.header(IDEMPOTENCY_HEADER)
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Problem(400, f"an {IDEMPOTENCY_HEADER} header of 1 to {MAX_KEY_LENGTH} characters is required")
    digest = fingerprint(request.json, request.query)
    try:
        earlier = model.idempotency.recall(scope, key, digest)
    except KeyReused:
        raise Problem(
            422, f"this {IDEMPOTENCY_HEADER} was already used on {scope} with a different request"
        ) from None
    if earlier is not None:
        headers = {"Content-Type": earlier.content_type, REPLAYED_HEADER: "true"}
        return HttpResponse(earlier.status, headers, body=earlier.body)
    body = parse_json(schema, request)  # an invalid body is not remembered: the gateway did nothing
    try:
        response = json_response(200, act(body))
    except NetworkFailure:
        raise ConnectionDropped() from None  # not remembered: nothing happened
    except Refused as refused:
        response = Problem(REFUSAL_STATUS[refused.reason], refused.detail).response()
    content_type = response.header("Content-Type") or "application/json"
    model.idempotency.remember(scope, key, digest, response.status, response.to_bytes(), content_type)
    return response


def _authenticate(model: PaymentModel, request: HttpRequest) -> None:
    if not same_secret(authorization(request, "bearer"), model.config.api_key):
        raise Problem(
            401,
            "a valid API key is required as 'Authorization: Bearer <key>'",
            {"WWW-Authenticate": 'Bearer realm="payment"'},
        )


_IDEMPOTENCY = HeaderParam(
    IDEMPOTENCY_HEADER,
    "unique per operation and route; a retry reuses it and gets the first answer",
    required=True,
    min_length=1,
    max_length=MAX_KEY_LENGTH,
)
_COMMON = (
    Answer(400, "no JSON body, a raw card number in the request, or no Idempotency-Key header"),
    Answer(401, "missing or wrong API key"),
)
_CHANGES = (
    Answer(404, "unknown authorizationId"),
    Answer(409, "the authorization is not AUTHORIZED (declined, captured or voided)"),
)

ROUTES = [
    Route(
        "POST",
        "/api/payments/authorize",
        authorize,
        summary="authorise an amount on a tokenised card",
        answers=(
            Answer(200, "AUTHORIZED or DECLINED (with declineReason)", AuthorizationView),
            *_COMMON,
            Answer(422, "an invalid field, an unknown card token, or the Idempotency-Key reused"),
        ),
        body=AuthorizeRequest,
        security=("bearerApiKey",),
        headers=(_IDEMPOTENCY,),
    ),
    Route(
        "POST",
        "/api/payments/capture",
        capture,
        summary="capture an authorisation, wholly or in part; it settles minutes to hours later",
        answers=(
            Answer(200, "CAPTURED; the settlement webhook follows", CaptureView),
            *_COMMON,
            *_CHANGES,
            Answer(422, "an invalid field, more than was authorised, or the Idempotency-Key reused"),
        ),
        body=CaptureRequest,
        security=("bearerApiKey",),
        headers=(_IDEMPOTENCY,),
    ),
    Route(
        "POST",
        "/api/payments/void",
        void,
        summary="release an authorisation that was not captured",
        answers=(
            Answer(200, "VOIDED", VoidView),
            *_COMMON,
            *_CHANGES,
            Answer(422, "an invalid field, or the Idempotency-Key reused"),
        ),
        body=VoidRequest,
        security=("bearerApiKey",),
        headers=(_IDEMPOTENCY,),
    ),
    Route(
        "GET",
        "/__sandbox/webhooks",
        list_webhooks,
        control=True,
        summary="settlement webhook delivery attempts",
        answers=(Answer(200, "delivery records, oldest first", DeliveryList),),
        query=(QueryParam("trace_id", "only deliveries of this trace (the authorisation's)"),),
    ),
]
