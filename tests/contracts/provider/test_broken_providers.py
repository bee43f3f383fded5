"""Providers that break their contract fail verification, and the report says where and how: what the
contract expected, what came back. A pending interaction that fails is reported but does not fail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from caas_core.errors import ConfigError
from contracts import states
from contracts.results import render
from contracts.verify import verify_provider
from tests.contracts.provider.broken import broken_factory, lax_admin
from tests.contracts.provider.servers import STATE_PATH, served

pytestmark = pytest.mark.live

READY_ORDER = "a request for the status of a ready order"


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    with served({states.FACTORY: broken_factory, states.admin("ES"): lax_admin}) as served_urls:
        yield served_urls


def test_a_broken_response_fails_verification_naming_each_breach(urls):
    url = urls[states.FACTORY]
    report = verify_provider(states.FACTORY, url, state_url=url + STATE_PATH)
    assert not report.ok
    assert [r.description for r in report.failed()] == [READY_ORDER]
    text = render(report)
    assert f"FAIL  {READY_ORDER}  [caas-core]" in text
    assert "GET /api/v1/orders/ord_000001 -> 200" in text
    assert "given order ord_000001 exists in status READY" in text
    assert "body $.sequence: Expected '3' (String) to be an integer" in text
    assert "body $: Actual map is missing the following keys: vin" in text
    assert "factory-api: 4 passed, 1 failed" in text


def test_a_state_the_provider_cannot_set_up_is_reported_as_such(urls):
    url = urls[states.FACTORY]
    # The registry's state endpoint answers Pact's set-up call without a state, but knows no Factory state.
    elsewhere = urls[states.admin("ES")] + STATE_PATH
    report = verify_provider(states.FACTORY, url, state_url=elsewhere)
    # Every factory-api HTTP interaction needs a state: all five fail, none is verified without one.
    assert [r.passed for r in report.results if r.states] == [False] * 5
    assert "refused 'order {orderId} exists in status {status}': Invalid status code: 404" in render(report)


def test_a_state_url_that_refuses_every_set_up_fails_once_before_any_interaction(urls):
    url = urls[states.FACTORY]
    with pytest.raises(ConfigError) as refused:
        verify_provider(states.FACTORY, url, state_url=url + "/__sandbox/no-such-endpoint")
    assert str(refused.value).startswith(
        f"the state-change URL {url}/__sandbox/no-such-endpoint answered 404 to a set-up call without a state"
    )


def test_a_failing_pending_interaction_is_shown_but_does_not_fail_the_run(urls):
    provider = states.admin("ES")
    url = urls[provider]
    report = verify_provider(provider, url, state_url=url + STATE_PATH)
    [failed] = report.failed()
    assert failed.description == "a request to register a vehicle with invalid owner data"
    assert failed.pending and report.ok
    text = render(report)
    assert "FAIL (pending) a request to register a vehicle with invalid owner data" in text
    assert "status: expected 422, got 201" in text
    assert text.endswith("admin-registration-es: 3 passed, 0 failed, 1 pending failed (not binding yet)")
