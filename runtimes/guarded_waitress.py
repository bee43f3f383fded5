"""Waitress, made to hold against misuse: the parts of it our servers replace.

Rules:
1. A body larger than the limit is refused with 413 as soon as its Content-Length is read (a chunked one
   as soon as it passes the limit), before the body is read; waitress's own refusals (413, 431, 400) are
   problem documents, like every other refusal of ours.
2. A request must arrive whole within `request_timeout_s` of its first byte, however steadily it trickles
   in; a connection that sends nothing between requests is closed after waitress's `channel_timeout`.
   So slow or idle connections are let go instead of holding connection slots for ever.
3. Requests for the control paths (the control API, the OpenAPI document, metrics, the index) are served
   by a pool of threads of their own, so no number of requests held by injected latency or hangs can keep
   an operator from reaching a server to remove the fault.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

_TITLES = {400: "Bad Request", 413: "Content Too Large", 431: "Request Header Fields Too Large"}


class _TimedParser(HTTPRequestParser):
    """A request being received, stamped with when its first byte came (rule 2)."""

    def __init__(self, adj) -> None:  # type: ignore[no-untyped-def]
        super().__init__(adj)
        self.started = time.monotonic()


class _ProblemErrorTask(ErrorTask):
    """Waitress's refusal of a request it could not take, as a problem document (rule 1)."""

    def execute(self) -> None:
        error = self.request.error
        limit = self.channel.server.adj.max_request_body_size - 1
        detail = (
            f"the body is larger than {limit} bytes, the most this server takes"
            if error.code == 413
            else "the request's headers are too large"
            if error.code == 431
            else f"the request is not valid HTTP: {error.body}"
        )
        title = _TITLES.get(error.code, error.reason)
        body = json.dumps({"type": "about:blank", "title": title, "status": error.code, "detail": detail})
        payload = body.encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/problem+json"))
        self.set_close_on_finish()
        self.content_length = len(payload)
        self.write(payload)


class _GuardedChannel(HTTPChannel):
    parser_class = _TimedParser
    error_task_class = _ProblemErrorTask


class GuardedServer(TcpWSGIServer):
    """A waitress TCP server with the rules above."""

    channel_class = _GuardedChannel
    request_timeout_s = 10.0

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections, after channel_timeout
        cutoff = time.monotonic() - self.request_timeout_s
        for channel in list(self.active_channels.values()):
            partial = channel.request
            if partial is not None and getattr(partial, "started", cutoff) < cutoff:
                channel.will_close = True  # closed by the server loop at its next turn


class SplitDispatcher:
    """Two pools of worker threads behind one server: `reserved(path)` requests go to the small one
    (rule 3). Waitress hands a channel over once per request, with that request first in its queue."""

    def __init__(self, threads: int, reserved_threads: int, reserved: Callable[[str], bool]) -> None:
        self.reserved = reserved
        self.main = ThreadedTaskDispatcher()
        self.main.set_thread_count(threads)
        self.control = ThreadedTaskDispatcher()
        self.control.set_thread_count(reserved_threads)

    def add_task(self, channel: HTTPChannel) -> None:
        request = channel.requests[0] if channel.requests else None
        path = getattr(request, "path", None) or ""
        (self.control if self.reserved(path) else self.main).add_task(channel)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        main = self.main.shutdown(cancel_pending, timeout)
        control = self.control.shutdown(cancel_pending, timeout)
        return main and control
