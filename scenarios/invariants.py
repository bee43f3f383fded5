"""The business invariants, checked against a finished run: the core's store, and what the simulators
saw. Each reads evidence from both sides where it can, so a bug in the core's bookkeeping cannot hide
a breach. They hold in every scenario and need no listing in a scenario file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from caas_core.domain import orders, purchases
from caas_core.domain.records import Order, Payment, Purchase
from caas_core.systems import admin_system
from scenarios.world import World
from simulators.payment import model as payment_gateway

# How long a purchase may stay in flight before it counts as lost: the worst cases of the VSS check, the
# payment call and the OTA policy, with room for a queue behind an open IoT breaker.
PURCHASE_GRACE_S = 3_600.0
# An order may wait this long for its placing or its registration before it counts as lost.
ORDER_GRACE_S = 3_600.0
# Purchases whose authorisation is still to be captured: in flight, or active and charged next.
CHARGED_LATER = (purchases.REQUESTED, purchases.ACTIVATING, purchases.ACTIVE)


@dataclass(frozen=True)
class InvariantResult:
    name: str
    statement: str
    violations: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.violations


def check_all(world: World, now: float) -> list[InvariantResult]:
    return [check(world, now) for check in INVARIANTS]


def captures_by_purchase(world: World) -> Counter[str]:
    """How many times the gateway captured each purchase: the gateway's word, not the core's."""
    model = world.simulators["payment"].model
    return Counter(
        model.authorizations[c.authorization_id].purchase_id  # type: ignore[attr-defined]
        for c in model.captures.values()  # type: ignore[attr-defined]
    )


def captured_without_activation(world: World, statuses: dict[str, str] | None = None) -> list[str]:
    """Purchases the gateway captured although the core does not hold them ACTIVE. `statuses` is the
    core's status of each purchase, when the caller has already read them."""
    statuses = world.core.store.purchase_statuses() if statuses is None else statuses
    return [
        f"{purchase_id} captured while {statuses.get(purchase_id, 'unknown')}"
        for purchase_id in captures_by_purchase(world)
        if statuses.get(purchase_id) != purchases.ACTIVE
    ]


def never_charged_without_activation(world: World, now: float) -> InvariantResult:
    """1. A customer is never charged (captured) for a service that did not activate."""
    store = world.core.store
    statuses = store.purchase_statuses()
    bad = captured_without_activation(world, statuses)
    for payment in store.all(Payment, status="CAPTURED"):
        if statuses.get(payment.purchase_id) != purchases.ACTIVE:
            bad.append(f"{payment.purchase_id} recorded as captured while not active")
    return InvariantResult("no_charge_without_activation", _doc(never_charged_without_activation), bad)


def never_twice(world: World, now: float) -> InvariantResult:
    """2. No payment is authorised or captured twice for one purchase."""
    model = world.simulators["payment"].model
    authorised = Counter(
        a.purchase_id
        for a in model.authorizations.values()  # type: ignore[attr-defined]
        if a.status != payment_gateway.DECLINED
    )
    bad = [f"{p} authorised {n} times" for p, n in authorised.items() if n > 1]
    bad += [f"{p} captured {n} times" for p, n in captures_by_purchase(world).items() if n > 1]
    return InvariantResult("no_double_payment", _doc(never_twice), bad)


def notified_once(world: World, now: float) -> InvariantResult:
    """3. Every status change is applied and notified exactly once (an email and a push each)."""
    store = world.core.store
    bad = [
        f"{entity} {event} by {channel} sent {n} times"
        for entity, event, channel, n in store.repeated_notifications()
    ]
    told = store.notified("email", "order:")
    for order in store.all(Order):
        # PLACED is no change: the customer's own request was answered with it. An order can be found so
        # at the end of a run, placed a moment before, or its core crashed before Factory answered.
        if order.status != orders.PLACED and (f"order:{order.id}", order.status) not in told:
            bad.append(f"order {order.id} is {order.status} but the customer was never told")
    return InvariantResult("notified_exactly_once", _doc(notified_once), bad)


def delivered_registered(world: World, now: float) -> InvariantResult:
    """4. No vehicle is delivered unregistered; a blocked delivery always raises an operations alert."""
    store = world.core.store
    alerted = {a.entity for a in store.alerts("ops") if a.resolved_at is None}
    bad = []
    for order in store.all(Order, status=orders.REGISTERED):
        registry = world.simulators[admin_system(order.country)].model
        if order.vin is None or registry.registration(order.vin) is None:  # type: ignore[attr-defined]
            bad.append(f"order {order.id} deliverable but {order.vin} is not registered in {order.country}")
    for order in store.all(Order, status=orders.DELIVERY_BLOCKED):
        if f"order:{order.id}" not in alerted:
            bad.append(f"order {order.id} blocked without an open operations alert")
    return InvariantResult("delivered_only_registered", _doc(delivered_registered), bad)


def blocked_when_unsafe(world: World, now: float) -> InvariantResult:
    """5. A purchase goes ahead only with maintenance not overdue, as VSS (or a recent cached answer) says."""
    vss = world.simulators["vss"].model
    bad = []
    for purchase in world.core.store.all(Purchase):
        if purchase.status in (purchases.ACTIVATING, purchases.ACTIVE, purchases.ACTIVATION_FAILED):
            record = vss.maintenance(purchase.vin)  # type: ignore[attr-defined]
            if record is None or record["status"] == "OVERDUE":
                status = record["status"] if record else "unknown"
                bad.append(f"purchase {purchase.id} went ahead on {purchase.vin}, maintenance {status}")
    return InvariantResult("blocked_when_maintenance_unsafe", _doc(blocked_when_unsafe), bad)


def nothing_lost(world: World, now: float) -> InvariantResult:
    """6. No order or purchase is lost: each ends in a terminal state, is still tracked, or has an open
    operations alert; an active service is charged, or its failed charge alerted."""
    store = world.core.store
    alerted = {a.entity for a in store.alerts("ops") if a.resolved_at is None}
    bad = []
    for purchase in store.all(Purchase, status=(purchases.REQUESTED, purchases.ACTIVATING)):
        if now - purchase.created_at > PURCHASE_GRACE_S and f"purchase:{purchase.id}" not in alerted:
            bad.append(
                f"purchase {purchase.id} still {purchase.status} after {now - purchase.created_at:.0f}s"
            )
    authorised = {p.purchase_id for p in store.all(Payment, status="AUTHORIZED")}
    for purchase in store.all(Purchase, status=purchases.ACTIVE):
        # Active, so due a charge: a capture never made, nor alerted, is money silently not collected.
        since = now - (purchase.activated_at or purchase.updated_at)
        uncharged = purchase.id in authorised and since > PURCHASE_GRACE_S
        if uncharged and f"purchase:{purchase.id}" not in alerted:
            bad.append(f"purchase {purchase.id} active for {since:.0f}s and never charged")
    for order in store.all(Order):
        waiting = order.status in (orders.PLACED, orders.READY) and now - order.updated_at > ORDER_GRACE_S
        if waiting and f"order:{order.id}" not in alerted:
            bad.append(f"order {order.id} stuck in {order.status}")
        if order.status == orders.ORDER_FAILED and f"order:{order.id}" not in alerted:
            bad.append(f"order {order.id} failed without an open operations alert")
    return InvariantResult("nothing_lost", _doc(nothing_lost), bad)


def forgeries_change_nothing(world: World, now: float) -> InvariantResult:
    """7. A forged, stale or replayed webhook changes nothing."""
    store = world.core.store
    bad = []
    for name in ("factory", "payment"):
        sender = world.simulators[name].model.webhooks  # type: ignore[attr-defined]
        for record in sender.log:
            if record.fault == "bad_signature" and store.webhook_seen(record.message_id):
                bad.append(f"forged {name} webhook {record.message_id} was applied")
    return InvariantResult("forgeries_change_nothing", _doc(forgeries_change_nothing), bad)


def held_for_nothing(world: World, now: float) -> list[tuple[str, str, int]]:
    """(authorisation id, purchase id, amount) of every authorisation the gateway still holds (neither
    captured nor voided) for a purchase that has ended without being charged, unless its release began
    within the grace period (a void may be on its way). The gateway's word, not the core's: a purchase
    still in flight (REQUESTED, ACTIVATING) or ACTIVE will yet be charged, and invariant 6 watches it."""
    model = world.simulators["payment"].model
    store = world.core.store
    held = []
    for a in model.authorizations.values():  # type: ignore[attr-defined]
        if a.status != "AUTHORIZED":
            continue
        purchase = store.get(Purchase, a.purchase_id)
        if purchase is not None and purchase.status in CHARGED_LATER:
            continue
        releasing = purchase is not None and purchase.step is not None
        if releasing and now - purchase.updated_at <= PURCHASE_GRACE_S:  # type: ignore[union-attr]
            continue
        held.append((a.id, a.purchase_id, a.amount))
    return held


def no_money_held_for_nothing(world: World, now: float) -> InvariantResult:
    """8. No money is held for nothing: every authorisation the gateway holds belongs to an ACTIVE
    purchase, is voided, or has an open operations alert."""
    alerted = {a.entity for a in world.core.store.alerts("ops") if a.resolved_at is None}
    bad = [
        f"authorisation {auth_id} of {amount} held for purchase {purchase_id}, which will not be charged"
        for auth_id, purchase_id, amount in held_for_nothing(world, now)
        if f"purchase:{purchase_id}" not in alerted
    ]
    return InvariantResult("no_money_held_for_nothing", _doc(no_money_held_for_nothing), bad)


def _doc(function: Callable[..., object]) -> str:
    return " ".join((function.__doc__ or "").split()).split(". ", 1)[-1]


INVARIANTS: tuple[Callable[[World, float], InvariantResult], ...] = (
    never_charged_without_activation,
    never_twice,
    notified_once,
    delivered_registered,
    blocked_when_unsafe,
    nothing_lost,
    forgeries_change_nothing,
    no_money_held_for_nothing,
)
