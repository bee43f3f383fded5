"""What the order and purchase flows need of the rest of the core, declared here so that they depend on
nothing larger: their records, the five partners, the customers they tell, the operations team they
alert, and a way to start another flow. `caas_core.wiring` builds it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from caas_core.adapters.admin import Owner, Registration
from caas_core.adapters.factory import FactoryOrder, FactoryStatus, VehicleSpec
from caas_core.adapters.integration import Trace
from caas_core.adapters.iot import Activation
from caas_core.adapters.payment import Authorization, Capture
from caas_core.adapters.vss import MaintenanceCheck
from caas_core.domain.records import Order, Payment, Purchase
from caas_core.effects import Flow
from caas_core.telemetry import Telemetry

R = TypeVar("R", Order, Purchase, Payment)


class Records(Protocol):
    """The store, as far as the flows read and write it; a transaction commits all of a step or none."""

    def transaction(self) -> AbstractContextManager[None]: ...
    def insert(self, record: Order | Purchase | Payment) -> None: ...
    def get(self, kind: type[R], key: str) -> R | None: ...
    def require(self, kind: type[R], key: str) -> R: ...
    def update(self, kind: type[Any], key: str, **changes: Any) -> None: ...
    def revise(self, record: R, **changes: Any) -> R: ...
    def order_by_factory_id(self, factory_order_id: str) -> Order | None: ...
    def owing(self, kind: type[R]) -> list[R]: ...
    def silent_orders(self, statuses: tuple[str, ...], news_before: float) -> list[Order]: ...


class Customers(Protocol):
    def tell(self, recipient: str, entity: str, event: str, subject: str, now: float) -> None:
        """One status change, told once on every channel, in the caller's transaction."""
        ...


class Operations(Protocol):
    def alert(self, kind: str, entity: str, reason: str, now: float) -> None:
        """Raise an alert ("ops" or "tech_support") about `entity`, in the caller's transaction."""
        ...

    def alert_once(self, kind: str, entity: str, reason: str, now: float) -> None:
        """As `alert`, unless an alert of that kind about `entity` is still open."""
        ...

    def resolve(self, entity: str, now: float, kind: str | None = None) -> None:
        """Resolve the open alerts about `entity` (of `kind` only, when given)."""
        ...


class Maintenance(Protocol):
    def check(self, vin: str, trace: Trace | None = None) -> Flow[MaintenanceCheck]: ...


class Payments(Protocol):
    def authorize(
        self, purchase_id: str, amount: int, currency: str, card_token: str, trace: Trace | None = None
    ) -> Flow[Authorization]: ...
    def capture(
        self, authorization_id: str, amount: int, purchase_id: str, trace: Trace | None = None
    ) -> Flow[Capture]: ...
    def void(self, authorization_id: str, purchase_id: str, trace: Trace | None = None) -> Flow[None]: ...


class Vehicles(Protocol):
    def activate(
        self,
        vin: str,
        service_id: str,
        config: dict[str, Any],
        trace: Trace | None = None,
        key: str | None = None,
    ) -> Flow[Activation]: ...


class Factory(Protocol):
    def place(
        self, spec: VehicleSpec, customer_reference: str, idempotency_key: str, trace: Trace | None = None
    ) -> Flow[FactoryOrder]: ...
    def status(self, order_id: str, trace: Trace | None = None) -> Flow[FactoryStatus]: ...


class Registries(Protocol):
    def register(
        self, country: str, vin: str, order_id: str, owner: Owner, trace: Trace | None = None
    ) -> Flow[Registration]: ...


@dataclass(frozen=True, slots=True)
class Dependencies:
    records: Records
    customers: Customers
    operations: Operations
    maintenance: Maintenance  # VSS
    payments: Payments
    vehicles: Vehicles  # the IoT API
    factory: Factory
    registries: Registries  # the Admin bodies
    spawn: Callable[[Flow[Any]], object]  # runs a flow on its own; flows start theirs supervised
    telemetry: Telemetry
    silence_poll_after_s: float  # poll Factory about an order it has not mentioned for this long
    silence_sweep_s: float  # how often to look for such orders
