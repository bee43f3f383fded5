"""A circuit breaker that counts failures in a sliding time window.

Rules:
1. CLOSED lets every call through; it opens when `failure_threshold` attempts fail within
   `sliding_window_s` (a failure at exactly `now - window` still counts). Successes do not reset the count.
2. OPEN refuses every call (CircuitOpen) for `open_duration_s`, then it is HALF_OPEN, dated exactly then.
3. HALF_OPEN lets `half_open_permitted_calls` probes through and refuses the rest. A probe's success
   closes the breaker; its failure, or no answer within `probe_timeout_s`, opens it again.
4. Results of calls that were let through under an earlier state change nothing.

Written here rather than taken from pybreaker: it must read time from the runtime (simulated or
scaled), never from the wall clock, and count by window rather than consecutively.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from caas_core.domain.lifecycle import Lifecycle
from caas_core.effects import NOW, Flow
from caas_core.errors import CircuitOpen, IntegrationError
from caas_core.policies.models import BreakerPolicy

T = TypeVar("T")

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

LIFECYCLE = Lifecycle(
    "breaker",
    {
        CLOSED: {"trip": OPEN},
        OPEN: {"cool_down": HALF_OPEN},
        HALF_OPEN: {"probe_succeeded": CLOSED, "probe_failed": OPEN},
    },
)


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Permit:
    """Handed out with each call let through; the call's result is reported against it."""

    generation: int
    probe: bool
    granted_at: float


OnTransition = Callable[[float, str, str, str], None]  # (t, breaker name, old, new)


class Gate(Protocol):
    """What a call passes through: a circuit breaker, or NO_BREAKER where a system has none."""

    name: str

    def acquire(self, now: float) -> Permit: ...
    def on_success(self, permit: Permit, now: float) -> None: ...
    def on_failure(self, permit: Permit, now: float) -> None: ...
    def state_at(self, now: float) -> str: ...
    def cap(self, permit: Permit) -> float:
        """How long the call let through under `permit` may take (infinity: the attempt's own limit)."""
        ...


class CircuitBreaker:
    def __init__(self, name: str, policy: BreakerPolicy, on_transition: OnTransition | None = None) -> None:
        self.name = name
        self.policy = policy
        self.state = CLOSED
        self._lifecycle = replace(LIFECYCLE, name=f"breaker {name}")  # an illegal move names the breaker
        self._on_transition = on_transition
        self._failures: deque[float] = deque()
        self._opened_at = 0.0
        self._generation = 0  # bumped on every transition: stale permits are recognised by it
        self._probes: list[Permit] = []

    def acquire(self, now: float) -> Permit:
        """Let a call through or raise CircuitOpen."""
        self._refresh(now)
        if self.state == CLOSED:
            return Permit(self._generation, False, now)
        if self.state == HALF_OPEN and len(self._probes) < self.policy.half_open_permitted_calls:
            permit = Permit(self._generation, True, now)
            self._probes.append(permit)
            return permit
        raise CircuitOpen(f"{self.name} circuit is {self.state}")

    def on_success(self, permit: Permit, now: float) -> None:
        self._refresh(now)
        if permit.probe and permit.generation == self._generation and self.state == HALF_OPEN:
            self._move("probe_succeeded", now)

    def on_failure(self, permit: Permit, now: float) -> None:
        self._refresh(now)
        if permit.generation != self._generation:
            return
        if self.state == HALF_OPEN and permit.probe:
            self._move("probe_failed", now)
        elif self.state == CLOSED:
            self._failures.append(now)
            self._forget_before(now - self.policy.sliding_window_s)
            if len(self._failures) >= self.policy.failure_threshold:
                self._move("trip", now)

    def state_at(self, now: float) -> str:
        self._refresh(now)
        return self.state

    def cap(self, permit: Permit) -> float:
        return self.policy.probe_timeout_s if permit.probe else math.inf

    def reopens_at(self) -> float | None:
        """When an OPEN breaker will let a probe through."""
        return self._opened_at + self.policy.open_duration_s if self.state == OPEN else None

    def _refresh(self, now: float) -> None:
        """Apply the time-driven moves, each dated when it became due, not when it was noticed."""
        while True:
            if self.state == OPEN and now >= self._opened_at + self.policy.open_duration_s:
                self._move("cool_down", self._opened_at + self.policy.open_duration_s)
            elif self.state == HALF_OPEN and self._probes:
                overdue = min(p.granted_at for p in self._probes) + self.policy.probe_timeout_s
                if now < overdue:
                    return
                self._move("probe_failed", overdue)
            else:
                return

    def _forget_before(self, horizon: float) -> None:
        while self._failures and self._failures[0] < horizon:
            self._failures.popleft()

    def _move(self, event: str, t: float) -> None:
        new = self._lifecycle.move(self.state, event)
        old, self.state = self.state, new
        self._generation += 1
        self._probes.clear()
        self._failures.clear()
        if new == OPEN:
            self._opened_at = t
        if self._on_transition is not None:
            self._on_transition(t, self.name, old, new)


class _NoBreaker:
    """The gate of a system without a breaker (Payment, or any while breakers are disabled): lets every
    call through and counts nothing."""

    name = "none"

    def acquire(self, now: float) -> Permit:
        return Permit(0, False, now)

    def on_success(self, permit: Permit, now: float) -> None:
        pass

    def on_failure(self, permit: Permit, now: float) -> None:
        pass

    def state_at(self, now: float) -> str:
        return CLOSED

    def cap(self, permit: Permit) -> float:
        return math.inf


NO_BREAKER: Gate = _NoBreaker()


def breaker_for(name: str, policy: BreakerPolicy, on_transition: OnTransition | None = None) -> Gate:
    """A breaker named `name` under `policy`, or NO_BREAKER while the policy disables breakers."""
    return CircuitBreaker(name, policy, on_transition) if policy.enabled else NO_BREAKER


def report(gate: Gate, permit: Permit, error: IntegrationError, now: float) -> None:
    """Count a failed call: a retryable failure against the breaker, any answer (a refusal too) for it."""
    if error.retryable:
        gate.on_failure(permit, now)
    else:
        gate.on_success(permit, now)


def guarded(gate: Gate, call: Callable[[float], Flow[T]]) -> Flow[T]:
    """One call through a gate: refused with CircuitOpen while it is open, its outcome counted after.

    `call` receives a cap on its duration: a half-open probe's own timeout, or infinity. A retryable
    failure counts against the breaker; any answer, even a refusal, counts for it.
    """
    now = yield NOW
    permit = gate.acquire(now)
    cap = gate.cap(permit)
    try:
        result = yield from call(cap)
    except IntegrationError as error:
        report(gate, permit, error, (yield NOW))
        raise
    gate.on_success(permit, (yield NOW))
    return result
