"""What the core's API shows of an order and a purchase: its state, its trace, and for a purchase what
happened to its money. Times are RFC 3339 in UTC, on the runtime's clock."""

from __future__ import annotations

from pydantic import BaseModel

from caas_core.domain.records import Order, Payment, Purchase
from httpkit.timestamps import utc_rfc3339


class OrderView(BaseModel):
    orderId: str
    status: str
    country: str
    factoryOrderId: str | None
    vin: str | None
    plate: str | None
    reason: str | None
    traceId: str


class PaymentView(BaseModel):
    """The authorisation a purchase holds, or held: captured, voided, or still authorised."""

    authorizationId: str
    amount: int
    currency: str
    status: str  # AUTHORIZED, CAPTURED, VOIDED
    settlement: str  # NONE, PENDING, SETTLED, FAILED
    authorizedAt: str | None
    capturedAt: str | None
    voidedAt: str | None


class PurchaseView(BaseModel):
    purchaseId: str
    status: str
    vin: str
    serviceId: str
    amount: int
    currency: str
    reason: str | None
    traceId: str
    payment: PaymentView | None  # None until an authorisation is known


def order_view(order: Order) -> dict[str, object]:
    return OrderView(
        orderId=order.id,
        status=order.status,
        country=order.country,
        factoryOrderId=order.factory_order_id,
        vin=order.vin,
        plate=order.plate,
        reason=order.reason,
        traceId=order.trace_id,
    ).model_dump()


def purchase_view(purchase: Purchase, payment: Payment | None, epoch: float) -> dict[str, object]:
    shown = None
    if payment is not None:
        shown = PaymentView(
            authorizationId=payment.authorization_id,
            amount=payment.amount,
            currency=payment.currency,
            status=payment.status,
            settlement=payment.settlement,
            authorizedAt=timestamp(epoch, payment.authorized_at),
            capturedAt=timestamp(epoch, payment.captured_at),
            voidedAt=timestamp(epoch, payment.voided_at),
        )
    return PurchaseView(
        purchaseId=purchase.id,
        status=purchase.status,
        vin=purchase.vin,
        serviceId=purchase.service_id,
        amount=purchase.amount,
        currency=purchase.currency,
        reason=purchase.reason,
        traceId=purchase.trace_id,
        payment=shown,
    ).model_dump()


def timestamp(epoch: float, t: float | None) -> str | None:
    if t is None:
        return None
    return utc_rfc3339(epoch + t, "milliseconds")
