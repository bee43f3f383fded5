"""The thin Flask layer over a simulator: one URL rule per route, our request type in, ours out.

`latency="sleep"` (live) really waits the sampled latency, on the server's thread and outside the
runtime's lock; `latency="report"` (the simulated wire transport) hands it back in headers instead.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

import flask
from werkzeug.exceptions import HTTPException

from caas_core.http import HttpResponse
from caas_core.web.flask_glue import from_flask, http_problem, to_flask
from caas_core.web.problems import problem_for
from caas_core.web.routing import Route
from simulators.kit.exchange import LATENCY_HEADER, OUTCOME_HEADER, Exchange
from simulators.kit.service import HANG_HOLD_S, Simulator

LatencyMode = Literal["sleep", "report"]


def create_app(simulator: Simulator, latency: LatencyMode = "sleep") -> flask.Flask:
    app = flask.Flask(f"simulators.{simulator.name}")
    app.extensions["simulator"] = simulator
    app.extensions["latency_mode"] = latency
    blueprint = flask.Blueprint(simulator.name, __name__)
    methods_by_rule: dict[str, list[str]] = defaultdict(list)
    for route in simulator.routes:
        methods_by_rule[route.flask_rule].append(route.method)
    for rule, methods in methods_by_rule.items():
        blueprint.add_url_rule(rule, endpoint=rule.replace(".", "_"), view_func=_view, methods=methods)
    app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, http_problem)
    return app


def _view(**params: str) -> flask.Response:
    simulator: Simulator = flask.current_app.extensions["simulator"]
    route = _route_for(simulator, flask.request.method, flask.request.url_rule.rule)  # type: ignore[union-attr]
    request = from_flask(flask.request)
    if isinstance(request, HttpResponse):
        return to_flask(request)
    with simulator.runtime.exclusive():
        exchange = simulator.handle_route(route, params, request)
    return _deliver(simulator, exchange)


def _route_for(simulator: Simulator, method: str, rule: str) -> Route:
    return next(r for r in simulator.routes if r.method == method and r.flask_rule == rule)


def _deliver(simulator: Simulator, exchange: Exchange) -> flask.Response:
    if flask.current_app.extensions["latency_mode"] == "report":
        response = exchange.response or HttpResponse(504)
        answer = to_flask(response)
        answer.headers[LATENCY_HEADER] = repr(exchange.latency)
        answer.headers[OUTCOME_HEADER] = exchange.outcome
        return answer
    block = simulator.runtime.block  # type: ignore[attr-defined]  # only the live runtime blocks
    if exchange.outcome == "hang":
        block(HANG_HOLD_S)
        return to_flask(problem_for(504, "the simulator did not answer (injected hang)"))
    block(exchange.latency)
    if exchange.outcome == "reset":
        return _cut_short()
    assert exchange.response is not None
    return to_flask(exchange.response)


def _cut_short() -> flask.Response:
    """A reset, as near as WSGI gets: promise a body, send one byte of it, and let the server drop the
    connection. The client sees the connection fail mid-answer, never a status it could act on."""

    def one_byte():
        yield b"{"

    return flask.Response(one_byte(), status=200, headers={"Content-Length": "64"})
