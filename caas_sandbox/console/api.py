"""The console's API, served on the core's port beside the core's own: traces across the sandbox, the
partners' faults (the operator's), the index of the port and its OpenAPI document, which covers both.

Handlers are HTTP semantics only, as the core's are; they take the core's lock only around what they read
of it, never across a call to a partner.
"""

from __future__ import annotations

import secrets
from contextlib import nullcontext
from typing import Any

from pydantic import BaseModel, ConfigDict

from caas_core.api.access import CLIENT, OPERATOR, require
from caas_core.api.routes import CLIENT_REFUSALS, OPERATOR_REFUSALS
from caas_core.api.service import CORE_ROUTES, core_document
from caas_core.api.trace_context import incoming_trace
from caas_core.service import CaasCore
from caas_sandbox.console.partners import Partners, PartnerUnreachable
from caas_sandbox.console.traces import assemble
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import Problem
from httpkit.routing import Answer, Route, call_handler
from httpkit.tracing import TRACE_HEADER
from simulators.kit.faults import Fault

CLOCK = [
    {"method": "GET", "path": "/__sandbox/clock", "summary": "the sandbox's one clock"},
    {"method": "POST", "path": "/__sandbox/clock/advance", "summary": "advance it (the operator's)"},
]


class _Unlocked:
    """The console's 'runtime' for the Flask edge: its handlers lock the core themselves (see above)."""

    def exclusive(self) -> nullcontext[None]:
        return nullcontext()


class Console:
    name = "console"

    def __init__(self, core: CaasCore, partners: Partners) -> None:
        self.core = core
        self.partners = partners
        self.runtime = _Unlocked()
        self.routes = CONSOLE_ROUTES

    def handle_route(self, route: Route, params: dict[str, str], request: HttpRequest) -> Exchange:
        trace = None
        try:
            require(route.security, request, self.core.config)
            trace = incoming_trace(request)
            response = call_handler(route.handler, self, request, params)
        except Problem as refused:
            response = refused.response()
        response.headers.setdefault(TRACE_HEADER, trace or secrets.token_hex(16))
        return Exchange(0.0, response)

    def system(self, name: str) -> str:
        if name not in self.partners.urls:
            raise Problem(404, f"no system {name!r}; the partners are {', '.join(self.partners.systems)}")
        return name


# -- handlers -----------------------------------------------------------------------------------------
def index(console: Console, request: HttpRequest) -> HttpResponse:
    if "text/html" in (request.header("Accept") or ""):  # a browser: the dashboard is the page to see
        return HttpResponse(303, {"Location": "/ui"})
    endpoints = [
        {"method": r.method, "path": r.template, "summary": r.summary}
        for r in [*CORE_ROUTES, *CONSOLE_ROUTES]
        if r.template != "/"
    ]
    listing = {
        "service": "CaaS core API, with the live sandbox's console",
        "openapi": "/openapi.json",
        "dashboard": "/ui",
        "endpoints": endpoints,
        "control": CLOCK,
    }
    return json_response(200, listing)


def document(console: Console, request: HttpRequest) -> HttpResponse:
    core_routes = [r for r in CORE_ROUTES if r.template != "/openapi.json"]  # this one replaces it
    return json_response(200, core_document([*core_routes, *CONSOLE_ROUTES]))


def read_trace(console: Console, request: HttpRequest, trace_id: str) -> HttpResponse:
    trace = assemble(console.core, console.partners, trace_id)
    if trace is None:
        raise Problem(404, "no system of the sandbox knows that trace")
    return json_response(200, trace)


def list_faults(console: Console, request: HttpRequest) -> HttpResponse:
    systems: dict[str, Any] = {}
    for system in console.partners.systems:
        try:
            systems[system] = console.partners.faults(system)
        except PartnerUnreachable as gone:
            systems[system] = {"error": str(gone)}
    return json_response(200, {"systems": systems})


def add_fault(console: Console, request: HttpRequest, system: str) -> HttpResponse:
    if request.json is None:
        raise Problem(400, "the request needs a JSON body: a fault, as the simulators' control API takes it")
    status, body = _relayed(lambda: console.partners.add_fault(console.system(system), request.json))
    return json_response(
        status, body, {"Content-Type": "application/problem+json"} if status >= 400 else None
    )


def clear_faults(console: Console, request: HttpRequest, system: str) -> HttpResponse:
    _relayed(lambda: console.partners.clear_faults(console.system(system)))
    return HttpResponse(204)


def remove_fault(console: Console, request: HttpRequest, system: str, fault_id: str) -> HttpResponse:
    if _relayed(lambda: console.partners.remove_fault(console.system(system), fault_id)) == 404:
        raise Problem(404, f"{system} has no fault {fault_id!r}")
    return HttpResponse(204)


def _relayed(call: Any) -> Any:
    try:
        return call()
    except PartnerUnreachable as gone:
        raise Problem(502, str(gone)) from None


class Trace(BaseModel):
    model_config = ConfigDict(extra="allow")

    traceId: str
    entities: list[dict[str, Any]]
    entries: list[dict[str, Any]]


class Faults(BaseModel):
    systems: dict[str, Any]


UNREACHABLE = Answer(502, "the partner does not answer")
CONSOLE_ROUTES = [
    Route("GET", "/", index, summary="what this port serves (a browser is sent to the dashboard)"),
    Route("GET", "/openapi.json", document, summary="this document", answers=(Answer(200, "OpenAPI 3.1"),)),
    Route(
        "GET",
        "/api/traces/{trace_id}",
        read_trace,
        summary="every call of a trace across the five systems, and the core's decisions, in time order",
        answers=(Answer(200, "the trace", Trace), *CLIENT_REFUSALS, Answer(404, "no system knows it")),
        security=(CLIENT,),
    ),
    Route(
        "GET",
        "/api/faults",
        list_faults,
        summary="the faults in force at every partner",
        answers=(Answer(200, "faults by system", Faults), *OPERATOR_REFUSALS),
        security=(OPERATOR,),
    ),
    Route(
        "POST",
        "/api/faults/{system}",
        add_fault,
        summary="inject a fault into a partner (as its /__sandbox/faults takes it)",
        body=Fault,
        answers=(
            Answer(201, "the fault, with its id", Fault),
            *OPERATOR_REFUSALS,
            Answer(404, "no such system"),
            Answer(422, "the fault is not valid, or could never act"),
            UNREACHABLE,
        ),
        security=(OPERATOR,),
    ),
    Route(
        "DELETE",
        "/api/faults/{system}",
        clear_faults,
        summary="remove every fault of a partner",
        answers=(Answer(204, "removed"), *OPERATOR_REFUSALS, Answer(404, "no such system"), UNREACHABLE),
        security=(OPERATOR,),
    ),
    Route(
        "DELETE",
        "/api/faults/{system}/{fault_id}",
        remove_fault,
        summary="remove one fault",
        answers=(
            Answer(204, "removed"),
            *OPERATOR_REFUSALS,
            Answer(404, "no such system or fault"),
            UNREACHABLE,
        ),
        security=(OPERATOR,),
    ),
]
