"""A WSGI app under waitress on loopback, in a background thread, that stops when asked, and holds against
misuse (see `runtimes.guarded_waitress`): bounded bodies, slow and idle connections let go, and a pool of
threads kept for the control paths."""

from __future__ import annotations

import resource
import threading
from dataclasses import dataclass
from typing import Any

from waitress.adjustments import Adjustments

from runtimes.guarded_waitress import GuardedServer, SplitDispatcher

MB = 1_048_576


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """How much a server takes from its clients. The defaults hold 2,000 slow clients at once."""

    max_body_bytes: int = MB  # a larger body is refused with 413 before it is read
    request_timeout_s: float = 10.0  # a request must arrive whole within this of its first byte
    idle_timeout_s: int = 30  # a connection silent this long between requests is closed
    connection_limit: int = 4096  # past it the server stops accepting until some close
    control_threads: int = 8  # threads kept for the control paths


def is_control_path(path: str) -> bool:
    """The paths served by the reserved threads: an index, a document, metrics, a control API."""
    return (
        path in ("/", "/metrics")
        or path.endswith("/openapi.json")
        or "/__sandbox/" in path
        or path == "/ui"
        or path.startswith("/ui/")
    )


def raise_open_files_limit(wanted: int) -> None:
    """Let this process hold `wanted` open files when the hard limit allows: each connection is one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < ceiling:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


class BackgroundServer:
    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 64,
        limits: ServerLimits | None = None,
    ) -> None:
        limits = limits or ServerLimits()
        self.limits = limits
        raise_open_files_limit(limits.connection_limit + 256)
        adjustments = Adjustments(
            host=host,
            port=port,
            threads=threads,
            ident="caas-sandbox",
            connection_limit=limits.connection_limit,
            asyncore_use_poll=True,  # select() cannot watch thousands of sockets
            backlog=2048,
            max_request_body_size=limits.max_body_bytes + 1,  # waitress refuses a body of this size or more
            channel_timeout=limits.idle_timeout_s,
            cleanup_interval=1,
            # Reading on while a request runs is how a held request learns its client has gone.
            channel_request_lookahead=1,
        )
        dispatcher = SplitDispatcher(threads, limits.control_threads, is_control_path)
        self._server = GuardedServer(app, map={}, dispatcher=dispatcher, adj=adjustments)
        self._server.request_timeout_s = limits.request_timeout_s
        self.host = host
        self.port = int(self._server.effective_port)  # type: ignore[arg-type]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.run, name=f"waitress:{self.port}", daemon=True)

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Let the worker threads finish, then close every channel so the server loop exits."""
        self._server.task_dispatcher.shutdown(timeout=5)
        server_map: dict[Any, Any] = self._server._map

        def close_all() -> None:
            for channel in list(server_map.values()):
                channel.close()

        if self._thread.is_alive():
            # Closed on the server's own thread, through its trigger: closing from here would pull the
            # sockets out from under a select() in progress (EBADF in the server thread).
            try:
                self._server.trigger.pull_trigger(close_all)
            except OSError:  # the loop already dropped its trigger: it is on its way out
                close_all()
            self._thread.join(timeout=5)
        else:
            close_all()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
