"""Problem responses (RFC 9457) for route handlers, and the body parsing that produces most of them."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from httpkit.messages import HttpRequest, HttpResponse, problem

M = TypeVar("M", bound=BaseModel)

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """Raised by a handler to answer with a problem document."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra

    def response(self) -> HttpResponse:
        answer = problem(self.status, TITLES.get(self.status, "Error"), self.detail, **self.extra)
        answer.headers.update(self.headers)
        return answer


def problem_for(status: int, detail: str, **extra: Any) -> HttpResponse:
    return Problem(status, detail, **extra).response()


def parse_json(model: type[M], request: HttpRequest) -> M:
    """The request's JSON body as `model`, validated strictly as JSON (no `false` for 0, no "1" for 1),
    or a 422 naming the first bad field in its detail and in a `field` member."""
    if request.json is None:
        raise Problem(400, "the request needs a JSON body")
    try:
        return model.model_validate_json(json.dumps(request.json), strict=True)
    except ValidationError as exc:
        raise Problem(422, validation_detail(exc), field=error_field(exc)) from None


def error_field(exc: ValidationError) -> str:
    return ".".join(str(part) for part in exc.errors(include_url=False)[0]["loc"]) or "body"


def validation_detail(exc: ValidationError) -> str:
    message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
    return f"{error_field(exc)}: {message}"
