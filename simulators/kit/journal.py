"""The request journal: what each simulator received and what it did, filterable by route and time.

An entry is dated `t`, when the request arrived. Under a capacity it is written when the request's
service starts (or when a full queue refused it), and `latency_s` is all the client waited for: its
`queued_s` in the queue, its `service_s`, and the network's share.
"""

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
    queued_s: float = 0.0
    service_s: float = 0.0
    overflow: bool = False  # refused by a full queue

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
        queued_s: float = 0.0,
        service_s: float = 0.0,
        overflow: bool = False,
    ) -> Entry:
        entry = Entry(
            len(self.entries) + 1,
            t,
            method,
            path,
            route,
            status,
            outcome,
            latency_s,
            fault,
            trace_id,
            queued_s,
            service_s,
            overflow,
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
