"""What `caas-sandbox contracts list` shows: each provider's contracts and interactions, and the provider
states they need, read from a folder of pact files; as one JSON document or as text for a terminal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.catalogue import (
    PACT_DIR,
    Contract,
    StateEntry,
    is_partner_built,
    load_contracts,
    state_catalogue,
)


@dataclass(frozen=True, slots=True)
class Listing:
    folder: Path
    contracts: tuple[Contract, ...]  # sorted by provider, then consumer
    states: tuple[StateEntry, ...]


def read_listing(pact_dir: Path | None = None) -> Listing:
    """The contracts in `pact_dir` (default: the committed pacts) and the states they use."""
    found = load_contracts(pact_dir)
    return Listing(pact_dir or PACT_DIR, tuple(found), tuple(state_catalogue(found)))


def listing_document(listing: Listing) -> dict[str, Any]:
    """The JSON form: providers with their contracts' interactions, then the provider states."""
    providers: dict[str, dict[str, Any]] = {}
    for contract in listing.contracts:
        entry = providers.setdefault(
            contract.provider,
            {"name": contract.provider, "partnerBuilt": is_partner_built(contract.provider), "contracts": []},
        )
        entry["contracts"].append(
            {
                "consumer": contract.consumer,
                "file": contract.path.name,
                "interactions": [i.as_dict() for i in contract.interactions],
            }
        )
    return {
        "pactDir": str(listing.folder),
        "providers": list(providers.values()),
        "states": [s.as_dict() for s in listing.states],
    }


def render_listing(listing: Listing) -> str:
    """The text form: per provider its contracts, each interaction with the states it is given, then what
    each provider state must set up."""
    lines = [f"Contracts in {listing.folder}"]
    provider = None
    for contract in listing.contracts:
        if contract.provider != provider:
            provider = contract.provider
            role = "to be built by a partner" if is_partner_built(provider) else "existing system"
            lines.append(f"\n{provider}  ({role})")
        count = len(contract.interactions)
        lines.append(
            f"  from {contract.consumer}: {count} interaction{'s' * (count != 1)} ({contract.path.name})"
        )
        for interaction in contract.interactions:
            flag = "  [pending]" if interaction.pending else ""
            lines.append(f"    {interaction.summary:<48} {interaction.description}{flag}")
            for state in interaction.states:
                values = ", ".join(
                    f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in state.params.items()
                )
                lines.append(f"        given {state.name}" + (f"  ({values})" if values else ""))
    lines.append(
        f"\nProvider states ({len(listing.states)}): what a provider's state-change handler must set up"
    )
    for entry in listing.states:
        lines.append(f"\n  {entry.name}")
        lines.append(f"      providers: {', '.join(entry.providers)}")
        if entry.params:
            lines.append(f"      params:    {', '.join(entry.params)}")
        lines.append(f"      set up:    {entry.setup}")
    return "\n".join(lines)
