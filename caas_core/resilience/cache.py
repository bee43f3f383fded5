"""A TTL cache used as a fallback (stale-if-error): it answers only when the source has failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Cached(Generic[V]):
    value: V
    stored_at: float

    def age(self, now: float) -> float:
        return now - self.stored_at


class TtlCache(Generic[V]):
    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, Cached[V]] = {}

    def put(self, key: str, value: V, now: float) -> None:
        self._entries[key] = Cached(value, now)

    def get(self, key: str, now: float, max_age_s: float | None = None) -> Cached[V] | None:
        """The entry if it is younger than `max_age_s` (default: the TTL), else None."""
        entry = self._entries.get(key)
        limit = self.ttl_s if max_age_s is None else max_age_s
        if entry is None or entry.age(now) >= limit:
            return None
        return entry

    def __len__(self) -> int:
        return len(self._entries)
