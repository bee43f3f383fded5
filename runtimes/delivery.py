"""How a live server delivers what its service reported: the latency held in scaled wall time (the
server's worker is busy all that time, even for a client that has given up, as a real one would be), a
hang held until the client has given up, a reset as a connection cut mid-answer, a queued request held
until its turn and then handed to the service again with its ticket (httpkit.exchange), client or no client.

The Flask edge only reports an exchange (`httpkit.exchange`); this WSGI layer, between the edge and the
WSGI server, acts on the report and strips it, so clients see a plain answer, a timeout or a reset.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from httpkit.exchange import HANG_HOLD_S, LATENCY_HEADER, OUTCOME_HEADER, TICKET_HEADER
from httpkit.problems import problem_for
from runtimes.live import LiveRuntime

_REPORTED = {LATENCY_HEADER.lower(), OUTCOME_HEADER.lower(), TICKET_HEADER.lower()}
_TICKET_ENVIRON = "HTTP_" + TICKET_HEADER.upper().replace("-", "_")
_HUNG = problem_for(504, "the simulator did not answer (injected hang)")


class Delivery:
    """A WSGI app that serves `app` as its reports say, on `runtime`'s clock."""

    def __init__(self, app: Callable[..., Iterable[bytes]], runtime: LiveRuntime) -> None:
        self.app = app
        self.runtime = runtime

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # A client's own ticket header would jump the queue: only this layer hands one back.
        environ = {k: v for k, v in environ.items() if k != _TICKET_ENVIRON}
        body = _read_body(environ)
        status, headers, answer, reported = self._serve(environ, body)
        while reported.get(OUTCOME_HEADER.lower()) == "queued":
            self.runtime.block(float(reported[LATENCY_HEADER.lower()]))
            ticket = reported[TICKET_HEADER.lower()]
            status, headers, answer, reported = self._serve({**environ, _TICKET_ENVIRON: ticket}, body)
        outcome = reported.get(OUTCOME_HEADER.lower(), "answer")
        if outcome == "hang":
            # Held until the client gives up (waitress sees it hang up), not for HANG_HOLD_S: nothing is
            # due, and a thread held for nothing is one fewer for every other client.
            self.runtime.block(HANG_HOLD_S, gone=environ.get("waitress.client_disconnected"))
            start_response("504 GATEWAY TIMEOUT", list(_HUNG.headers.items()))
            return [_HUNG.to_bytes()]
        self.runtime.block(float(reported.get(LATENCY_HEADER.lower(), 0.0)))
        if outcome == "reset":
            # As near as WSGI gets to a reset: promise a body, send one byte of it, and let the server
            # drop the connection. The client sees it fail mid-answer, never a status it could act on.
            start_response("200 OK", [("Content-Length", "64")])
            return [b"{"]
        start_response(status, headers)
        return [answer]

    def _serve(
        self, environ: dict[str, Any], body: bytes
    ) -> tuple[str, list[tuple[str, str]], bytes, dict[str, str]]:
        """Call the app once: its status, its headers without the report, its body, and the report."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured.update(status=status, headers=headers)
            return lambda data: None  # every WSGI app here returns its body; none writes through this

        result = self.app({**environ, "wsgi.input": io.BytesIO(body)}, capture)
        try:
            answer = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() not in _REPORTED]
        reported = {k.lower(): v for k, v in captured["headers"] if k.lower() in _REPORTED}
        return captured["status"], headers, answer, reported


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request's body, read once: a queued request is handed to the app a second time."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return stream.read(length) if length > 0 else b""
