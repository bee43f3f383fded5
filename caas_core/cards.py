"""Raw card numbers (PANs) in requests: the core and the gateway take card tokens only, never a PAN.

Rules:
1. A PAN is 13 to 19 digits, written together or in groups split by single spaces or dashes, whose
   digits pass the Luhn check.
2. Every run of consecutive groups is tried, so a PAN beside a date or another number is still found
   ("2026-01-01 4111111111111111"); a longer unbroken run of digits is an identifier, not a card.
3. Every string of a JSON body is scanned, its keys and numbers too, and every query parameter.
4. What is reported is where the PAN sits, never the PAN, so a refusal can be logged safely.
5. Text that must be kept although it may hold a PAN (a journal, a partner's failure reason) is kept
   redacted: each run of digits holding one is replaced, whole, by CARD_MASK.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

# [0-9], not \d: \d also matches other scripts' digits, which the Luhn arithmetic below cannot read.
_RUN = re.compile(r"[0-9]+(?:[ -][0-9]+)*")
_SEPARATOR = re.compile(r"[ -]")
MIN_DIGITS, MAX_DIGITS = 13, 19
CARD_MASK = "[card number removed]"


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


# Thirteen digits, maybe separated: nothing shorter can hold a PAN. Two cheap first looks for most
# strings, the first (thirteen characters that are digits, spaces or dashes) several times faster still.
_CANDIDATE = re.compile(r"[0-9 -]{13}")
_LONG_ENOUGH = re.compile(r"[0-9](?:[ -]?[0-9]){12}")


def _may_hold_card(text: str) -> bool:
    return _CANDIDATE.search(text) is not None and _LONG_ENOUGH.search(text) is not None


def contains_card_number(text: str) -> bool:
    if not _may_hold_card(text):
        return False
    return any(_holds_card(run.group()) for run in _RUN.finditer(text))


def redact_card_numbers(text: str) -> str:
    """`text` with every run of digits that holds a PAN replaced by CARD_MASK (rule 5)."""
    if not _may_hold_card(text):
        return text
    return _RUN.sub(lambda run: CARD_MASK if _holds_card(run.group()) else run.group(), text)


def _holds_card(run: str) -> bool:
    groups = _SEPARATOR.split(run)
    for start in range(len(groups)):
        digits = ""
        for group in groups[start:]:
            digits += group
            if len(digits) > MAX_DIGITS:
                break
            if len(digits) >= MIN_DIGITS and luhn_ok(digits):
                return True
    return False


def mask_card_numbers(text: str) -> str:
    """`text` with every card number in it (13 to 19 digits that pass Luhn, spaced or not) masked: for
    free text on its way to a log."""

    def masked(run: re.Match[str]) -> str:
        digits = _SEPARATOR.sub("", run.group())
        return "<card number>" if 13 <= len(digits) <= 19 and luhn_ok(digits) else run.group()

    return _RUN.sub(masked, text)


def find_card_number(body: Any, query: dict[str, str]) -> str | None:
    """Where the first PAN in a request sits ("body.purchaseId", "query parameter q"), or None."""
    for name, value in query.items():
        if contains_card_number(name):
            return "a query parameter's name"
        if contains_card_number(value):
            return f"query parameter {name}"
    # Breadth first with an explicit queue: deeply nested bodies cannot exhaust the stack.
    pending: deque[tuple[str, Any]] = deque([("body", body)])
    while pending:
        where, value = pending.popleft()
        if isinstance(value, str):
            if contains_card_number(value):
                return where
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            if contains_card_number(str(value)):
                return where
        elif isinstance(value, dict):
            for key, item in value.items():
                if contains_card_number(str(key)):
                    return f"a key of {where}"  # the key itself is the PAN: the path must not name it
                pending.append((f"{where}.{key}", item))
        elif isinstance(value, list | tuple):
            pending.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
    return None
