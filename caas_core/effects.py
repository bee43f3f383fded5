"""The effects a workflow yields to its runtime. Plain data with no behaviour; don't subclass.

Workflows and adapter calls are `Generator[Effect, Any, T]` composed with `yield from`. The runtime
sends back the effect's result, or throws `CallTimeout` / `ConnectionFailed` into the generator, so
core code handles failures with ordinary `try/except`.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeVar

from httpkit.messages import HttpRequest

T = TypeVar("T")

DRAW_METHODS = frozenset(
    {"random", "uniform", "gauss", "lognormvariate", "expovariate", "randrange", "choices", "getrandbits"}
)


@dataclass(frozen=True, slots=True)
class Now:
    """Result: runtime seconds since start (float)."""


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Sleep:
    """Result: None, after `seconds` of runtime time."""

    seconds: float

    def __post_init__(self) -> None:
        if self.seconds < 0:
            raise ValueError(f"Sleep needs a non-negative duration, got {self.seconds}")


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Send:
    """Result: an `HttpResponse`; or `CallTimeout` / `ConnectionFailed` is thrown in.

    `system` names the target ("vss", "iot", ...); the runtime maps it to a transport.
    `timeout` is in runtime seconds; None waits for ever.
    """

    system: str
    request: HttpRequest
    timeout: float | None

    def __post_init__(self) -> None:
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError(f"Send needs a positive timeout or None, got {self.timeout}")


@dataclass(slots=True)  # per call: not frozen, for speed (see httpkit.messages)
class Draw:
    """Result: `getattr(stream, method)(*args)` on the named seeded random stream."""

    stream: str
    method: str
    args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.method not in DRAW_METHODS:
            raise ValueError(f"Draw method must be one of {sorted(DRAW_METHODS)}, got {self.method!r}")


Effect = Now | Sleep | Send | Draw
Flow = Generator[Effect, Any, T]

NOW = Now()
