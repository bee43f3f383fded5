"""What a server (a simulator, or the core) did with one request: the latency to spend, and the answer,
a hang or a reset; or, from a server with a queue, that the request must wait its turn.

A server only says what is due; delivering it is the runtime's business. Served over HTTP, the Flask
edge reports the latency and the outcome in two headers: the simulated wire transport reads them and
the runtime spends the latency in simulated time, while a live server's delivery layer strips them and
holds the answer for the latency in scaled wall time (see `runtimes/`).

A `queued` exchange is not an answer: the server will act on the request only when a worker takes it,
`latency` seconds from now. Whoever carries the request holds it that long, whether or not its client
still waits, then hands it to the server again with the exchange's `ticket` in the TICKET_HEADER; what
the server does then is the exchange to deliver (see `simulators/kit/queueing.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from httpkit.messages import HttpResponse

# answer: a response; hang: none ever comes; reset: the connection drops; refused: nothing listens;
# queued: the server takes the request later (see above).
Outcome = Literal["answer", "hang", "reset", "refused", "queued"]

LATENCY_HEADER = "X-Sandbox-Latency-S"
OUTCOME_HEADER = "X-Sandbox-Outcome"
TICKET_HEADER = "X-Sandbox-Ticket"
# How long an unanswered (hung) request holds the server: longer than any client waits.
HANG_HOLD_S = 300.0


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Exchange:
    latency: float  # runtime seconds until the answer (or the reset) reaches the caller
    response: HttpResponse | None
    outcome: Outcome = "answer"
    ticket: str | None = None  # a queued request's place, to hand back when its turn comes


class ConnectionDropped(Exception):
    """Raised by a handler whose system fails at the network level: the client sees a reset, no answer."""
