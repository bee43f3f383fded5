"""Trace context on the wire: the headers, the ids we make, and the ones we take.

Rules:
1. A request carries its trace in `X-Trace-Id` and its own span in `X-Span-Id`. The W3C `traceparent`
   header is read too: its trace-id is taken when the header is valid, and ignored otherwise, as W3C
   Trace Context tells a receiver to do.
2. The ids we make are lowercase hex, W3C-sized (32 digits for a trace, 16 for a span), and never hold
   13 decimal digits in a row: a letter is forced in between, so no id of ours ever reads as a card
   number to the scanners that refuse or mask those (`caas_core.cards`).
3. A trace id we are sent is taken when it is 1 to 64 letters, digits, '.', '_', ':' or '-' and holds no
   card number; anything else is refused, never adopted and spread to every partner's journal.
4. A span id names who made it: a letter of its own per origin (ORIGINS), at the same place in every id.
"""

from __future__ import annotations

import re

from caas_core.cards import contains_card_number
from httpkit.messages import HttpRequest

TRACE_HEADER = "X-Trace-Id"
SPAN_HEADER = "X-Span-Id"
TRACEPARENT_HEADER = "traceparent"
ORIGINS = {"core": "a", "factory": "b", "payment": "c"}

_TRACE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_LETTERED = ((31 - 10) * 4, (31 - 21) * 4)  # trace-id nibbles forced to a letter: runs of 11 at most


def trace_id_from(bits: int) -> str:
    """A trace id from 128 random bits (rule 2)."""
    for shift in _LETTERED:
        bits |= 0xA << shift  # x | 0b1010 is a, b, e or f: a letter whatever x was
    return f"{bits & (1 << 128) - 1:032x}"


def span_id(n: int, origin: str = "core") -> str:
    """The `n`th span of an origin: 16 hex digits, the origin's letter in the middle (rules 2, 4)."""
    digits = f"{n & (1 << 60) - 1:015x}"
    return digits[:7] + ORIGINS[origin] + digits[7:]


def valid_trace_id(value: str) -> bool:
    """Whether a trace id sent to us can be taken as it is (rule 3)."""
    return bool(_TRACE_ID.match(value)) and not contains_card_number(value)


def traceparent_trace_id(value: str) -> str | None:
    """The trace-id of a valid W3C traceparent, or None (rule 1)."""
    found = _TRACEPARENT.match(value.strip())
    if found is None:
        return None
    version, trace_id, parent_id, _flags, rest = found.groups()
    if version == "ff" or (version == "00" and rest) or set(trace_id) == {"0"} or set(parent_id) == {"0"}:
        return None
    return trace_id if not contains_card_number(trace_id) else None


def trace_of(request: HttpRequest) -> str | None:
    """The trace a request says it belongs to, when it says so validly (a partner keeps it for the
    webhooks it sends later about the same thing)."""
    value = request.header(TRACE_HEADER)
    return value if value is not None and valid_trace_id(value) else None
