"""`caas-sandbox contracts`: the Pact contracts partners verify their APIs against.

`list` shows the providers, their interactions and the provider states they need; `verify` replays a
provider's interactions against a running server and says, per interaction, what was expected and what
came back. Exit status 1 on any failed interaction (pending ones excepted), one line on a user error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    from contracts.catalogue import PACT_DIR, is_partner_built, load_contracts, state_catalogue

    found = load_contracts(pact_dir)
    catalogue = state_catalogue(found)
    folder = pact_dir or PACT_DIR
    if as_json:
        providers: dict[str, dict[str, Any]] = {}
        for contract in found:
            entry = providers.setdefault(
                contract.provider,
                {
                    "name": contract.provider,
                    "partnerBuilt": is_partner_built(contract.provider),
                    "contracts": [],
                },
            )
            entry["contracts"].append(
                {
                    "consumer": contract.consumer,
                    "file": contract.path.name,
                    "interactions": [i.as_dict() for i in contract.interactions],
                }
            )
        document = {
            "pactDir": str(folder),
            "providers": list(providers.values()),
            "states": [s.as_dict() for s in catalogue],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    click.echo(f"Contracts in {folder}")
    provider = None
    for contract in found:
        if contract.provider != provider:
            provider = contract.provider
            role = "to be built by a partner" if is_partner_built(provider) else "existing system"
            click.echo(f"\n{provider}  ({role})")
        count = len(contract.interactions)
        click.echo(
            f"  from {contract.consumer}: {count} interaction{'s' * (count != 1)} ({contract.path.name})"
        )
        for interaction in contract.interactions:
            flag = "  [pending]" if interaction.pending else ""
            click.echo(f"    {interaction.summary:<48} {interaction.description}{flag}")
            for state in interaction.states:
                values = ", ".join(
                    f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in state.params.items()
                )
                click.echo(f"        given {state.name}" + (f"  ({values})" if values else ""))
    click.echo(f"\nProvider states ({len(catalogue)}): what a provider's state-change handler must set up")
    for entry in catalogue:
        click.echo(f"\n  {entry.name}")
        click.echo(f"      providers: {', '.join(entry.providers)}")
        if entry.params:
            click.echo(f"      params:    {', '.join(entry.params)}")
        click.echo(f"      set up:    {entry.setup}")


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
