"""The one thing a runtime asks of the way to a system."""

from __future__ import annotations

from typing import Protocol

from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest


class Transport(Protocol):
    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        """Carry `request` to the system and bring back what it did.

        `timeout` is how long, in wall seconds, the caller will wait (None: for ever). In-process
        transports answer at once and leave the latency to the runtime, which races it against the
        timeout; a transport over a socket waits for real and reports a timeout as a hang. Failures are
        outcomes ("hang", "reset"), never exceptions of the library underneath. In-process, a server with
        a queue may answer "queued": the runtime hands the request back when its turn comes
        (httpkit.exchange); over a socket the server's delivery layer has done so already.
        """
        ...
