"""A WSGI layer before a live server's app: a request that carries a card number where no card number
belongs is refused with 400 before the app sees it, so it is never echoed, journaled or stored.

Rules:
1. The path, every query parameter (name and value) and every header but the credentials and the trace
   context are looked at. Credentials are never echoed, and are redacted wherever a message is kept
   (`httpkit.redaction`); a trace context is checked by whoever adopts it.
2. With `scan_bodies`, a JSON or form body is looked at too (the simulators': no partner API takes a
   card number). The core's API checks its own bodies, and redacts what its webhooks report.
3. The refusal names where the card number sits, never the number.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from caas_core.cards import contains_card_number, find_card_number
from httpkit.problems import problem_for
from httpkit.redaction import SECRET_HEADERS

UNSCANNED_HEADERS = SECRET_HEADERS | {"traceparent", "tracestate"}
_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded")


class CardGuard:
    def __init__(self, app: Callable[..., Iterable[bytes]], scan_bodies: bool = False) -> None:
        self.app = app
        self.scan_bodies = scan_bodies

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        where = _in_address(environ) or (self.scan_bodies and _in_body(environ))
        if where:
            refused = problem_for(400, f"{where} looks like a card number: send a card token, never the card")
            start_response("400 BAD REQUEST", list(refused.headers.items()))
            return [refused.to_bytes()]
        return self.app(environ, start_response)


def _in_address(environ: dict[str, Any]) -> str | None:
    if contains_card_number(environ.get("PATH_INFO", "")):
        return "the path"
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    found = find_card_number(None, query)
    if found:
        return found
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
            if name not in UNSCANNED_HEADERS and contains_card_number(str(value)):
                return f"header {name}"
    return None


def _in_body(environ: dict[str, Any]) -> str | None:
    kind = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if kind not in _BODY_TYPES or length <= 0:
        return None
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)  # the app reads it again
    text = raw.decode("utf-8", "replace")
    if kind == _BODY_TYPES[1]:
        return find_card_number(dict(parse_qsl(text, keep_blank_values=True)), {})
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return "the body" if contains_card_number(text) else None  # the app will refuse it as not JSON
    return find_card_number(body, {})
