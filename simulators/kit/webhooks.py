"""Webhooks a simulator pushes to CaaS, signed per the Standard Webhooks spec and retried until a 2xx.

Rules:
1. Each event is one message with a stable `webhook-id`; every attempt re-signs it with a fresh timestamp.
2. A 2xx ends the delivery. A 429 waits its `Retry-After`; any other answer, a timeout or a refused
   connection waits an exponential backoff. After `max_attempts` the message is given up.
3. Webhook faults in force when the event is emitted apply to it: drop (never sent), delay (sent later),
   reorder (held back a random while, so later events overtake it), duplicate (sent twice, same id),
   bad_signature (signed with a wrong key).
4. Deliveries are flows on the simulator's runtime, never threads or sleeps of their own.
5. An event about something that came with a trace (an order, a payment) carries that trace's id in
   `X-Trace-Id`, and each attempt a span of its own in `X-Span-Id`; the log keeps both.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from standardwebhooks import Webhook

from caas_core.effects import NOW, Flow, Send, Sleep
from caas_core.errors import TransportError
from caas_core.runtime import Runtime
from caas_core.systems import CORE
from httpkit.messages import HttpRequest, canonical_json
from httpkit.tracing import SPAN_HEADER, TRACE_HEADER, span_id
from simulators.kit.faults import FaultPlan, WebhookFaults
from simulators.kit.timestamps import rfc3339

# The key a bad_signature fault signs with: valid base64, but not the shared secret.
WRONG_SECRET = "whsec_d3JvbmctZnJvbS1hLWZvcmdlcnMtZHJhd2Vy"


def _check_secret(secret: str) -> str:
    try:
        ok = secret.startswith("whsec_") and len(base64.b64decode(secret[6:], validate=True)) >= 16
    except binascii.Error:
        ok = False
    if not ok:
        raise ValueError("a webhook secret must be 'whsec_' followed by base64 of at least 16 bytes")
    return secret


# A Standard Webhooks signing secret, as a config field: 'whsec_' and the base64 of 16 bytes or more.
WebhookSecret = Annotated[str, AfterValidator(_check_secret)]


class DeliveryPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=8, ge=1, le=100)
    timeout_s: float = Field(default=10, gt=0, le=600)
    initial_backoff_s: float = Field(default=5, ge=0, le=86_400)
    multiplier: float = Field(default=2, ge=1, le=10)
    max_backoff_s: float = Field(default=3_600, ge=0, le=86_400)
    reorder_window_s: float = Field(default=60, ge=0, le=86_400)


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    t: float
    message_id: str
    event_type: str
    attempt: int
    outcome: str  # "delivered 200", "answered 503", "timeout", "dropped", "gave up", ...
    fault: str | None = None
    trace_id: str | None = None  # the trace of what the event is about (the order, the payment)
    span_id: str | None = None  # the attempt's own span, when it was sent

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class WebhookSender:
    def __init__(
        self,
        runtime: Runtime,
        source: str,
        path: str,
        secret: str,
        faults: FaultPlan,
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self.runtime = runtime
        self.source = source
        self.path = path
        self.policy = policy or DeliveryPolicy()
        self.faults = faults
        self._signer = Webhook(secret)
        self._forger = Webhook(WRONG_SECRET)
        self._rng = runtime.stream(f"{source}.webhooks")
        self.log: list[DeliveryRecord] = []
        self._sent = 0
        self._spans = 0

    def emit(self, event_type: str, data: dict[str, Any], trace_id: str | None = None) -> str:
        """Queue one event for delivery; returns its message id. Each attempt carries `trace_id` (the
        trace of what the event is about) and a span of its own."""
        now = self.runtime.now()
        self._sent += 1
        # The instance: a sender started again never reuses an id (the core would drop it as a duplicate).
        message_id = (
            f"msg_{self.source}_{self.runtime.instance}{self._sent:08d}_{self._rng.getrandbits(32):08x}"
        )
        payload = {"type": event_type, "timestamp": rfc3339(self.runtime, now), "data": data}
        faults = self.faults.webhook_faults(now) or WebhookFaults()
        if self._hit(faults.drop):
            self._note(now, message_id, event_type, 0, "dropped", "drop", trace_id)
            return message_id
        delay = faults.delay_s
        fault = "delay" if delay else None
        if self._hit(faults.reorder):
            delay += self._rng.uniform(0, self.policy.reorder_window_s)
            fault = "reorder"
        forged = self._hit(faults.bad_signature)
        if forged:
            fault = "bad_signature"
        copies = 2 if self._hit(faults.duplicate) else 1
        for copy in range(copies):
            self.runtime.spawn(
                self._deliver(
                    message_id, event_type, payload, forged, fault if copy == 0 else "duplicate", trace_id
                ),
                delay=delay,
            )
        return message_id

    def _deliver(
        self,
        message_id: str,
        event_type: str,
        payload: dict[str, Any],
        forged: bool,
        fault: str | None,
        trace_id: str | None,
    ) -> Flow[None]:
        body = canonical_json(payload).decode()
        backoff = self.policy.initial_backoff_s
        for attempt in range(1, self.policy.max_attempts + 1):
            now = yield NOW
            signer = self._forger if forged else self._signer
            stamp = datetime.fromtimestamp(self.runtime.epoch + now, UTC)
            headers = {
                "webhook-id": message_id,
                "webhook-timestamp": str(int(stamp.timestamp())),
                "webhook-signature": signer.sign(message_id, stamp, body),
            }
            span = None
            if trace_id is not None:
                self._spans += 1
                span = span_id(self._spans, self.source)
                headers |= {TRACE_HEADER: trace_id, SPAN_HEADER: span}
            request = HttpRequest("POST", self.path, headers=headers, json=payload)
            wait = backoff
            try:
                response = yield Send(CORE, request, self.policy.timeout_s)
            except TransportError as error:
                outcome = type(error).__name__
            else:
                if response.ok:
                    delivered = f"delivered {response.status}"
                    self._note((yield NOW), message_id, event_type, attempt, delivered, fault, trace_id, span)
                    return
                outcome = f"answered {response.status}"
                if response.status == 429:
                    wait = _retry_after(response.header("Retry-After"), backoff)
            self._note((yield NOW), message_id, event_type, attempt, outcome, fault, trace_id, span)
            if attempt < self.policy.max_attempts:
                yield Sleep(wait)
                backoff = min(self.policy.max_backoff_s, backoff * self.policy.multiplier)
        attempts = self.policy.max_attempts
        self._note((yield NOW), message_id, event_type, attempts, "gave up", fault, trace_id)

    def _hit(self, probability: float) -> bool:
        return probability > 0 and self._rng.random() < probability

    def _note(
        self,
        t: float,
        message_id: str,
        event_type: str,
        attempt: int,
        outcome: str,
        fault: str | None,
        trace_id: str | None = None,
        span: str | None = None,
    ) -> None:
        self.log.append(DeliveryRecord(t, message_id, event_type, attempt, outcome, fault, trace_id, span))


def _retry_after(value: str | None, fallback: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else fallback
    except ValueError:
        return fallback
