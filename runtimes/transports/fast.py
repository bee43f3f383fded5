"""The fast transport: our request object handed to the service's dispatcher, no serialisation."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest


class Service(Protocol):
    """Anything that answers our requests in-process: a simulator, or the core's API."""

    def handle(self, request: HttpRequest) -> Exchange: ...


class NothingListening:
    """The way to a system whose process is down: every connection is refused at once."""

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        return Exchange(0.0, None, "refused")


class FastTransport:
    """`peer` is the caller's address the service sees, where it looks (the core's webhook allowlist):
    in-process callers are on this machine, as the wire transport's WSGI peer is."""

    def __init__(self, service: Service, peer: str | None = None) -> None:
        self.service = service
        self.peer = peer

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        if self.peer is not None and request.remote_addr is None:
            request = replace(request, remote_addr=self.peer)
        return self.service.handle(request)
