"""Routes as data: one table serves the fast transport's matcher and the Flask app's URL rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from caas_core.cards import redact_card_numbers
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse
from httpkit.problems import Problem, problem_for

Handler = Callable[..., HttpResponse]  # handler(model, request, **path_params)

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Answer:
    """One documented response of a route, for its OpenAPI document."""

    status: int
    description: str
    # None: a problem document for 4xx/5xx, no body for 2xx; for 4xx/5xx, a ProblemDocument with more fields
    schema: type[BaseModel] | None = None


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    description: str
    type: str = "string"
    values: tuple[str, ...] = ()  # the values it takes, when it takes only these


@dataclass(frozen=True, slots=True)
class HeaderParam:
    """A request header the route reads, besides the security schemes' own headers."""

    name: str
    description: str
    required: bool = False
    min_length: int | None = None  # None: the route takes any length
    max_length: int | None = None


@dataclass(frozen=True)  # not slotted: `key` is cached on the instance, and every request reads it
class Route:
    method: str
    template: str  # "/api/v2/vehicles/{vin}/maintenance"
    handler: Handler
    control: bool = False  # the /__sandbox/ API: no faults, no journal
    summary: str = ""
    answers: tuple[Answer, ...] = ()
    body: type[BaseModel] | None = None  # a JSON request body
    form: type[BaseModel] | None = None  # a form-encoded request body
    security: tuple[str, ...] = ()  # the document's security schemes a request must satisfy, all together
    query: tuple[QueryParam, ...] = ()
    headers: tuple[HeaderParam, ...] = ()

    @cached_property
    def key(self) -> str:
        """How faults and the journal name the route: 'GET /api/v2/vehicles/{vin}/maintenance'."""
        return f"{self.method} {self.template}"

    def pattern(self) -> re.Pattern[str]:
        """A regular expression that matches the route's paths, capturing its parameters by name."""
        return re.compile("^" + _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", self.template) + "$")

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.template)

    @property
    def flask_rule(self) -> str:
        return _PARAM.sub(r"<\1>", self.template)


@dataclass(frozen=True, slots=True)
class Match:
    route: Route | None
    params: dict[str, str]
    allowed: tuple[str, ...] = ()  # methods the path accepts, when the method did not match


class Router:
    RECENT = 4096  # paths remembered: a client polling a command asks for the same path again and again

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        # Each route's literal prefix (up to its first parameter): a cheap test before the regex.
        self._prefixes = [(route, route.template.split("{", 1)[0], route.pattern()) for route in routes]
        self._recent: dict[tuple[str, str], Match] = {}

    def match(self, request: HttpRequest) -> Match:
        key = (request.method, request.path)
        found = self._recent.get(key)
        if found is None:
            if len(self._recent) >= self.RECENT:
                self._recent.clear()
            found = self._recent[key] = self._match(*key)
        return found

    def _match(self, method: str, path: str) -> Match:
        allowed: list[str] = []
        for route, prefix, pattern in self._prefixes:
            if not path.startswith(prefix):
                continue
            found = pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return Match(route, found.groupdict())
            allowed.append(route.method)
        return Match(None, {}, tuple(allowed))


def unrouted(match: Match, request: HttpRequest) -> HttpResponse:
    """The answer to a request no route took: 405 with Allow when the path exists, else 404."""
    if match.allowed:
        return not_allowed(request.method, match.allowed)
    return no_route(request.method, request.path)


def no_route(method: str, path: str) -> HttpResponse:
    # The path is echoed, so what a caller sent as a path is never sent back with a card number in it.
    return problem_for(404, f"no route for {method} {redact_card_numbers(path)}")


def not_allowed(method: str, allowed: Sequence[str]) -> HttpResponse:
    """405, naming the methods the path does accept (in the Allow header too)."""
    listed = ", ".join(allowed)
    answer = problem_for(405, f"{method} is not allowed here; use {listed}")
    answer.headers["Allow"] = listed
    return answer


def call_handler(handler: Handler, owner: Any, request: HttpRequest, params: dict[str, str]) -> HttpResponse:
    """The handler's answer, or the problem document it raised."""
    try:
        return handler(owner, request, **params)
    except Problem as problem:
        return problem.response()


def dispatch(
    router: Router,
    request: HttpRequest,
    handle_route: Callable[[Route, dict[str, str], HttpRequest], Exchange],
) -> Exchange:
    """Route a request to `handle_route(route, params, request)`, or answer 404/405 at once."""
    match = router.match(request)
    if match.route is None:
        return Exchange(0.0, unrouted(match, request))
    return handle_route(match.route, match.params, request)
