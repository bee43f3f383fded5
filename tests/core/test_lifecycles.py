"""Lifecycles as tables: legal moves only, never backwards; the order and purchase tables as specified."""

from __future__ import annotations

import pytest

from caas_core.domain import orders, purchases
from caas_core.domain.lifecycle import Lifecycle
from caas_core.errors import IllegalTransition

PRODUCTION_ORDER = [orders.ACCEPTED, orders.MANUFACTURING, orders.READY]
DOOR = Lifecycle(
    "door", {"shut": {"open": "ajar"}, "ajar": {"close": "shut", "lock": "locked"}, "locked": {}}
)


def test_a_lifecycle_moves_by_its_table_and_says_what_it_allows():
    assert DOOR.move("shut", "open") == "ajar"
    assert DOOR.move("ajar", "lock") == "locked"
    assert (DOOR.can("shut", "open"), DOOR.can("shut", "lock"), DOOR.can("locked", "open")) == (
        True,
        False,
        False,
    )
    assert DOOR.can("unknown", "open") is False
    assert DOOR.states == ("shut", "ajar", "locked")
    assert DOOR.terminal == frozenset({"locked"})


@pytest.mark.parametrize(("state", "event"), [("shut", "lock"), ("locked", "open"), ("unknown", "open")])
def test_a_move_the_table_lacks_is_an_illegal_transition_naming_all_three(state, event):
    with pytest.raises(IllegalTransition) as caught:
        DOOR.move(state, event)
    assert (caught.value.machine, caught.value.state, caught.value.event) == ("door", state, event)
    assert str(caught.value) == f"door: event {event!r} is not allowed in state {state!r}"


def test_a_table_that_moves_to_a_state_it_does_not_list_is_refused():
    with pytest.raises(ValueError, match=r"^door: shut --open--> ajar, a state not in the table$"):
        Lifecycle("door", {"shut": {"open": "ajar"}})


def test_an_illegal_move_names_machine_state_and_event():
    with pytest.raises(IllegalTransition) as caught:
        orders.LIFECYCLE.move(orders.READY, "factory:MANUFACTURING")
    assert str(caught.value) == "order: event 'factory:MANUFACTURING' is not allowed in state 'READY'"


@pytest.mark.parametrize("later", range(1, len(PRODUCTION_ORDER)))
def test_factory_updates_never_move_an_order_backwards(later):
    state = PRODUCTION_ORDER[later]
    for earlier in PRODUCTION_ORDER[:later]:
        assert not orders.LIFECYCLE.can(state, f"factory:{earlier}")
        with pytest.raises(IllegalTransition):
            orders.LIFECYCLE.move(state, f"factory:{earlier}")


def test_a_missed_update_may_be_skipped_forwards():
    assert orders.LIFECYCLE.move(orders.ACCEPTED, "factory:READY") == orders.READY
    assert orders.LIFECYCLE.move(orders.DELAYED, "factory:MANUFACTURING") == orders.MANUFACTURING


def test_only_a_registered_order_is_done():
    assert orders.LIFECYCLE.terminal == frozenset({orders.REGISTERED})


def test_terminal_purchase_states_allow_nothing():
    assert purchases.LIFECYCLE.terminal == frozenset(
        {
            purchases.BLOCKED_MAINTENANCE,
            purchases.BLOCKED_VSS_UNAVAILABLE,
            purchases.PAYMENT_DECLINED,
            purchases.PAYMENT_FAILED,
            purchases.ACTIVE,
            purchases.ACTIVATION_FAILED,
        }
    )
    with pytest.raises(IllegalTransition):
        purchases.LIFECYCLE.move(purchases.ACTIVATION_FAILED, "activated")
