"""The core's API as a service: a route table that the Flask edge serves live and over WSGI, and that a
simulated run's fast transport calls directly (simulators push their webhooks through it)."""

from __future__ import annotations

from typing import Any

from caas_core.api.routes import ROUTES
from caas_core.service import CaasCore
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.openapi import build_document
from httpkit.problems import problem_for
from httpkit.routing import Answer, Route, Router, call_handler, dispatch

TITLE = "CaaS core API"
DESCRIPTION = (
    "The integration core of the Car-as-a-Service platform: orders and service purchases for the web "
    "platform, alerts and notifications for operations and QA, metrics, and the webhooks Factory and "
    "the payment gateway push."
)


class CoreApi:
    name = "core"

    def __init__(self, core: CaasCore) -> None:
        self.core = core
        self.runtime = core.runtime
        self.routes = CORE_ROUTES
        self.router = Router(self.routes)

    def handle(self, request: HttpRequest) -> Exchange:
        return dispatch(self.router, request, self.handle_route)

    def handle_route(self, route: Route, params: dict[str, str], request: HttpRequest) -> Exchange:
        if not self.core.ready and route.handler is not openapi:
            # Taking work before the core is wired and has resumed what it owes would lose it.
            refused = problem_for(503, "the core is starting: it takes requests once it has recovered")
            refused.headers["Retry-After"] = "1"
            return Exchange(0.0, refused)
        return Exchange(0.0, call_handler(route.handler, self.core, request, params))

    def openapi(self) -> dict[str, Any]:
        return core_document()


def openapi(core: CaasCore, request: HttpRequest) -> HttpResponse:
    return json_response(200, core_document())


# The document is one of the core's own routes: the core has no sandbox control API.
CORE_ROUTES = [
    *ROUTES,
    Route("GET", "/openapi.json", openapi, summary="this document", answers=(Answer(200, "OpenAPI 3.1"),)),
]


def core_document() -> dict[str, Any]:
    return build_document(TITLE, DESCRIPTION, CORE_ROUTES)
