"""Backoff schedules: the nominal delay before each retry, and the jittered draw.

Delays follow the vocabulary of resilience4j and Polly. Jitter draws come from the runtime's seeded
stream, so the same seed gives the same waits in either runtime.
"""

from __future__ import annotations

from caas_core.effects import Draw, Flow
from caas_core.policies.models import RetryPolicy


def nominal_delay(policy: RetryPolicy, retry: int) -> float:
    """The un-jittered wait before retry number `retry` (0 is the first retry)."""
    if policy.backoff == "fixed":
        return policy.wait_s
    if policy.backoff == "exponential":
        return min(policy.max_wait_s, policy.wait_s * policy.multiplier**retry)
    return policy.delays_s[min(retry, len(policy.delays_s) - 1)]


def worst_delay(policy: RetryPolicy, retry: int) -> float:
    """The longest wait jitter can produce before retry number `retry`."""
    if policy.jitter == "decorrelated":
        return min(policy.max_wait_s, policy.wait_s * 3 ** (retry + 1))
    return nominal_delay(policy, retry)


def next_delay(policy: RetryPolicy, retry: int, previous: float, stream: str) -> Flow[float]:
    """The wait before retry `retry`; `previous` is the last wait (decorrelated jitter grows from it)."""
    delay = nominal_delay(policy, retry)
    if policy.jitter == "none" or (delay == 0 and policy.jitter != "decorrelated"):
        return delay
    if policy.jitter == "full":
        return (yield Draw(stream, "uniform", (0.0, delay)))
    if policy.jitter == "equal":
        return delay / 2 + (yield Draw(stream, "uniform", (0.0, delay / 2)))
    base = policy.wait_s
    upper = max(base, (previous or base) * 3)
    return min(policy.max_wait_s, (yield Draw(stream, "uniform", (base, upper))))
