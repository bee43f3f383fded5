"""Our HTTP toolkit, shared by the core's API and the simulators and part of neither.

`messages`: request and response types; `exchange`: what a server did with a request; `routing`: route
tables; `problems`: problem documents; `openapi`: documents built from route tables; `flask_edge`: the
Flask app that serves a route table (the one module here that imports Flask). This package imports
only the first two, so the core's effects can carry requests without loading pydantic or Flask.
"""

from httpkit.exchange import Exchange, Outcome
from httpkit.messages import HttpRequest, HttpResponse, canonical_json, json_response, problem

__all__ = [
    "Exchange",
    "HttpRequest",
    "HttpResponse",
    "Outcome",
    "canonical_json",
    "json_response",
    "problem",
]
