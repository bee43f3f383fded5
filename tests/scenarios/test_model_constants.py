"""The scenario file's own copy of the payment simulator's test cards stays in step with it."""

from __future__ import annotations

from scenarios.model import TEST_CARDS
from simulators.payment import TEST_CARDS as GATEWAY_CARDS


def test_scenario_cards_are_the_gateways_test_cards():
    assert tuple(GATEWAY_CARDS) == TEST_CARDS
