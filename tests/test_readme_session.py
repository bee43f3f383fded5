"""The README's copy-paste session, run as it is written: a fresh user's order is REGISTERED fourteen days
on with every Factory webhook in its trace, a purchase is ACTIVE and captured, and a purchase made through
a VSS fault shows the fault's 503s in its trace."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from tests.helpers.serving import free_port_base

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent


def session() -> str:
    readme = (ROOT / "README.md").read_text()
    after = readme.split("### Try it", 1)[1]
    return re.search(r"```sh\n(.*?)```", after, re.S).group(1)


@pytest.mark.long
def test_the_readme_session_runs_as_written(tmp_path):
    script = session()
    assert script.startswith("export CAAS_SANDBOX_TOKEN=")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")  # run where the README says, leaving its files here
    env = {**os.environ, "PORT_BASE": str(free_port_base())}  # 8100 may be taken on a shared machine
    shell = subprocess.Popen(
        ["bash", "-eu", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a failed run leaves no sandbox behind
    )
    try:
        stdout, stderr = shell.communicate(timeout=240)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGTERM)
    assert shell.returncode == 0, stderr + stdout + (tmp_path / "sandbox.log").read_text()
    lines = stdout.splitlines()
    assert json.loads(lines[0])["traceId"] == "my-first-order"
    assert lines[1].startswith("advanced to ")
    order = json.loads(lines[2])
    assert (order["status"], order["traceId"]) == ("REGISTERED", "my-first-order") and order["plate"]
    assert json.loads(lines[3])["traceId"] == "my-first-purchase"
    purchase = json.loads(lines[5])
    assert (purchase["status"], purchase["payment"]["status"]) == ("ACTIVE", "CAPTURED")
    assert lines[6] == "added f1 to vss"
    trace = json.loads(lines[9])
    maintenance = [e for e in trace["entries"] if e["kind"] == "call" and "maintenance" in e["what"]]
    assert [e["status"] for e in maintenance] == [503, 503, 503, 503]
    assert trace["entities"][0]["status"] == "ACTIVE"  # the cached answer, younger than an hour, served
    assert lines[10] == "cleared vss"
    order_trace = json.loads((tmp_path / "order-trace.json").read_text())
    webhooks = [e for e in order_trace["entries"] if e["kind"] == "webhook sent" and e["source"] == "factory"]
    assert [e["outcome"] for e in webhooks] == ["delivered 200", "delivered 200"]
