"""The core's own record of what it did, trace by trace: the calls it sent, the webhooks it received and
the API requests it answered; and, per system, its calls in flight and its latest calls.

Rules:
1. Kept only where it is asked for (the live sandbox): a simulated run of a million calls keeps none.
2. Bounded: the latest `capacity` traces, and the latest RECENT calls per system; older ones are dropped.
3. Plain data with the caller's timestamps, like the rest of the telemetry; what a partner or a client
   sent is kept only as the route it took, a status and a summary the core wrote itself.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from dataclasses import asdict, dataclass
from typing import Any

RECENT = 50


@dataclass(frozen=True, slots=True)
class Traced:
    """One thing the core did within a trace."""

    t: float  # when it started (runtime seconds)
    kind: str  # "call" (sent to a partner), "webhook" (received), "api" (a request it answered)
    system: str  # the partner called, the webhook's source, or "core"
    what: str  # "GET /api/v2/vehicles/{vin}/maintenance", "order.status_changed READY", ...
    duration_s: float | None = None
    status: int | None = None  # the answer's status, None when there was none
    outcome: str = ""  # "200", "CallTimeout", "applied", "stale", "refused 401: bad_signature", ...
    span_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 400


class TraceLog:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._traces: OrderedDict[str, list[Traced]] = OrderedDict()
        self.recent: dict[str, deque[Traced]] = {}
        self.inflight: Counter[str] = Counter()

    def started(self, system: str) -> None:
        self.inflight[system] += 1

    def called(self, trace_id: str, call: Traced) -> None:
        """A call ended (`started` was told when it began)."""
        self.inflight[call.system] -= 1
        self.recent.setdefault(call.system, deque(maxlen=RECENT)).append(call)
        self.note(trace_id, call)

    def note(self, trace_id: str, entry: Traced) -> None:
        entries = self._traces.get(trace_id)
        if entries is None:
            entries = self._traces[trace_id] = []
            if len(self._traces) > self.capacity:
                self._traces.popitem(last=False)
        entries.append(entry)

    def of(self, trace_id: str) -> list[Traced]:
        return list(self._traces.get(trace_id, ()))
