"""Finite capacity, as a simulator setting and as a fault: workers, service time, a queue and its limit.

Rules:
1. A capacity is a pool of `workers` serving requests in FIFO order, each for a time drawn from `service`
   (a duration distribution of `kit.distributions`). With `queue_limit` at most that many may wait; one
   more is refused at once with `overflow` (503 or 429) and a Retry-After of `retry_after_s`, or, when
   that is left out, of the seconds until the queue's head starts its service.
2. As a setting, `capacity` is one pool that every route of the simulator shares, or a route map that
   gives each route named a pool of its own (`{"POST /api/...": {workers: 2, service: ...}}`); routes
   left out of a map are not limited.
3. As a fault, `capacity` changes the pool in force for the fault's window, field by field, the most
   recently added fault winning (as a fault's latency does): `{capacity: {workers: 2}}` is a brownout.
   With a `route` it changes that route's pool, without one every pool. Where no pool is set, a fault
   that gives `workers` and `service` sets one up for its window.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidatorFunctionWrapHandler, WrapValidator

from simulators.kit.distributions import Duration

ROUTE_KEY = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) /\S*$")
MAX_WORKERS = 10_000
Overflow = Literal[503, 429]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Capacity(_Model):
    """One pool: what a simulator setting gives, and what a pool is once faults are applied."""

    workers: int = Field(ge=1, le=MAX_WORKERS)
    service: Duration
    queue_limit: int | None = Field(default=None, ge=0, le=1_000_000)  # None: the queue is unbounded
    overflow: Overflow = 503
    retry_after_s: int | None = Field(default=None, ge=0, le=86_400)  # None: when the queue frees a place


class CapacityChange(_Model):
    """A fault's change to a pool: only the fields given change (`queue_limit: null` lifts the limit)."""

    workers: int | None = Field(default=None, ge=1, le=MAX_WORKERS)
    service: Duration | None = None
    queue_limit: int | None = Field(default=None, ge=0, le=1_000_000)
    overflow: Overflow | None = None
    retry_after_s: int | None = Field(default=None, ge=0, le=86_400)

    def applied_to(self, pool: Capacity | None) -> Capacity | None:
        """The pool with this change made; None when there is no pool and the change cannot make one."""
        changes = {name: getattr(self, name) for name in self.model_fields_set}
        if pool is None:
            if self.workers is None or self.service is None:
                return None
            return Capacity(**changes)
        return pool.model_copy(update=changes)


def is_route_map(value: Any) -> bool:
    """Whether a setting's value is a route map: a non-empty mapping whose every key names a route."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(key, str) and ROUTE_KEY.match(key) for key in value)
    )


_ROUTE_MAP = TypeAdapter(dict[str, Capacity])


def _pool_or_route_map(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate as the form the value has, so a mistake is reported at its own key, not twice over."""
    if isinstance(value, Capacity):
        return value
    if is_route_map(value):
        return _ROUTE_MAP.validate_python(value)
    return Capacity.model_validate(value)


# A simulator's `capacity` setting (rule 2): one pool, or a pool per route.
CapacitySetting = Annotated[Capacity | dict[str, Capacity], WrapValidator(_pool_or_route_map)]
