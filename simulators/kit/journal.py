"""The request journal: what each simulator received and what it did, filterable by route and time."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Entry:
    seq: int
    t: float
    method: str
    path: str
    route: str
    status: int | None  # None: no answer (hang or reset)
    outcome: str
    latency_s: float
    fault: str | None
    trace_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(
        self,
        t: float,
        method: str,
        path: str,
        route: str,
        status: int | None,
        outcome: str,
        latency_s: float,
        fault: str | None,
        trace_id: str | None,
    ) -> Entry:
        entry = Entry(
            len(self.entries) + 1, t, method, path, route, status, outcome, latency_s, fault, trace_id
        )
        self.entries.append(entry)
        return entry

    def select(self, route: str | None = None, from_s: float | None = None, until_s: float | None = None):
        return [
            e
            for e in self.entries
            if (route is None or e.route == route)
            and (from_s is None or e.t >= from_s)
            and (until_s is None or e.t < until_s)
        ]

    def clear(self) -> None:
        self.entries.clear()
