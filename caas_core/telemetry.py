"""What the core observed: timestamped state changes and the specification's integration metrics.

Pure bookkeeping on plain data; the caller supplies every timestamp. Reports read `events`; the live
core exposes `metrics` to Prometheus.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from caas_core.tracelog import TraceLog
from httpkit.tracing import span_id

# integration.circuit.state values: the specification's 0 = closed, 1 = open; half-open is 2.
CIRCUIT_STATE_VALUE = {"closed": 0, "open": 1, "half_open": 2}


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
    retry_count: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    circuit_state: dict[str, int] = field(default_factory=dict)
    queue_depth: dict[str, int] = field(default_factory=dict)


class Telemetry:
    def __init__(self) -> None:
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

    def request(self, system: str, route: str, duration: float, error: str | None) -> None:
        labels = (system, route)
        self.metrics.request_count[labels] += 1
        self.metrics.request_duration[labels].append(duration)
        if error is not None:
            self.metrics.request_errors[labels] += 1

    def retry(self, system: str, route: str) -> None:
        self.metrics.retry_count[(system, route)] += 1

    def circuit(self, t: float, system: str, old: str, new: str) -> None:
        self.metrics.circuit_state[system] = CIRCUIT_STATE_VALUE[new]
        self.record(t, "circuit", system, old=old, new=new)

    def of_kind(self, kind: str, subject: str | None = None) -> list[Event]:
        events = self._by_kind.get(kind, [])
        return events[:] if subject is None else [e for e in events if e.subject == subject]
