"""What may be kept of an HTTP message in a journal or a trace: secrets out, card numbers masked.

Rules:
1. The headers that carry a credential or a signature (SECRET_HEADERS) are kept as REDACTED, whole.
2. Every other header value, every string of a body (its keys too), and a number that reads as a card
   number are kept with each card number masked (`caas_core.cards`, rule 5).
3. A body is kept as its JSON when it has one, else as text; at most MAX_BODY_CHARS of text are kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from caas_core.cards import CARD_MASK, contains_card_number, redact_card_numbers

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-iot-signature",
        "webhook-signature",
    }
)
REDACTED = "[redacted]"
MAX_BODY_CHARS = 4096


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: REDACTED if name.lower() in SECRET_HEADERS else redact_card_numbers(str(value))
        for name, value in headers.items()
    }


def redact_body(json_body: Any = None, raw: bytes = b"") -> Any:
    """The body as kept: its JSON redacted when it has one, else its text (cut at MAX_BODY_CHARS)."""
    if json_body is not None:
        kept = _redact_json(json_body)
        if len(json.dumps(kept, separators=(",", ":"))) <= MAX_BODY_CHARS:
            return kept
        return _cut(json.dumps(kept, separators=(",", ":")))
    if not raw:
        return None
    return _cut(redact_card_numbers(raw[: MAX_BODY_CHARS * 4].decode("utf-8", "replace")))


def _cut(text: str) -> str:
    return text if len(text) <= MAX_BODY_CHARS else text[:MAX_BODY_CHARS] + "…"


def _redact_json(value: Any) -> Any:
    # Iterative, like the card scanner: a deeply nested body cannot exhaust the stack.
    root: list[Any] = [None]
    pending: list[tuple[Any, list[Any] | dict[str, Any], Any]] = [(value, root, 0)]
    while pending:
        item, parent, key = pending.pop()
        if isinstance(item, str):
            kept: Any = redact_card_numbers(item)
        elif isinstance(item, bool) or item is None:
            kept = item
        elif isinstance(item, int | float):
            kept = CARD_MASK if contains_card_number(str(item)) else item
        elif isinstance(item, dict):
            kept = {}
            for child_key, child in item.items():
                safe_key = redact_card_numbers(str(child_key))
                kept[safe_key] = None
                pending.append((child, kept, safe_key))
        elif isinstance(item, list | tuple):
            kept = [None] * len(item)
            pending.extend((child, kept, index) for index, child in enumerate(item))
        else:
            kept = redact_card_numbers(str(item))
        parent[key] = kept
    return root[0]
