"""In-process transports for the simulated runtime. Only these know how a request reaches a simulator.

`fast` hands our request object to the simulator's dispatcher; `wire` serialises it and goes through the
simulator's Flask app over WSGI (httpx.WSGITransport), so routing, parsing and headers are the real ones.
Both return the simulator's `Exchange`: the latency to spend, and the answer (or a hang or a reset).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

import httpx
from flask import Flask

from httpkit.exchange import LATENCY_HEADER, OUTCOME_HEADER, Exchange
from httpkit.messages import HttpRequest, HttpResponse


class Transport(Protocol):
    def exchange(self, request: HttpRequest) -> Exchange: ...


class Service(Protocol):
    """Anything that answers our requests in-process: a simulator, or the core's API."""

    def handle(self, request: HttpRequest) -> Exchange: ...


class FastTransport:
    """`peer` is the caller's address the service sees, where it looks (the core's webhook allowlist):
    in-process callers are on this machine, as the wire transport's WSGI peer is."""

    def __init__(self, service: Service, peer: str | None = None) -> None:
        self.service = service
        self.peer = peer

    def exchange(self, request: HttpRequest) -> Exchange:
        if self.peer is not None and request.remote_addr is None:
            request = replace(request, remote_addr=self.peer)
        return self.service.handle(request)


class WireTransport:
    def __init__(self, app: Flask) -> None:
        self._wsgi = httpx.WSGITransport(app=app)

    def exchange(self, request: HttpRequest) -> Exchange:
        headers = request.wire_headers()
        wire_request = httpx.Request(
            request.method,
            httpx.URL("http://simulator" + request.path, params=request.query or None),
            headers=headers,
            content=request.body_bytes(),
        )
        wire_response = self._wsgi.handle_request(wire_request)
        body = wire_response.read()
        received = dict(wire_response.headers)
        latency = float(received.pop(LATENCY_HEADER.lower(), 0.0))
        outcome = received.pop(OUTCOME_HEADER.lower(), "answer")
        if outcome != "answer":
            return Exchange(latency, None, outcome)  # type: ignore[arg-type]
        return Exchange(latency, HttpResponse(wire_response.status_code, received, body=body))
