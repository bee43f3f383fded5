"""`caas-sandbox faults` and `caas-sandbox clock` against a running sandbox, as a user types them: one
line for each thing done, one line for each refusal, nothing changed by a refusal."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.cli import run_cli

pytestmark = pytest.mark.live


def cli(sandbox, *args, token=None):
    url = sandbox.servers["core"].url
    env = {"CAAS_SANDBOX_OPERATOR_TOKEN": token or sandbox.tokens.operator}
    return run_cli(*args, "--url", url, env=env, timeout=120)


def test_faults_are_added_listed_and_removed_one_line_each(quick_sandbox):
    added = cli(quick_sandbox, "faults", "add", "iot", "--error", "503", "--rate", "0.25", "--id", "cli-1")
    assert (added.returncode, added.stdout) == (0, "added cli-1 to iot\n")
    listed = cli(quick_sandbox, "faults", "list", "iot")
    assert listed.stdout == 'iot\tcli-1\t{"error":{"rate":0.25,"status":503},"from_s":0}\n'
    refused = cli(quick_sandbox, "faults", "add", "iot", "--route", "GET /nowhere", "--hang")
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: iot has no route 'GET /nowhere'; it serves: ")
    assert refused.stderr.count("\n") == 1
    removed = cli(quick_sandbox, "faults", "remove", "iot", "cli-1")
    assert removed.stdout == "removed cli-1 from iot\n"
    assert httpx.get(f"{quick_sandbox.servers['iot'].url}/__sandbox/faults").json()["faults"] == []


def test_the_clock_is_advanced_from_the_command_line_and_a_wrong_token_is_one_line(quick_sandbox):
    before = httpx.get(f"{quick_sandbox.servers['vss'].url}/__sandbox/clock").json()["time_s"]
    advanced = cli(quick_sandbox, "clock", "advance", "2h")
    assert advanced.returncode == 0 and advanced.stdout.startswith("advanced to ")
    assert httpx.get(f"{quick_sandbox.servers['vss'].url}/__sandbox/clock").json()["time_s"] >= before + 7200
    wrong = cli(quick_sandbox, "clock", "advance", "2h", token="not-the-operator-token")
    url = quick_sandbox.servers["core"].url
    assert (wrong.returncode, wrong.stderr) == (
        1,
        f"Error: the core at {url} refused the operator token: pass --token or set "
        "CAAS_SANDBOX_OPERATOR_TOKEN (serve prints it)\n",
    )
