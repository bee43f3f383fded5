"""The Flask edge of our HTTP services: a Werkzeug request into our `HttpRequest`, our `HttpResponse`
back into a Flask response, and routing errors as problem documents worded like our own router's."""

from __future__ import annotations

import json

import flask
from werkzeug.exceptions import HTTPException

from caas_core.http import HttpRequest, HttpResponse
from caas_core.web.problems import problem_for


def from_flask(request: flask.Request) -> HttpRequest | HttpResponse:
    body = request.get_data()
    json_body = form = None
    if request.mimetype in ("application/json", "application/problem+json") or (
        body and request.mimetype.endswith("+json")
    ):
        try:
            json_body = json.loads(body) if body else None
        except ValueError:
            return problem_for(400, "the body is not valid JSON")
    elif request.mimetype == "application/x-www-form-urlencoded":
        form = request.form.to_dict()
    return HttpRequest(
        request.method,
        request.path,
        headers=dict(request.headers),
        remote_addr=request.remote_addr,
        query=request.args.to_dict(),
        json=json_body,
        form=form,
    )


def to_flask(response: HttpResponse) -> flask.Response:
    return flask.Response(response.to_bytes(), status=response.status, headers=response.headers)


def http_problem(error: HTTPException) -> flask.Response:
    """Werkzeug's routing errors, worded as the fast transport's router words them."""
    request = flask.request
    if error.code == 404:
        return to_flask(problem_for(404, f"no route for {request.method} {request.path}"))
    if error.code == 405:
        allowed = ", ".join(m for m in error.valid_methods or () if m not in ("HEAD", "OPTIONS"))  # type: ignore[attr-defined]
        answer = to_flask(problem_for(405, f"{request.method} is not allowed here; use {allowed}"))
        answer.headers["Allow"] = allowed
        return answer
    return to_flask(problem_for(error.code or 500, error.description or error.name))
