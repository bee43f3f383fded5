"""One life of a process on a shared simulated runtime, so that the process can crash while the rest of the
world goes on.

Rules:
1. A Lifetime is a Runtime: the process it is given to (the core) spawns, schedules and draws through it
   as through the runtime itself, and cannot tell the difference.
2. When the life ends, every flow it spawned stops where it is, between two effects, never to be resumed,
   and none of its timers fires. What the process wrote to its store outlives it; nothing else does.
   Its flows are closed then and there, outermost first: left to the garbage collector, a chain of
   generators may be finalised in any order, some of it while another part is closing.
3. `end_after(n)` ends it once its flows have taken `n` more effects: a crash between any two effects of
   any flow, not only between two instants of the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from caas_core.effects import Flow
from caas_core.errors import IntegrationError
from runtimes.simulated import SimHandle, SimulatedRuntime


class Lifetime:
    def __init__(self, runtime: SimulatedRuntime) -> None:
        self.runtime = runtime
        self.seed = runtime.seed
        self.epoch = runtime.epoch
        self.instance = runtime.instance
        self.alive = True
        self.effects = 0  # effects its flows have taken
        self._flows: dict[Flow[Any], None] = {}  # running, in the order spawned
        self._countdown: int | None = None
        self._on_end: Callable[[], None] | None = None

    # -- the Runtime protocol -------------------------------------------------------------------
    def now(self) -> float:
        return self.runtime.now()

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        self.runtime.call_later(delay, lambda: callback() if self.alive else None)

    def spawn(self, flow: Flow[Any], delay: float = 0.0) -> SimHandle:
        return self.runtime.spawn(self._mortal(flow), delay)

    def stream(self, name: str):  # -> random.Random
        return self.runtime.stream(name)

    def exclusive(self) -> AbstractContextManager[Any]:
        return self.runtime.exclusive()

    # -- its end --------------------------------------------------------------------------------
    def end(self) -> None:
        self.alive = False
        self._countdown = None
        flows, self._flows = self._flows, {}
        for flow in flows:
            flow.close()  # GeneratorExit at its current yield: no flow's code catches it

    def end_after(self, effects: int, on_end: Callable[[], None]) -> None:
        """End once the life's flows have taken `effects` more effects, and call `on_end` then."""
        self._countdown, self._on_end = effects, on_end
        if effects <= 0:
            self._expire()

    def _expire(self) -> None:
        on_end = self._on_end
        self.end()
        if on_end is not None:
            on_end()

    def _mortal(self, flow: Flow[Any]) -> Flow[Any]:
        """`flow`, stopped for good at its first effect after the life ends (rule 2)."""
        value: Any = None
        error: BaseException | None = None
        self._flows[flow] = None
        while self.alive:
            try:
                effect = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                self._flows.pop(flow, None)
                return stop.value
            except BaseException:
                self._flows.pop(flow, None)
                raise
            if self._countdown is not None:
                if self._countdown == 0:
                    self._expire()  # this effect is never taken
                    return None
                self._countdown -= 1
            self.effects += 1
            try:
                value, error = (yield effect), None
            except IntegrationError as failure:
                value, error = None, failure
        return None
