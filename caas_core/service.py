"""CaasCore: the integration core's commands and webhook receipt, on the parts `caas_core.wiring` built.

Commands are plain calls made under the runtime's lock (an API request, a test): they record the request
and spawn its flow, which then runs on the runtime. Nothing here touches a clock, a thread or a socket.
`start` resumes whatever the store says is owed (the flows' durable steps) before the core is `ready`:
until then its API refuses work, so nothing is taken before the core can carry it through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from caas_core.adapters.admin import Owner
from caas_core.adapters.factory import FactoryStatus, VehicleSpec
from caas_core.cards import redact_card_numbers
from caas_core.config import CoreConfig
from caas_core.domain import orders, purchases
from caas_core.domain.records import Order, Purchase
from caas_core.errors import CommandRefused
from caas_core.flows import orders as order_flow
from caas_core.flows import purchases as purchase_flow
from caas_core.flows.dependencies import Dependencies
from caas_core.flows.supervision import start
from caas_core.policies.models import Policies
from caas_core.resilience.breaker import CircuitBreaker
from caas_core.runtime import Runtime
from caas_core.store import Store
from caas_core.telemetry import Telemetry
from caas_core.tracelog import Traced
from caas_core.webhooks import WebhookReceiver
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import problem_for, validation_detail
from httpkit.tracing import TRACE_HEADER, trace_id_from, valid_trace_id


class SettlementEvent(BaseModel):
    authorizationId: str
    status: Literal["SETTLED", "FAILED"]
    failureReason: str | None = Field(default=None, max_length=500)


class CaasCore:
    def __init__(
        self,
        runtime: Runtime,
        policies: Policies,
        config: CoreConfig,
        store: Store,
        telemetry: Telemetry,
        receiver: WebhookReceiver,
        deps: Dependencies,
        breakers: Mapping[str, CircuitBreaker] | None = None,
    ) -> None:
        """`breakers`: each system's circuit breaker, by system name (those that have one)."""
        self.runtime = runtime
        self.policies = policies
        self.config = config
        self.store = store
        self.telemetry = telemetry
        self.receiver = receiver
        self.deps = deps
        self.breakers = dict(breakers or {})
        self.ready = False
        self._traces = runtime.stream("core.traces")

    def start(self) -> None:
        """Resume every order and purchase that owes a step, start the sweep that polls Factory about
        silent orders, and be ready for requests."""
        for order in self.store.owing(Order):
            start(self.deps, f"order:{order.id}", order_flow.resume(self.deps, order))
        for record in self.store.owing(Purchase):
            start(self.deps, f"purchase:{record.id}", purchase_flow.resume(self.deps, record))
        start(self.deps, "core:silence-poll", order_flow.watch_silence(self.deps))
        self.ready = True

    # -- commands ---------------------------------------------------------------------------------
    def place_order(
        self, customer_email: str, country: str, spec: VehicleSpec, owner: Owner, trace_id: str | None = None
    ) -> Order:
        """Record an order and start placing it, under `trace_id` (a new trace when None)."""
        now = self.runtime.now()
        with self.store.transaction():
            order_id = f"ord_{self.store.next_number(Order):06d}"
            order = Order(
                order_id,
                customer_email,
                country,
                order_flow.spec_json(spec),
                owner.model_dump_json(by_alias=True),
                orders.PLACED,
                trace_id or self._trace_id(),
                now,
                now,
                step=order_flow.PLACE,
            )
            self.store.insert(order)
        start(self.deps, f"order:{order_id}", order_flow.place(self.deps, order_id))
        return order

    def retry_order(self, order_id: str) -> Order:
        """The manual retry: place a failed order again, or register a blocked one again."""
        order = self.store.require(Order, order_id)
        # Refused while a retry runs, rather than reconciled when its flow ends: the status changes only
        # then, up to a partner call's timeout later, and a second flow would call the partner again,
        # move the order and notify the customer twice. The step it owes says so, crash or not.
        if order.step is not None:
            raise CommandRefused(f"order {order_id} is {order.status} and its retry is still running")
        if order.status == orders.ORDER_FAILED:
            step, flow = order_flow.PLACE, order_flow.place(self.deps, order_id)
        elif order.status == orders.DELIVERY_BLOCKED:
            step, flow = order_flow.REGISTER, order_flow.register(self.deps, order_id)
        else:
            raise CommandRefused(
                f"order {order_id} is {order.status}: only ORDER_FAILED or DELIVERY_BLOCKED retry"
            )
        with self.store.transaction():
            self.store.update(Order, order_id, step=step)
        start(self.deps, f"order:{order_id}", flow)
        return order

    def request_purchase(
        self, vin: str, service_id: str, card_token: str, trace_id: str | None = None
    ) -> Purchase:
        """Record a purchase and start carrying it through, under `trace_id` (a new trace when None)."""
        price = self.config.services.get(service_id)
        if price is None:
            raise CommandRefused(f"no service {service_id!r}; on sale: {', '.join(self.config.services)}")
        now = self.runtime.now()
        with self.store.transaction():
            purchase_id = f"pur_{self.store.next_number(Purchase):06d}"
            record = Purchase(
                purchase_id,
                vin,
                service_id,
                card_token,
                price,
                self.config.currency,
                purchases.REQUESTED,
                trace_id or self._trace_id(),
                now,
                now,
                step=purchase_flow.CHECK,
            )
            self.store.insert(record)
        start(self.deps, f"purchase:{purchase_id}", purchase_flow.purchase(self.deps, record))
        return record

    # -- webhooks ----------------------------------------------------------------------------------
    def receive_webhook(self, source: str, request: HttpRequest) -> HttpResponse:
        """Check and apply one webhook. A rejected or duplicate one changes nothing; one about an order or
        payment the core does not know (yet) is refused with 404 and not remembered, so a retry can land."""
        now = self.runtime.now()
        response, what = self._receive(source, request, now)
        traces, trace = self.telemetry.traces, request.header(TRACE_HEADER)
        if traces is not None and trace is not None and valid_trace_id(trace):
            outcome = response.json().get("outcome", "") if response.ok else f"refused {response.status}"
            traces.note(trace, Traced(now, "webhook", source, what, status=response.status, outcome=outcome))
        return response

    def _receive(self, source: str, request: HttpRequest, now: float) -> tuple[HttpResponse, str]:
        """The answer to a webhook, and what it said, once it was found genuine (for the trace)."""
        verdict = self.receiver.check(source, request, now)
        if not verdict.accepted:
            return verdict.response(), "a webhook"
        data = (verdict.payload or {}).get("data")
        said = f"{(verdict.payload or {}).get('type', 'a webhook')}"
        if isinstance(data, dict) and isinstance(data.get("status"), str):
            said += f" {data['status'][:32]}"
        if verdict.duplicate:
            return verdict.response(), said
        try:
            event: FactoryStatus | SettlementEvent = (
                FactoryStatus.model_validate(data)
                if source == "factory"
                else SettlementEvent.model_validate(data)
            )
        except ValidationError as exc:
            return problem_for(422, f"webhook data: {validation_detail(exc)}"), said
        try:
            with self.store.transaction():
                if not self.receiver.remember(verdict, source, now):
                    return replace(verdict, duplicate=True).response(), said  # a concurrent delivery won
                outcome = self._apply(event, now)
                if outcome == "unknown":
                    raise _NotOurs
        except _NotOurs:
            return problem_for(404, f"no {source} entity named in this webhook is known here"), said
        answer = {"webhookId": verdict.webhook_id, "duplicate": False, "outcome": outcome}
        return json_response(200, answer), said

    def _apply(self, event: FactoryStatus | SettlementEvent, now: float) -> str:
        if isinstance(event, FactoryStatus):
            return order_flow.apply_factory_status(self.deps, event, now)
        # The partner's words are kept in an alert: never with a card number in them.
        reason = None if event.failureReason is None else redact_card_numbers(event.failureReason)
        return purchase_flow.apply_settlement(self.deps, event.authorizationId, event.status, reason, now)

    def _trace_id(self) -> str:
        return trace_id_from(self._traces.getrandbits(128))


class _NotOurs(Exception):
    """Rolls back the webhook id of an update about something the core does not know."""
