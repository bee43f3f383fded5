"""Faults on demand: what the control API accepts, and the plan that decides each request's fate.

Rules:
1. A fault applies to a request when its route matches (no route: every route), the runtime time is in
   [from_s, until_s), and its count selector (first_n, every_nth) picks the request.
2. Latency: the most recently added applicable fault with a latency replaces the simulator's own model.
   A capacity changes the pool of workers in force (see kit.capacity and kit.queueing).
3. Actions: applicable faults are tried in the order they were added, and within one fault in the order
   reset, hang, error, malformed; the first whose rate draw hits decides the request's fate.
4. All draws come from the simulator's seeded streams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from caas_core.runtime import RandomStream, Runtime
from simulators.kit.capacity import CapacityChange
from simulators.kit.distributions import Latency

_ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) /\S*$")

Action = Literal["reset", "hang", "error", "malformed"]
ACTIONS: tuple[Action, ...] = get_args(Action)  # a request tries them in this order


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateSpec(_Model):
    rate: float = Field(default=1.0, ge=0, le=1)


class ErrorSpec(RateSpec):
    status: int = Field(default=503, ge=400, le=599)


class WebhookFaults(_Model):
    """Faults on the webhooks a simulator sends (Factory, Payment); each is a probability."""

    drop: float = Field(default=0, ge=0, le=1)
    duplicate: float = Field(default=0, ge=0, le=1)
    reorder: float = Field(default=0, ge=0, le=1)
    delay_s: float = Field(default=0, ge=0, le=86_400)
    bad_signature: float = Field(default=0, ge=0, le=1)


class Fault(_Model):
    # What DELETE /__sandbox/faults/{id} can name: no slash, and short enough to type.
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    route: str | None = None
    latency: Latency | None = None
    capacity: CapacityChange | None = None
    error: ErrorSpec | None = None
    hang: RateSpec | None = None
    reset: RateSpec | None = None
    malformed: RateSpec | None = None
    webhook: WebhookFaults | None = None
    first_n: int | None = Field(default=None, ge=1)
    every_nth: int | None = Field(default=None, ge=1)
    from_s: float = Field(default=0, ge=0)
    until_s: float | None = Field(default=None, ge=0)

    @field_validator("route")
    @classmethod
    def _route_form(cls, route: str | None) -> str | None:
        if route is not None and not _ROUTE.match(route):
            raise ValueError("route must look like 'GET /api/v2/vehicles/{vin}/maintenance'")
        return route

    @model_validator(mode="after")
    def _window(self) -> Fault:
        if self.until_s is not None and self.until_s <= self.from_s:
            raise ValueError("until_s must be later than from_s")
        return self

    def active(self, route_key: str, now: float) -> bool:
        if self.route is not None and self.route != route_key:
            return False
        return self.in_window(now)

    @property
    def acts_on_requests(self) -> bool:
        """Whether it can change a request's latency or answer: a webhook-only fault cannot."""
        return self.decides_requests or self.capacity is not None

    @property
    def decides_requests(self) -> bool:
        """Whether it takes part in each request's decision: a latency or an action."""
        return self.latency is not None or any(getattr(self, action) is not None for action in ACTIONS)

    def in_window(self, now: float) -> bool:
        """Whether `now` falls in [from_s, until_s), the time the fault is in force."""
        return self.from_s <= now and (self.until_s is None or now < self.until_s)


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Decision:
    latency: float
    action: Action | None = None
    status: int = 0
    fault_id: str | None = None


class FaultPlan:
    @classmethod
    def for_simulator(cls, runtime: Runtime, name: str, base_latency: Latency) -> FaultPlan:
        """The plan a simulator named `name` keeps, drawing from its own named streams."""
        return cls(runtime.stream(f"{name}.faults"), runtime.stream(f"{name}.latency"), base_latency)

    def __init__(self, faults_rng: RandomStream, latency_rng: RandomStream, base_latency: Latency) -> None:
        self._faults_rng = faults_rng
        self._latency_rng = latency_rng
        self.base_latency = base_latency
        self.faults: list[Fault] = []
        self._request_faults: list[Fault] = []  # those with a latency or an action, in the order added
        self.capacity_faults: list[Fault] = []  # those that change a pool of workers, in the order added
        self._matched: dict[str, int] = {}  # requests each fault has matched, for first_n / every_nth
        self._next_id = 1

    def add(self, fault: Fault) -> Fault:
        """Add a fault; it keeps its id unless that is missing or taken."""
        taken = {f.id for f in self.faults}
        fault_id = fault.id if fault.id and fault.id not in taken else f"f{self._next_id}"
        self._next_id += 1
        fault = fault.model_copy(update={"id": fault_id})
        self.faults.append(fault)
        self._matched[fault_id] = 0
        self._sort_out()
        return fault

    def remove(self, fault_id: str) -> bool:
        before = len(self.faults)
        self.faults = [f for f in self.faults if f.id != fault_id]
        self._sort_out()
        return len(self.faults) < before

    def clear(self) -> None:
        self.faults.clear()
        self._matched.clear()
        self._sort_out()

    def _sort_out(self) -> None:
        self._request_faults = [f for f in self.faults if f.decides_requests]
        self.capacity_faults = [f for f in self.faults if f.capacity is not None]

    def decide(self, route_key: str, now: float, inflight: int) -> Decision:
        # NOTE: every request passes here; the common case (no fault in force) is kept short.
        applicable = [f for f in self._request_faults if f.active(route_key, now) and self._selected(f)]
        if not applicable:
            return Decision(self.base_latency.sample(self._latency_rng, inflight))
        latency_model = next((f.latency for f in reversed(applicable) if f.latency), self.base_latency)
        latency = latency_model.sample(self._latency_rng, inflight)
        for fault in applicable:
            for action in ACTIONS:
                spec: RateSpec | None = getattr(fault, action)
                if spec is not None and self._faults_rng.random() < spec.rate:
                    status = spec.status if isinstance(spec, ErrorSpec) else 0
                    return Decision(latency, action, status, fault.id)  # type: ignore[arg-type]
        return Decision(latency)

    def latency(self, route_key: str, now: float, inflight: int) -> float:
        """A latency drawn from the model in force, with no action decided: an answer given before any
        fault could act (a request refused by a full queue)."""
        model = next(
            (f.latency for f in reversed(self._request_faults) if f.latency and f.active(route_key, now)),
            self.base_latency,
        )
        return model.sample(self._latency_rng, inflight)

    def webhook_faults(self, now: float) -> WebhookFaults | None:
        """The webhook faults in force now (the most recently added wins)."""
        for fault in reversed(self.faults):
            if fault.webhook is not None and fault.in_window(now):
                return fault.webhook
        return None

    def _selected(self, fault: Fault) -> bool:
        if fault.first_n is None and fault.every_nth is None:
            return True
        count = self._matched[fault.id] = self._matched[fault.id] + 1  # add() gave it an id and a count
        if fault.first_n is not None and count > fault.first_n:
            return False
        return fault.every_nth is None or count % fault.every_nth == 0
