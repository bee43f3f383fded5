"""The committed pact files, read as data: providers, their interactions, and the provider states used.

Plain JSON reading: listing the contracts needs neither the Pact FFI nor a network.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caas_core.errors import ConfigError
from contracts.states import SETUP, TO_BE_BUILT

PACT_DIR = Path(__file__).resolve().parent / "pacts"


@dataclass(frozen=True, slots=True)
class StateUse:
    name: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Interaction:
    consumer: str
    description: str
    kind: str  # "http" or "message"
    states: tuple[StateUse, ...]
    pending: bool
    method: str | None = None  # HTTP only
    path: str | None = None
    status: int | None = None

    @property
    def summary(self) -> str:
        if self.kind == "message":
            return "message"
        return f"{self.method} {self.path} -> {self.status}"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "consumer": self.consumer,
            "description": self.description,
            "type": self.kind,
            "pending": self.pending,
            "states": [{"name": s.name, "params": s.params} for s in self.states],
        }
        if self.kind == "http":
            data["request"] = {"method": self.method, "path": self.path}
            data["status"] = self.status
        return data


@dataclass(frozen=True, slots=True)
class Contract:
    """One pact file: a consumer's interactions with one provider."""

    consumer: str
    provider: str
    path: Path
    interactions: tuple[Interaction, ...]


@dataclass(frozen=True, slots=True)
class StateEntry:
    """A provider state as the catalogue shows it: its parameters (with the values each use passes)."""

    name: str
    setup: str
    providers: tuple[str, ...]
    params: dict[str, list[Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "setup": self.setup,
            "providers": list(self.providers),
            "params": self.params,
        }


def load_contracts(pact_dir: Path | None = None) -> list[Contract]:
    """Every pact file in `pact_dir` (default: the committed pacts), sorted by provider then consumer."""
    folder = Path(pact_dir) if pact_dir is not None else PACT_DIR
    if not folder.is_dir():
        raise ConfigError(f"no pact folder at {folder}")
    contracts = [_read(path) for path in sorted(folder.glob("*.json"))]
    if not contracts:
        raise ConfigError(f"no pact files (*.json) in {folder}")
    return sorted(contracts, key=lambda c: (c.provider, c.consumer))


def providers(contracts: list[Contract]) -> list[str]:
    return sorted({c.provider for c in contracts})


def for_provider(contracts: list[Contract], provider: str) -> list[Contract]:
    """The contracts naming `provider`; a ConfigError lists the known providers when there are none."""
    chosen = [c for c in contracts if c.provider == provider]
    if not chosen:
        raise ConfigError(
            f"no contract names provider {provider!r}; known: {', '.join(providers(contracts))}"
        )
    return chosen


def state_catalogue(contracts: list[Contract]) -> list[StateEntry]:
    """Every provider state the contracts use, with each parameter's values across its uses."""
    params: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    owners: dict[str, set[str]] = defaultdict(set)
    for contract in contracts:
        for interaction in contract.interactions:
            for state in interaction.states:
                owners[state.name].add(contract.provider)
                for key, value in state.params.items():
                    values = params[state.name].setdefault(key, [])
                    if value not in values:
                        values.append(value)
    return [
        StateEntry(name, SETUP.get(name, "(no description)"), tuple(sorted(owners[name])), params[name])
        for name in sorted(owners)
    ]


def is_partner_built(provider: str) -> bool:
    return provider in TO_BE_BUILT


def _read(path: Path) -> Contract:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        consumer, provider = document["consumer"]["name"], document["provider"]["name"]
        interactions = tuple(_interaction(consumer, item) for item in document.get("interactions", []))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path} is not a readable pact file ({type(error).__name__}: {error})") from None
    return Contract(consumer, provider, path, interactions)


def _interaction(consumer: str, item: dict[str, Any]) -> Interaction:
    states = tuple(StateUse(s["name"], dict(s.get("params") or {})) for s in item.get("providerStates", []))
    common = {
        "consumer": consumer,
        "description": item["description"],
        "states": states,
        "pending": bool(item.get("pending", False)),
    }
    if item.get("type", "Synchronous/HTTP") == "Synchronous/HTTP" and "request" in item:
        request, response = item["request"], item.get("response", {})
        return Interaction(
            kind="http",
            method=request["method"],
            path=request["path"],
            status=int(response.get("status", 200)),
            **common,
        )
    return Interaction(kind="message", **common)
