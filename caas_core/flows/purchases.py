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

from caas_core.adapters.integration import Trace
from caas_core.domain import purchases
from caas_core.domain.lifecycle import next_state
from caas_core.domain.records import Payment, Purchase
from caas_core.effects import NOW, Flow
from caas_core.errors import IntegrationError, PaymentUnavailable
from caas_core.flows.dependencies import Dependencies

MAINTENANCE_EVENTS = {
    "blocked_maintenance": "maintenance_overdue",
    "blocked_vss_unavailable": "vss_unavailable",
    "unknown_vehicle": "unknown_vehicle",
}


def purchase(deps: Dependencies, record: Purchase) -> Flow[None]:
    """Carry a purchase just requested (`record`, as stored) through to ACTIVE or a reason it is not."""
    trace = Trace(record.trace_id)
    check = yield from deps.maintenance.check(record.vin, trace)
    if not check.allowed:
        now = yield NOW
        with deps.records.transaction():
            _move(deps, record, MAINTENANCE_EVENTS[check.verdict], now, reason=check.verdict)
        return

    try:
        authorization = yield from deps.payments.authorize(
            record.id, record.amount, record.currency, record.card_token, trace
        )
    except PaymentUnavailable as error:
        now = yield NOW
        with deps.records.transaction():
            _move(deps, record, "payment_unreachable", now, reason=str(error))
        return
    if not authorization.approved:
        now = yield NOW
        with deps.records.transaction():
            _move(deps, record, "declined", now, reason=authorization.decline_reason)
        return

    now = yield NOW
    auth_id = authorization.authorization_id or ""
    with deps.records.transaction():
        deps.records.insert(
            Payment(auth_id, record.id, record.amount, record.currency, "AUTHORIZED", "NONE", now)
        )
        record = _move(deps, record, "authorized", now, authorization_id=auth_id)

    activation = yield from deps.vehicles.activate(record.vin, record.service_id, {}, trace)
    if activation.completed:
        yield from _charge(deps, record, auth_id, activation.command_id, trace)
    else:
        yield from _refund(deps, record, auth_id, activation.command_id, activation.failure, trace)


def _charge(
    deps: Dependencies, record: Purchase, auth_id: str, command_id: str | None, trace: Trace
) -> Flow[None]:
    # The service is ACTIVE before the charge is asked for: whatever stops between the two (a crash, the
    # end of a run) leaves an active service not yet charged, never a charge for a service not shown active.
    now = yield NOW
    with deps.records.transaction():
        _move(deps, record, "activated", now, command_id=command_id, activated_at=now)
    try:
        yield from deps.payments.capture(auth_id, record.amount, record.id, trace)
    except IntegrationError as error:
        now = yield NOW
        with deps.records.transaction():
            deps.operations.alert(
                "ops", f"purchase:{record.id}", f"service active but capture failed: {error}", now
            )
        return
    now = yield NOW
    with deps.records.transaction():
        captures = deps.records.require(Payment, auth_id).captures + 1
        deps.records.update(
            Payment, auth_id, status="CAPTURED", settlement="PENDING", captures=captures, updated_at=now
        )


def _refund(
    deps: Dependencies,
    record: Purchase,
    auth_id: str,
    command_id: str | None,
    failure: str | None,
    trace: Trace,
) -> Flow[None]:
    try:
        yield from deps.payments.void(auth_id, record.id, trace)
        voided = True
    except IntegrationError as error:
        voided = False
        void_failure = str(error)
    now = yield NOW
    entity = f"purchase:{record.id}"
    with deps.records.transaction():
        if voided:
            voids = deps.records.require(Payment, auth_id).voids + 1
            deps.records.update(Payment, auth_id, status="VOIDED", voids=voids, updated_at=now)
        else:
            deps.operations.alert(
                "ops", entity, f"void failed, authorisation {auth_id} still held: {void_failure}", now
            )
        deps.operations.alert(
            "tech_support", entity, f"OTA activation failed on {record.vin}: {failure}", now
        )
        _move(deps, record, "activation_failed", now, command_id=command_id, reason=failure)


def apply_settlement(
    deps: Dependencies, authorization_id: str, status: str, reason: str | None, now: float
) -> str:
    """Apply one settlement report inside the caller's transaction: 'applied' or 'unknown'."""
    payment = deps.records.get(Payment, authorization_id)
    if payment is None:
        return "unknown"
    settlement = "SETTLED" if status == "SETTLED" else "FAILED"
    deps.records.update(Payment, authorization_id, settlement=settlement, updated_at=now)
    if settlement == "FAILED":
        deps.operations.alert(
            "ops",
            f"purchase:{payment.purchase_id}",
            f"settlement failed ({reason or 'no reason given'}): {payment.amount} {payment.currency} at risk",
            now,
        )
    return "applied"


def _move(deps: Dependencies, record: Purchase, event: str, now: float, **changes: object) -> Purchase:
    status = next_state("purchase", purchases.TRANSITIONS, record.status, event)
    updated = deps.records.revise(record, status=status, updated_at=now, **changes)
    recipient = f"owner-of:{record.vin}"
    deps.customers.tell(recipient, f"purchase:{record.id}", status, f"{record.service_id}: {status}", now)
    return updated
