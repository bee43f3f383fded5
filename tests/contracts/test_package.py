"""The contracts package's public surface, pinned; and it stays light: no Pact FFI until a verification."""

from __future__ import annotations

import contracts
from tests.helpers.light_import import loaded_after

PUBLIC = [
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


def test_public_names():
    assert sorted(contracts.__all__) == sorted(PUBLIC)
    assert all(hasattr(contracts, name) for name in contracts.__all__)


def test_listing_the_contracts_does_not_load_the_pact_ffi():
    assert loaded_after("import contracts; contracts.load_contracts()", ["pact_ffi"]) == []
