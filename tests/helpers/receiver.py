"""A stand-in for the CaaS webhook receiver, as a transport of the simulated runtime.

It records every delivery attempt with its time, checks the Standard Webhooks signature against the
shared secret, and answers from a script of statuses (default 200), so tests can make deliveries fail.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook

from caas_core.runtime import Runtime
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Received:
    t: float
    path: str
    message_id: str
    signature_ok: bool
    payload: dict[str, Any]
    status: int


@dataclass
class RecordingReceiver:
    runtime: Runtime
    secret: str
    script: deque[int | tuple[int, dict[str, str]]] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)

    def answer_with(self, *statuses: int | tuple[int, dict[str, str]]) -> None:
        """The next deliveries get these statuses (a tuple adds headers, e.g. Retry-After); then 200."""
        self.script.extend(statuses)

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        body = request.body_bytes().decode()
        ok = _signature_ok(self.secret, body, request.headers)
        scripted = self.script.popleft() if self.script else 200
        status, headers = scripted if isinstance(scripted, tuple) else (scripted, {})
        self.received.append(
            Received(
                self.runtime.now(),
                request.path,
                request.header("webhook-id") or "",
                ok,
                json.loads(body),
                status,
            )
        )
        return Exchange(0.0, HttpResponse(status, headers))  # answers at once


def _signature_ok(secret: str, body: str, headers: dict[str, str]) -> bool:
    stamp = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret).sign(headers["webhook-id"], stamp, body)
    return expected in headers["webhook-signature"].split(" ")
