"""`caas-sandbox serve` as a process of its own, as a user starts it: for the tests that need real
servers on loopback in another process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from typing import Any


def free_port_base() -> int:
    """A base with six free consecutive ports."""
    for base in range(20_000, 60_000, 97):
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


def start_serve(*args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """`serve --json *args` started, and its listing read once its servers are up. Its logs are kept to
    warnings: the info lines, one per call, would fill the unread stderr pipe and stall it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "caas_sandbox", "serve", "--json", "--log-level", "warning", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, json.loads(process.stdout.readline())  # type: ignore[union-attr]
