"""Lists on the core's API come a page at a time: `limit` items (at most MAX_LIMIT) after the cursor
`after`, oldest first, with the URL of the next page while there may be more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from httpkit.messages import HttpRequest
from httpkit.problems import Problem
from httpkit.routing import QueryParam

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
QUERY = (
    QueryParam("limit", f"items on the page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})", "integer"),
    QueryParam("after", "the cursor: the `next` link of the page before carries it", "integer"),
)


def page_of(request: HttpRequest) -> tuple[int, int]:
    """(after, limit) as the request asks, or a 400 saying what is wrong."""
    return _whole(request, "after", 0, 0, 2**62), _whole(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)


def listing(
    request: HttpRequest,
    items: Sequence[Any],
    limit: int,
    cursor: Callable[[Any], int],
    as_dict: Callable[[Any], Any],
) -> dict[str, Any]:
    """The page's body: `items` holds up to `limit` + 1 records, the extra one only telling there are more."""
    shown = list(items[:limit])
    body: dict[str, Any] = {"items": [as_dict(item) for item in shown], "next": None}
    if len(items) > limit and shown:
        query = {**request.query, "after": str(cursor(shown[-1])), "limit": str(limit)}
        body["next"] = f"{request.path}?{urlencode(sorted(query.items()))}"
    return body


def _whole(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and low <= int(raw) <= high):
        raise Problem(400, f"{name} must be a whole number from {low} to {high}", field=name)
    return int(raw)
