"""The service-purchase flow: maintenance check, authorise, activate over the air, then capture or release.

Rules:
1. VSS first: OVERDUE blocks the purchase, and so does VSS being unreachable without a cached answer
   younger than the cache TTL. No payment call is made for a blocked purchase.
2. A declined card ends the purchase. A gateway that gives no usable answer, even to the retry, ends it
   too (PAYMENT_FAILED), and whatever it may have authorised all the same is released (rule 5).
3. Activation follows the OTA policy. COMPLETED makes the service ACTIVE, then captures the authorisation.
   When every attempt fails, a tech-support ticket is opened, the customer told, the authorisation
   released (rule 5), and nothing is ever captured.
4. A settlement reported FAILED records the money at risk and an operations alert; the service stays.
5. Releasing voids the authorisation. When its id is not known (the authorise got no answer), the
   authorise is replayed first, a pause after the failure, with its idempotency key: the gateway answers
   with what it did, and never authorises twice. A round without a usable answer is tried again after a
   growing pause; the first such round raises an operations alert naming the authorisation, resolved
   once it is voided.
6. Durable steps: every state change commits with the step the purchase owes next (`step`): check,
   authorize, activate, capture, release, or none. A restarted core resumes each purchase at its step.
   `check` runs the whole flow again (nothing was sent that moves money). `authorize` replays the
   authorise (same key) without checking maintenance again: an authorisation may already exist.
   `activate` runs the OTA attempts again; each attempt carries its own key, which the IoT API
   recognises, so no attempt configures a vehicle twice. `capture` replays the capture (same key);
   `release` starts its rounds again.
"""

from __future__ import annotations

from collections.abc import Callable

from caas_core.adapters.integration import Trace
from caas_core.domain import purchases
from caas_core.domain.records import Payment, Purchase
from caas_core.effects import NOW, Flow, Sleep
from caas_core.errors import ClientError, IntegrationError, PaymentUnavailable
from caas_core.flows.dependencies import Dependencies

MAINTENANCE_EVENTS = {
    "blocked_maintenance": "maintenance_overdue",
    "blocked_vss_unavailable": "vss_unavailable",
    "unknown_vehicle": "unknown_vehicle",
}
CHECK, AUTHORIZE, ACTIVATE, CAPTURE, RELEASE = "check", "authorize", "activate", "capture", "release"
# Pauses between release rounds: a minute, doubling up to an hour; a week on, the gateway will have let
# the authorisation lapse, and the open alert is all that is left to do.
RELEASE_FIRST_PAUSE_S, RELEASE_MAX_PAUSE_S, RELEASE_GIVE_UP_S = 60.0, 3_600.0, 7 * 86_400.0

# A step of the flow: what it returns is the next step to take (None: the flow is over) and the record.
Step = Callable[[Dependencies, Purchase, Trace], "Flow[Next]"]
Next = tuple["Step | None", Purchase]


def purchase(deps: Dependencies, record: Purchase, step: str = CHECK) -> Flow[None]:
    """Carry a purchase (`record`, as stored) from `step` through to ACTIVE or a reason it is not.

    Each step returns the next one and the record as it left it, rather than calling it: the flow stays
    two generators deep whichever step it is in, and an OTA poll's every effect resumes two fewer."""
    trace = Trace(record.trace_id)
    take: Step | None = STEPS[step]
    while take is not None:
        take, record = yield from take(deps, record, trace)


def resume(deps: Dependencies, record: Purchase) -> Flow[None]:
    """Carry on a purchase from the step it owes (rule 6)."""
    if record.step is not None:
        yield from purchase(deps, record, record.step)


def _check(deps: Dependencies, record: Purchase, trace: Trace) -> Flow[Next]:
    check = yield from deps.maintenance.check(record.vin, trace)
    now = yield NOW
    with deps.records.transaction():
        if not check.allowed:
            _move(deps, record, MAINTENANCE_EVENTS[check.verdict], now, reason=check.verdict, step=None)
            return None, record
        return _authorize, deps.records.revise(record, step=AUTHORIZE)


def _authorize(deps: Dependencies, record: Purchase, trace: Trace) -> Flow[Next]:
    try:
        authorization = yield from deps.payments.authorize(
            record.id, record.amount, record.currency, record.card_token, trace
        )
    except PaymentUnavailable as error:
        now = yield NOW
        with deps.records.transaction():
            return _release, _move(deps, record, "payment_unreachable", now, reason=str(error), step=RELEASE)
    now = yield NOW
    if not authorization.approved:
        with deps.records.transaction():
            _move(deps, record, "declined", now, reason=authorization.decline_reason, step=None)
        return None, record
    auth_id = authorization.authorization_id or ""
    with deps.records.transaction():
        _hold(deps, record, auth_id, now)
        return _activate, _move(deps, record, "authorized", now, authorization_id=auth_id, step=ACTIVATE)


def _activate(deps: Dependencies, record: Purchase, trace: Trace) -> Flow[Next]:
    activation = yield from deps.vehicles.activate(
        record.vin, record.service_id, {}, trace, key=f"{record.id}:activate"
    )
    now = yield NOW
    if activation.completed:
        # ACTIVE before the charge is asked for: whatever stops between the two (a crash, the end of a run)
        # leaves an active service not yet charged, never a charge for a service not shown active.
        with deps.records.transaction():
            record = _move(
                deps,
                record,
                "activated",
                now,
                command_id=activation.command_id,
                activated_at=now,
                step=CAPTURE,
            )
        return _capture, record
    with deps.records.transaction():
        deps.operations.alert(
            "tech_support",
            _entity(record),
            f"OTA activation failed on {record.vin}: {activation.failure}",
            now,
        )
        record = _move(
            deps,
            record,
            "activation_failed",
            now,
            command_id=activation.command_id,
            reason=activation.failure,
            step=RELEASE,
        )
    return _release, record


def _capture(deps: Dependencies, record: Purchase, trace: Trace) -> Flow[Next]:
    auth_id = record.authorization_id or ""
    try:
        yield from deps.payments.capture(auth_id, record.amount, record.id, trace)
    except IntegrationError as error:
        now = yield NOW
        with deps.records.transaction():
            deps.operations.alert("ops", _entity(record), f"service active but capture failed: {error}", now)
            deps.records.revise(record, step=None)
        return None, record
    now = yield NOW
    with deps.records.transaction():
        captures = deps.records.require(Payment, auth_id).captures + 1
        deps.records.update(
            Payment,
            auth_id,
            status="CAPTURED",
            settlement="PENDING",
            captures=captures,
            updated_at=now,
            captured_at=now,
        )
        deps.records.revise(record, step=None)
    return None, record


def _release(deps: Dependencies, record: Purchase, trace: Trace) -> Flow[Next]:
    """Leave no authorisation held for a purchase that will not be charged (rule 5)."""
    pause = RELEASE_FIRST_PAUSE_S
    if record.authorization_id is None:
        yield Sleep(pause)  # the gateway has just failed twice: give it a moment before the replay
        pause *= 2
    while True:
        try:
            if record.authorization_id is None:
                record = yield from _learn_authorization(deps, record, trace)
            if record.authorization_id is not None:
                yield from deps.payments.void(record.authorization_id, record.id, trace)
        except ClientError as refused:
            # The gateway answered and will not void: it holds nothing we could release (404), or the
            # authorisation is no longer AUTHORIZED (409). Either way there is nothing left to retry.
            now = yield NOW
            with deps.records.transaction():
                if refused.status != 404:
                    deps.operations.alert(
                        "ops", _entity(record), f"authorisation {record.authorization_id}: {refused}", now
                    )
                deps.records.revise(record, step=None)
            return None, record
        except IntegrationError as error:
            now = yield NOW
            held = (
                f"authorisation {record.authorization_id}"
                if record.authorization_id
                else "an authorisation of unknown id (its authorise got no answer)"
            )
            with deps.records.transaction():
                deps.operations.alert_once(
                    "ops",
                    _entity(record),
                    f"{held} may still be held: {error}; voiding it again later",
                    now,
                )
                if now - record.updated_at >= RELEASE_GIVE_UP_S:
                    deps.records.revise(record, step=None)  # the open alert is what is left
                    return None, record
            yield Sleep(pause)
            pause = min(RELEASE_MAX_PAUSE_S, pause * 2)
            continue
        now = yield NOW
        with deps.records.transaction():
            auth_id = record.authorization_id
            if auth_id is not None:
                voids = deps.records.require(Payment, auth_id).voids + 1
                deps.records.update(
                    Payment, auth_id, status="VOIDED", voids=voids, updated_at=now, voided_at=now
                )
            deps.records.revise(record, step=None)
            deps.operations.resolve(_entity(record), now, "ops")
        return None, record


def _learn_authorization(deps: Dependencies, record: Purchase, trace: Trace) -> Flow[Purchase]:
    """Replay the authorise (same key): the gateway answers with what it did. Declined or refused, it holds
    nothing, and the purchase keeps no authorisation."""
    authorization = yield from deps.payments.authorize(
        record.id, record.amount, record.currency, record.card_token, trace
    )
    if not authorization.approved or authorization.authorization_id is None:
        return record
    now = yield NOW
    with deps.records.transaction():
        _hold(deps, record, authorization.authorization_id, now)
        return deps.records.revise(record, authorization_id=authorization.authorization_id)


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


def _hold(deps: Dependencies, record: Purchase, auth_id: str, now: float) -> None:
    """Record an authorisation the gateway granted, once (a replayed authorise names the same one)."""
    if deps.records.get(Payment, auth_id) is None:
        deps.records.insert(
            Payment(
                auth_id,
                record.id,
                record.amount,
                record.currency,
                "AUTHORIZED",
                "NONE",
                now,
                authorized_at=now,
            )
        )


def _move(deps: Dependencies, record: Purchase, event: str, now: float, **changes: object) -> Purchase:
    status = purchases.LIFECYCLE.move(record.status, event)
    updated = deps.records.revise(record, status=status, updated_at=now, **changes)
    recipient = f"owner-of:{record.vin}"
    deps.customers.tell(recipient, _entity(record), status, f"{record.service_id}: {status}", now)
    return updated


def _entity(record: Purchase) -> str:
    return f"purchase:{record.id}"


STEPS: dict[str, Step] = {
    CHECK: _check,
    AUTHORIZE: _authorize,
    ACTIVATE: _activate,
    CAPTURE: _capture,
    RELEASE: _release,
}
