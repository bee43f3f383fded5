"""Problem responses (RFC 9457) for route handlers, and the body parsing that produces most of them."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from caas_core.http import HttpRequest, HttpResponse, problem

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
    """The request's JSON body as `model`, or a 422 naming the first bad field."""
    if request.json is None:
        raise Problem(400, "the request needs a JSON body")
    try:
        return model.model_validate(request.json)
    except ValidationError as exc:
        raise Problem(422, validation_detail(exc)) from None


def validation_detail(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in err["loc"]) or "body"
    return f"{where}: {err['msg'].removeprefix('Value error, ')}"
