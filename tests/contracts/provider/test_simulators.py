"""Every simulator verified against its contracts with the Pact verifier, over loopback, its provider
states set through its own state-change endpoint: the mocks cannot drift from what partners build.
Pending interactions must pass too: the sandbox honours every contract it publishes."""

from __future__ import annotations

import pytest

from contracts import states
from contracts.catalogue import for_provider, load_contracts
from contracts.results import render
from contracts.verify import verify_provider
from tests.contracts.provider.servers import STATE_PATH

pytestmark = pytest.mark.live


@pytest.mark.parametrize("provider", sorted(states.SYSTEMS))
def test_the_simulator_honours_every_interaction_of_its_contracts(provider, provider_urls):
    url = provider_urls[provider]
    report = verify_provider(provider, url, state_url=url + STATE_PATH)
    contracts = for_provider(load_contracts(), provider)
    expected = {(i.consumer, i.description) for c in contracts for i in c.interactions if i.kind == "http"}
    assert all(r.passed for r in report.results), render(report)
    assert {(r.consumer, r.description) for r in report.results} == expected
    assert report.ok
