"""Resilience primitives that read time from the runtime: retry, breaker, deadline, fallback cache.

Written here rather than taken from tenacity or pybreaker, which sleep and read the wall clock
themselves: these must run unchanged under SimPy's simulated clock and the live runtime's scaled one.
"""

from caas_core.resilience.breaker import (
    CLOSED,
    HALF_OPEN,
    NO_BREAKER,
    OPEN,
    CircuitBreaker,
    Gate,
    Permit,
    breaker_for,
    guarded,
)
from caas_core.resilience.cache import Cached, TtlCache
from caas_core.resilience.deadline import Deadline
from caas_core.resilience.retry import call_with_retry

__all__ = [
    "CLOSED",
    "HALF_OPEN",
    "NO_BREAKER",
    "OPEN",
    "Cached",
    "CircuitBreaker",
    "Deadline",
    "Gate",
    "Permit",
    "TtlCache",
    "breaker_for",
    "call_with_retry",
    "guarded",
]
