"""Consumer tests: each builds one Pact, runs a real adapter of the core against Pact's mock server over
loopback, asserts what the adapter made of the answers, and then writes the pact file.

Files go to a fresh temporary folder, or to $CAAS_PACT_DIR when set (the committed pacts are regenerated
with `CAAS_PACT_DIR=contracts/pacts pytest tests/contracts/consumer`). Either way the folder's pact files
are deleted first, so an interaction removed from a test disappears from its pact.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pact import Pact

from runtimes.live import LiveRuntime
from runtimes.transports import live_transport

PACT_DIR_VARIABLE = "CAAS_PACT_DIR"


@pytest.fixture(scope="session")
def pact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get(PACT_DIR_VARIABLE)
    folder = Path(configured) if configured else tmp_path_factory.mktemp("pacts")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.json"):
        stale.unlink()
    return folder


@pytest.fixture
def runtime() -> Iterator[LiveRuntime]:
    live = LiveRuntime(seed=7)
    yield live
    live.close()


@pytest.fixture
def serve(runtime: LiveRuntime, pact_dir: Path):
    """`with serve(pact, system):` points the runtime's `system` at the pact's mock server; on a clean
    exit (every interaction matched) the pact is merged into its file."""

    @contextmanager
    def serving(pact: Pact, system: str) -> Iterator[None]:
        with pact.serve(addr="127.0.0.1", verbose=False) as server:
            runtime.mount(system, live_transport(str(server.url)))
            yield
        pact.write_file(pact_dir)

    return serving
