"""Transports that carry the bytes: through a Flask app over WSGI in-process, or over a real socket.

Both serialise our request once, hand the bytes to the server, and read back what it reported. A served
exchange's latency and outcome travel in two headers (`httpkit.exchange`): in-process, the runtime then
spends the latency; over a socket the server's delivery layer has already spent it and stripped them.
"""

from __future__ import annotations

from io import BytesIO, StringIO
from typing import Any
from urllib.parse import urlencode

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
        return _exchange(wire_response.status_code, dict(wire_response.headers), body)

    def close(self) -> None:
        self._transport.close()


class WsgiTransport:
    """Our request as bytes through a WSGI app, in-process: the app's routing, parsing and headers are
    the real ones. The environ is built here (PEP 3333) rather than by httpx's WSGITransport, which
    costs more than the Flask app it calls (172 against 64 µs per call, measured): every call of every
    wire run, and of the test that holds fast runs to wire runs, goes through it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        body = request.body_bytes()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": request.path,
            "QUERY_STRING": urlencode(request.query) if request.query else "",
            "SERVER_NAME": "simulator",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "simulator",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(body),
            "wsgi.errors": StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.wire_headers().items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ[key] = value
        started: list[Any] = []
        chunks = self.app(environ, lambda status, headers, exc_info=None: started.extend((status, headers)))
        try:
            answer = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status, headers = started
        received: dict[str, str] = {}
        for name, value in headers:
            name = name.lower()
            received[name] = f"{received[name]}, {value}" if name in received else value
        return _exchange(int(status.split(" ", 1)[0]), received, answer)


def _exchange(status: int, received: dict[str, str], body: bytes) -> Exchange:
    """What the server reported, from its status, its headers (names in lower case) and its body."""
    latency = float(received.pop(_LATENCY, 0.0))
    outcome: Outcome = received.pop(_OUTCOME, "answer")  # type: ignore[assignment]
    ticket = received.pop(_TICKET, None)
    if outcome != "answer":
        return Exchange(latency, None, outcome, ticket)
    return Exchange(latency, HttpResponse(status, received, body=body))


def wire_transport(app: Any) -> WsgiTransport:
    """Through `app` (a WSGI app) in-process: routing, parsing and headers are the real ones."""
    return WsgiTransport(app)


def live_transport(url: str) -> HttpxTransport:
    """To the server at `url` over loopback sockets."""
    return HttpxTransport(url, httpx.HTTPTransport(limits=LIVE_LIMITS))
