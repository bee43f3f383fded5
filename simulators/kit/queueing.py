"""The queues in front of a capacity-limited simulator: when each request is served, decided as it arrives.

Rules:
1. FIFO: requests start their service in the order they arrive, each as soon as a worker is free, so a
   request's start is known the moment it arrives (the workers' next free times are: Kiefer and
   Wolfowitz's workload vector). Its service time is drawn then, from the pool in force at its arrival.
2. The simulator acts on a request (its model, its faults, its journal entry) when its service starts.
   One that must wait is answered `queued` with a ticket: whoever carries it (a runtime, a live server's
   delivery layer) holds it until its start and hands it back with the ticket. It is served even if its
   client has given up meanwhile, and holds its worker until its service ends: the server cannot know.
3. The pool in force can change over time (capacity faults have windows): a request starts at the first
   moment at or after the previous start at which fewer requests are in service than the workers in
   force then. A request in service is never cut short when the workers drop.
4. A request that would wait while `queue_limit` requests already wait is refused at once (overflow);
   one that can start at once is never refused.
"""

from __future__ import annotations

import math
from bisect import bisect_right, insort
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from caas_core.runtime import RandomStream
from simulators.kit.capacity import Capacity
from simulators.kit.faults import FaultPlan

SHARED = "*"  # the key of the pool every route shares
PoolAt = Callable[[float], Capacity | None]  # the pool in force at a time; None: not limited then
NextChange = Callable[[float], float]  # the first time after t the pool in force may change; inf: never


@dataclass(slots=True)  # per request: not frozen, for speed (see httpkit.messages)
class Admitted:
    ticket: str
    pool: str
    arrival: float
    start: float
    service: float


@dataclass(slots=True)
class Refused:
    pool: str
    status: int  # 503 or 429
    retry_after_s: int


@dataclass(slots=True)
class Served:
    """What a pool did, for the time series: (arrival, start, end) of each request, refusals' times."""

    requests: list[tuple[float, float, float]] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)


class Pool:
    def __init__(self, key: str, pool_at: PoolAt, next_change: NextChange) -> None:
        self.key = key
        self.pool_at = pool_at
        self.next_change = next_change
        self._ends: list[float] = []  # sorted: when each request in service or waiting will be done
        self._waiting: deque[float] = deque()  # the starts still to come, in order: the queue
        self._last_start = -math.inf
        self.served = Served()

    def admit(self, ticket: str, now: float, rng: RandomStream) -> Admitted | Refused | None:
        """Admit a request arriving `now`; None when no pool is in force now (it is not limited)."""
        pool = self.pool_at(now)
        if pool is None:
            return None
        self._forget_before(now)
        start = self._first_start(max(now, self._last_start))
        if start > now and pool.queue_limit is not None and len(self._waiting) >= pool.queue_limit:
            self.served.refused.append(now)
            return Refused(self.key, pool.overflow, self._retry_after(pool, now))
        service = pool.service.sample(rng)
        insort(self._ends, start + service)
        if start > now:
            self._waiting.append(start)
        self._last_start = start
        self.served.requests.append((now, start, start + service))
        return Admitted(ticket, self.key, now, start, service)

    def queued(self, now: float) -> int:
        self._forget_before(now)
        return len(self._waiting)

    def in_service(self, now: float) -> int:
        self._forget_before(now)
        return len(self._ends) - len(self._waiting)

    def _first_start(self, earliest: float) -> float:
        """Rule 3. Every request admitted so far starts at or before `earliest`, so the number in service
        at any t >= earliest is the number of ends after t, which only falls as t grows."""
        ends, t = self._ends, earliest
        while True:
            pool = self.pool_at(t)
            if pool is None:
                return t
            waiting_for = len(ends) - pool.workers  # this many must end first (the earliest ends do)
            start = t if waiting_for < 0 else max(t, ends[waiting_for])
            change = self.next_change(t)
            if start < change:
                return start
            t = change  # the workers in force change before then: look again from there

    def _retry_after(self, pool: Capacity, now: float) -> int:
        if pool.retry_after_s is not None:
            return pool.retry_after_s
        return max(1, math.ceil(self._waiting[0] - now)) if self._waiting else 1

    def _forget_before(self, now: float) -> None:
        """Drop what is over by `now`: services that ended, and waits that ended (they are in service)."""
        ends, waiting = self._ends, self._waiting
        if ends and ends[0] <= now:
            del ends[: bisect_right(ends, now)]
        while waiting and waiting[0] <= now:
            waiting.popleft()

    def state(self, now: float) -> dict[str, Any]:
        pool = self.pool_at(now)
        return {
            "route": self.key,
            "workers": None if pool is None else pool.workers,
            "in_service": self.in_service(now),
            "queued": self.queued(now),
            "queue_limit": None if pool is None else pool.queue_limit,
            "served": len(self.served.requests),
            "refused": len(self.served.refused),
        }


class Queues:
    """A simulator's pools: which pool each route's requests join, the pool in force at any time (its
    setting with the capacity faults in force applied, kit.capacity rules 2 and 3), and the tickets of
    the requests waiting."""

    def __init__(self, setting: Capacity | dict[str, Capacity] | None, faults: FaultPlan, rng: RandomStream):
        self.shared = setting if isinstance(setting, Capacity) else None
        self.by_route: dict[str, Capacity] = setting if isinstance(setting, dict) else {}
        self.faults = faults
        self._rng = rng
        self.pools: dict[str, Pool] = {}
        self._tickets: dict[str, Admitted] = {}
        self._issued = 0

    @property
    def limited(self) -> bool:
        """Whether any request may ever be limited: a setting, or a capacity fault."""
        return bool(self.shared or self.by_route or self.faults.capacity_faults)

    def admit(self, route_key: str, now: float) -> Admitted | Refused | None:
        """A request for `route_key` arriving `now`: admitted with its start and service, refused by a
        full queue, or None when no pool limits it. A request starting at once needs no ticket."""
        key = self.pool_key(route_key)
        if key is None:
            return None
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = Pool(key, *self._timeline(key))
        self._issued += 1
        verdict = pool.admit(f"q{self._issued}", now, self._rng)
        if isinstance(verdict, Admitted) and verdict.start > now:
            self._tickets[verdict.ticket] = verdict
        return verdict

    def claim(self, ticket: str | None) -> Admitted | None:
        """The admission a returning request's ticket stands for, once; None for any other ticket."""
        return None if ticket is None else self._tickets.pop(ticket, None)

    def pool_key(self, route_key: str) -> str | None:
        """The pool `route_key`'s requests join, or None when nothing can ever limit them."""
        faults = self.faults.capacity_faults
        if self.by_route:
            named = route_key in self.by_route or any(f.route == route_key for f in faults)
            return route_key if named else None
        if self.shared is None and any(f.route == route_key for f in faults):
            return route_key
        if self.shared is not None or any(f.route is None for f in faults):
            return SHARED
        return None

    def pool_at(self, key: str, t: float) -> Capacity | None:
        """The pool `key` in force at `t`: its setting, with the capacity faults in force applied."""
        pool = self.shared if key == SHARED else self.by_route.get(key)
        for fault in self.faults.capacity_faults:
            if fault.route in (None, key) and fault.in_window(t):
                pool = fault.capacity.applied_to(pool)  # type: ignore[union-attr]
        return pool

    def next_change(self, key: str, t: float) -> float:
        """The first time after `t` at which a capacity fault on pool `key` starts or ends."""
        times = [
            edge
            for fault in self.faults.capacity_faults
            if fault.route in (None, key)
            for edge in (fault.from_s, fault.until_s)
            if edge is not None and edge > t
        ]
        return min(times, default=math.inf)

    def _timeline(self, key: str) -> tuple[PoolAt, NextChange]:
        # Read at every admission, not fixed at the pool's creation: faults come and go while it lives.
        return (lambda t: self.pool_at(key, t)), (lambda t: self.next_change(key, t))

    def worker_seconds(self, key: str, start: float, end: float) -> float:
        """Workers in force integrated over [start, end): what utilisation is measured against."""
        total, t = 0.0, start
        while t < end:
            upto = min(end, self.next_change(key, t))
            pool = self.pool_at(key, t)
            total += (upto - t) * (pool.workers if pool else 0)
            t = upto
        return total

    def state(self, now: float) -> list[dict[str, Any]]:
        return [pool.state(now) for pool in self.pools.values()]

    def reset(self) -> None:
        self.pools.clear()
        self._tickets.clear()
