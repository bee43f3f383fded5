"""The core's API as a service: a route table that the Flask edge serves live and over WSGI, and that a
simulated run's fast transport calls directly (simulators push their webhooks through it).

Every answer, a refusal included, carries the request's trace in `X-Trace-Id`: the caller's (X-Trace-Id,
else a valid traceparent), the trace of the order or purchase it made, or a new one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from caas_core.api.access import SECURITY_SCHEMES, require
from caas_core.api.routes import ROUTES
from caas_core.api.trace_context import incoming_trace
from caas_core.cards import contains_card_number, redact_card_numbers
from caas_core.service import CaasCore
from caas_core.tracelog import Traced
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.openapi import build_document
from httpkit.problems import Problem
from httpkit.routing import Answer, Route, Router, call_handler, dispatch
from httpkit.tracing import TRACE_HEADER, trace_id_from

TITLE = "CaaS core API"
DESCRIPTION = (
    "The integration core of the Car-as-a-Service platform: orders and service purchases for the web "
    "platform, alerts and notifications for operations and QA, metrics, and the webhooks Factory and "
    "the payment gateway push. Send 'Authorization: Bearer <token>' with a token `serve` printed; send "
    "X-Trace-Id (or a W3C traceparent) to name the trace a request belongs to."
)


class CoreApi:
    name = "core"

    def __init__(self, core: CaasCore) -> None:
        self.core = core
        self.runtime = core.runtime
        self.routes = CORE_ROUTES
        self.router = Router(self.routes)
        # Traces for the answers that start none of their own: a stream apart, so that these draws never
        # move the ids of the orders and purchases a seeded run makes.
        self._traces = core.runtime.stream("core.request-traces")

    def handle(self, request: HttpRequest) -> Exchange:
        return dispatch(self.router, request, self.handle_route)

    def handle_route(self, route: Route, params: dict[str, str], request: HttpRequest) -> Exchange:
        trace: str | None = None
        try:
            if contains_card_number(request.path):
                raise Problem(400, "the path looks like a card number: send a card token, never the card")
            require(route.security, request, self.core.config)
            if not self.core.ready and route.handler is not openapi:
                # Taking work before the core is wired and has resumed what it owes would lose it.
                raise Problem(
                    503, "the core is starting: it takes requests once it has recovered", {"Retry-After": "1"}
                )
            _refuse_unknown_query(route, request)
            trace = incoming_trace(request)
            if trace is not None and request.header(TRACE_HEADER) != trace:
                request = replace(request, headers={**request.headers, TRACE_HEADER: trace})
            response = call_handler(route.handler, self.core, request, params)
        except Problem as refused:
            response = refused.response()
        started_one = response.header(TRACE_HEADER)  # the trace of an order or a purchase it made
        if started_one is None:
            response.headers[TRACE_HEADER] = trace or trace_id_from(self._traces.getrandbits(128))
        self._note(route, request, response, trace or started_one)
        return Exchange(0.0, response)

    def _note(self, route: Route, request: HttpRequest, response: HttpResponse, trace: str | None) -> None:
        """The request in its trace's record, when the core keeps one and the request is part of a trace
        (a webhook records itself; a read with no trace of its own would only crowd the record)."""
        traces = self.core.telemetry.traces
        if traces is None or trace is None or route.template.startswith("/webhooks/"):
            return
        what = f"{request.method} {route.template}"
        status = response.status
        traces.note(
            trace, Traced(self.runtime.now(), "api", "core", what, status=status, outcome=str(status))
        )

    def openapi(self) -> dict[str, Any]:
        return core_document()


def _refuse_unknown_query(route: Route, request: HttpRequest) -> None:
    """A query parameter the route does not take is a mistake to name, not a filter to ignore."""
    takes = [q.name for q in route.query]
    unknown = sorted(set(request.query) - set(takes))
    if unknown:
        # Named only when it is printable and short: the caller's text is echoed.
        name = redact_card_numbers(unknown[0]) if unknown[0].isprintable() and len(unknown[0]) <= 40 else "?"
        offered = f"it takes {', '.join(takes)}" if takes else "it takes none"
        raise Problem(400, f"{request.method} {route.template} has no query parameter {name!r}; {offered}")


def openapi(core: CaasCore, request: HttpRequest) -> HttpResponse:
    return json_response(200, core_document())


# The document is one of the core's own routes: the core has no sandbox control API.
CORE_ROUTES = [
    *ROUTES,
    Route("GET", "/openapi.json", openapi, summary="this document", answers=(Answer(200, "OpenAPI 3.1"),)),
]


def core_document(routes: list[Route] | None = None) -> dict[str, Any]:
    """The core's document; with `routes`, of those routes (the live sandbox serves more beside it)."""
    return build_document(TITLE, DESCRIPTION, routes or CORE_ROUTES, SECURITY_SCHEMES)
