"""Run the `caas-sandbox` command as a user does: a real process of the tests' own interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_cli(
    *args: str,
    timeout: float = 120,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`caas-sandbox *args` with text output captured; `env` adds to the inherited environment.

    Exit codes are the caller's to check, so a failing command is a result, not an exception."""
    return subprocess.run(
        [sys.executable, "-m", "caas_sandbox", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
        env={**os.environ, **env} if env is not None else None,
    )
