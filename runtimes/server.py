"""A WSGI app under waitress on loopback, in a background thread, that stops when asked."""

from __future__ import annotations

import threading
from typing import Any

import waitress

# Room for many concurrent clients: waitress's default caps connections at 100 and polls with select().
SERVER_OPTIONS = {"connection_limit": 2000, "asyncore_use_poll": True, "backlog": 2048}


class BackgroundServer:
    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, threads: int = 64) -> None:
        self._server = waitress.create_server(
            app, host=host, port=port, threads=threads, ident="caas-sandbox", **SERVER_OPTIONS
        )
        self.host = host
        self.port = int(self._server.effective_port)  # type: ignore[union-attr]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.run, name=f"waitress:{self.port}", daemon=True)

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Let the worker threads finish, then close every channel so the server loop exits."""
        self._server.task_dispatcher.shutdown(timeout=5)  # type: ignore[union-attr]
        server_map: dict[Any, Any] = self._server._map  # type: ignore[union-attr]

        def close_all() -> None:
            for channel in list(server_map.values()):
                channel.close()

        if self._thread.is_alive():
            # Closed on the server's own thread, through its trigger: closing from here would pull the
            # sockets out from under a select() in progress (EBADF in the server thread).
            try:
                self._server.trigger.pull_trigger(close_all)  # type: ignore[union-attr]
            except OSError:  # the loop already dropped its trigger: it is on its way out
                close_all()
            self._thread.join(timeout=5)
        else:
            close_all()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
