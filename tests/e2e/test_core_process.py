"""The core as a process of its own: killed with SIGKILL in the middle of a load, restarted on the same
database, it resumes every flow while the partners, another process, kept their state."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers.serving import free_port_base, start_serve

pytestmark = pytest.mark.live

SPEED = "20"
PURCHASES = 40
BODY = {"vin": "SBXHEALTHY0000001", "serviceId": "enhanced-power", "cardToken": "tok_success"}


TOKENS = {"CAAS_SANDBOX_TOKEN": "process-test-api", "CAAS_SANDBOX_OPERATOR_TOKEN": "process-test-operator"}
OPERATOR = {"Authorization": "Bearer process-test-operator"}


def serve(*args: str) -> subprocess.Popen[str]:
    return start_serve("--speed", SPEED, *args, env=TOKENS)[0]  # a restarted core takes the same tokens


def statuses(database: Path) -> dict[tuple[str, str | None], int]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT status, step, COUNT(*) FROM purchases GROUP BY status, step").fetchall()
    return {(status, step): n for status, step, n in rows}


def settlements(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT settlement, COUNT(*) FROM payments GROUP BY settlement").fetchall())


@pytest.mark.long
def test_a_core_killed_mid_load_and_restarted_leaves_nothing_stuck_and_no_money_held(tmp_path):
    base, database = free_port_base(), tmp_path / "core.db"
    partners = serve("--simulators-only", "--port-base", str(base))
    core = serve("--core-only", "--port-base", str(base), "--database", str(database))
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=10, headers=OPERATOR) as http:
            for _ in range(PURCHASES):
                assert http.post("/api/purchases", json=BODY).status_code == 202
            time.sleep(0.3)
            core.send_signal(signal.SIGKILL)
            core.wait(timeout=10)
            at_the_kill = statuses(database)
            assert sum(n for (status, _), n in at_the_kill.items() if status != "ACTIVE") > 0, at_the_kill
            core = serve("--core-only", "--port-base", str(base), "--database", str(database))
            deadline = time.monotonic() + 60
            while statuses(database) != {("ACTIVE", None): PURCHASES} and time.monotonic() < deadline:
                time.sleep(0.5)
            with sqlite3.connect(database) as db:
                reasons = db.execute("SELECT reason FROM purchases WHERE status != 'ACTIVE'").fetchall()
            assert statuses(database) == {("ACTIVE", None): PURCHASES}, reasons
            gateway = httpx.get(f"http://127.0.0.1:{base + 4}/__sandbox/state", timeout=10).json()
            assert gateway["authorizations_by_status"] == {
                "AUTHORIZED": 0,
                "DECLINED": 0,
                "CAPTURED": PURCHASES,
                "VOIDED": 0,
            }
            assert http.get("/api/alerts").json()["items"] == []
            # One clock across the two processes: advanced through the core, it moves the partners' too,
            # and every settlement due within the week reaches the core, which it follows.
            partners_clock = f"http://127.0.0.1:{base + 1}/__sandbox/clock"
            before = httpx.get(partners_clock, timeout=10).json()["time_s"]
            done = http.post("/__sandbox/clock/advance", json={"seconds": 7 * 86_400}, timeout=300).json()
            assert done["processes"] == 2 and done["unsettled_steps"] == 0
            assert httpx.get(partners_clock, timeout=10).json()["time_s"] >= before + 7 * 86_400
            gateway = httpx.get(f"http://127.0.0.1:{base + 4}/__sandbox/state", timeout=10).json()
            assert gateway["settlements"] == {"PENDING": 0, "SETTLED": PURCHASES, "FAILED": 0}
            assert settlements(database) == {"SETTLED": PURCHASES}
    finally:
        for process in (core, partners):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
