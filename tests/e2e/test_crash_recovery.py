"""A crash of the core between any two effects of a flow, then a restart on the same store: the flow
finishes as if nothing had happened, and every invariant holds. Partners recognise what is sent again."""

from __future__ import annotations

import pytest

from caas_core.domain.records import Order, Payment, Purchase
from scenarios.invariants import check_all
from scenarios.world import build_world
from tests.helpers.world import CONFIGS, HOUR, call, order_body, purchase_body

DOWNTIME = 30.0


def world():
    return build_world(5, "fast", configs=CONFIGS, crashes=True)


def effects_of(start) -> int:
    """How many effects the core takes, uncrashed, to carry what `start` asks of it to its end."""
    w = world()
    start(w)
    w.run(until=6 * HOUR)
    return w.process._life.effects


def crashed_at(start, effects: int):
    w = world()
    start(w)
    w.process.crash_after(effects, DOWNTIME, within=None)
    w.run(until=6 * HOUR)
    return w


def buy(w) -> None:
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))


def order(w) -> None:
    call(w, "POST", "/api/orders", order_body())


PURCHASE_EFFECTS = effects_of(buy)
ORDER_EFFECTS = effects_of(order)


@pytest.mark.parametrize("effects", range(PURCHASE_EFFECTS))
def test_a_purchase_crashed_after_any_effect_ends_active_and_charged_once(effects):
    w = crashed_at(buy, effects)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert (purchase.status, purchase.step) == ("ACTIVE", None)
    gateway = w.simulators["payment"].model
    assert [(a.purchase_id, a.status) for a in gateway.authorizations.values()] == [
        ("pur_000001", "CAPTURED")
    ]
    assert [c.authorization_id for c in gateway.captures.values()] == [purchase.authorization_id]
    assert w.core.store.get(Payment, purchase.authorization_id).status == "CAPTURED"
    assert len(w.simulators["iot"].model.commands) == 1  # the resent configure was recognised
    assert [n.event for n in w.core.store.notifications("purchase:pur_000001") if n.channel == "email"] == [
        "ACTIVATING",
        "ACTIVE",
    ]
    assert [r.name for r in check_all(w, 6 * HOUR) if not r.holds] == []
    assert w.core.telemetry.of_kind("crash") != []


@pytest.mark.parametrize("effects", range(ORDER_EFFECTS))
def test_an_order_crashed_after_any_effect_is_registered_once(effects):
    w = crashed_at(order, effects)
    placed = w.core.store.get(Order, "ord_000001")
    assert (placed.status, placed.step) == ("REGISTERED", None)
    assert len(w.simulators["factory"].model.orders) == 1  # placed again with its key: built once
    assert [r["orderId"] for r in w.simulators["admin-es"].model.state()["registrations"]] == ["ord_000001"]
    assert [n.event for n in w.core.store.notifications("order:ord_000001") if n.channel == "email"] == [
        "ACCEPTED",
        "MANUFACTURING",
        "READY",
        "REGISTERED",
    ]
    assert [r.name for r in check_all(w, 6 * HOUR) if not r.holds] == []
    assert w.core.telemetry.of_kind("crash") != []


def test_every_effect_of_both_flows_is_a_crash_point():
    # The flows take this many effects with this world's fixed timings; a change to a flow moves them.
    assert (PURCHASE_EFFECTS, ORDER_EFFECTS) == (154, 129)
