"""Our HTTP toolkit, shared by the core's API and the simulators and part of neither: request and
response types, route tables, problem documents, OpenAPI built from route tables, and the Flask edge
that serves a route table (`httpkit.flask_edge`, the one module here that imports Flask)."""

from httpkit.exchange import Exchange, Outcome
from httpkit.messages import HttpRequest, HttpResponse, canonical_json, json_response, problem
from httpkit.problems import Problem, parse_json, problem_for
from httpkit.routing import Answer, HeaderParam, QueryParam, Route, Router

__all__ = [
    "Answer",
    "Exchange",
    "HeaderParam",
    "HttpRequest",
    "HttpResponse",
    "Outcome",
    "Problem",
    "QueryParam",
    "Route",
    "Router",
    "canonical_json",
    "json_response",
    "parse_json",
    "problem",
    "problem_for",
]
