"""The order flow: place with Factory, follow its status updates, register on READY.

Rules:
1. Placing asks Factory once (no automatic retry). Any failure, an open breaker included, leaves the
   order ORDER_FAILED with an operations alert; `retry` places it again with the same idempotency key,
   so Factory can never build it twice.
2. Each applied status change commits together with two customer notifications (email and push).
3. A Factory update is applied only when its sequence is higher than the last applied one; duplicates,
   stale and out-of-order updates change nothing. Updates come by webhook, or by polling Factory when it
   has been silent about an order for `silence_poll_after_s`.
4. READY registers the vehicle with the order's country. Success makes it REGISTERED (deliverable);
   failure DELIVERY_BLOCKED with an operations alert, until a manual retry registers it.
5. Durable steps: an order owes a step (`step`) from the moment it is placed, a manual retry is taken or
   READY arrives, committed with that change, until the step ends: place or register. A restarted core
   resumes each order at its step. `place` asks Factory again with the same idempotency key, so a lost
   answer never builds a second vehicle; `register` asks the registry again, whose 409 for our own order
   is the registration it already made. The Factory's updates need no step: webhooks are retried by
   their sender, and the silence poll asks about any order that heard nothing.
"""

from __future__ import annotations

import json

from caas_core.adapters.admin import Owner
from caas_core.adapters.factory import FactoryStatus, VehicleSpec
from caas_core.adapters.integration import Trace
from caas_core.domain import orders
from caas_core.domain.records import Order
from caas_core.effects import NOW, Flow, Sleep
from caas_core.errors import IntegrationError, MalformedResponse
from caas_core.flows.dependencies import Dependencies
from caas_core.flows.supervision import start

PLACE, REGISTER = "place", "register"


def resume(deps: Dependencies, order: Order) -> Flow[None]:
    """Carry on an order from the step it owes (rule 5)."""
    if order.step == PLACE:
        yield from place(deps, order.id)
    elif order.step == REGISTER:
        yield from register(deps, order.id)


def place(deps: Dependencies, order_id: str) -> Flow[None]:
    order = deps.records.require(Order, order_id)
    spec = VehicleSpec.model_validate_json(order.spec)
    try:
        placed = yield from deps.factory.place(spec, order.id, order.id, Trace(order.trace_id))
    except IntegrationError as error:
        now = yield NOW
        with deps.records.transaction():
            _move(deps, order, "failed", now, reason=f"factory order failed: {error}", step=None)
            deps.operations.alert("ops", f"order:{order.id}", f"Factory did not take the order: {error}", now)
        return
    now = yield NOW
    with deps.records.transaction():
        order = _move(
            deps,
            order,
            "accepted",
            now,
            factory_order_id=placed.order_id,
            factory_sequence=1,
            factory_news_at=now,
            reason=None,
            step=None,
        )
        deps.operations.resolve(f"order:{order.id}", now)


def apply_factory_status(deps: Dependencies, update: FactoryStatus, now: float) -> str:
    """Apply one Factory update inside the caller's transaction: 'applied', 'stale' or 'unknown'."""
    order = deps.records.order_by_factory_id(update.order_id)
    if order is None:
        return "unknown"
    if update.sequence <= order.factory_sequence:
        deps.records.update(Order, order.id, factory_news_at=now)
        return "stale"
    event = f"factory:{update.status}"
    if not orders.LIFECYCLE.can(order.status, event):
        # A newer sequence that names no new state (e.g. READY again): note the news, change nothing.
        deps.records.update(Order, order.id, factory_sequence=update.sequence, factory_news_at=now)
        return "stale"
    new = orders.LIFECYCLE.move(order.status, event)
    changes: dict[str, object] = {"factory_sequence": update.sequence, "factory_news_at": now}
    if update.vin:
        changes["vin"] = update.vin
    if new == orders.READY:
        changes["step"] = REGISTER
    _set(deps, order, new, now, **changes)
    if new == orders.READY:
        start(deps, f"order:{order.id}", register(deps, order.id))
    return "applied"


def register(deps: Dependencies, order_id: str) -> Flow[None]:
    order = deps.records.require(Order, order_id)
    owner = Owner.model_validate_json(order.owner)
    trace = Trace(order.trace_id)
    try:
        vin = order.vin or (yield from _vin_from_factory(deps, order, trace))
        registration = yield from deps.registries.register(order.country, vin, order.id, owner, trace)
    except IntegrationError as error:
        now = yield NOW
        with deps.records.transaction():
            _move(deps, order, "registration_failed", now, reason=f"registration failed: {error}", step=None)
            deps.operations.alert(
                "ops", f"order:{order.id}", f"delivery blocked, registration failed: {error}", now
            )
        return
    now = yield NOW
    with deps.records.transaction():
        _move(
            deps,
            order,
            "registered",
            now,
            plate=registration.plate,
            registration_id=registration.registration_id,
            reason=None,
            step=None,
        )
        deps.operations.resolve(f"order:{order.id}", now)


def _vin_from_factory(deps: Dependencies, order: Order, trace: Trace) -> Flow[str]:
    """A status webhook need not carry the VIN: ask Factory for the order, and keep what it says."""
    update = yield from deps.factory.status(order.factory_order_id or "", trace)
    if not update.vin:
        raise MissingVin(f"Factory reports order {update.order_id} {update.status} without a VIN")
    with deps.records.transaction():
        deps.records.update(Order, order.id, vin=update.vin)
    return update.vin


def watch_silence(deps: Dependencies) -> Flow[None]:
    """For ever: poll Factory about each order in production it has not mentioned for too long."""
    silence = deps.silence_poll_after_s
    sweep = deps.silence_sweep_s
    next_sweep = (yield NOW) + sweep
    while True:
        now = yield NOW
        yield Sleep(max(0.0, next_sweep - now))  # on a fixed grid: the polls themselves take time
        next_sweep += sweep
        now = yield NOW
        for order in deps.records.silent_orders(tuple(orders.IN_PRODUCTION), now - silence):
            try:
                update = yield from deps.factory.status(order.factory_order_id or "", Trace(order.trace_id))
            except IntegrationError:
                continue  # the next sweep tries again; the breaker keeps a dead Factory from being hammered
            polled_at = yield NOW
            with deps.records.transaction():
                apply_factory_status(deps, update, polled_at)


class MissingVin(MalformedResponse):
    def __init__(self, detail: str) -> None:
        super().__init__(200, detail)


def _move(deps: Dependencies, order: Order, event: str, now: float, **changes: object) -> Order:
    return _set(deps, order, orders.LIFECYCLE.move(order.status, event), now, **changes)


def _set(deps: Dependencies, order: Order, status: str, now: float, **changes: object) -> Order:
    updated = deps.records.revise(order, status=status, updated_at=now, **changes)
    deps.customers.tell(
        order.customer_email, f"order:{order.id}", status, f"Your order {order.id} is {status}", now
    )
    return updated


def spec_json(spec: VehicleSpec) -> str:
    return json.dumps(spec.model_dump(), sort_keys=True)
