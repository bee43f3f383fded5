"""The manual retry of an order: one running retry at a time, so the customer hears of each change once."""

from __future__ import annotations

from collections import Counter

from caas_core.domain.records import Order
from scenarios.world import build_world
from simulators.kit.faults import Fault
from tests.helpers.world import CONFIGS, HOUR, call, order_body

ORDER = "ord_000001"
RETRY = f"/api/orders/{ORDER}/retry"


def world():
    return build_world(5, "fast", configs=CONFIGS)


def told(w) -> Counter[tuple[str, str, str]]:
    return Counter((n.entity, n.event, n.channel) for n in w.core.store.notifications())


def each_once(*statuses: str) -> Counter[tuple[str, str, str]]:
    return Counter((f"order:{ORDER}", s, c) for s in statuses for c in ("email", "push"))


def factory_down_until(w, seconds: float) -> None:
    w.simulators["factory"].faults.add(
        Fault.model_validate({"route": "POST /api/v1/orders", "error": {"status": 503}, "until_s": seconds})
    )


def test_a_second_retry_while_the_first_places_the_order_is_refused_and_nothing_is_told_twice():
    w = world()
    factory_down_until(w, 60)
    call(w, "POST", "/api/orders", order_body("DE"))
    w.run(until=120)
    assert w.core.store.get(Order, ORDER).status == "ORDER_FAILED"

    first, second = call(w, "POST", RETRY), call(w, "POST", RETRY)
    assert (first.status, first.json()) == (
        202,
        {"orderId": ORDER, "status": "ORDER_FAILED", "traceId": first.header("X-Trace-Id")},
    )
    assert second.status == 409
    assert second.header("Content-Type") == "application/problem+json"
    assert second.json()["detail"] == f"order {ORDER} is ORDER_FAILED and its retry is still running"

    w.run(until=200)
    assert w.core.store.get(Order, ORDER).status == "ACCEPTED"
    assert told(w) == each_once("ORDER_FAILED", "ACCEPTED")
    assert len(w.simulators["factory"].journal.entries) == 2  # the first placing and one retry


def test_a_second_retry_while_the_first_registers_the_order_is_refused_and_nothing_is_told_twice():
    w = world()
    w.simulators["admin-es"].faults.add(Fault.model_validate({"error": {"status": 503}}))
    call(w, "POST", "/api/orders", order_body("ES"))
    w.run(until=4 * HOUR)
    assert w.core.store.get(Order, ORDER).status == "DELIVERY_BLOCKED"
    w.simulators["admin-es"].faults.clear()

    first, second = call(w, "POST", RETRY), call(w, "POST", RETRY)
    assert (first.status, second.status) == (202, 409)
    w.run(until=5 * HOUR)
    assert w.core.store.get(Order, ORDER).status == "REGISTERED"
    statuses = ("ACCEPTED", "MANUFACTURING", "READY", "DELIVERY_BLOCKED", "REGISTERED")
    assert told(w) == each_once(*statuses)


def test_once_a_retry_has_ended_the_order_can_be_retried_again():
    w = world()
    factory_down_until(w, 200)
    call(w, "POST", "/api/orders", order_body("DE"))
    w.run(until=120)
    assert call(w, "POST", RETRY).status == 202
    w.run(until=150)
    assert w.core.store.get(Order, ORDER).status == "ORDER_FAILED"  # Factory still down: it failed again
    w.run(until=300)
    assert call(w, "POST", RETRY).status == 202
    w.run(until=400)
    assert w.core.store.get(Order, ORDER).status == "ACCEPTED"
