"""The simulated runtime: SimPy drives the core's flows in simulated time.

Each effect has one short handler. A handler returns either the effect's result, or a SimPy event to
wait on whose value is the result. A result that is an IntegrationError is thrown into the flow.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import Any

import simpy
from simpy.events import Event

from caas_core.effects import NOW, Draw, Flow, Now, Send, Sleep
from caas_core.errors import CallTimeout, ConnectionFailed, IntegrationError
from httpkit.exchange import TICKET_HEADER, Exchange
from runtimes.streams import Streams
from runtimes.transports import Transport


@dataclass(frozen=True, slots=True)
class _Failed:
    error: IntegrationError


class SimHandle:
    """A spawned flow; `result()` is readable once the simulation has run past its end.

    A flow that ends by raising an IntegrationError (a failed call is an outcome) keeps it for `result()`
    to raise; any other exception, IllegalTransition included, is a bug and stops the simulation.
    """

    def __init__(self, process: simpy.Process) -> None:
        self._process = process

    def done(self) -> bool:
        return self._process.triggered

    def result(self) -> Any:
        if not self._process.triggered:
            raise RuntimeError("the flow has not finished yet; run the simulation further")
        value = self._process.value
        if isinstance(value, _Failed):
            raise value.error
        return value


@contextmanager
def few_collections() -> Iterator[None]:
    """Raise the garbage collector's thresholds for a while. A simulated run allocates millions of
    short-lived objects and makes few cycles; at the default thresholds the collector rescans the whole
    growing heap thousands of times (a fifth of a fleet day's wall time), and reading a finished run's
    results triggers more full scans of everything the run left behind."""
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


# Simulated runs start at 2026-01-01T00:00:00Z, so their calendar dates are reproducible.
SIMULATED_EPOCH = 1_767_225_600.0


class SimulatedRuntime:
    def __init__(self, seed: int, transports: Mapping[str, Transport] | None = None) -> None:
        self.seed = seed
        self.epoch = SIMULATED_EPOCH
        self.instance = ""
        self.env = simpy.Environment()
        self.transports: dict[str, Transport] = dict(transports or {})
        self._streams = Streams(seed)
        self._handlers: dict[type, Callable[[Any], Any]] = {
            Now: self._now,
            Sleep: self._sleep,
            Send: self._send,
            Draw: self._draw,
        }

    # -- the Runtime protocol -------------------------------------------------------------------
    def now(self) -> float:
        return self.env.now

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        self.env.timeout(delay).callbacks.append(lambda _event: callback())

    def spawn(self, flow: Flow[Any], delay: float = 0.0) -> SimHandle:
        return SimHandle(self.env.process(self._drive(flow, delay)))

    def stream(self, name: str):  # -> random.Random
        return self._streams.get(name)

    def exclusive(self) -> nullcontext[None]:
        return nullcontext()  # one thread only: SimPy's

    def mount(self, system: str, transport: Transport) -> None:
        """Send `system`'s calls through `transport` (one per system, as httpx's mounts)."""
        self.transports[system] = transport

    def run(self, until: float | None = None) -> None:
        with few_collections():
            self.env.run(until=until)

    # -- the interpreter ------------------------------------------------------------------------
    def _drive(self, flow: Flow[Any], delay: float) -> Generator[Event, Any, Any]:
        if delay:
            yield self.env.timeout(delay)
        handlers = self._handlers
        env = self.env
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                effect = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                return stop.value
            except IntegrationError as failure:
                return _Failed(failure)
            if effect is NOW:
                # NOTE: inlined for speed: the commonest effect, answered without a handler or an event.
                value, error = env.now, None
                continue
            value = handlers[type(effect)](effect)
            # NOTE: only waiting effects produce events; Now and Draw skip SimPy entirely, for speed.
            if isinstance(value, Event):
                value = yield value
            if isinstance(value, IntegrationError):
                value, error = None, value
            else:
                error = None

    def _now(self, _effect: Now) -> float:
        return self.env.now

    def _sleep(self, effect: Sleep) -> Event:
        return self.env.timeout(effect.seconds)

    def _draw(self, effect: Draw) -> Any:
        return getattr(self._streams.get(effect.stream), effect.method)(*effect.args)

    def _send(self, effect: Send) -> Event:
        """The server acts on arrival (or, queued, when a worker takes the request); the answer comes back
        after the sampled latency. No AnyOf race: the latency is known before the wait, so the shorter of
        it and the timeout is waited."""
        transport = self.transports[effect.system]
        exchange = transport.handle_request(effect.request, effect.timeout)
        if exchange.outcome == "queued":
            return self._queued(transport, effect, exchange)
        due = self._due(effect, exchange, 0.0)
        if due is None:
            return self.env.event()  # no answer, no timeout: waits for ever, as a real client would
        return self.env.timeout(*due)

    def _due(self, effect: Send, exchange: Exchange, waited: float) -> tuple[float, Any] | None:
        """What reaches the caller and how long after the server acted (`waited` after the call was
        sent): the response, a CallTimeout, a ConnectionFailed; None if nothing ever does."""
        timeout = effect.timeout
        hang = exchange.outcome == "hang"
        if hang and timeout is None:
            return None
        if timeout is not None and (hang or waited + exchange.latency > timeout):
            return timeout - waited, CallTimeout(f"{effect.system}: no answer in {timeout:g}s")
        if exchange.outcome != "answer":  # reset or refused
            return exchange.latency, ConnectionFailed(f"{effect.system}: connection {exchange.outcome}")
        return exchange.latency, exchange.response

    def _queued(self, transport: Transport, effect: Send, queued: Exchange) -> Event:
        """The server takes the request `queued.latency` from now, whether its caller still waits or not
        (httpkit.exchange); what it does then is delivered as any exchange is. No race either: a caller
        whose timeout falls before the server acts learns so at once."""
        wait, timeout = queued.latency, effect.timeout
        request = replace(effect.request, headers={**effect.request.headers, TICKET_HEADER: queued.ticket})
        gone = timeout is not None and wait > timeout
        answer = self.env.event()

        def act(_event: Event) -> None:
            served = transport.handle_request(request, timeout)
            due = None if gone else self._due(effect, served, wait)
            if due is not None:
                delay, value = due
                self.env.timeout(delay).callbacks.append(lambda _: answer.succeed(value))

        self.env.timeout(wait).callbacks.append(act)
        if gone:
            return self.env.timeout(timeout, CallTimeout(f"{effect.system}: no answer in {timeout:g}s"))
        return answer
