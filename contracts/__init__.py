"""Pact contracts and OpenAPI documents for the APIs partners still have to build.

The pacts in `pacts/` are written by the consumer tests of the core's adapters (tests/contracts/);
`verify_provider` replays them against a provider's API, `verify_messages` checks a webhook producer.
Importing this package never loads the Pact FFI: only a verification does.
"""

from contracts.catalogue import PACT_DIR, Contract, Interaction, load_contracts, state_catalogue
from contracts.results import InteractionResult, Report, render
from contracts.verify import verify_messages, verify_provider

__all__ = [
    "PACT_DIR",
    "Contract",
    "Interaction",
    "InteractionResult",
    "Report",
    "load_contracts",
    "render",
    "state_catalogue",
    "verify_messages",
    "verify_provider",
]
