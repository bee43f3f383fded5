"""VSS behaviour: the workshop system's maintenance records and its OAuth 2.0 token issuer.

Maintenance is derived per vehicle from the seed, so the same VIN has the same record in every run.
Tokens expire `token_ttl_s` after issue, in runtime time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from caas_core.config import SANDBOX_VSS_CLIENT_ID, SANDBOX_VSS_CLIENT_SECRET
from caas_core.runtime import Runtime
from simulators.kit.capacity import CapacitySetting
from simulators.kit.credentials import same_secret
from simulators.kit.distributions import Latency, Lognormal
from simulators.kit.fleet import shared_fleet, unit_hash

FIXED_RECORDS = {
    "SBXHEALTHY0000001": ("CURRENT", 95.0),
    "SBXLAPSED00000001": ("OVERDUE", 12.0),
    "SBXASLEEP00000001": ("CURRENT", 88.0),
    "SBXFAULTY00000001": ("CURRENT", 91.0),
}


class VssConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fleet_size: int = Field(default=1_000, ge=4, le=1_000_000)
    client_id: str = SANDBOX_VSS_CLIENT_ID
    client_secret: str = SANDBOX_VSS_CLIENT_SECRET
    token_ttl_s: float = Field(default=3_600, gt=0, le=86_400)
    latency: Latency = Lognormal(p50_ms=40, p99_ms=250)
    capacity: CapacitySetting | None = None  # unlimited; see kit.capacity
    # Shares of the fleet by maintenance status; the rest is CURRENT.
    due_soon_share: float = Field(default=0.12, ge=0, le=1)
    overdue_share: float = Field(default=0.08, ge=0, le=1)


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    expires_at: float


class VssModel:
    def __init__(self, runtime: Runtime, config: VssConfig) -> None:
        self.runtime = runtime
        self.config = config
        self.fleet = shared_fleet(runtime.seed, config.fleet_size)
        self._tokens_rng = runtime.stream("vss.tokens")
        self.tokens: dict[str, Token] = {}
        self.tokens_issued = 0
        self.queries = 0
        # Records a contract's provider state pinned: they win over the derived ones, and make a VIN known.
        self.pinned: dict[str, tuple[str, float]] = {}

    def issue_token(self, client_id: str, client_secret: str) -> Token | None:
        if client_id != self.config.client_id or not same_secret(client_secret, self.config.client_secret):
            return None
        now = self.runtime.now()
        self.tokens = {v: t for v, t in self.tokens.items() if t.expires_at > now}
        token = Token(f"vss_{self._tokens_rng.getrandbits(128):032x}", now + self.config.token_ttl_s)
        self.tokens[token.value] = token
        self.tokens_issued += 1
        return token

    def token_valid(self, value: str) -> bool:
        token = self.tokens.get(value)
        return token is not None and token.expires_at > self.runtime.now()

    def maintenance(self, vin: str) -> dict[str, Any] | None:
        if vin not in self.fleet and vin not in self.pinned:
            return None
        self.queries += 1
        status, percentage = self.pinned.get(vin) or FIXED_RECORDS.get(vin) or self._derived(vin)
        days_since = int(unit_hash(self.runtime.seed, f"vss.last-service:{vin}") * 300)
        today = datetime.fromtimestamp(self.runtime.epoch + self.runtime.now(), UTC)
        last_service = today - timedelta(days=days_since)
        return {
            "vin": vin,
            "status": status,
            "percentage": percentage,
            "lastServiceDate": last_service.date().isoformat(),
            "nextServiceDue": (last_service + timedelta(days=365)).date().isoformat(),
        }

    def _derived(self, vin: str) -> tuple[str, float]:
        u = unit_hash(self.runtime.seed, f"vss.status:{vin}")
        if u < self.config.overdue_share:
            return "OVERDUE", round(30 * u / self.config.overdue_share, 1)  # u >= 0, so the share is > 0
        if u < self.config.overdue_share + self.config.due_soon_share:
            return "DUE_SOON", round(
                30 + 40 * (u - self.config.overdue_share) / self.config.due_soon_share, 1
            )
        return "CURRENT", round(70 + 30 * unit_hash(self.runtime.seed, f"vss.percentage:{vin}"), 1)

    def state(self) -> dict[str, Any]:
        return {
            "fleet_size": self.config.fleet_size,
            "tokens_issued": self.tokens_issued,
            "tokens_live": sum(1 for t in self.tokens.values() if t.expires_at > self.runtime.now()),
            "queries": self.queries,
        }

    def reset(self) -> None:
        self.pinned.clear()
        self.tokens.clear()
        self.tokens_issued = 0
        self.queries = 0
