"""`caas-sandbox serve` as a process of its own, as a user starts it: for the tests that need real
servers on loopback in another process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


def free_port_base() -> int:
    """A base with six free consecutive ports. Each pytest-xdist worker looks in a range of its own: two
    workers that found the same free base at once would both try to listen on it. The ranges stay below
    32768, where Linux starts handing out ephemeral ports (every client connection takes one)."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    start = 20_000 + (worker % 4) * 3_000
    for base in range(start, start + 3_000, 97):
        sockets = []
        try:
            for port in range(base, base + 6):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


def start_serve(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """`serve --json *args` started (with `env` added to this one's), and its listing read once its
    servers are up. Its logs are kept to warnings: the info lines, one per call, would fill the unread
    stderr pipe and stall it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "caas_sandbox", "serve", "--json", "--log-level", "warning", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    return process, json.loads(process.stdout.readline())  # type: ignore[union-attr]


def poll(
    read: Callable[[], T], done: Callable[[T], bool], timeout_s: float = 30.0, step_s: float = 0.05
) -> T:
    """`read()` again every `step_s` until `done` holds of its value or `timeout_s` has passed; the last
    value either way, for the test to assert on (a live sandbox's clock runs on its own)."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(step_s)
        value = read()
    return value


@contextmanager
def operator_client(sandbox: Any, timeout_s: float = 30.0) -> Iterator[httpx.Client]:
    """A client of the sandbox's core, signed in with the operator token."""
    operator = {"Authorization": f"Bearer {sandbox.tokens.operator}"}
    with httpx.Client(base_url=sandbox.servers["core"].url, headers=operator, timeout=timeout_s) as client:
        yield client
