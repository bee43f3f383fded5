"""The Flask edge of our HTTP services (the simulators and the core's own API).

One URL rule per route; a Werkzeug request becomes our `HttpRequest`, the service's `Exchange` becomes a
Flask response, and routing errors are problem documents worded like our own router's. The service runs
under its runtime's lock. The edge never waits: it reports the exchange's latency and outcome in two
headers (see `httpkit.exchange`), and whoever serves the app delivers them.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import flask
from werkzeug.exceptions import HTTPException

from caas_core.runtime import Runtime
from httpkit.exchange import LATENCY_HEADER, OUTCOME_HEADER, TICKET_HEADER, Exchange
from httpkit.messages import HttpRequest, HttpResponse
from httpkit.problems import problem_for
from httpkit.routing import Route, no_route, not_allowed


class Service(Protocol):
    """What the Flask edge serves: a named route table on a runtime, answering with exchanges."""

    name: str
    runtime: Runtime
    routes: Sequence[Route]

    def handle_route(self, route: Route, params: dict[str, str], request: HttpRequest) -> Exchange: ...


# Deeper JSON than any of our bodies needs; far below the depth at which the json module's recursion
# (parsing here, serialising in the handlers) would fail with a server error.
MAX_JSON_DEPTH = 64


def create_app(service: Service) -> flask.Flask:
    """The service behind Flask; the service itself is `app.extensions["simulator"]`."""
    app = flask.Flask(f"caas_sandbox.{service.name}")
    app.extensions["simulator"] = service
    blueprint = flask.Blueprint(service.name, __name__)
    routes_by_rule: dict[str, dict[str, Route]] = defaultdict(dict)
    for route in service.routes:
        routes_by_rule[route.flask_rule][route.method] = route
    for rule, routes in routes_by_rule.items():
        view = _view_for(service, routes)
        blueprint.add_url_rule(rule, endpoint=rule.replace(".", "_"), view_func=view, methods=list(routes))
    app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, http_problem)
    return app


def _view_for(service: Service, routes: dict[str, Route]) -> Callable[..., flask.Response]:
    """The view of one URL rule, its routes bound by method: a request looks up nothing else."""

    def view(**params: str) -> flask.Response:
        # Werkzeug adds HEAD to every GET rule: it is answered as the GET, and the server sends no body.
        method = flask.request.method
        route = routes["GET"] if method == "HEAD" and "HEAD" not in routes else routes[method]
        # NOTE: the request itself, not the context-local proxy, which resolves again at every attribute.
        request = from_flask(flask.request._get_current_object())  # type: ignore[attr-defined]
        if isinstance(request, HttpResponse):
            return to_flask(request)
        with service.runtime.exclusive():
            exchange = service.handle_route(route, params, request)
        return reported(exchange)

    return view


def reported(exchange: Exchange) -> flask.Response:
    """The exchange as a Flask response that reports when it is due and how it ends. A hang, a reset or
    a queued request has no answer of its own: the 504 stands in until whoever delivers it acts on the
    outcome (a queued one's ticket goes with it)."""
    answer = to_flask(exchange.response or problem_for(504, "the server did not answer"))
    answer.headers[LATENCY_HEADER] = repr(exchange.latency)
    answer.headers[OUTCOME_HEADER] = exchange.outcome
    if exchange.ticket is not None:
        answer.headers[TICKET_HEADER] = exchange.ticket
    return answer


@dataclass(slots=True)
class WireRequest(HttpRequest):
    """A request that came over the wire: signatures (webhooks, IoT) cover the bytes as sent, which a
    client need not have serialised the way our own clients do."""

    raw: bytes = b""

    def body_bytes(self) -> bytes:
        return self.raw


def from_flask(request: flask.Request) -> HttpRequest | HttpResponse:
    body = request.get_data()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return problem_for(400, "the body is not UTF-8 text")
    json_body = form = None
    if request.mimetype in ("application/json", "application/problem+json") or (
        body and request.mimetype.endswith("+json")
    ):
        try:
            json_body = json.loads(text, parse_constant=_no_constant, parse_float=_finite) if text else None
        except (ValueError, RecursionError):  # RecursionError: nested past the interpreter's stack
            return problem_for(400, "the body is not valid JSON")
        if not _shallow(json_body, MAX_JSON_DEPTH):
            return problem_for(400, f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")
    elif request.mimetype == "application/x-www-form-urlencoded":
        form = request.form.to_dict()
    return WireRequest(
        request.method,
        request.path,
        headers=dict(iter(request.headers)),  # one pass over the environ, not a lookup per name
        remote_addr=request.remote_addr,
        query=request.args.to_dict(),
        json=json_body,
        form=form,
        raw=body,
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")  # Python's json reads NaN and Infinity; JSON has neither


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as infinity: no JSON number means that
        raise ValueError(f"{text} is out of range")
    return value


def _shallow(value: Any, limit: int) -> bool:
    """Whether `value` nests arrays and objects at most `limit` deep (iterative: no recursion to exhaust)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return False
                pending.append((child, depth + 1))
    return True


def to_flask(response: HttpResponse) -> flask.Response:
    answer = flask.Response(response.to_bytes(), status=response.status, headers=response.headers)
    if response.header("Content-Type") is None:
        del answer.headers["Content-Type"]  # Flask's default, text/html, would describe a body we never sent
    return answer


def http_problem(error: HTTPException) -> flask.Response:
    """Werkzeug's routing errors, worded as the fast transport's router words them."""
    request = flask.request
    if error.code == 404:
        return to_flask(no_route(request.method, request.path))
    if error.code == 405:
        allowed = [m for m in error.valid_methods or () if m not in ("HEAD", "OPTIONS")]  # type: ignore[attr-defined]
        return to_flask(not_allowed(request.method, allowed))
    return to_flask(problem_for(error.code or 500, error.description or error.name))
