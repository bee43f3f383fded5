"""A per-attempt time budget, kept cooperatively: every send and sleep inside the attempt is cut to fit.

Keeping it in the flow, not the runtime, means a timeout over several calls (an OTA attempt: send the
command, then poll) behaves the same on both clocks and needs no cancellation machinery.
"""

from __future__ import annotations

from dataclasses import dataclass

from caas_core.effects import NOW, Flow, Sleep
from caas_core.errors import AttemptTimeout


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Deadline:
    at: float | None  # None: unbounded
    attempt: int = 1  # which attempt of its call it bounds: the logs name it

    def remaining(self, now: float) -> float | None:
        if self.at is None:
            return None
        left = self.at - now
        if left <= 0:
            raise AttemptTimeout("the attempt ran out of time")
        return left

    def cap(self, now: float, timeout: float | None) -> float | None:
        """The timeout for one call inside the attempt: its own, shortened to what is left."""
        left = self.remaining(now)
        if left is None:
            return timeout
        return left if timeout is None else min(timeout, left)

    def sleep(self, seconds: float) -> Flow[None]:
        """Sleep, but raise AttemptTimeout instead of sleeping past the deadline."""
        now = yield NOW
        left = self.remaining(now)
        if left is not None and left <= seconds:
            yield Sleep(left)
            raise AttemptTimeout("the attempt ran out of time")
        yield Sleep(seconds)
