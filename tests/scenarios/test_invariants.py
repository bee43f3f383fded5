"""Each invariant catches the breach it names: a clean run holds them all, and a run tampered with in
exactly one way breaks exactly the invariant about it."""

from __future__ import annotations

import pytest

from caas_core.domain.records import Order, Payment, Purchase
from scenarios.invariants import check_all
from scenarios.world import build_world
from simulators.kit.faults import Fault
from simulators.payment.model import Capture
from tests.helpers.world import CONFIGS, HOUR, call, order_body, purchase_body

END = 5 * HOUR


@pytest.fixture
def world():
    w = build_world(21, configs=CONFIGS)
    w.simulators["factory"].faults.add(Fault.model_validate({"webhook": {"bad_signature": 1.0}}))
    call(w, "POST", "/api/orders", order_body("ES"))
    for vin in ("SBXHEALTHY0000001", "SBXFAULTY00000001", "SBXLAPSED00000001"):
        call(w, "POST", "/api/purchases", purchase_body(vin))
    w.run(until=END)
    return w


def broken(w):
    return {r.name for r in check_all(w, END) if not r.holds}


def test_a_clean_run_holds_every_invariant(world):
    assert broken(world) == set()
    forged = [r for r in world.simulators["factory"].model.webhooks.log if r.fault == "bad_signature"]
    assert forged  # the run did face forgeries, and the order got through them by polling
    assert world.core.store.get(Order, "ord_000001").status == "REGISTERED"
    statuses = {p.id: p.status for p in world.core.store.all(Purchase)}
    assert statuses == {
        "pur_000001": "ACTIVE",
        "pur_000002": "ACTIVATION_FAILED",
        "pur_000003": "BLOCKED_MAINTENANCE",
    }


def test_a_capture_of_a_failed_activation_breaks_invariant_1(world):
    failed = world.core.store.all(Purchase, status="ACTIVATION_FAILED")[0]
    model = world.simulators["payment"].model
    model.captures["cap_rogue"] = Capture("cap_rogue", failed.authorization_id, failed.amount, END, END, None)
    assert broken(world) == {"no_charge_without_activation"}


def test_a_second_authorisation_for_one_purchase_breaks_invariant_2(world):
    world.simulators["payment"].model.authorize(4900, "EUR", "tok_success", "pur_000001")
    assert broken(world) == {"no_double_payment"}


def test_a_repeated_notification_breaks_invariant_3(world):
    world.core.store.notify("email", "ana@example.com", "again", "order:ord_000001", "READY", END)
    assert broken(world) == {"notified_exactly_once"}


def test_a_deliverable_order_without_a_registration_breaks_invariant_4(world):
    world.core.store.update(Order, "ord_000001", vin="VSXC1BFS5TM999999")
    assert broken(world) == {"delivered_only_registered"}


def test_a_purchase_that_went_ahead_on_overdue_maintenance_breaks_invariant_5(world):
    world.core.store.update(Purchase, "pur_000003", status="ACTIVE")
    assert broken(world) == {"blocked_when_maintenance_unsafe"}


def test_a_purchase_left_in_flight_breaks_invariant_6(world):
    world.core.store.update(Purchase, "pur_000003", status="ACTIVATING")
    assert broken(world) == {"nothing_lost", "blocked_when_maintenance_unsafe"}


def test_an_active_service_never_charged_breaks_invariant_6(world):
    active = world.core.store.get(Purchase, "pur_000001")
    world.core.store.update(Payment, active.authorization_id, status="AUTHORIZED")  # as if never captured
    result = next(r for r in check_all(world, END) if r.name == "nothing_lost")
    assert broken(world) == {"nothing_lost"}
    assert result.violations == [
        f"purchase pur_000001 active for {END - active.activated_at:.0f}s and never charged"
    ]


def test_an_applied_forgery_breaks_invariant_7(world):
    forged = next(r for r in world.simulators["factory"].model.webhooks.log if r.fault == "bad_signature")
    world.core.store.remember_webhook(forged.message_id, "factory", END)
    assert broken(world) == {"forgeries_change_nothing"}


def test_an_authorisation_left_held_for_a_failed_purchase_breaks_invariant_8(world):
    failed = world.core.store.all(Purchase, status="ACTIVATION_FAILED")[0]
    authorization = world.simulators["payment"].model.authorizations[failed.authorization_id]
    assert authorization.status == "VOIDED"  # what the release did; undo it, as a core without it would
    authorization.status = "AUTHORIZED"
    assert broken(world) == {"no_money_held_for_nothing"}
    assert [r.violations for r in check_all(world, END) if r.name == "no_money_held_for_nothing"] == [
        [
            f"authorisation {failed.authorization_id} of 4900 held for purchase {failed.id}, which will not be charged"
        ]
    ]
    world.core.store.alert("ops", f"purchase:{failed.id}", "held, and operations know it", END)
    assert broken(world) == set()


def test_an_authorisation_still_being_released_within_the_grace_breaks_nothing(world):
    failed = world.core.store.all(Purchase, status="ACTIVATION_FAILED")[0]
    world.simulators["payment"].model.authorizations[failed.authorization_id].status = "AUTHORIZED"
    world.core.store.update(Purchase, failed.id, step="release", updated_at=END - 60)
    assert broken(world) == set()
    assert {r.name for r in check_all(world, END + HOUR) if not r.holds} == {"no_money_held_for_nothing"}


def test_an_order_just_placed_at_the_end_breaks_nothing():
    """PLACED is the answer to the customer's own request, not a change to notify: a run that ends (or a
    core that crashes) before Factory answers leaves the order so, and invariant 6 watches it after that."""
    w = build_world(21, configs=CONFIGS)
    call(w, "POST", "/api/orders", order_body("ES"))
    assert w.core.store.get(Order, "ord_000001").status == "PLACED"
    assert {r.name for r in check_all(w, 0.0) if not r.holds} == set()
