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

pact_dir_option = click.option(
    "--pact-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of pact files to use instead of the committed ones.",
)


@click.group()
def contracts() -> None:
    """Pact contracts: list them, and verify a provider's API against them."""


@contracts.command("list")
@pact_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def list_contracts(pact_dir: Path | None, as_json: bool) -> None:
    """List providers, their interactions, and the provider states with their parameters."""
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
@click.option("--state-url", help="The provider's state-change URL (Pact's POST {state, params, action}).")
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar='"NAME: VALUE"',
    help="Send this header on every request instead of the contract's example, e.g. a credential.",
)
@pact_dir_option
@click.option("--broker-url", help="Fetch the pacts from this Pact Broker (token: PACT_BROKER_TOKEN).")
def verify(
    provider: str,
    base_url: str,
    state_url: str | None,
    headers: tuple[str, ...],
    pact_dir: Path | None,
    broker_url: str | None,
) -> None:
    """Replay the provider's contracts against its running API; print each interaction's result."""
    if pact_dir is not None and broker_url is not None:
        raise click.UsageError("give --pact-dir or --broker-url, not both")
    from contracts.results import render
    from contracts.verify import verify_provider

    custom = dict(_header(text) for text in headers)
    try:
        report = verify_provider(
            provider, base_url, state_url=state_url, headers=custom, pact_dir=pact_dir, broker_url=broker_url
        )
    except (ValueError, RuntimeError, OSError) as error:  # raised by the Pact FFI on a setup it refuses
        raise ConfigError(f"verification could not run: {error}") from None
    click.echo(render(report))
    if not report.ok:
        raise SystemExit(1)


def _header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or not value.strip():
        raise ConfigError(f'--header must look like "Name: value", got {text!r}')
    return name.strip(), value.strip()
