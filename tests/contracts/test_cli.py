"""`caas-sandbox contracts` as a partner runs it: real processes against servers on loopback."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from contracts import states
from tests.contracts.provider.broken import broken_factory
from tests.contracts.provider.servers import STATE_PATH, served
from tests.helpers.cli import run_cli

pytestmark = pytest.mark.live


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # PACT_DO_NOT_TRACK reaches the process with the environment: tests/contracts/conftest.py sets it.
    return run_cli("contracts", *args)


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    with served({states.FACTORY: None, "broken": broken_factory}) as served_urls:
        yield served_urls


def test_list_shows_providers_interactions_and_states():
    result = run("list")
    assert result.returncode == 0, result.stderr
    assert "factory-api  (to be built by a partner)" in result.stdout
    assert "iot-api  (existing system)" in result.stdout
    assert "GET /api/v1/orders/ord_000001 -> 200" in result.stdout
    assert 'given order {orderId} exists in status {status}  (orderId="ord_000001"' in result.stdout
    assert "[pending]" in result.stdout
    assert "set up:    the registry holds a registration of `vin`" in result.stdout


def test_list_json_is_one_object_of_providers_and_states():
    result = run("list", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    providers = {p["name"]: p for p in data["providers"]}
    assert set(providers) == set(states.SYSTEMS)
    factory = providers["factory-api"]
    assert factory["partnerBuilt"] and {c["consumer"] for c in factory["contracts"]} == {
        "caas-core",
        "caas-webhooks",
    }
    [exists] = [s for s in data["states"] if s["name"] == states.ORDER_EXISTS]
    assert exists["params"] == {
        "orderId": ["ord_000001"],
        "sequence": [3],
        "status": ["READY"],
        "vin": ["VSXC1BFS5AM000001"],
    }
    assert exists["providers"] == ["factory-api"] and exists["setup"]


def test_verify_passes_a_provider_that_honours_its_contracts(urls):
    url = urls[states.FACTORY]
    result = run(
        "verify", "--provider", "factory-api", "--base-url", url, "--state-url", url + STATE_PATH,
        "--header", "X-API-Key: factory-sandbox-key",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "factory-api: 5 passed, 0 failed" in result.stdout
    assert "replayed without --header" in result.stdout


def test_verify_shows_what_was_expected_and_what_came_back_and_exits_1(urls):
    url = urls["broken"]
    result = run("verify", "--provider", "factory-api", "--base-url", url, "--state-url", url + STATE_PATH)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "FAIL  a request for the status of a ready order  [caas-core]" in result.stdout
    assert "body $.sequence: Expected '3' (String) to be an integer" in result.stdout
    assert '        expected 3\n        got      "3"' in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--provider", "nobody", "--base-url", "http://127.0.0.1:9"), "no contract names provider 'nobody'"),
        (("--provider", "factory-api", "--base-url", "ftp://x"), "--base-url must be an http(s) URL"),
        (
            ("--provider", "factory-api", "--base-url", "http://127.0.0.1:9"),
            "cannot reach http://127.0.0.1:9",
        ),
        (
            ("--provider", "factory-api", "--base-url", "http://127.0.0.1:9", "--header", "nocolon"),
            "--header must",
        ),
        (
            ("--provider", "factory-api", "--base-url", "http://x", "--pact-dir", "/nonexistent"),
            "no pact folder",
        ),
        (
            ("--provider", "factory-api", "--base-url", "http://127.0.0.1:abc"),
            "--base-url must be an http(s) URL with a host, got 'http://127.0.0.1:abc': Port could not",
        ),
        (
            ("--provider", "factory-api", "--base-url", "http://[::1"),
            "--base-url must be an http(s) URL with a host, got 'http://[::1': Invalid IPv6 URL",
        ),
        (
            ("--provider", "factory-api", "--base-url", "http://127.0.0.1:9", "--header", "X Key: v"),
            "header name 'X Key' is not valid",
        ),
    ],
)
def test_a_user_error_is_one_line_and_no_traceback(args, message):
    result = run("verify", *args)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr, result.stderr


def test_an_unreachable_state_url_is_one_line_not_a_failure_per_interaction(urls):
    url = urls[states.FACTORY]
    result = run(
        "verify", "--provider", "factory-api", "--base-url", url, "--state-url", "http://127.0.0.1:9/_pact",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: cannot reach the state-change URL http://127.0.0.1:9/_pact: ")
    assert result.stderr.strip().count("\n") == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        ((), "--provider"),
        (("--provider", "factory-api"), "--base-url"),
        (("--base-url", "http://127.0.0.1:9"), "--provider"),
    ],
)
def test_a_missing_option_is_a_usage_error_with_exit_status_2(args, missing):
    result = run("verify", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr == f"Error: Missing option '{missing}'. (see 'caas-sandbox contracts verify --help')\n"
    )


def test_without_a_state_url_the_run_says_the_states_were_skipped(urls):
    url = urls[states.FACTORY]
    result = run("verify", "--provider", "factory-api", "--base-url", url)
    assert result.returncode == 1
    assert (
        "  note: no --state-url: the provider states of 5 of 5 interactions were not set up, so a failure "
        "of theirs may only mean a missing state (Provider states in contracts/README.md)\n"
    ) in result.stdout
    assert (
        "FAIL  a request for the status of a ready order  [caas-core]\n"
        "      GET /api/v1/orders/ord_000001 -> 200\n"
        "      given order ord_000001 exists in status READY\n"
        "      provider state not set up: no --state-url\n"
        "      status: expected 200, got 404\n"
    ) in result.stdout


def test_a_state_url_that_refuses_the_set_up_call_is_one_line_and_an_error_for_ci(urls, tmp_path):
    url = urls[states.FACTORY]
    junit, report = tmp_path / "ci" / "pact.xml", tmp_path / "ci" / "pact.json"
    result = run(
        "verify", "--provider", "factory-api", "--base-url", url, "--state-url", url + "/wrong",
        "--junit", str(junit), "--json", str(report),
    )  # fmt: skip
    line = (
        f"the state-change URL {url}/wrong answered 404 to a set-up call without a state "
        '({"state": "", "action": "setup"}), so no provider state could be set up: check --state-url '
        "(Provider states in contracts/README.md)"
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"Error: {line}\n")
    # The CI files say the verification could not run, rather than being missing or left from a last run.
    [error] = ET.parse(junit).getroot().findall("testsuite/testcase/error")
    assert error.get("message") == line
    assert json.loads(report.read_text()) == {
        "provider": "factory-api",
        "target": url,
        "passed": False,
        "error": line,
        "interactions": [],
    }


def test_junit_and_json_give_ci_one_result_per_interaction(urls, tmp_path):
    url = urls["broken"]
    junit, report = tmp_path / "pact.xml", tmp_path / "pact.json"
    result = run(
        "verify", "--provider", "factory-api", "--base-url", url, "--state-url", url + STATE_PATH,
        "--junit", str(junit), "--json", str(report),
    )  # fmt: skip
    assert result.returncode == 1
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "0")
    cases = root.findall("testsuite/testcase")
    assert {c.get("classname") for c in cases} == {"factory-api.caas-core"}
    assert [c.get("name") for c in cases] == [
        "a request for an order's status with a wrong API key",
        "a request for the status of a ready order",
        "a request for the status of an unknown order",
        "a request to place an order",
        "a request to place an order the Factory does not build",
    ]
    [failure] = root.findall("testsuite/testcase/failure")
    assert failure.get("message") == "body $: Actual map is missing the following keys: vin"
    assert (
        "body $.sequence: Expected '3' (String) to be an integer\n  expected 3\n  got      \"3\""
        in failure.text
    )
    data = json.loads(report.read_text())
    assert (data["passed"], data["counts"], data["statesSkipped"]) == (
        False,
        {"interactions": 5, "passed": 4, "failed": 1, "pendingFailed": 0},
        0,
    )
    [failed] = [i for i in data["interactions"] if not i["passed"]]
    assert failed["request"] == "GET /api/v1/orders/ord_000001 -> 200"
    assert [m["where"] for m in failed["mismatches"]] == ["body $", "body $.sequence"]
