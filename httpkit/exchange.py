"""What a server (a simulator, or the core) did with one request: the latency to spend, and the answer,
a hang or a reset.

A server only says what is due; delivering it is the runtime's business. Served over HTTP, the Flask
edge reports the latency and the outcome in two headers: the simulated wire transport reads them and
the runtime spends the latency in simulated time, while a live server's delivery layer strips them and
holds the answer for the latency in scaled wall time (see `runtimes/`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from httpkit.messages import HttpResponse

# answer: a response; hang: none ever comes; reset: the connection drops; refused: nothing listens.
Outcome = Literal["answer", "hang", "reset", "refused"]

LATENCY_HEADER = "X-Sandbox-Latency-S"
OUTCOME_HEADER = "X-Sandbox-Outcome"
# How long an unanswered (hung) request holds the server: longer than any client waits.
HANG_HOLD_S = 300.0


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Exchange:
    latency: float  # runtime seconds until the answer (or the reset) reaches the caller
    response: HttpResponse | None
    outcome: Outcome = "answer"


class ConnectionDropped(Exception):
    """Raised by a handler whose system fails at the network level: the client sees a reset, no answer."""
