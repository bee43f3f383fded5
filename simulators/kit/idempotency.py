"""Idempotency keys: a retry with the same key gets the first answer again, and nothing happens twice.

Rules:
1. Keys are scoped per route: one key may be used once on each (the gateway's authorize, capture and
   void; the IoT API's configure).
2. The first answer to a well-formed request is remembered (status, body bytes, content type), whatever
   it was: an authorisation, a decline, or a business refusal (404, 409, 422). A request refused before
   the gateway acted on it (auth, a raw card number, an invalid body) is not remembered.
3. The same key with the same request replays the remembered answer byte for byte; the same key with
   a different request is refused.
4. Only digests are kept: neither keys nor bodies are stored as sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from httpkit.messages import canonical_json


@dataclass(frozen=True, slots=True)
class Remembered:
    fingerprint: str
    status: int
    body: bytes
    content_type: str


class KeyReused(Exception):
    """The key was used on this route before, with a different request."""


def fingerprint(body: Any, query: dict[str, str]) -> str:
    """A digest of what the request asks for; key order and whitespace do not change it."""
    return hashlib.sha256(canonical_json({"body": body, "query": query})).hexdigest()


class IdempotencyStore:
    def __init__(self) -> None:
        self._answers: dict[str, Remembered] = {}
        self.replays = 0

    def recall(self, scope: str, key: str, fingerprint: str) -> Remembered | None:
        """The answer remembered for this key on this route, or None; raises KeyReused on a mismatch."""
        earlier = self._answers.get(_slot(scope, key))
        if earlier is None:
            return None
        if earlier.fingerprint != fingerprint:
            raise KeyReused(scope)
        self.replays += 1
        return earlier

    def remember(
        self, scope: str, key: str, fingerprint: str, status: int, body: bytes, content_type: str
    ) -> None:
        self._answers[_slot(scope, key)] = Remembered(fingerprint, status, body, content_type)

    def __len__(self) -> int:
        return len(self._answers)

    def clear(self) -> None:
        self._answers.clear()
        self.replays = 0


def _slot(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()
