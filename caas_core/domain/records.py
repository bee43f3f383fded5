"""The records the core keeps, as the store hands them out: frozen snapshots, never live rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    customer_email: str
    country: str
    spec: str  # JSON
    owner: str  # JSON
    status: str
    trace_id: str
    created_at: float
    updated_at: float
    factory_order_id: str | None = None
    factory_sequence: int = 0
    vin: str | None = None
    plate: str | None = None
    registration_id: str | None = None
    reason: str | None = None
    factory_news_at: float | None = None
    step: str | None = None  # what the order flow owes next (caas_core.flows.orders, rule 5)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Purchase:
    id: str
    vin: str
    service_id: str
    card_token: str
    amount: int
    currency: str
    status: str
    trace_id: str
    created_at: float
    updated_at: float
    reason: str | None = None
    authorization_id: str | None = None
    command_id: str | None = None
    activated_at: float | None = None
    step: str | None = None  # what the purchase flow owes next (caas_core.flows.purchases, rule 6)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Payment:
    authorization_id: str
    purchase_id: str
    amount: int
    currency: str
    status: str  # AUTHORIZED, CAPTURED, VOIDED
    settlement: str  # NONE, PENDING, SETTLED, FAILED
    updated_at: float
    captures: int = 0
    voids: int = 0
    authorized_at: float | None = None
    captured_at: float | None = None
    voided_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    channel: str
    recipient: str
    subject: str
    entity: str
    event: str
    created_at: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    kind: str  # ops, tech_support
    entity: str
    reason: str
    created_at: float
    resolved_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
