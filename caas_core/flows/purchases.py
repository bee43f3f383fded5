"""The service-purchase flow: maintenance check, authorise, activate over the air, then capture or void.

Rules:
1. VSS first: OVERDUE blocks the purchase, and so does VSS being unreachable without a cached answer
   younger than the cache TTL. No payment call is made for a blocked purchase.
2. A declined card ends the purchase; so does a gateway unreachable after its one retry.
3. Activation follows the OTA policy. COMPLETED makes the service ACTIVE, then captures the authorisation.
   When every attempt fails the authorisation is voided, a tech-support ticket opened, the customer
   told, and nothing is ever captured.
4. A settlement reported FAILED records the money at risk and an operations alert; the service stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caas_core.adapters.calls import Trace
from caas_core.domain import purchases
from caas_core.domain.records import Payment, Purchase
from caas_core.effects import NOW, Flow
from caas_core.errors import IntegrationError, PaymentUnavailable

if TYPE_CHECKING:
    from caas_core.service import CaasCore

MAINTENANCE_EVENTS = {
    "blocked_maintenance": "maintenance_overdue",
    "blocked_vss_unavailable": "vss_unavailable",
    "unknown_vehicle": "unknown_vehicle",
}


def purchase(core: CaasCore, record: Purchase) -> Flow[None]:
    """Carry a purchase just requested (`record`, as stored) through to ACTIVE or a reason it is not."""
    trace = Trace(record.trace_id)
    check = yield from core.vss.check(record.vin, trace)
    if not check.allowed:
        now = yield NOW
        with core.store.transaction():
            _move(core, record, MAINTENANCE_EVENTS[check.verdict], now, reason=check.verdict)
        return

    try:
        authorization = yield from core.payment.authorize(
            record.id, record.amount, record.currency, record.card_token, trace
        )
    except PaymentUnavailable as error:
        now = yield NOW
        with core.store.transaction():
            _move(core, record, "payment_unreachable", now, reason=str(error))
        return
    if not authorization.approved:
        now = yield NOW
        with core.store.transaction():
            _move(core, record, "declined", now, reason=authorization.decline_reason)
        return

    now = yield NOW
    auth_id = authorization.authorization_id or ""
    with core.store.transaction():
        core.store.insert(
            Payment(auth_id, record.id, record.amount, record.currency, "AUTHORIZED", "NONE", now)
        )
        record = _move(core, record, "authorized", now, authorization_id=auth_id)

    activation = yield from core.iot.activate(record.vin, record.service_id, {}, trace)
    if activation.completed:
        yield from _charge(core, record, auth_id, activation.command_id, trace)
    else:
        yield from _refund(core, record, auth_id, activation.command_id, activation.failure, trace)


def _charge(
    core: CaasCore, record: Purchase, auth_id: str, command_id: str | None, trace: Trace
) -> Flow[None]:
    # The service is ACTIVE before the charge is asked for: whatever stops between the two (a crash, the
    # end of a run) leaves an active service not yet charged, never a charge for a service not shown active.
    now = yield NOW
    with core.store.transaction():
        _move(core, record, "activated", now, command_id=command_id, activated_at=now)
    try:
        yield from core.payment.capture(auth_id, record.amount, record.id, trace)
    except IntegrationError as error:
        now = yield NOW
        with core.store.transaction():
            core.store.alert(
                "ops", f"purchase:{record.id}", f"service active but capture failed: {error}", now
            )
        return
    now = yield NOW
    with core.store.transaction():
        captures = core.store.require(Payment, auth_id).captures + 1
        core.store.update(
            Payment, auth_id, status="CAPTURED", settlement="PENDING", captures=captures, updated_at=now
        )


def _refund(
    core: CaasCore, record: Purchase, auth_id: str, command_id: str | None, failure: str | None, trace: Trace
) -> Flow[None]:
    try:
        yield from core.payment.void(auth_id, record.id, trace)
        voided = True
    except IntegrationError as error:
        voided = False
        void_failure = str(error)
    now = yield NOW
    entity = f"purchase:{record.id}"
    with core.store.transaction():
        if voided:
            voids = core.store.require(Payment, auth_id).voids + 1
            core.store.update(Payment, auth_id, status="VOIDED", voids=voids, updated_at=now)
        else:
            core.store.alert(
                "ops", entity, f"void failed, authorisation {auth_id} still held: {void_failure}", now
            )
        core.store.alert("tech_support", entity, f"OTA activation failed on {record.vin}: {failure}", now)
        _move(core, record, "activation_failed", now, command_id=command_id, reason=failure)


def apply_settlement(
    core: CaasCore, authorization_id: str, status: str, reason: str | None, now: float
) -> str:
    """Apply one settlement report inside the caller's transaction: 'applied' or 'unknown'."""
    payment = core.store.get(Payment, authorization_id)
    if payment is None:
        return "unknown"
    settlement = "SETTLED" if status == "SETTLED" else "FAILED"
    core.store.update(Payment, authorization_id, settlement=settlement, updated_at=now)
    if settlement == "FAILED":
        core.store.alert(
            "ops",
            f"purchase:{payment.purchase_id}",
            f"settlement failed ({reason or 'no reason given'}): {payment.amount} {payment.currency} at risk",
            now,
        )
    return "applied"


def _move(core: CaasCore, record: Purchase, event: str, now: float, **changes: object) -> Purchase:
    status = purchases.LIFECYCLE.move(record.status, event)
    updated = core.store.revise(record, status=status, updated_at=now, **changes)
    recipient = f"owner-of:{record.vin}"
    core.tell_customer(recipient, f"purchase:{record.id}", status, f"{record.service_id}: {status}", now)
    return updated
