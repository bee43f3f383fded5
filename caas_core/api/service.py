"""The core's API as a service: a route table that the Flask edge serves live and over WSGI, and that a
simulated run's fast transport calls directly (simulators push their webhooks through it)."""

from __future__ import annotations

from typing import Any

from caas_core.api.routes import ROUTES
from caas_core.http import HttpRequest, HttpResponse, json_response
from caas_core.service import CaasCore
from caas_core.web.exchange import Exchange
from caas_core.web.openapi import build_document
from caas_core.web.problems import Problem
from caas_core.web.routing import Answer, Route, Router, dispatch

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
        self.routes = [
            *ROUTES,
            Route("GET", "/openapi.json", openapi, True, "this document", (Answer(200, "OpenAPI 3.1"),)),
        ]
        self.router = Router(self.routes)

    def handle(self, request: HttpRequest) -> Exchange:
        return dispatch(self.router, request, self.handle_route)

    def handle_route(self, route: Route, params: dict[str, str], request: HttpRequest) -> Exchange:
        owner: Any = self if route.control else self.core
        try:
            return Exchange(0.0, route.handler(owner, request, **params))
        except Problem as problem:
            return Exchange(0.0, problem.response())

    def openapi(self) -> dict[str, Any]:
        return build_document(TITLE, DESCRIPTION, self.routes)


def openapi(api: CoreApi, request: HttpRequest) -> HttpResponse:
    return json_response(200, api.openapi())
