"""PaymentGatewayAdapter: authorise, capture and void card payments at the third-party gateway.

Rules:
1. Every call carries `Authorization: Bearer <api key>` and an `Idempotency-Key` derived from the
   purchase and the operation ("{purchase_id}:authorize"). The retry sends the same key, so the gateway
   answers it with its first answer and never authorises or captures twice for one purchase.
2. Policy `payment`: `timeout_s` per attempt and one immediate retry when no usable answer came back
   (a timeout, a dropped connection, a 5xx, an unreadable body). A decline is an answer, and so is any
   other 4xx: neither is ever retried.
3. When the retry gets no usable answer either, PaymentUnavailable is raised: the customer is told.
4. Card tokens go to the gateway and nowhere else: no telemetry event, error message or repr holds one.
5. The gateway has no breaker by default (each transaction is critical); one given guards each attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from caas_core.adapters.integration import Endpoint, Integration, Trace, new_trace, read
from caas_core.effects import Flow
from caas_core.errors import ClientError, IntegrationError, PaymentUnavailable
from caas_core.policies.models import RetryPolicy
from caas_core.resilience.deadline import Deadline
from httpkit.messages import HttpRequest

AUTHORIZE = Endpoint("POST", "/api/payments/authorize")
CAPTURE = Endpoint("POST", "/api/payments/capture")
VOID = Endpoint("POST", "/api/payments/void")
ENDPOINTS = (AUTHORIZE, CAPTURE, VOID)  # its route table
IDEMPOTENCY_HEADER = "Idempotency-Key"

B = TypeVar("B", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Authorization:
    """An approval holds the id to capture or void; a decline holds no id, only the gateway's reason."""

    authorization_id: str | None
    approved: bool
    decline_reason: str | None


@dataclass(frozen=True, slots=True)
class Capture:
    capture_id: str
    authorization_id: str
    amount: int


class _Authorized(BaseModel):
    authorizationId: str
    status: Literal["AUTHORIZED", "DECLINED"]
    declineReason: str | None = None


class _Captured(BaseModel):
    captureId: str
    authorizationId: str
    status: Literal["CAPTURED"]
    amount: int


class _Voided(BaseModel):
    authorizationId: str
    status: Literal["VOIDED"]


def idempotency_key(purchase_id: str, operation: str) -> str:
    """One key per purchase and operation: retries and repeats of it are the same operation."""
    return f"{purchase_id}:{operation}"


class PaymentGatewayAdapter:
    def __init__(self, payment: Integration[RetryPolicy], api_key: str) -> None:
        self.payment = payment
        self._api_key = api_key

    def authorize(
        self, purchase_id: str, amount: int, currency: str, card_token: str, trace: Trace | None = None
    ) -> Flow[Authorization]:
        body = {"amount": amount, "currency": currency, "cardToken": card_token, "purchaseId": purchase_id}
        try:
            answer = yield from self._call(AUTHORIZE, "authorize", purchase_id, body, _Authorized, trace)
        except ClientError as error:
            if card_token and card_token in error.detail:  # a gateway echoing the token must not leak it
                raise ClientError(error.status, error.detail.replace(card_token, "<card token>")) from None
            raise
        if answer.status == "DECLINED":
            return Authorization(None, False, answer.declineReason or "declined")
        return Authorization(answer.authorizationId, True, None)

    def capture(
        self, authorization_id: str, amount: int, purchase_id: str, trace: Trace | None = None
    ) -> Flow[Capture]:
        body = {"authorizationId": authorization_id, "amount": amount}
        answer = yield from self._call(CAPTURE, "capture", purchase_id, body, _Captured, trace)
        return Capture(answer.captureId, answer.authorizationId, answer.amount)

    def void(self, authorization_id: str, purchase_id: str, trace: Trace | None = None) -> Flow[None]:
        body = {"authorizationId": authorization_id}
        yield from self._call(VOID, "void", purchase_id, body, _Voided, trace)

    def _call(
        self,
        endpoint: Endpoint,
        operation: str,
        purchase_id: str,
        body: dict[str, Any],
        schema: type[B],
        trace: Trace | None,
    ) -> Flow[B]:
        trace = trace or (yield from new_trace())
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            IDEMPOTENCY_HEADER: idempotency_key(purchase_id, operation),
        }
        # Built once, outside the attempt: the retry is byte for byte the same request (rule 1).
        request = HttpRequest(endpoint.method, endpoint.path(), headers=headers, json=body)
        try:
            return (
                yield from self.payment.call(
                    endpoint,
                    lambda deadline: self._attempt(request, endpoint, schema, deadline, trace),
                    trace,
                )
            )
        except ClientError:
            raise  # the gateway answered and refused (unknown authorisation, conflict, bad field)
        except IntegrationError as error:
            raise PaymentUnavailable(
                f"payment gateway: no usable answer to {operation} for purchase {purchase_id} "
                f"(last failure: {type(error).__name__})"
            ) from error

    def _attempt(
        self, request: HttpRequest, endpoint: Endpoint, schema: type[B], deadline: Deadline, trace: Trace
    ) -> Flow[B]:
        response = yield from self.payment.send(endpoint, request, deadline, trace)
        return read(response, schema, f"unreadable answer to {endpoint.key}")
