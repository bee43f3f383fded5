"""The live runtime: the wall clock scaled by `speed`, real sockets, one loop thread, and a test clock.

Every flow runs on one asyncio loop thread, and each of its steps holds the runtime's lock, so core
state is touched by one thread at a time, exactly as under SimPy. Foreign threads (a WSGI server's
workers, the transports' calls) take the same lock through `exclusive()` when they touch that state.
`speed` scales every duration together: runtime seconds pass `speed` times faster than wall seconds,
for sleeps, timeouts, timers and injected latency.

The test clock (Stripe's test clocks are the model): the clock can also be moved forward on demand
(`step_to`), and everything due in between fires in time order, because every sleep, delayed spawn and
`call_later` waits on the runtime's own timers (`runtimes.timers`), in runtime seconds. A call in flight
keeps its real timeout, in wall seconds. While an advance is stepping the clock, timers are `hold`-en:
they fire only when stepped to, so a timer due a wall millisecond later cannot overtake an earlier one.
The runtime also counts its flows that are not parked on a timer (`activity`): an advance waits until
every process of the sandbox has none before it takes the next step.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from caas_core.effects import Draw, Flow, Now, Send, Sleep
from caas_core.errors import CallTimeout, ConnectionFailed, IntegrationError
from httpkit.exchange import TICKET_HEADER, Exchange
from httpkit.messages import HttpRequest, HttpResponse
from runtimes.streams import Streams
from runtimes.timers import Timers
from runtimes.transports import Transport

# Calls in flight at once: each holds a thread of the pool while its transport waits on the network.
MAX_CALLS_IN_FLIGHT = 512
# How often a thread held for a hung request looks whether its client has hung up.
GONE_POLL_S = 0.2


def _base36(n: int) -> str:
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + digits
    return digits or "0"


def _settle_future(result: Future[Any], task: asyncio.Task[Any]) -> None:
    if result.done():
        return
    if task.cancelled():
        result.cancel()
    elif task.exception() is not None:
        result.set_exception(task.exception())  # type: ignore[arg-type]
    else:
        result.set_result(task.result())


@dataclass(frozen=True, slots=True)
class ClockState:
    """A process's clock as an advance sees it."""

    time_s: float  # runtime seconds now
    next_due_s: float | None  # when its earliest timer is due
    active: int  # flows not parked on a timer: running, or waiting on a call
    wakes: int  # how many times a flow has started or woken, ever: unchanged means nothing happened


class Activity:
    """How many flows are active, and how many times one has started or woken."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.active = 0
        self.wakes = 0

    def begin(self) -> None:
        with self._changed:
            self.active += 1
            self.wakes += 1

    def end(self) -> None:
        with self._changed:
            self.active -= 1
            if self.active == 0:
                self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.active == 0, timeout)


class LiveRuntime:
    def __init__(
        self,
        seed: int,
        speed: float = 1.0,
        transports: Mapping[str, Transport] | None = None,
        clock: tuple[float, float] | None = None,
    ) -> None:
        """`clock` (epoch, runtime seconds now) joins another process's clock instead of starting one."""
        if not (math.isfinite(speed) and speed > 0):
            raise ValueError(f"speed must be a finite positive number, got {speed!r}")
        self.seed = seed
        self.speed = speed
        self.transports: dict[str, Transport] = dict(transports or {})
        self._streams = Streams(seed)
        self._lock = threading.RLock()
        self._closed = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="live-runtime", daemon=True)
        self._thread.start()
        self._calls = ThreadPoolExecutor(MAX_CALLS_IN_FLIGHT, thread_name_prefix="live-call")
        self._started = time.monotonic()
        self._advanced = 0.0  # runtime seconds the test clock has added
        self._timers = Timers()
        self._timers_lock = threading.Lock()
        self._armed: asyncio.TimerHandle | None = None
        self._held_until = 0.0  # monotonic time until which timers fire only when stepped to
        self.activity = Activity()
        self.epoch = time.time()
        # From the start, before joining any other clock. It ends in a letter, so that the number an id
        # puts after it never runs on from its digits into something a card scanner would refuse.
        self.instance = _base36(int(self.epoch * 1000)) + "x"
        if clock is not None:
            self.epoch, now = clock
            self._started -= now / speed
        self._handlers: dict[type, Callable[[Any], Coroutine[Any, Any, Any]]] = {
            Now: self._now,
            Send: self._send,
            Draw: self._draw,
        }

    # -- the Runtime protocol -------------------------------------------------------------------
    def now(self) -> float:
        return (time.monotonic() - self._started) * self.speed + self._advanced

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        def locked() -> None:
            with self._lock:
                callback()

        self._at(delay, locked)

    def spawn(self, flow: Flow[Any], delay: float = 0.0) -> Future[Any]:
        """Run `flow` on the loop thread, now or once `delay` runtime seconds have passed. Counted
        active (or its timer set) before this returns: an advance must never miss it."""
        if delay <= 0:
            self.activity.begin()
            return asyncio.run_coroutine_threadsafe(self._drive(flow), self._loop)
        result: Future[Any] = Future()

        def start() -> None:
            self.activity.begin()
            task = self._loop.create_task(self._drive(flow))
            task.add_done_callback(lambda done: _settle_future(result, done))

        self._at(delay, start)
        return result

    def stream(self, name: str):  # -> random.Random
        return self._streams.get(name)

    def exclusive(self) -> threading.RLock:
        return self._lock

    # -- live only ------------------------------------------------------------------------------
    def mount(self, system: str, transport: Transport) -> None:
        """Send `system`'s calls through `transport` (one per system, as httpx's mounts)."""
        self.transports[system] = transport

    def block(self, seconds: float, gone: Callable[[], bool] | None = None) -> None:
        """Hold the calling (foreign) thread for `seconds` of runtime time; released early by close(), or
        as soon as `gone()` says the client it holds for has gone."""
        if seconds <= 0:
            return
        # Capped: a lognormal's far tail can exceed the longest wait the platform takes (OverflowError).
        wall = min(seconds / self.speed, threading.TIMEOUT_MAX)
        if gone is None:
            self._closed.wait(wall)
            return
        until = time.monotonic() + wall
        while not self._closed.is_set() and not gone():
            left = until - time.monotonic()
            if left <= 0:
                return
            self._closed.wait(min(left, GONE_POLL_S))

    def close(self) -> None:
        """Release blocked server threads, cancel the flows still running, then stop the loop."""
        self._closed.set()
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._calls.shutdown(wait=False, cancel_futures=True)
        for transport in self.transports.values():
            close = getattr(transport, "close", None)
            if close is not None:
                close()

    async def _shutdown(self) -> None:
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def __enter__(self) -> LiveRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the test clock -------------------------------------------------------------------------
    def clock_state(self) -> ClockState:
        with self._timers_lock:
            due = self._timers.next_due()
        return ClockState(self.now(), due, self.activity.active, self.activity.wakes)

    def hold(self, lease_s: float) -> None:
        """Fire timers only when stepped to, for the next `lease_s` wall seconds (each call renews it; a
        coordinator that died lets go of the clock when its lease runs out)."""
        self._held_until = time.monotonic() + lease_s
        self._loop.call_soon_threadsafe(self._disarm)
        self._loop.call_soon_threadsafe(self._loop.call_later, lease_s, self._rearm)

    def release(self) -> None:
        self._held_until = 0.0
        self._loop.call_soon_threadsafe(self._rearm)

    def step_to(self, t: float) -> int:
        """Move the clock forward to runtime second `t` (never back), then fire every timer due by then,
        in time order; returns how many fired. Flows they wake are counted active before it returns."""
        with self._timers_lock:
            now = self.now()
            if t > now:
                self._advanced += t - now
        return asyncio.run_coroutine_threadsafe(self._fire_due(), self._loop).result(timeout=60)

    async def _fire_due(self) -> int:
        return self._run_due()

    # -- timers -----------------------------------------------------------------------------------
    def _at(self, delay: float, action: Callable[[], None]) -> None:
        """Run `action` on the loop thread once `delay` runtime seconds have passed."""
        with self._timers_lock:
            earliest = self._timers.push(self.now() + delay, action)
        if not earliest:
            return
        if threading.get_ident() == self._thread.ident:
            self._arm(delay / self.speed)
        else:
            self._loop.call_soon_threadsafe(self._arm, delay / self.speed)

    def _held(self) -> bool:
        return time.monotonic() < self._held_until

    def _disarm(self) -> None:
        if self._armed is not None:
            self._armed.cancel()
            self._armed = None

    def _arm(self, wall_delay: float) -> None:
        self._disarm()
        if not self._held():
            self._armed = self._loop.call_later(max(0.0, wall_delay), self._fire)

    def _rearm(self) -> None:
        with self._timers_lock:
            due = self._timers.next_due()
        if due is None:
            self._disarm()
        else:
            self._arm((due - self.now()) / self.speed)

    def _fire(self) -> None:
        self._armed = None
        if not self._held():
            self._run_due()
            self._rearm()

    def _run_due(self) -> int:
        fired = 0
        while True:
            with self._timers_lock:
                action = self._timers.pop_due(self.now())
            if action is None:
                return fired
            action()
            fired += 1

    def _park(self, seconds: float) -> asyncio.Future[None]:
        """A future that a timer resolves after `seconds` of runtime time, counting its flow active
        again as it does (the timer is set before the caller stops counting it: see `_drive`)."""
        woken: asyncio.Future[None] = self._loop.create_future()

        def wake() -> None:
            if not woken.done():  # a flow cancelled meanwhile is not woken
                self.activity.begin()
                woken.set_result(None)

        self._at(seconds, wake)
        return woken

    # -- the interpreter ------------------------------------------------------------------------
    async def _drive(self, flow: Flow[Any]) -> Any:
        active = True  # spawn() counted it
        try:
            value: Any = None
            error: BaseException | None = None
            while True:
                with self._lock:
                    try:
                        effect = flow.send(value) if error is None else flow.throw(error)
                    except StopIteration as stop:
                        return stop.value
                if type(effect) is Sleep:
                    woken = self._park(effect.seconds)  # due before it stops counting: never unseen
                    active = False
                    self.activity.end()
                    await woken
                    active = True
                    value, error = None, None
                    continue
                try:
                    value, error = await self._handlers[type(effect)](effect), None
                except IntegrationError as failure:
                    value, error = None, failure
        finally:
            if active:
                self.activity.end()

    async def _turn(
        self, transport: Transport, request: HttpRequest, queued: Exchange, wall_timeout: float | None
    ) -> Exchange:
        await asyncio.sleep(queued.latency / self.speed)
        ticketed = replace(request, headers={**request.headers, TICKET_HEADER: queued.ticket})
        return await self._loop.run_in_executor(self._calls, transport.handle_request, ticketed, wall_timeout)

    async def _now(self, _effect: Now) -> float:
        return self.now()

    async def _draw(self, effect: Draw) -> Any:
        with self._lock:
            return getattr(self._streams.get(effect.stream), effect.method)(*effect.args)

    async def _send(self, effect: Send) -> HttpResponse:
        """The transport's call runs on a thread of its own; the answer is due after whatever latency
        the exchange still holds (none over a socket, where it has passed already). A request an
        in-process server queued is handed back when its turn comes, even if the caller gave up. Its
        timeout is real: in wall seconds, whatever the test clock does meanwhile."""
        transport = self.transports[effect.system]
        wall_timeout = None if effect.timeout is None else effect.timeout / self.speed
        try:
            async with asyncio.timeout(wall_timeout):
                exchange = await self._loop.run_in_executor(
                    self._calls, transport.handle_request, effect.request, wall_timeout
                )
                if exchange.outcome == "queued":
                    turn = self._turn(transport, effect.request, exchange, wall_timeout)
                    # Shielded: the caller's timeout ends its wait, never the server's turn.
                    exchange = await asyncio.shield(asyncio.ensure_future(turn))
                if exchange.outcome == "hang":
                    await asyncio.Event().wait()  # no answer: only the timeout ends the wait
                await asyncio.sleep(exchange.latency / self.speed)
        except TimeoutError:
            raise CallTimeout(f"{effect.system}: no answer in {effect.timeout:g}s") from None
        if exchange.outcome in ("reset", "refused"):
            raise ConnectionFailed(f"{effect.system}: connection {exchange.outcome}")
        assert exchange.response is not None
        return exchange.response
