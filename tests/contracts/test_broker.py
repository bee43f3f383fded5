"""Pacts from a Pact Broker and results published back, against a broker stand-in on loopback (the real
Pact verifier walks its HAL links): credentials from the environment, never shown."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from caas_core.errors import ConfigError
from contracts import states
from contracts.broker import Broker, redact
from contracts.catalogue import PACT_DIR
from tests.contracts.provider.broker_stub import BrokerStub, broker_serving
from tests.contracts.provider.servers import STATE_PATH, served
from tests.helpers.cli import run_cli

TOKEN = "tok-3f9a1c-never-shown"


@pytest.fixture(scope="module")
def factory_url() -> Iterator[str]:
    with served({states.FACTORY: None}) as urls:
        yield urls[states.FACTORY]


@pytest.fixture
def broker() -> Iterator[BrokerStub]:
    with broker_serving(states.FACTORY, PACT_DIR / "caas-core-factory-api.json") as stub:
        yield stub


def verify(factory_url: str, broker: BrokerStub, *more: str, tmp_path=None):
    args = ["contracts", "verify", "--provider", "factory-api", "--base-url", factory_url,
            "--state-url", factory_url + STATE_PATH, "--broker-url", broker.url, *more]  # fmt: skip
    return run_cli(*args, env={"PACT_BROKER_TOKEN": TOKEN})


@pytest.mark.live
def test_results_are_published_under_the_version_and_branch_and_the_token_is_never_shown(
    factory_url, broker, tmp_path
):
    report = tmp_path / "pact.json"
    result = verify(
        factory_url, broker, "--publish", "--provider-version", "1.4.2", "--provider-branch", "main",
        "--json", str(report),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"  note: results published to {broker.url} as provider version 1.4.2, branch main\n" in result.stdout
    )
    assert "factory-api: 5 passed, 0 failed" in result.stdout
    # Every call carried the token from the environment; none of the output or the file shows it.
    assert {r.authorization for r in broker.requests} == {f"Bearer {TOKEN}"}
    assert TOKEN not in result.stdout + result.stderr + report.read_text()
    assert ("PUT", "/pacticipants/factory-api/branches/main/versions/1.4.2") in [
        (r.method, r.path) for r in broker.requests
    ]
    [published] = broker.results()
    assert (published["providerApplicationVersion"], published["success"]) == ("1.4.2", True)
    assert json.loads(report.read_text())["sources"] == [f"broker {broker.url}"]


@pytest.mark.live
def test_results_a_replay_would_split_are_not_published_and_the_run_says_why(factory_url, broker):
    result = verify(
        factory_url,
        broker,
        "--publish",
        "--provider-version",
        "1.4.2",
        "--header",
        "X-API-Key: factory-sandbox-key",
    )
    assert result.returncode == 1
    assert "factory-api: 5 passed, 0 failed" in result.stdout
    assert result.stderr == (
        "Error: results not published: 1 interaction(s) send a deliberately wrong credential that --header "
        "replaced, so no one pass of the verifier holds every true result; publish from a run without "
        "--header, your test deployment accepting the contracts' example credentials\n"
    )
    assert broker.results() == []


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--publish",), "--publish needs --broker-url: results go back to the broker the pacts came from"),
        (
            ("--broker-url", "http://127.0.0.1:9", "--publish"),
            "--publish needs --provider-version: results are published under it",
        ),
        (("--provider-version", "1"), "--provider-version and --provider-branch go with --publish"),
    ],
)
def test_a_publishing_option_without_its_partners_is_a_usage_error(args, line):
    result = run_cli(
        "contracts", "verify", "--provider", "factory-api", "--base-url", "http://127.0.0.1:9", *args
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: {line} (see 'caas-sandbox contracts verify --help')\n"


def test_credentials_come_from_the_environment_and_never_clash():
    broker = Broker.from_environment("https://b.example.com", environ={"PACT_BROKER_TOKEN": TOKEN})
    assert (broker.token, broker.username, broker.password) == (TOKEN, None, None)
    assert TOKEN not in repr(broker)
    with pytest.raises(ConfigError, match="PACT_BROKER_TOKEN and a user and password are both set"):
        Broker.from_environment("https://ci:pw@b.example.com", environ={"PACT_BROKER_TOKEN": TOKEN})
    with pytest.raises(ConfigError, match="the --broker-url carries a user and PACT_BROKER_USERNAME"):
        Broker.from_environment("https://ci:pw@b.example.com", environ={"PACT_BROKER_PASSWORD": "x"})


def test_every_credential_is_masked_wherever_it_appears():
    broker = Broker.from_environment(
        "https://ci:p%40ss@b.example.com/", environ={}, provider_version="1", branch="main"
    )
    text = "GET https://ci:p%40ss@b.example.com/ failed; password p@ss, p%40ss"
    assert broker.redact(text) == "GET https://***@b.example.com/ failed; password ***, ***"
    assert redact(f"bad token {TOKEN}", environ={"PACT_BROKER_TOKEN": TOKEN}) == "bad token ***"
    assert (
        broker.publication()
        == "results published to https://***@b.example.com/ as provider version 1, branch main"
    )
