"""Payment gateway behaviour: authorisations, captures, voids, and settlement minutes to hours later.

Rules:
1. An authorisation moves by the LIFECYCLE table: AUTHORIZED becomes CAPTURED or VOIDED; DECLINED,
   CAPTURED and VOIDED are final. A move the table lacks is refused as a conflict. A capture's settlement
   moves by SETTLEMENT_LIFECYCLE: PENDING, then SETTLED or FAILED, once.
2. The card token decides the authorisation (TEST_CARDS); the request schema refuses any other, and
   `tok_network_error` makes the gateway drop the connection before it does anything.
3. A capture settles once, `settlement_delay` after it (a draw is cut at a week), on the runtime's
   clock, and the result is pushed as a signed webhook. The delay and the outcome are drawn at capture
   time from two streams of their own, so changing the failure rate never moves a settlement in time.
4. Amounts are integers in the currency's minor units: 1999 with EUR is 19.99 EUR.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from caas_core.config import SANDBOX_PAYMENT_API_KEY, SANDBOX_PAYMENT_SECRET
from caas_core.domain.lifecycle import Lifecycle
from caas_core.runtime import Runtime
from simulators.kit.capacity import CapacitySetting
from simulators.kit.distributions import Duration, Latency, Lognormal
from simulators.kit.faults import FaultPlan
from simulators.kit.idempotency import IdempotencyStore
from simulators.kit.timestamps import rfc3339
from simulators.kit.webhooks import DeliveryPolicy, WebhookSecret, WebhookSender

SETTLEMENT_PATH = "/webhooks/payment/settlement"
SETTLEMENT_EVENT = "payment.settlement"
MAX_SETTLEMENT_S = 7 * 86_400  # a drawn delay is cut at a week
RANDOM_SETTLEMENT_FAILURE = "processing_error"

AUTHORIZED, DECLINED, CAPTURED, VOIDED = "AUTHORIZED", "DECLINED", "CAPTURED", "VOIDED"
LIFECYCLE = Lifecycle(
    "authorization",
    {AUTHORIZED: {"capture": CAPTURED, "void": VOIDED}, DECLINED: {}, CAPTURED: {}, VOIDED: {}},
)
PENDING, SETTLED, FAILED = "PENDING", "SETTLED", "FAILED"
SETTLEMENT_LIFECYCLE = Lifecycle(
    "settlement", {PENDING: {"settle": SETTLED, "fail": FAILED}, SETTLED: {}, FAILED: {}}
)


@dataclass(frozen=True, slots=True)
class CardBehaviour:
    decline_reason: str | None = None
    network_failure: bool = False
    settlement_failure: str | None = None


TEST_CARDS: dict[str, CardBehaviour] = {
    "tok_success": CardBehaviour(),
    "tok_declined": CardBehaviour(decline_reason="card_declined"),
    "tok_insufficient_funds": CardBehaviour(decline_reason="insufficient_funds"),
    "tok_network_error": CardBehaviour(network_failure=True),
    "tok_settlement_fails": CardBehaviour(settlement_failure="issuer_rejected"),
}


class PaymentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    api_key: str = Field(default=SANDBOX_PAYMENT_API_KEY, min_length=1)
    latency: Latency = Lognormal(p50_ms=250, p99_ms=2_000)
    capacity: CapacitySetting | None = None  # unlimited; see kit.capacity
    webhook_secret: WebhookSecret = SANDBOX_PAYMENT_SECRET
    delivery: DeliveryPolicy = DeliveryPolicy()
    settlement_delay: Duration = Lognormal(p50_s=1_800, p99_s=21_600)  # 30 min, 6 h
    settlement_failure_rate: float = Field(default=0.0, ge=0, le=1)


RefusalReason = Literal["unknown_authorization", "conflict", "amount_too_large"]


class Refused(Exception):
    """The gateway declines to act for a business reason; the routes turn `reason` into a status."""

    def __init__(self, reason: RefusalReason, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class NetworkFailure(Exception):
    """The gateway drops the connection: the caller gets no answer at all."""


@dataclass(slots=True)
class Authorization:
    id: str
    purchase_id: str
    amount: int
    currency: str
    card_token: str  # only documented test tokens are ever kept
    status: str
    decline_reason: str | None
    created_at: float
    voided_at: float | None = None
    trace_id: str | None = None  # the trace it was asked under: its settlement webhook carries it


@dataclass(slots=True)
class Capture:
    id: str
    authorization_id: str
    amount: int
    created_at: float
    settles_at: float
    failure_reason: str | None  # decided at capture, told at settlement
    settlement: str = PENDING  # then SETTLED or FAILED


class PaymentModel:
    def __init__(self, runtime: Runtime, config: PaymentConfig, faults: FaultPlan) -> None:
        """`faults` is the simulator's fault plan: its webhook faults apply to the settlement webhooks."""
        self.runtime = runtime
        self.config = config
        self._ids = runtime.stream(f"payment.ids{runtime.instance}")
        self._delay_rng = runtime.stream("payment.settlement.delay")
        self._outcome_rng = runtime.stream("payment.settlement.outcome")
        self.webhooks = WebhookSender(
            runtime, "payment", SETTLEMENT_PATH, config.webhook_secret, faults, config.delivery
        )
        self.idempotency = IdempotencyStore()
        self.authorizations: dict[str, Authorization] = {}
        self.captures: dict[str, Capture] = {}

    def authorize(
        self, amount: int, currency: str, card_token: str, purchase_id: str, trace_id: str | None = None
    ) -> Authorization:
        card = TEST_CARDS[card_token]  # the request schema admits no other token
        if card.network_failure:
            raise NetworkFailure(card_token)
        status, now = DECLINED if card.decline_reason else AUTHORIZED, self.runtime.now()
        authorization = Authorization(
            self._new_id("auth"),
            purchase_id,
            amount,
            currency,
            card_token,
            status,
            card.decline_reason,
            now,
            trace_id=trace_id,
        )
        self.authorizations[authorization.id] = authorization
        return authorization

    def capture(self, authorization_id: str, amount: int | None = None) -> Capture:
        authorization = self._move(authorization_id, "capture")
        if amount is not None and amount > authorization.amount:
            raise Refused(
                "amount_too_large",
                f"amount {amount} is more than the {authorization.amount} authorised",
            )
        now = self.runtime.now()
        delay = min(MAX_SETTLEMENT_S, self.config.settlement_delay.sample(self._delay_rng))
        # Always drawn, even when the card decides: the stream stays aligned across cards and rates.
        unlucky = self._outcome_rng.random() < self.config.settlement_failure_rate
        card_failure = TEST_CARDS[authorization.card_token].settlement_failure
        capture = Capture(
            self._new_id("cap"),
            authorization.id,
            authorization.amount if amount is None else amount,
            now,
            now + delay,
            card_failure or (RANDOM_SETTLEMENT_FAILURE if unlucky else None),
        )
        authorization.status = LIFECYCLE.move(authorization.status, "capture")
        self.captures[capture.id] = capture
        self.runtime.call_later(delay, lambda: self._settle(capture.id))
        return capture

    def void(self, authorization_id: str) -> Authorization:
        authorization = self._move(authorization_id, "void")
        authorization.status = LIFECYCLE.move(authorization.status, "void")
        authorization.voided_at = self.runtime.now()
        return authorization

    def iso(self, t: float) -> str:
        return rfc3339(self.runtime, t, "milliseconds")

    def state(self) -> dict[str, Any]:
        by_status = Counter(a.status for a in self.authorizations.values())
        settlements = Counter(c.settlement for c in self.captures.values())
        return {
            "authorizations": len(self.authorizations),
            "authorizations_by_status": {status: by_status[status] for status in LIFECYCLE.states},
            "captures": len(self.captures),
            "voids": by_status[VOIDED],
            "settlements": {status: settlements[status] for status in SETTLEMENT_LIFECYCLE.states},
            "idempotency_keys": len(self.idempotency),
            "idempotent_replays": self.idempotency.replays,
            "webhook_deliveries": len(self.webhooks.log),
        }

    def reset(self) -> None:
        self.authorizations.clear()
        self.captures.clear()  # settlements already scheduled find nothing and do nothing
        self.idempotency.clear()
        self.webhooks.log.clear()  # deliveries already in flight still finish; only the log restarts

    def _move(self, authorization_id: str, event: str) -> Authorization:
        authorization = self.authorizations.get(authorization_id)
        if authorization is None:
            raise Refused("unknown_authorization", f"no authorization with id {authorization_id!r}")
        if not LIFECYCLE.can(authorization.status, event):
            raise Refused("conflict", f"cannot {event} an authorization that is {authorization.status}")
        return authorization

    def _settle(self, capture_id: str) -> None:
        capture = self.captures.get(capture_id)
        if capture is None:
            return  # forgotten by a reset
        event = "fail" if capture.failure_reason else "settle"
        if not SETTLEMENT_LIFECYCLE.can(capture.settlement, event):
            return  # settled already: a capture settles once
        capture.settlement = SETTLEMENT_LIFECYCLE.move(capture.settlement, event)
        authorization = self.authorizations[capture.authorization_id]
        data: dict[str, Any] = {
            "authorizationId": authorization.id,
            "captureId": capture.id,
            "purchaseId": authorization.purchase_id,
            "status": capture.settlement,
            "amount": capture.amount,
            "currency": authorization.currency,
        }
        if capture.failure_reason:
            data["failureReason"] = capture.failure_reason
        self.webhooks.emit(SETTLEMENT_EVENT, data, authorization.trace_id)

    def _new_id(self, prefix: str) -> str:
        # Letters only: an id the client sends back can never look like a card number to the scanner.
        n = self._ids.getrandbits(75)
        letters = []
        for _ in range(16):
            n, r = divmod(n, 26)
            letters.append(chr(97 + r))
        return f"{prefix}_{''.join(letters)}"
