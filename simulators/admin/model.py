"""Admin registry behaviour: one national body's vehicle registrations, plates and scheduled outages.

Rules:
1. A VIN is registered at most once per registry; the registration keeps the order it came with.
2. Plate n of a run (n counts from 0, and restarts on reset) is drawn in the country's current format
   (simulators.admin.plates) from a stream seeded with f"{runtime.seed}:{system}:{n}", so the same seed
   gives the same plates. A plate already issued is skipped by drawing n + 1, so plates stay unique.
3. Registration ids are f"REG-{country}-{instance}{k:06d}", k counting registrations from 1 (the
   runtime's instance is empty in simulated runs, and names the start in live ones).
4. During a scheduled outage (config) the registry answers nothing but 503s; these are behaviour, not
   injected faults, so they survive a reset of the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from caas_core.runtime import Runtime
from simulators.admin.countries import Country
from simulators.admin.plates import draw_plate
from simulators.kit.capacity import CapacitySetting
from simulators.kit.distributions import Latency, Lognormal
from simulators.kit.timestamps import rfc3339


class Outage(BaseModel):
    """A scheduled outage, in runtime seconds: [from_s, until_s)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    from_s: float = Field(ge=0)
    until_s: float = Field(gt=0)

    @model_validator(mode="after")
    def _window(self) -> Outage:
        if self.until_s <= self.from_s:
            raise ValueError("until_s must be later than from_s")
        return self


class AdminConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    token: str | None = Field(default=None, min_length=1)  # None: the country's sandbox token
    # Registration is a synchronous back-office transaction: slow, with a long tail (timeout is 60 s).
    latency: Latency = Lognormal(p50_ms=800, p99_ms=6_000)
    capacity: CapacitySetting | None = None  # unlimited; see kit.capacity
    outages: tuple[Outage, ...] = ()


@dataclass(frozen=True, slots=True)
class Registration:
    registration_id: str
    vin: str
    plate: str
    country: str
    order_id: str
    registered_at: str  # ISO 8601, UTC
    owner: dict[str, Any]

    def as_body(self) -> dict[str, str]:
        return {
            "registrationId": self.registration_id,
            "plate": self.plate,
            "country": self.country,
            "registeredAt": self.registered_at,
        }


class AdminModel:
    def __init__(self, runtime: Runtime, country: Country, config: AdminConfig) -> None:
        self.runtime = runtime
        self.country = country
        self.config = config
        self.token = config.token or country.token
        self._by_vin: dict[str, Registration] = {}
        self._plates: set[str] = set()
        self._plates_drawn = 0

    def outage_until(self) -> float | None:
        """When the scheduled outage in force now ends, or None when the registry is open."""
        now = self.runtime.now()
        ends = [o.until_s for o in self.config.outages if o.from_s <= now < o.until_s]
        return max(ends) if ends else None

    def registration(self, vin: str) -> Registration | None:
        return self._by_vin.get(vin)

    def register(self, vin: str, order_id: str, owner: dict[str, Any]) -> Registration:
        if vin in self._by_vin:
            raise ValueError(f"VIN {vin} is already registered; check registration() first")
        plate = self._new_plate()
        registration = Registration(
            registration_id=f"REG-{self.country.code}-{self.runtime.instance}{len(self._by_vin) + 1:06d}",
            vin=vin,
            plate=plate,
            country=self.country.code,
            order_id=order_id,
            registered_at=rfc3339(self.runtime, self.runtime.now(), "milliseconds"),
            owner=dict(owner),
        )
        self._by_vin[vin] = registration
        return registration

    def state(self) -> dict[str, Any]:
        return {
            "country": self.country.code,
            "registration_count": len(self._by_vin),
            "registrations": [
                {"vin": r.vin, "plate": r.plate, "registrationId": r.registration_id, "orderId": r.order_id}
                for r in self._by_vin.values()
            ],
        }

    def hold(self, registration: Registration) -> None:
        """Keep `registration` as if this registry had made it (a contract's provider state)."""
        self._by_vin[registration.vin] = registration
        self._plates.add(registration.plate)

    def forget(self, vin: str) -> None:
        registration = self._by_vin.pop(vin, None)
        if registration is not None:
            self._plates.discard(registration.plate)

    def reset(self) -> None:
        self._by_vin.clear()
        self._plates.clear()
        self._plates_drawn = 0

    def _new_plate(self) -> str:
        while True:
            # A stream of its own per plate (rule 2), never the global `random`.
            stream = Random(f"{self.runtime.seed}:{self.country.system}:{self._plates_drawn}")
            self._plates_drawn += 1
            plate = draw_plate(self.country.code, stream)
            if plate not in self._plates:
                self._plates.add(plate)
                return plate
