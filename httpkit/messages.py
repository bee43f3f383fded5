"""Our own request and response types: effects carry these, transports translate them to the wire.

A fast in-process transport passes `json` objects through untouched; the wire and live transports
serialise them. Either way `HttpResponse.json()` is how a caller reads a body.

Per-call records, here and wherever one is built for every simulated call (effects, exchanges, journal
entries, permits, deadlines), are `@dataclass(slots=True)` but not frozen: a frozen one costs three
times as much to build. Treat them as immutable all the same.
"""

from __future__ import annotations

import json as _json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode


@dataclass(slots=True)  # per call: not frozen, for speed (see above)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str] | None = None
    remote_addr: str | None = None  # the peer's address, where the transport knows it

    def header(self, name: str, default: str | None = None) -> str | None:
        return _lookup(self.headers, name, default)

    def body_bytes(self) -> bytes:
        if self.form is not None:
            return urlencode(self.form).encode()
        if self.json is not None:
            return canonical_json(self.json)
        return b""

    def wire_headers(self) -> dict[str, str]:
        """The headers to send on the wire: the request's own, with the body's Content-Type."""
        if self.form is not None:
            return {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        if self.json is not None:
            return {**self.headers, "Content-Type": "application/json"}
        return dict(self.headers)


_UNREAD = object()


@dataclass(slots=True)  # per call: not frozen, for speed (see above)
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    data: Any = _UNREAD
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        return _lookup(self.headers, name, default)

    def json(self) -> Any:
        """The decoded body; raises ValueError when it is not JSON."""
        if self.data is not _UNREAD:
            return self.data
        return _json.loads(self.body)

    def to_bytes(self) -> bytes:
        if self.data is _UNREAD:
            return self.body
        return _json.dumps(self.data, separators=(",", ":")).encode()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def canonical_json(data: Any) -> bytes:
    """The body our clients send for a JSON object: compact, keys sorted (what IoT signatures cover)."""
    return _json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, {"Content-Type": "application/json", **(headers or {})}, data=data)


def problem(status: int, title: str, detail: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return HttpResponse(status, {"Content-Type": "application/problem+json"}, data=body)


def _lookup(headers: dict[str, str], name: str, default: str | None) -> str | None:
    if name in headers:
        return headers[name]
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return default
