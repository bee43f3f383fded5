"""The live runtime: the wall clock scaled by `speed`, real sockets, one loop thread.

Every flow runs on one asyncio loop thread, and each of its steps holds the runtime's lock, so core
state is touched by one thread at a time, exactly as under SimPy. Foreign threads (a WSGI server's
workers, the transports' calls) take the same lock through `exclusive()` when they touch that state.
`speed` scales every duration together: runtime seconds pass `speed` times faster than wall seconds,
for sleeps, timeouts, timers and injected latency.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from caas_core.effects import Draw, Flow, Now, Send, Sleep
from caas_core.errors import CallTimeout, ConnectionFailed, IntegrationError
from httpkit.messages import HttpResponse
from runtimes.streams import Streams
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
        self.epoch = time.time()
        # From the start, before joining any other clock. It ends in a letter, so that the number an id
        # puts after it never runs on from its digits into something a card scanner would refuse.
        self.instance = _base36(int(self.epoch * 1000)) + "x"
        if clock is not None:
            self.epoch, now = clock
            self._started -= now / speed
        self._handlers: dict[type, Callable[[Any], Coroutine[Any, Any, Any]]] = {
            Now: self._now,
            Sleep: self._sleep,
            Send: self._send,
            Draw: self._draw,
        }

    # -- the Runtime protocol -------------------------------------------------------------------
    def now(self) -> float:
        return (time.monotonic() - self._started) * self.speed

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        def locked() -> None:
            with self._lock:
                callback()

        self._loop.call_soon_threadsafe(self._loop.call_later, delay / self.speed, locked)

    def spawn(self, flow: Flow[Any], delay: float = 0.0) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(self._drive(flow, delay), self._loop)

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

    # -- the interpreter ------------------------------------------------------------------------
    async def _drive(self, flow: Flow[Any], delay: float) -> Any:
        if delay:
            await asyncio.sleep(delay / self.speed)
        value: Any = None
        error: BaseException | None = None
        while True:
            with self._lock:
                try:
                    effect = flow.send(value) if error is None else flow.throw(error)
                except StopIteration as stop:
                    return stop.value
            try:
                value, error = await self._handlers[type(effect)](effect), None
            except IntegrationError as failure:
                value, error = None, failure

    async def _now(self, _effect: Now) -> float:
        return self.now()

    async def _sleep(self, effect: Sleep) -> None:
        await asyncio.sleep(effect.seconds / self.speed)

    async def _draw(self, effect: Draw) -> Any:
        with self._lock:
            return getattr(self._streams.get(effect.stream), effect.method)(*effect.args)

    async def _send(self, effect: Send) -> HttpResponse:
        """The transport's call runs on a thread of its own; the answer is due after whatever latency
        the exchange still holds (none over a socket, where it has passed already)."""
        transport = self.transports[effect.system]
        wall_timeout = None if effect.timeout is None else effect.timeout / self.speed
        try:
            async with asyncio.timeout(wall_timeout):
                exchange = await self._loop.run_in_executor(
                    self._calls, transport.handle_request, effect.request, wall_timeout
                )
                if exchange.outcome == "hang":
                    await asyncio.Event().wait()  # no answer: only the timeout ends the wait
                await asyncio.sleep(exchange.latency / self.speed)
        except TimeoutError:
            raise CallTimeout(f"{effect.system}: no answer in {effect.timeout:g}s") from None
        if exchange.outcome in ("reset", "refused"):
            raise ConnectionFailed(f"{effect.system}: connection {exchange.outcome}")
        assert exchange.response is not None
        return exchange.response
