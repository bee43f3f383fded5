"""Transports that carry the bytes: through a Flask app over WSGI in-process, or over a real socket.

Both serialise our request once, send it with httpx, and read back what the server reported. A served
exchange's latency and outcome travel in two headers (`httpkit.exchange`): in-process, the runtime then
spends the latency; over a socket the server's delivery layer has already spent it and stripped them.
"""

from __future__ import annotations

from typing import Any

import httpx

from httpkit.exchange import LATENCY_HEADER, OUTCOME_HEADER, TICKET_HEADER, Exchange, Outcome
from httpkit.messages import HttpRequest, HttpResponse

_LATENCY, _OUTCOME, _TICKET = LATENCY_HEADER.lower(), OUTCOME_HEADER.lower(), TICKET_HEADER.lower()
# Room for many concurrent calls to one system: the live sandbox sends hundreds at once under load.
LIVE_LIMITS = httpx.Limits(max_connections=500, max_keepalive_connections=100)


class HttpxTransport:
    def __init__(self, base_url: str, transport: httpx.BaseTransport) -> None:
        self.base_url = base_url
        self._transport = transport

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        wire_request = httpx.Request(
            request.method,
            httpx.URL(self.base_url + request.path, params=request.query or None),
            headers=request.wire_headers(),
            content=request.body_bytes(),
            extensions={"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout)},
        )
        try:
            wire_response = self._transport.handle_request(wire_request)
            try:
                body = wire_response.read()
            finally:
                wire_response.close()
        except httpx.TimeoutException:
            return Exchange(timeout or 0.0, None, "hang")
        except httpx.ConnectError:
            return Exchange(0.0, None, "refused")
        except httpx.TransportError:
            return Exchange(0.0, None, "reset")
        received = dict(wire_response.headers)
        latency = float(received.pop(_LATENCY, 0.0))
        outcome: Outcome = received.pop(_OUTCOME, "answer")  # type: ignore[assignment]
        ticket = received.pop(_TICKET, None)
        if outcome != "answer":
            return Exchange(latency, None, outcome, ticket)
        return Exchange(latency, HttpResponse(wire_response.status_code, received, body=body))

    def close(self) -> None:
        self._transport.close()


def wire_transport(app: Any) -> HttpxTransport:
    """Through `app` (a WSGI app) in-process: routing, parsing and headers are the real ones."""
    return HttpxTransport("http://simulator", httpx.WSGITransport(app=app))


def live_transport(url: str) -> HttpxTransport:
    """To the server at `url` over loopback sockets."""
    return HttpxTransport(url, httpx.HTTPTransport(limits=LIVE_LIMITS))
