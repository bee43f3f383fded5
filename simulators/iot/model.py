"""IoT API behaviour: signed requests, configuration commands and their journey to the vehicle.

Rules:
1. A request is authentic when its key id is the sandbox key's, its timestamp is within
   `max_clock_skew_s` of the simulator's clock (runtime epoch + runtime time), and its signature is
   `caas_core.signing.sign_iot_request` over the canonical body.
2. A command is PENDING when accepted; it becomes IN_PROGRESS when it reaches the vehicle (see
   `network.py`), then COMPLETED or FAILED after the vehicle's processing time. A command that the
   network loses `max_delivery_attempts` times is FAILED with VEHICLE_UNREACHABLE; one for a vehicle
   that is never reachable stays PENDING.
3. Test vehicles: HEALTHY and LAPSED always succeed, FAULTY always fails, ASLEEP is never reached.
   Other vehicles fail with probability `failure_rate`.
4. Everything later happens in runtime callbacks; draws come from named streams, one per quantity, so
   adding a draw of one kind never shifts the others.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from caas_core.cards import contains_card_number
from caas_core.config import SANDBOX_IOT_KEY_ID, SANDBOX_IOT_PSK
from caas_core.domain.lifecycle import Lifecycle
from caas_core.runtime import Runtime
from caas_core.signing import iot_signature_valid
from simulators.iot.network import ONLINE, LinkConfig, Network
from simulators.kit.capacity import CapacitySetting
from simulators.kit.distributions import Duration, Latency, Lognormal
from simulators.kit.fleet import shared_fleet, unit_hash
from simulators.kit.idempotency import IdempotencyStore
from simulators.kit.timestamps import rfc3339

PENDING, IN_PROGRESS, COMPLETED, FAILED = "PENDING", "IN_PROGRESS", "COMPLETED", "FAILED"
LIFECYCLE = Lifecycle(
    "IoT command",
    {
        PENDING: {"delivered": IN_PROGRESS, "lost": FAILED},
        IN_PROGRESS: {"succeeded": COMPLETED, "failed": FAILED},
        COMPLETED: {},
        FAILED: {},
    },
)
FAILURE_REASONS = ("ECU_REJECTED", "INCOMPATIBLE_FIRMWARE", "INSUFFICIENT_BATTERY", "DOWNLOAD_CORRUPTED")
FIRMWARE = ("4.2.1", "4.3.0", "4.3.2", "5.0.1")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only, matched whole


class IotConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fleet_size: int = Field(default=1_000, ge=4, le=1_000_000)
    key_id: str = SANDBOX_IOT_KEY_ID
    psk: str = SANDBOX_IOT_PSK
    max_clock_skew_s: float = Field(default=300, ge=0, le=86_400)
    latency: Latency = Lognormal(p50_ms=80, p99_ms=600)  # the HTTP API's own
    capacity: CapacitySetting | None = None  # unlimited; see kit.capacity
    link: LinkConfig = LinkConfig()
    transit: Duration = Lognormal(p50_s=2, p99_s=45)  # platform to vehicle
    processing: Duration = Lognormal(p50_s=20, p99_s=120)  # on the vehicle
    failure_rate: float = Field(default=0.03, ge=0, le=1)
    max_delivery_attempts: int = Field(default=5, ge=1, le=1_000)


@dataclass(slots=True)
class Command:
    id: str
    vin: str
    service_id: str
    config: dict[str, Any]
    created_at: float
    updated_at: float
    status: str = PENDING
    failure_reason: str | None = None
    attempts: int = 0  # deliveries tried, including the one that arrived
    # (updated_at, createdAt, updatedAt) as last formatted: a command is polled far more often than it moves
    stamps: tuple[float, str, str] | None = field(default=None, repr=False, compare=False)


class IotModel:
    def __init__(self, runtime: Runtime, config: IotConfig) -> None:
        self.runtime = runtime
        self.config = config
        self.fleet = shared_fleet(runtime.seed, config.fleet_size)
        self.network = Network(runtime, config.link)
        self._ids = runtime.stream(f"iot.command-ids{runtime.instance}")
        self._transit = runtime.stream("iot.transit")
        self._processing = runtime.stream("iot.processing")
        self._outcomes = runtime.stream("iot.outcomes")
        self.commands: dict[str, Command] = {}
        self.idempotency = IdempotencyStore()
        self.services: dict[str, dict[str, dict[str, Any]]] = {}  # vin -> serviceId -> entry
        self.auth_rejections = 0

    # -- authentication -------------------------------------------------------------------------
    def clock(self) -> float:
        return self.runtime.epoch + self.runtime.now()

    def authenticate(
        self,
        key_id: str | None,
        timestamp: str | None,
        signature: str | None,
        method: str,
        path: str,
        body: bytes,
    ) -> str | None:
        """None when the request is authentic, else why it is not."""
        reason = self._auth_failure(key_id, timestamp, signature, method, path, body)
        if reason is not None:
            self.auth_rejections += 1
        return reason

    def _auth_failure(
        self, key_id: str | None, ts: str | None, signature: str | None, method: str, path: str, body: bytes
    ) -> str | None:
        if not key_id or not ts or not signature:
            return "sign the request: X-IoT-Key-Id, X-IoT-Timestamp and X-IoT-Signature are required"
        if key_id != self.config.key_id:
            return f"unknown key id {key_id!r}"
        if not _TIMESTAMP.fullmatch(ts):
            return "X-IoT-Timestamp must be Unix seconds"
        skew, allowed = int(ts) - self.clock(), self.config.max_clock_skew_s
        if abs(skew) > allowed:
            return f"X-IoT-Timestamp is {skew:+.0f} s from the server clock; at most {allowed:g} s allowed"
        if not iot_signature_valid(self.config.psk, ts, method, path, body, signature):
            return "the signature does not match the request"
        return None

    def _new_command_id(self) -> str:
        """A random UUID that never reads as a card number: the client puts it in a path, and a path
        with a card number in it is refused. A draw whose digits happen to pass for one is drawn again."""
        while True:
            command_id = str(uuid.UUID(int=self._ids.getrandbits(128), version=4))
            if not contains_card_number(command_id):
                return command_id

    # -- the API --------------------------------------------------------------------------------
    def knows(self, vin: str) -> bool:
        return vin in self.fleet

    def configure(self, vin: str, service_id: str, service_config: dict[str, Any]) -> Command:
        now = self.runtime.now()
        command_id = self._new_command_id()
        command = Command(command_id, vin, service_id, service_config, now, now)
        self.commands[command_id] = command
        delivery = self.network.deliver(
            vin, now, self.config.transit, self._transit, self.config.max_delivery_attempts
        )
        if delivery is not None:  # None: never reachable, so the command waits for ever
            command.attempts = delivery.attempts
            event = "delivered" if delivery.arrived else "lost"
            self._later(delivery.at - now, command, lambda: self._on_arrival(command, event))
        return command

    def command(self, vin: str, command_id: str) -> Command | None:
        command = self.commands.get(command_id)
        return command if command is not None and command.vin == vin else None

    def status(self, vin: str) -> dict[str, Any]:
        now = self.runtime.now()
        period = self.network.link(vin).at(now)
        online = period.state == ONLINE
        contact = now if online else period.start  # a gap starts at the last contact
        return {
            "vin": vin,
            "online": online,
            "lastContact": self.iso(contact),
            "telemetry": self._telemetry(vin, contact, period.state),
            "activeServices": list(self.services.get(vin, {}).values()),
        }

    def iso(self, t: float) -> str:
        return rfc3339(self.runtime, t, "milliseconds")

    def command_view(self, command: Command) -> dict[str, Any]:
        stamps = command.stamps
        if stamps is None or stamps[0] != command.updated_at:
            stamps = (command.updated_at, self.iso(command.created_at), self.iso(command.updated_at))
            command.stamps = stamps
        view = {
            "commandId": command.id,
            "vin": command.vin,
            "serviceId": command.service_id,
            "status": command.status,
            "createdAt": stamps[1],
            "updatedAt": stamps[2],
        }
        if command.failure_reason is not None:
            view["failureReason"] = command.failure_reason
        return view

    def state(self) -> dict[str, Any]:
        by_status = Counter(command.status for command in self.commands.values())
        return {
            "fleet_size": self.config.fleet_size,
            "commands": {status: by_status[status] for status in LIFECYCLE.states},
            "commands_total": len(self.commands),
            "active_services": sum(len(s) for s in self.services.values()),
            "vehicles_tracked": self.network.tracked(),
            "auth_rejections": self.auth_rejections,
        }

    def reset(self) -> None:
        # The network stays: vehicles' timelines are the world's, not the API's state.
        self.commands.clear()
        self.idempotency.clear()
        self.services.clear()
        self.auth_rejections = 0

    # -- what happens later ---------------------------------------------------------------------
    def _later(self, delay: float, command: Command, callback: Any) -> None:
        def fire() -> None:
            if self.commands.get(command.id) is command:  # not forgotten by a reset meanwhile
                callback()

        self.runtime.call_later(max(0.0, delay), fire)

    def _on_arrival(self, command: Command, event: str) -> None:
        if event == "lost":
            self._move(command, "lost", "VEHICLE_UNREACHABLE")
            return
        self._move(command, "delivered")
        processing = self.config.processing.sample(self._processing)
        reason = self._failure(command.vin)
        outcome = "succeeded" if reason is None else "failed"
        self._later(processing, command, lambda: self._finish(command, outcome, reason))

    def _failure(self, vin: str) -> str | None:
        if vin == "SBXFAULTY00000001":
            return "ECU_REJECTED"
        if vin in ("SBXHEALTHY0000001", "SBXLAPSED00000001"):
            return None
        if self._outcomes.random() >= self.config.failure_rate:
            return None
        return FAILURE_REASONS[self._outcomes.randrange(0, len(FAILURE_REASONS))]

    def _finish(self, command: Command, outcome: str, reason: str | None) -> None:
        self._move(command, outcome, reason)
        if outcome == "succeeded":
            self.services.setdefault(command.vin, {})[command.service_id] = {
                "serviceId": command.service_id,
                "config": command.config,
                "activatedAt": self.iso(command.updated_at),
                "commandId": command.id,
            }

    def _move(self, command: Command, event: str, reason: str | None = None) -> None:
        command.status, command.updated_at = LIFECYCLE.move(command.status, event), self.runtime.now()
        if reason is not None:
            command.failure_reason = reason

    def _telemetry(self, vin: str, contact: float, state: str) -> dict[str, Any]:
        seed = self.runtime.seed
        base_km = 5_000 + 80_000 * unit_hash(seed, f"iot.odometer:{vin}")
        km_per_day = 10 + 70 * unit_hash(seed, f"iot.km-per-day:{vin}")
        return {
            "odometerKm": round(base_km + km_per_day * contact / 86_400, 1),
            "batteryVoltage": round(12.2 + 0.6 * unit_hash(seed, f"iot.battery:{vin}"), 2),
            "firmwareVersion": FIRMWARE[int(unit_hash(seed, f"iot.firmware:{vin}") * len(FIRMWARE))],
            "connectivity": state,
        }
