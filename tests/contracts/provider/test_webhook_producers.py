"""The webhook contracts verified against the simulators' own webhook producers: each provider state
drives a simulator until it sends the webhook, and the message is that webhook as it went out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from contracts import states
from contracts.catalogue import for_provider, load_contracts
from contracts.results import render
from contracts.verify import verify_messages
from httpkit.messages import HttpRequest
from tests.contracts.provider.producers import factory_status_change, message, payment_settlement

Producer = Callable[[dict[str, Any]], HttpRequest]
PRODUCERS: dict[str, tuple[str, Producer]] = {
    states.FACTORY: (states.ORDER_MOVES, factory_status_change),
    states.PAYMENT: (states.CAPTURE_SETTLES, payment_settlement),
}


def verify(provider: str, tamper: Callable[[dict[str, Any]], dict[str, Any]] = lambda m: m):
    state, produce = PRODUCERS[provider]
    sent: dict[str, HttpRequest] = {}

    def setup(action: str, parameters: dict[str, Any]) -> None:
        if action == "setup":
            sent["webhook"] = produce(parameters)

    return verify_messages(provider, lambda name, metadata: tamper(message(sent["webhook"])), {state: setup})


@pytest.mark.parametrize("provider", sorted(PRODUCERS))
def test_the_simulator_sends_the_webhooks_caas_expects(provider):
    report = verify(provider)
    contracts = for_provider(load_contracts(), provider)
    expected = {(i.consumer, i.description) for c in contracts for i in c.interactions if i.kind == "message"}
    assert all(r.passed for r in report.results), render(report)
    assert {(r.consumer, r.description) for r in report.results} == expected
    assert report.ok


def test_a_webhook_signed_in_another_format_fails_on_its_metadata():
    def hex_signed(produced: dict[str, Any]) -> dict[str, Any]:
        return {**produced, "metadata": {**produced["metadata"], "webhook-signature": "sha256=0a1b2c"}}

    report = verify(states.FACTORY, hex_signed)
    assert not report.ok
    text = render(report)
    assert "metadata webhook-signature:" in text and 'got      "sha256=0a1b2c"' in text
