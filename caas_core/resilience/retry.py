"""Retry around a circuit breaker around a per-attempt timeout: Retry(Breaker(Timeout(attempt))).

Rules:
1. Up to `max_retries + 1` attempts; each gets a fresh Deadline of `timeout_s` (a half-open probe's is
   cut to the breaker's `probe_timeout_s`).
2. The breaker sees every attempt: a retryable failure counts against it, any answer counts for it.
3. A failure that is not retryable (a decline, a 4xx, an open circuit) ends the call at once.
4. Between attempts the flow sleeps the policy's backoff, jittered from a seeded stream.
5. Each attempt leaves one "attempt" event, dated when it ended, with when it started and its outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from caas_core.effects import NOW, Flow, Sleep
from caas_core.errors import IntegrationError
from caas_core.policies.models import RetryPolicy
from caas_core.resilience.backoff import next_delay
from caas_core.resilience.breaker import NO_BREAKER, Gate, guarded
from caas_core.resilience.deadline import Deadline
from caas_core.telemetry import Telemetry

T = TypeVar("T")

Attempt = Callable[[Deadline], Flow[T]]


def call_with_retry(
    attempt: Attempt[T],
    policy: RetryPolicy,
    *,
    system: str,
    route: str,
    telemetry: Telemetry,
    gate: Gate = NO_BREAKER,
    trace_id: str | None = None,
) -> Flow[T]:
    """Run `attempt` under `policy`; return its result or raise the last attempt's error."""
    subject = f"{system} {route}"
    delay = 0.0
    for retry in range(policy.attempts):
        started = yield NOW
        if retry:
            telemetry.retry(started, system, route)
        try:
            if gate is NO_BREAKER:
                # NOTE: nothing to pass, so no generator between every effect of the attempt and the
                # runtime (an OTA attempt's polls run under this loop).
                result = yield from attempt(Deadline(started + policy.timeout_s, retry + 1))
            else:
                result = yield from guarded(
                    gate,
                    lambda cap, started=started, n=retry + 1: attempt(
                        Deadline(started + min(policy.timeout_s, cap), n)
                    ),
                )
        except IntegrationError as error:
            now = yield NOW
            outcome = type(error).__name__
            telemetry.record(now, "attempt", subject, started=started, outcome=outcome, trace=trace_id)
            if not error.retryable or retry == policy.max_retries:
                raise
            delay = yield from next_delay(policy, retry, delay, f"backoff.{system}")
            if delay > 0:
                yield Sleep(delay)
            continue
        telemetry.record((yield NOW), "attempt", subject, started=started, outcome="ok", trace=trace_id)
        return result
    raise AssertionError("unreachable: the loop returns or raises")
