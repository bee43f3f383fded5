"""Factory behaviour: orders, their production timeline, and the status webhooks pushed to CaaS.

Rules:
1. A placed order is ACCEPTED with sequence 1; the POST's answer says so. Every later status change is
   pushed to CaaS as one webhook carrying the order's next sequence number, so stale updates can be told.
2. The lifecycle is the table LIFECYCLE; READY is terminal. An illegal move raises IllegalTransition.
3. An order waits `queue_time`, then needs `build_time` of manufacturing work. While manufacturing it is
   delayed with `delay_probability`, at most `max_delays` times: the delay strikes at a whole second
   drawn over the work remaining, lasts `delay_time`, and then the remaining work resumes.
4. Durations are drawn as whole seconds, at most a year, so sums of them stay exact in float time.
   Draws come from the streams factory.timeline (durations) and factory.delays (whether and when); each
   order's timeline is a flow on the runtime, never a thread or a sleep.
5. estimatedCompletionDate = acceptance + mean queue time + mean build time, pushed out by the mean delay
   time each time the order is delayed. The VIN is assigned when the order turns READY.
6. A reset forgets every order; timelines already running stop at their next step. Order numbers go on
   counting: the core keeps the order ids (and VINs) it was given, and a reused id would route the new
   order's status webhooks to the old one. For the same reason an order id names the runtime's
   instance: "ord_000001" in a simulated run, "ord_<start>000001" in a live one, so a Factory started
   again never hands out an id it gave before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from caas_core.config import SANDBOX_FACTORY_API_KEY, SANDBOX_FACTORY_SECRET
from caas_core.domain.lifecycle import Lifecycle
from caas_core.effects import Flow, Sleep
from caas_core.runtime import Runtime
from simulators.factory.catalogue import VehicleSpec, vin_for
from simulators.kit.capacity import CapacitySetting
from simulators.kit.credentials import same_secret
from simulators.kit.distributions import YEAR, Duration, Latency, Lognormal, Uniform
from simulators.kit.faults import FaultPlan
from simulators.kit.timestamps import rfc3339
from simulators.kit.webhooks import DeliveryPolicy, WebhookSecret, WebhookSender

ACCEPTED, MANUFACTURING, DELAYED, READY = "ACCEPTED", "MANUFACTURING", "DELAYED", "READY"
Status = Literal["ACCEPTED", "MANUFACTURING", "DELAYED", "READY"]

LIFECYCLE = Lifecycle(
    "factory order",
    {
        ACCEPTED: {"start": MANUFACTURING},
        MANUFACTURING: {"delay": DELAYED, "finish": READY},
        DELAYED: {"resume": MANUFACTURING},
        READY: {},
    },
)

STATUS_WEBHOOK_PATH = "/webhooks/factory/status"
STATUS_EVENT = "order.status_changed"

DAY = 86_400


class FactoryConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    api_key: str = Field(default=SANDBOX_FACTORY_API_KEY, min_length=1)
    webhook_secret: WebhookSecret = SANDBOX_FACTORY_SECRET
    delivery: DeliveryPolicy = DeliveryPolicy()
    latency: Latency = Lognormal(p50_ms=120, p99_ms=900)
    capacity: CapacitySetting | None = None  # unlimited; see kit.capacity
    queue_time: Duration = Uniform(min_s=DAY, max_s=3 * DAY)
    build_time: Duration = Lognormal(p50_s=10 * DAY, p99_s=30 * DAY)
    delay_probability: float = Field(default=0.2, ge=0, le=1)
    delay_time: Duration = Uniform(min_s=2 * DAY, max_s=7 * DAY)
    max_delays: int = Field(default=3, ge=0, le=20)


@dataclass(slots=True)
class Order:
    order_id: str
    number: int
    spec: VehicleSpec
    customer_reference: str
    estimated_at: float  # runtime seconds
    status: str = ACCEPTED
    history: list[tuple[str, float]] = field(default_factory=list)
    vin: str | None = None
    trace_id: str | None = None  # the trace the order was placed under: its webhooks carry it

    @property
    def sequence(self) -> int:
        return len(self.history)


class IdempotencyMismatch(Exception):
    """An Idempotency-Key came back with a different order than the one it first placed."""


class FactoryModel:
    def __init__(self, runtime: Runtime, config: FactoryConfig, faults: FaultPlan) -> None:
        """`faults` is the simulator's fault plan: its webhook faults apply to the status webhooks."""
        self.runtime = runtime
        self.config = config
        self._timeline_rng = runtime.stream("factory.timeline")
        self._delay_rng = runtime.stream("factory.delays")
        self.webhooks = WebhookSender(
            runtime, "factory", STATUS_WEBHOOK_PATH, config.webhook_secret, faults, config.delivery
        )
        self.orders: dict[str, Order] = {}
        self._numbered = 0  # the last order number handed out; see rule 6
        self._placed: dict[str, tuple[str, str]] = {}  # idempotency key -> (request fingerprint, order id)
        self._messages: dict[str, tuple[str, int]] = {}  # webhook message id -> (order id, sequence)

    def authorised(self, api_key: str | None) -> bool:
        return same_secret(api_key, self.config.api_key)

    def place(
        self,
        spec: VehicleSpec,
        customer_reference: str,
        idempotency_key: str | None = None,
        trace_id: str | None = None,
    ) -> tuple[Order, bool]:
        """Accept an order and start its timeline; returns the order and whether it was placed earlier
        under the same idempotency key (then nothing new happens)."""
        fingerprint = spec.model_dump_json() + "\x00" + customer_reference
        if idempotency_key is not None and idempotency_key in self._placed:
            first, order_id = self._placed[idempotency_key]
            if first != fingerprint:
                raise IdempotencyMismatch(idempotency_key)
            return self.orders[order_id], True
        now = self.runtime.now()
        number = self._next_number()
        estimate = self.estimate(now)
        order = Order(
            self._order_id(number),
            number,
            spec,
            customer_reference,
            estimate,
            history=[(ACCEPTED, now)],
            trace_id=trace_id,
        )
        self.orders[order.order_id] = order
        if idempotency_key is not None:
            self._placed[idempotency_key] = (fingerprint, order.order_id)
        self.runtime.spawn(self._timeline(order))
        return order, False

    def _order_id(self, number: int) -> str:
        return f"ord_{self.runtime.instance}{number:06d}"

    def _next_number(self) -> int:
        self._numbered += 1
        while self._order_id(self._numbered) in self.orders:  # taken by a contract's provider state
            self._numbered += 1
        return self._numbered

    def estimate(self, accepted_at: float) -> int:
        """The completion date promised for an order accepted at `accepted_at` (rule 5), before delays."""
        return round(accepted_at + self.config.queue_time.mean + self.config.build_time.mean)

    def accepted(self, order: Order) -> dict[str, Any]:
        """The POST's answer: what was true when the order was accepted."""
        return {
            "orderId": order.order_id,
            "status": ACCEPTED,
            "estimatedCompletionDate": self._iso(order.estimated_at),
        }

    def view(self, order: Order) -> dict[str, Any]:
        return {
            "orderId": order.order_id,
            "status": order.status,
            "sequence": order.sequence,
            "vehicleSpec": order.spec.model_dump(),
            "customerReference": order.customer_reference,
            "estimatedCompletionDate": self._iso(order.estimated_at),
            "vin": order.vin,
            "history": [
                {"status": s, "at": self._iso(t), "sequence": i}
                for i, (s, t) in enumerate(order.history, start=1)
            ],
        }

    def deliveries(self, order_id: str | None = None, trace_id: str | None = None) -> list[dict[str, Any]]:
        """The sender's delivery log, each record with the order and sequence it was about."""
        records = []
        for record in self.webhooks.log:
            about, sequence = self._messages.get(record.message_id, (None, None))
            if (order_id is None or about == order_id) and (trace_id is None or record.trace_id == trace_id):
                records.append({**record.as_dict(), "orderId": about, "sequence": sequence})
        return records

    def state(self) -> dict[str, Any]:
        return {
            "orders": len(self.orders),
            "by_status": dict(sorted(Counter(o.status for o in self.orders.values()).items())),
            "webhooks_emitted": len(self._messages),
            "deliveries": self.deliveries(),
        }

    def reset(self) -> None:
        self.orders.clear()
        self._placed.clear()
        self._messages.clear()
        self.webhooks.log.clear()  # deliveries already in flight still finish; only the log restarts

    # -- the production timeline ----------------------------------------------------------------------
    def _timeline(self, order: Order) -> Flow[None]:
        cfg = self.config
        yield Sleep(self._draw(cfg.queue_time))
        if not self._move(order, "start"):
            return
        work = self._draw(cfg.build_time)
        for _ in range(cfg.max_delays):
            if work < 2 or not self._delayed():
                break
            done = self._delay_rng.randrange(1, int(work))  # leaves at least one second of work
            yield Sleep(done)
            work -= done
            if not self._move(order, "delay"):
                return
            yield Sleep(self._draw(cfg.delay_time))
            if not self._move(order, "resume"):
                return
        yield Sleep(work)
        self._move(order, "finish")

    def _move(self, order: Order, event: str) -> bool:
        if self.orders.get(order.order_id) is not order:  # forgotten by a reset meanwhile
            return False
        previous = order.status
        status = LIFECYCLE.move(previous, event)
        now = self.runtime.now()
        order.status = status
        order.history.append((status, now))
        if status == DELAYED:
            order.estimated_at = round(order.estimated_at + self.config.delay_time.mean)
        elif status == READY:
            order.vin = vin_for(order.spec, order.number, self.runtime.epoch + now)
        data = {
            "orderId": order.order_id,
            "status": status,
            "previousStatus": previous,
            "occurredAt": self._iso(now),
            "sequence": order.sequence,
        }
        message_id = self.webhooks.emit(STATUS_EVENT, data, order.trace_id)
        self._messages[message_id] = (order.order_id, order.sequence)
        return True

    def _draw(self, duration: Duration) -> float:
        return float(min(YEAR, max(0, round(duration.sample(self._timeline_rng)))))

    def _delayed(self) -> bool:
        p = self.config.delay_probability
        return p > 0 and self._delay_rng.random() < p

    def _iso(self, t: float) -> str:
        return rfc3339(self.runtime, t)
