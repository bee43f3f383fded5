"""One external system as the core reaches it: its name, its retry policy, its telemetry and its gate (a
circuit breaker, or NO_BREAKER). Each adapter declares the endpoints it calls (its route table), what to
send and how to read the answer; the integration sends it and runs it under the policy, measured, with
trace headers on every request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from caas_core.effects import NOW, Draw, Flow, Send
from caas_core.errors import (
    CallTimeout,
    ClientError,
    ConnectionFailed,
    IntegrationError,
    MalformedResponse,
    ServerError,
)
from caas_core.policies.models import RetryPolicy
from caas_core.resilience.breaker import NO_BREAKER, Gate, Permit, report
from caas_core.resilience.deadline import Deadline
from caas_core.resilience.retry import call_with_retry
from caas_core.telemetry import Telemetry
from caas_core.tracelog import Traced
from httpkit.messages import HttpRequest, HttpResponse
from httpkit.tracing import SPAN_HEADER, TRACE_HEADER, trace_id_from

M = TypeVar("M", bound=BaseModel)
calls_log = logging.getLogger("caas_core.calls")
T = TypeVar("T")
P = TypeVar("P", bound=RetryPolicy)


@dataclass(frozen=True)  # not slotted: `key` is cached on the instance, and every call reads it
class Endpoint:
    """One route of a partner's API, as the core calls it: 'GET /api/v1/orders/{orderId}'."""

    method: str
    template: str

    @cached_property
    def key(self) -> str:
        """How telemetry, faults and journals name the route."""
        return f"{self.method} {self.template}"

    def path(self, **params: str) -> str:
        return self.template.format(**params)


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Trace:
    """The trace a customer action started; every call under it carries the id and a fresh span (from
    the core's telemetry: unique among all the calls the core makes, whichever flow makes them)."""

    trace_id: str


def new_trace() -> Flow[Trace]:
    bits = yield Draw("trace", "getrandbits", (128,))
    return Trace(trace_id_from(bits))


class Integration(Generic[P]):
    def __init__(
        self,
        system: str,
        policy: P,
        telemetry: Telemetry,
        gate: Gate = NO_BREAKER,
        endpoints: tuple[Endpoint, ...] = (),
    ) -> None:
        """`endpoints`: the routes it calls (its adapter's route table). Their counters exist from the
        first scrape on, at zero: an alert comparing a rate with its baseline needs a baseline series."""
        self.system = system
        self.policy = policy
        self.telemetry = telemetry
        self.gate = gate
        for endpoint in endpoints:
            telemetry.register(system, endpoint.key)

    def call(
        self, endpoint: Endpoint, attempt: Callable[[Deadline], Flow[T]], trace: Trace, *, gated: bool = True
    ) -> Flow[T]:
        """Run `attempt` under the policy: Retry(Gate(Timeout(attempt))). With `gated=False` the gate is
        left to the attempt, which passes it per request (IoT: a vehicle's no is not the API failing)."""
        return call_with_retry(
            attempt,
            self.policy,
            system=self.system,
            route=endpoint.key,
            telemetry=self.telemetry,
            gate=self.gate if gated else NO_BREAKER,
            trace_id=trace.trace_id,
        )

    def send(
        self,
        endpoint: Endpoint,
        request: HttpRequest,
        deadline: Deadline,
        trace: Trace,
        timeout: float | None = None,
        keep: frozenset[int] = frozenset(),
        *,
        start: float | None = None,
        permit: Permit | None = None,
    ) -> Flow[HttpResponse]:
        """Send within the attempt's deadline (and `timeout`, if shorter); raise on a 4xx or 5xx, except
        for the statuses in `keep`, which come back as responses (a 409 whose body the caller reads).

        A caller that has read the time passes it as `start`; one that holds the gate's `permit` for this
        request has its outcome reported to the gate here, as `guarded` would: the IoT poll's breaker,
        telemetry and send in one step, not three generator layers that each resume at every effect."""
        system, telemetry, key = self.system, self.telemetry, endpoint.key
        if start is None:
            start = yield NOW
        now = start
        try:
            span = telemetry.next_span()
            traced = {**request.headers, TRACE_HEADER: trace.trace_id, SPAN_HEADER: span}
            # NOTE: built directly, not with dataclasses.replace, which is several times slower: every call.
            method, path, query = request.method, request.path, request.query
            request = HttpRequest(method, path, traced, query, request.json, request.form)
            traces = telemetry.traces  # kept in the live sandbox only
            if traces is not None:
                traces.started(system)
            try:
                response = yield Send(system, request, deadline.cap(start, timeout))
            except (CallTimeout, ConnectionFailed) as error:
                now = yield NOW
                self._ended(key, trace, span, start, now, deadline.attempt, None, type(error).__name__)
                raise
            now = yield NOW
            self._ended(key, trace, span, start, now, deadline.attempt, response.status, None)
            if response.status >= 400 and response.status not in keep:
                if response.status >= 500 or response.status == 429:
                    raise ServerError(response.status, _detail(response))
                raise ClientError(response.status, _detail(response))
        except IntegrationError as error:
            if permit is not None:
                report(self.gate, permit, error, now)
            raise
        if permit is not None:
            self.gate.on_success(permit, now)
        return response

    def _ended(
        self,
        key: str,
        trace: Trace,
        span: str,
        start: float,
        end: float,
        attempt: int,
        status: int | None,
        error: str | None,
    ) -> None:
        """What every call leaves: its measure, its log line and, where the core keeps them, its trace."""
        outcome = error or str(status)
        failure = outcome if error is not None or (status is not None and status >= 400) else None
        self.telemetry.request(end, self.system, key, end - start, failure)
        _logged(self.system, key, trace.trace_id, span, end - start, attempt, status, error)
        traces = self.telemetry.traces
        if traces is not None:
            entry = Traced(start, "call", self.system, key, end - start, status, outcome, span)
            traces.called(trace.trace_id, entry)


def _logged(
    system: str,
    route: str,
    trace_id: str,
    span_id: str,
    latency: float,
    attempt: int,
    status: int | None,
    error: str | None,
) -> None:
    """One line per call, with its trace context, when the log wants calls (the live sandbox's does)."""
    # NOTE: the level test first: a simulated run makes millions of calls and logs none of them.
    if calls_log.isEnabledFor(logging.INFO):
        fields = {
            "trace_id": trace_id,
            "span_id": span_id,
            "system": system,
            "route": route,
            "status": status,
            "error": error,
            "latency_s": round(latency, 6),
            "attempt": attempt,
        }
        calls_log.info("integration call", extra={"fields": fields})


def read(response: HttpResponse, model: type[M], what: str) -> M:
    """The body as `model`, or MalformedResponse saying `what` could not be read."""
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError):
        raise MalformedResponse(response.status, what) from None


def _detail(response: HttpResponse) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("detail", "")) if isinstance(body, dict) else ""
