"""One instrumented HTTP call: trace headers in, the specification's metrics out, status mapped to errors."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from caas_core.effects import NOW, Draw, Flow, Send
from caas_core.errors import CallTimeout, ClientError, ConnectionFailed, MalformedResponse, ServerError
from caas_core.resilience.deadline import Deadline
from caas_core.telemetry import Telemetry
from httpkit.messages import HttpRequest, HttpResponse

M = TypeVar("M", bound=BaseModel)


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Trace:
    """The trace a customer action started; every call under it carries the id and a fresh span."""

    trace_id: str
    # Span ids count up from 1 in each Trace object, and every flow builds its own: unique among one
    # flow's calls only, not across the flows that share a trace id. No random draw per call.
    spans: Iterator[int] = field(default_factory=lambda: itertools.count(1), compare=False, repr=False)


def new_trace() -> Flow[Trace]:
    bits = yield Draw("trace", "getrandbits", (128,))
    return Trace(f"{bits:032x}")


def send(
    system: str,
    route: str,
    request: HttpRequest,
    deadline: Deadline,
    telemetry: Telemetry,
    trace: Trace,
    timeout: float | None = None,
    keep: frozenset[int] = frozenset(),
) -> Flow[HttpResponse]:
    """Send within the attempt's deadline (and `timeout`, if shorter); raise on a 4xx or 5xx, except for
    the statuses in `keep`, which come back as responses (a 409 whose body the caller reads)."""
    traced = {**request.headers, "X-Trace-Id": trace.trace_id, "X-Span-Id": f"{next(trace.spans):016x}"}
    # NOTE: built directly rather than with dataclasses.replace, which is several times slower: every call.
    request = HttpRequest(request.method, request.path, traced, request.query, request.json, request.form)
    start = yield NOW
    try:
        response = yield Send(system, request, deadline.cap(start, timeout))
    except (CallTimeout, ConnectionFailed) as error:
        telemetry.request(system, route, (yield NOW) - start, type(error).__name__)
        raise
    failed = response.status >= 400
    telemetry.request(system, route, (yield NOW) - start, str(response.status) if failed else None)
    if response.status in keep:
        return response
    if response.status >= 500 or response.status == 429:
        raise ServerError(response.status, _detail(response))
    if failed:
        raise ClientError(response.status, _detail(response))
    return response


def read(response: HttpResponse, model: type[M], what: str) -> M:
    """The body as `model`, or MalformedResponse saying `what` could not be read."""
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError):
        raise MalformedResponse(response.status, what) from None


def _detail(response: HttpResponse) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("detail", "")) if isinstance(body, dict) else ""
