"""The trace a request to the core's API belongs to (see `httpkit.tracing` for the rules of the ids)."""

from __future__ import annotations

from httpkit.messages import HttpRequest
from httpkit.problems import Problem
from httpkit.tracing import TRACE_HEADER, TRACEPARENT_HEADER, traceparent_trace_id, valid_trace_id


def incoming_trace(request: HttpRequest) -> str | None:
    """The trace the caller named: its X-Trace-Id, else the trace-id of a valid traceparent, else None.
    An X-Trace-Id that cannot be taken is a 400: adopted, it would be spread to every partner."""
    named = request.header(TRACE_HEADER)
    if named is not None:
        if not valid_trace_id(named):
            raise Problem(
                400,
                f"{TRACE_HEADER} must be 1 to 64 letters, digits, '.', '_', ':' or '-', and no card number",
                field=TRACE_HEADER,
            )
        return named
    parent = request.header(TRACEPARENT_HEADER)
    return None if parent is None else traceparent_trace_id(parent)
