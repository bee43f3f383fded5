"""Advancing the sandbox's one clock across the processes that keep it (Stripe's test clocks are the model).

Rules:
1. An advance holds every participant's timers (`LiveRuntime.hold`), then steps all of them together to
   the earliest time any of them has something due, no later than the target: each moves its clock there
   and fires what is due, in time order. Then it waits until the sandbox has settled, and steps again,
   until every clock has reached the target with nothing due on the way. So a webhook fired on day 2 is
   received, and what it starts (a registration, another timer) has run or is waiting on a timer of its
   own, before anything due on day 3 fires.
2. Settled means: every participant has no active flow, twice in a row with no flow started or woken in
   between. Work moving between processes is always active somewhere (the sender's call is in flight
   until the receiver has answered, and the receiver counts what it starts before it answers), so two
   such readings in a row bracket an instant when nothing was happening anywhere.
3. Calls in flight keep their real timeouts, so a step waits for them (at most `settle_timeout_s`; one
   that does not settle by then is counted in the report and the advance goes on).
4. The participants' timers are held only under a lease, renewed while the advance runs: a coordinator
   that dies lets go of the clock. Released at the end, whatever happened.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from runtimes.live import ClockState, LiveRuntime

LEASE_S = 30.0
RENEW_EVERY_S = 10.0
SETTLE_TIMEOUT_S = 120.0
MAX_STEPS = 1_000_000


class Participant(Protocol):
    """A process that keeps the sandbox's clock: this one, or another reached over HTTP."""

    name: str

    def state(self) -> ClockState: ...
    def hold(self, lease_s: float) -> None: ...
    def step_to(self, t: float) -> int: ...
    def release(self) -> None: ...
    def wait_idle(self, timeout: float) -> None: ...


@dataclass(frozen=True, slots=True)
class Advanced:
    """What an advance did."""

    started_s: float  # runtime second it started from
    time_s: float  # runtime second it reached
    steps: int
    timers_fired: int
    unsettled_steps: int  # steps after which calls in flight still had not ended (rule 3)
    participants: tuple[str, ...]


class LocalClock:
    """This process's runtime as a participant."""

    name = "local"

    def __init__(self, runtime: LiveRuntime) -> None:
        self.runtime = runtime

    def state(self) -> ClockState:
        return self.runtime.clock_state()

    def hold(self, lease_s: float) -> None:
        self.runtime.hold(lease_s)

    def step_to(self, t: float) -> int:
        return self.runtime.step_to(t)

    def release(self) -> None:
        self.runtime.release()

    def wait_idle(self, timeout: float) -> None:
        self.runtime.activity.wait_idle(timeout)


def advance(
    participants: Sequence[Participant], seconds: float, settle_timeout_s: float = SETTLE_TIMEOUT_S
) -> Advanced:
    """Advance the clock of every participant by `seconds` of runtime time (rule 1). The first
    participant's clock is the reference: the target is its time now plus `seconds`."""
    lead = participants[0]
    started = lead.state().time_s
    target = started + seconds
    renewed = _hold(participants)
    steps = fired = unsettled = 0
    try:
        while steps < MAX_STEPS:
            states, settled, renewed = _settle(participants, settle_timeout_s, renewed)
            unsettled += 0 if settled else 1
            due = [s.next_due_s for s in states if s.next_due_s is not None]
            earliest = min(due, default=None)
            if earliest is None or earliest > target:
                if min(s.time_s for s in states) >= target:
                    break
                earliest = target
            fired += sum(p.step_to(earliest) for p in participants)
            steps += 1
    finally:
        for participant in participants:
            participant.release()
    return Advanced(
        started, lead.state().time_s, steps, fired, unsettled, tuple(p.name for p in participants)
    )


def _hold(participants: Sequence[Participant]) -> float:
    for participant in participants:
        participant.hold(LEASE_S)
    return time.monotonic()


def _settle(
    participants: Sequence[Participant], timeout_s: float, renewed: float
) -> tuple[list[ClockState], bool, float]:
    """The participants' states once settled (rule 2), whether they did settle, and when the lease was
    last renewed."""
    deadline = time.monotonic() + timeout_s
    previous: tuple[int, ...] | None = None
    while True:
        states = [p.state() for p in participants]
        quiet = all(s.active == 0 for s in states)
        wakes = tuple(s.wakes for s in states)
        if quiet and wakes == previous:
            return states, True, renewed
        previous = wakes if quiet else None
        if time.monotonic() > deadline:
            return states, False, renewed
        if time.monotonic() - renewed > RENEW_EVERY_S:
            renewed = _hold(participants)
        busy = [p for p, s in zip(participants, states, strict=True) if s.active]
        if busy:
            busy[0].wait_idle(0.05)
