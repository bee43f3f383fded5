"""Run flows at given simulated times and collect what each ended with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from caas_core.effects import NOW, Flow, Sleep
from caas_core.errors import IntegrationError


def run_at(
    runtime, plan: list[tuple[float, Callable[[], Flow[Any]]]], until: float | None = None
) -> list[tuple[float, Any]]:
    """Start each flow at its time; (when it ended, its result or the IntegrationError it raised).

    `until` stops the clock there (e.g. before a later timer fires); every flow must have ended by then."""

    def at(t: float, make: Callable[[], Flow[Any]]) -> Flow[tuple[float, Any]]:
        now = yield NOW
        yield Sleep(t - now)
        try:
            outcome = yield from make()
        except IntegrationError as error:
            outcome = error
        return (yield NOW), outcome

    handles = [runtime.spawn(at(t, make)) for t, make in plan]
    runtime.run(until=until)
    return [h.result() for h in handles]
