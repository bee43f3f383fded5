"""`caas-sandbox contracts`: the Pact contracts partners verify their APIs against.

`list` shows the providers, their interactions and the provider states they need; `verify` replays a
provider's interactions against a running server and says, per interaction, what was expected and what
came back. Exit status 1 on any failed interaction (pending ones excepted), one line on a user error.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from caas_core.errors import ConfigError
from caas_sandbox.help import SandboxGroup

pact_dir_option = click.option(
    "--pact-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of pact files to use instead of the committed ones.",
)


@click.group(cls=SandboxGroup)
def contracts() -> None:
    """Pact contracts: list them, and verify a provider's API against them."""


@contracts.command("list")
@pact_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def list_contracts(pact_dir: Path | None, as_json: bool) -> None:
    """List providers, their interactions, and the provider states with their parameters.

    \b
    Examples:
      caas-sandbox contracts list
      caas-sandbox contracts list --json
    """
    from contracts.listing import listing_document, read_listing, render_listing

    listing = read_listing(pact_dir)
    if as_json:
        click.echo(json.dumps(listing_document(listing), indent=2, ensure_ascii=False))
        return
    click.echo(render_listing(listing))


@contracts.command("verify")
@click.option("--provider", required=True, help="The provider to verify, e.g. factory-api.")
@click.option(
    "--base-url", required=True, help="Where the provider's API is served, e.g. http://127.0.0.1:8080."
)
@click.option(
    "--state-url",
    help="The provider's state-change URL (Pact's POST {state, params, action}); tried once before any "
    "interaction. Without it no provider state is set up.",
)
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar='"NAME: VALUE"',
    help="Send this header on every request instead of the contract's example, e.g. a credential.",
)
@pact_dir_option
@click.option(
    "--broker-url",
    help="Fetch the pacts from this Pact Broker; credentials from PACT_BROKER_TOKEN, or "
    "PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD.",
)
@click.option(
    "--publish",
    is_flag=True,
    help="Publish the results to the broker (needs --broker-url, --provider-version).",
)
@click.option(
    "--provider-version", metavar="VERSION", help="The provider version the results are published under."
)
@click.option(
    "--provider-branch", metavar="BRANCH", help="The provider branch the results are published under."
)
@click.option(
    "--junit",
    "junit_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the results as JUnit XML: one testcase per interaction.",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the results as one JSON object.",
)
def verify(
    provider: str,
    base_url: str,
    state_url: str | None,
    headers: tuple[str, ...],
    pact_dir: Path | None,
    broker_url: str | None,
    publish: bool,
    provider_version: str | None,
    provider_branch: str | None,
    junit_file: Path | None,
    json_file: Path | None,
) -> None:
    """Replay a provider's contracts against its running API; print each interaction's result.

    Exit status 0 when every interaction passed (a pending one may fail), 1 otherwise or when the
    verification could not run; the --junit and --json files say the same.

    \b
    Examples:
      caas-sandbox contracts verify --provider factory-api --base-url http://127.0.0.1:8101 \\
          --state-url http://127.0.0.1:8101/__sandbox/provider-states --junit out/pact-junit.xml
      PACT_BROKER_TOKEN=... caas-sandbox contracts verify --provider admin-registration-es \\
          --base-url https://registry-test.example.es --broker-url https://broker.example.com \\
          --publish --provider-version 1.4.2 --provider-branch main
    """
    _check_broker_options(pact_dir, broker_url, publish, provider_version, provider_branch)
    from contracts.broker import redact, shown
    from contracts.result_files import check_writable, write_error, write_results
    from contracts.results import render
    from contracts.verify import verify_provider

    for path, option in ((junit_file, "--junit"), (json_file, "--json")):
        if path is not None:
            check_writable(path, option)
    try:
        custom = dict(_header(text) for text in headers)
        report = verify_provider(
            provider,
            base_url,
            state_url=state_url,
            headers=custom,
            pact_dir=pact_dir,
            broker_url=broker_url,
            provider_version=provider_version if publish else None,
            provider_branch=provider_branch if publish else None,
        )
    except (ValueError, RuntimeError, OSError, ConfigError) as error:
        # ValueError, RuntimeError, OSError: the Pact FFI refusing a setup. No credential is shown.
        message = redact(
            str(error) if isinstance(error, ConfigError) else f"verification could not run: {error}"
        )
        write_error(provider, shown(base_url), message, junit_file, json_file)
        raise ConfigError(message) from None
    write_results(report, junit_file, json_file)
    click.echo(render(report))
    if report.unpublished:
        raise ConfigError(report.unpublished)
    if not report.ok:
        raise SystemExit(1)


def _check_broker_options(
    pact_dir: Path | None,
    broker_url: str | None,
    publish: bool,
    provider_version: str | None,
    provider_branch: str | None,
) -> None:
    """Usage mistakes among the broker's options, before anything runs."""
    if pact_dir is not None and broker_url is not None:
        raise click.UsageError("give --pact-dir or --broker-url, not both")
    if publish and broker_url is None:
        raise click.UsageError(
            "--publish needs --broker-url: results go back to the broker the pacts came from"
        )
    if publish and provider_version is None:
        raise click.UsageError("--publish needs --provider-version: results are published under it")
    if not publish and (provider_version is not None or provider_branch is not None):
        raise click.UsageError("--provider-version and --provider-branch go with --publish")


def _header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or not value.strip():
        raise ConfigError(f'--header must look like "Name: value", got {text!r}')
    return name.strip(), value.strip()
