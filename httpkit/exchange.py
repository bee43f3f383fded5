"""What a server (a simulator, or the core) did with one request: the latency to spend, and the answer,
a hang or a reset.

In simulated runs the runtime spends the latency in simulated time. Through the wire transport the
Flask app cannot hand back a Python object, so it reports the latency and outcome in two headers that
the wire transport strips again; a live app sleeps instead and sends neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from httpkit.messages import HttpResponse

Outcome = Literal["answer", "hang", "reset"]

LATENCY_HEADER = "X-Sandbox-Latency-S"
# How long an unanswered (hung) request holds the server: longer than any client waits.
HANG_HOLD_S = 300.0
OUTCOME_HEADER = "X-Sandbox-Outcome"


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Exchange:
    latency: float
    response: HttpResponse | None
    outcome: Outcome = "answer"


class ConnectionDropped(Exception):
    """Raised by a handler whose system fails at the network level: the client sees a reset, no answer."""
