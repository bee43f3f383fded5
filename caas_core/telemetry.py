"""What the core observed: timestamped state changes and the specification's integration metrics.

Pure bookkeeping on plain data; the caller supplies every timestamp. Reports read `events`; the live
core exposes `metrics` to Prometheus. With `keep_calls`, as a scenario run asks, every request is also
kept with the time it ended (`calls`), and every retry with the time it started (`retries`), so a run
can be seen over time; a long-lived live core leaves them off.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from caas_core.tracelog import TraceLog
from httpkit.tracing import span_id

# integration.circuit.state values: the specification's 0 = closed, 1 = open; half-open is 2.
CIRCUIT_STATE_VALUE = {"closed": 0, "open": 1, "half_open": 2}
# The upper bounds (seconds) of the request-duration histogram's buckets, +Inf after the last.
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Event:
    """One state change: at time `t`, `subject` (a breaker, a cache, a call) did `kind`."""

    t: float
    kind: str
    subject: str
    data: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"t": self.t, "kind": self.kind, "subject": self.subject, **dict(self.data)}


Labels = tuple[str, str]  # (system, route)


@dataclass
class Metrics:
    """The specification's metrics, labelled by (system, route)."""

    request_count: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    request_errors: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    request_duration: dict[Labels, list[float]] = field(default_factory=lambda: defaultdict(list))
    # Requests per duration bucket (not cumulative), the last for those above every bound: what a scrape
    # reads without going through every sample again.
    duration_buckets: dict[Labels, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0] * (len(DURATION_BUCKETS) + 1))
    )
    retry_count: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    circuit_state: dict[str, int] = field(default_factory=dict)
    queue_depth: dict[str, int] = field(default_factory=dict)


Call = tuple[float, str, float, str | None]  # (ended at, system, duration, error or None)


class Telemetry:
    def __init__(self, keep_calls: bool = False) -> None:
        self.keep_calls = keep_calls
        self.calls: list[Call] = []
        self.retries: list[tuple[float, str]] = []  # (started at, system)
        self.events: list[Event] = []
        self.metrics = Metrics()
        self.webhooks_rejected: Counter[tuple[str, str]] = Counter()  # (source, reason): refusals
        self._by_kind: dict[str, list[Event]] = defaultdict(list)  # reports read one kind at a time
        self._spans = itertools.count(1)
        self.traces: TraceLog | None = None  # the core's record of each trace, where it is kept

    def next_span(self) -> str:
        """A span id for the next call the core sends (no random draw: every call asks for one)."""
        return span_id(next(self._spans))

    def record(self, t: float, kind: str, subject: str, **data: Any) -> None:
        event = Event(t, kind, subject, tuple(data.items()))
        self.events.append(event)
        self._by_kind[kind].append(event)

    def register(self, system: str, route: str) -> None:
        """A route's counters, at zero until its first request."""
        labels = (system, route)
        for counts in (self.metrics.request_count, self.metrics.request_errors, self.metrics.retry_count):
            counts.setdefault(labels, 0)
        self.metrics.duration_buckets[labels]

    def request(self, t: float, system: str, route: str, duration: float, error: str | None) -> None:
        """A request that ended at `t` after `duration`: answered (error None, or the status from 400
        up) or failed (the failure's type name)."""
        labels = (system, route)
        self.metrics.request_count[labels] += 1
        self.metrics.request_duration[labels].append(duration)
        self.metrics.duration_buckets[labels][bisect_left(DURATION_BUCKETS, duration)] += 1
        if error is not None:
            self.metrics.request_errors[labels] += 1
        if self.keep_calls:
            self.calls.append((t, system, duration, error))

    def retry(self, t: float, system: str, route: str) -> None:
        self.metrics.retry_count[(system, route)] += 1
        if self.keep_calls:
            self.retries.append((t, system))

    def circuit(self, t: float, system: str, old: str, new: str) -> None:
        self.metrics.circuit_state[system] = CIRCUIT_STATE_VALUE[new]
        self.record(t, "circuit", system, old=old, new=new)

    def of_kind(self, kind: str, subject: str | None = None) -> list[Event]:
        events = self._by_kind.get(kind, [])
        return events[:] if subject is None else [e for e in events if e.subject == subject]
