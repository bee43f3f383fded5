"""The runtime port: what the core and the simulators' behaviour models may ask of their clock.

Generators yield effects (see `caas_core.effects`); plain callbacks use this protocol. Two drivers
implement it, in `runtimes/`: live (wall clock scaled by a speed factor, httpx, one loop thread) and
simulated (SimPy). Both run the core's code on one thread at a time, so the core needs no locks.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from caas_core.effects import Flow


class RandomStream(Protocol):
    """The subset of `random.Random` a stream offers."""

    def random(self) -> float: ...
    def uniform(self, a: float, b: float) -> float: ...
    def gauss(self, mu: float, sigma: float) -> float: ...
    def lognormvariate(self, mu: float, sigma: float) -> float: ...
    def expovariate(self, lambd: float) -> float: ...
    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int: ...
    def getrandbits(self, k: int) -> int: ...


class Handle(Protocol):
    """A spawned flow: `result()` blocks (live) or reads (simulated, once finished)."""

    def done(self) -> bool: ...
    def result(self) -> Any: ...


class Runtime(Protocol):
    seed: int
    epoch: float  # the Unix time of runtime second 0: calendar dates and webhook timestamps derive from it
    # Names this start of the process: empty in simulated runs, so their ids are reproducible; unique per
    # start in live ones, so ids a simulator hands out never repeat when it is started again.
    instance: str

    def now(self) -> float:
        """Runtime seconds since start."""
        ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        """Run `callback` after `delay` runtime seconds, on the runtime's thread."""
        ...

    def spawn(self, flow: Flow[Any], delay: float = 0.0) -> Handle:
        """Start a generator flow (after `delay`), interpreting its effects."""
        ...

    def stream(self, name: str) -> RandomStream:
        """A seeded random stream; its draws depend only on (seed, name)."""
        ...

    def exclusive(self) -> AbstractContextManager[Any]:
        """Held while foreign threads (a WSGI server's) touch state the runtime's thread also touches."""
        ...
