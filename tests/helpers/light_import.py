"""What a fresh interpreter has imported after some code: the probe behind the "stays light" tests.

A fresh process, because this one has long since imported everything the tests use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def loaded_after(code: str, modules: Iterable[str]) -> list[str]:
    """Which of `modules` are in `sys.modules` once a new interpreter has run `code`, sorted."""
    watched = sorted(modules)
    probe = "\n".join(
        [code, "import json, sys", f"print(json.dumps([m for m in {watched!r} if m in sys.modules]))"]
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60, cwd=ROOT
    )
    return json.loads(result.stdout.splitlines()[-1])
