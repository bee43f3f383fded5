"""The contracts package stays light: no Pact FFI until a verification (its public names are pinned in
tests/test_public_api.py)."""

from __future__ import annotations

from tests.helpers.light_import import loaded_after


def test_listing_the_contracts_does_not_load_the_pact_ffi():
    assert loaded_after("import contracts; contracts.load_contracts()", ["pact_ffi"]) == []
