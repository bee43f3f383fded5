"""What is due when, in runtime seconds: the live runtime's timers, kept apart from asyncio's own.

asyncio's timers run on the wall clock; the sandbox's clock can also be advanced on demand, and then
everything due in between must fire in time order. So every sleep, delayed spawn and `call_later` of the
live runtime is an entry here, and one asyncio timer at a time wakes the runtime for the earliest.
Entries due at the same instant run in the order they were added.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

Action = Callable[[], None]


class Timers:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Action]] = []
        self._order = itertools.count()

    def push(self, due: float, action: Action) -> bool:
        """Add an entry; whether it is now the earliest."""
        heapq.heappush(self._heap, (due, next(self._order), action))
        return self._heap[0][2] is action

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> Action | None:
        """The earliest entry's action when it is due by `now` (and take it out), else None."""
        if self._heap and self._heap[0][0] <= now:
            return heapq.heappop(self._heap)[2]
        return None

    def __len__(self) -> int:
        return len(self._heap)
