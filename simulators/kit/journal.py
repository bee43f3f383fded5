"""The request journal: what each simulator received and what it did, filterable by route, time and trace.

Rules:
1. Every request a route took is an entry: when it arrived (`t`), the route, the trace and span ids it
   carried, the status (None when it got no answer: a hang or a reset), the outcome, the latency and the
   fault that acted. Under a capacity it is written when the request's service starts (or when a full
   queue refused it), and `latency_s` is all the client waited for: its `queued_s` in the queue, its
   `service_s`, and the network's share.
2. With `detail` (the live sandbox's journals) an entry also keeps the request's and the response's
   headers and bodies, credentials redacted and card numbers masked (`httpkit.redaction`).
3. With a `capacity`, only the latest entries are kept; `seq` goes on counting, so a gap shows. A capacity
   of 0 keeps none and builds none: a scenario run's record reads no journal, and building an entry for
   each of a fleet day's million requests is a few per cent of its time.
4. Whatever is kept of a path or an id that could hold a card number is masked: a journal never keeps one.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from caas_core.cards import redact_card_numbers
from httpkit.messages import HttpRequest, HttpResponse
from httpkit.redaction import redact_body, redact_headers

TRACE_HEADER, SPAN_HEADER = "X-Trace-Id", "X-Span-Id"


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
    span_id: str | None = None
    queued_s: float = 0.0
    service_s: float = 0.0
    overflow: bool = False  # refused by a full queue
    request: dict[str, Any] | None = None  # headers and body, with `detail`
    response: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        entry = asdict(self)
        if self.request is None:
            del entry["request"], entry["response"]
        return entry


class Journal:
    def __init__(self, detail: bool = False, capacity: int | None = None) -> None:
        self.detail = detail
        self.entries: deque[Entry] | list[Entry] = [] if capacity is None else deque(maxlen=capacity)
        self._keeps = capacity != 0
        self._seq = 0

    def add(
        self,
        t: float,
        request: HttpRequest,
        route: str,
        response: HttpResponse | None,
        outcome: str,
        latency_s: float,
        fault: str | None,
        queued_s: float = 0.0,
        service_s: float = 0.0,
        overflow: bool = False,
    ) -> None:
        self._seq += 1
        if not self._keeps:
            return
        trace_id, span_id = request.header(TRACE_HEADER), request.header(SPAN_HEADER)
        entry = Entry(
            self._seq,
            t,
            request.method,
            redact_card_numbers(request.path),
            route,
            None if response is None else response.status,
            outcome,
            latency_s,
            fault,
            None if trace_id is None else redact_card_numbers(trace_id),
            None if span_id is None else redact_card_numbers(span_id),
            queued_s,
            service_s,
            overflow,
        )
        if self.detail:
            _keep_detail(entry, request, response)
        self.entries.append(entry)

    def select(
        self,
        route: str | None = None,
        from_s: float | None = None,
        until_s: float | None = None,
        trace_id: str | None = None,
    ) -> list[Entry]:
        return [
            e
            for e in self.entries
            if (route is None or e.route == route)
            and (from_s is None or e.t >= from_s)
            and (until_s is None or e.t < until_s)
            and (trace_id is None or e.trace_id == trace_id)
        ]

    def clear(self) -> None:
        self.entries.clear()


def _keep_detail(entry: Entry, request: HttpRequest, response: HttpResponse | None) -> None:
    raw = b"" if request.json is not None else request.body_bytes()
    entry.request = {"headers": redact_headers(request.headers), "body": redact_body(request.json, raw)}
    if response is not None:
        data = response.json() if _is_json(response) else None
        raw = b"" if data is not None else response.to_bytes()
        entry.response = {"headers": redact_headers(response.headers), "body": redact_body(data, raw)}


def _is_json(response: HttpResponse) -> bool:
    kind = (response.header("Content-Type") or "").split(";")[0].strip()
    if kind not in ("application/json", "application/problem+json"):
        return False
    try:
        response.json()
    except ValueError:
        return False
    return True
