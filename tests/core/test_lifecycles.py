"""The order and purchase lifecycles as tables: legal moves only, never backwards."""

from __future__ import annotations

import pytest

from caas_core.domain import orders, purchases
from caas_core.domain.lifecycle import next_state
from caas_core.errors import IllegalTransition

PRODUCTION_ORDER = [orders.ACCEPTED, orders.MANUFACTURING, orders.READY]


def test_an_illegal_move_names_machine_state_and_event():
    with pytest.raises(IllegalTransition) as caught:
        next_state("order", orders.TRANSITIONS, orders.READY, "factory:MANUFACTURING")
    assert str(caught.value) == "order: event 'factory:MANUFACTURING' is not allowed in state 'READY'"


@pytest.mark.parametrize("later", range(1, len(PRODUCTION_ORDER)))
def test_factory_updates_never_move_an_order_backwards(later):
    state = PRODUCTION_ORDER[later]
    for earlier in PRODUCTION_ORDER[:later]:
        with pytest.raises(IllegalTransition):
            next_state("order", orders.TRANSITIONS, state, f"factory:{earlier}")


def test_a_missed_update_may_be_skipped_forwards():
    assert next_state("order", orders.TRANSITIONS, orders.ACCEPTED, "factory:READY") == orders.READY
    assert (
        next_state("order", orders.TRANSITIONS, orders.DELAYED, "factory:MANUFACTURING")
        == orders.MANUFACTURING
    )


def test_terminal_purchase_states_allow_nothing():
    terminal = [state for state, moves in purchases.TRANSITIONS.items() if not moves]
    assert sorted(terminal) == sorted(
        [
            purchases.BLOCKED_MAINTENANCE,
            purchases.BLOCKED_VSS_UNAVAILABLE,
            purchases.PAYMENT_DECLINED,
            purchases.PAYMENT_FAILED,
            purchases.ACTIVE,
            purchases.ACTIVATION_FAILED,
        ]
    )
    with pytest.raises(IllegalTransition):
        next_state("purchase", purchases.TRANSITIONS, purchases.ACTIVATION_FAILED, "activated")
