"""VSSMaintenanceAdapter: is this vehicle's maintenance good enough to sell it a service?

Rules:
1. Ask VSS under the `vss_query` policy (retries, backoff) behind the VSS breaker; a token is fetched
   with OAuth 2.0 client credentials, kept, and refreshed `token_refresh_margin_s` before it expires.
2. A fresh answer is cached. When VSS fails (or the breaker is open), an answer younger than
   `cache_ttl_s` is used instead; without one the purchase is blocked as "VSS unavailable".
3. OVERDUE blocks the purchase; CURRENT and DUE_SOON allow it. An unknown VIN is refused, never cached.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from caas_core.adapters.integration import Endpoint, Integration, Trace, new_trace, read
from caas_core.effects import NOW, Flow
from caas_core.errors import ClientError, IntegrationError, MalformedResponse
from caas_core.policies.models import VssQueryPolicy
from caas_core.resilience.cache import TtlCache
from caas_core.resilience.deadline import Deadline
from httpkit.messages import HttpRequest, HttpResponse

MAINTENANCE = Endpoint("GET", "/api/v2/vehicles/{vin}/maintenance")
TOKEN = Endpoint("POST", "/oauth/token")
ENDPOINTS = (MAINTENANCE, TOKEN)  # its route table

Verdict = Literal["allowed", "blocked_maintenance", "blocked_vss_unavailable", "unknown_vehicle"]
Source = Literal["vss", "cache", "none"]


class MaintenanceRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    vin: str
    status: Literal["CURRENT", "DUE_SOON", "OVERDUE"]
    percentage: float


@dataclass(frozen=True, slots=True)
class MaintenanceCheck:
    vin: str
    verdict: Verdict
    source: Source
    status: str | None = None
    age_s: float | None = None  # how old a cached answer was

    @property
    def allowed(self) -> bool:
        return self.verdict == "allowed"


@dataclass(frozen=True, slots=True)
class VssCredentials:
    client_id: str
    client_secret: str

    def basic(self) -> str:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    refresh_at: float


class VssMaintenanceAdapter:
    def __init__(self, vss: Integration[VssQueryPolicy], credentials: VssCredentials) -> None:
        self.vss = vss
        self.policy = vss.policy
        self.credentials = credentials
        self.cache: TtlCache[MaintenanceRecord] = TtlCache(self.policy.cache_ttl_s)
        self._token: _Token | None = None

    def check(self, vin: str, trace: Trace | None = None) -> Flow[MaintenanceCheck]:
        trace = trace or (yield from new_trace())
        try:
            record = yield from self.vss.call(
                MAINTENANCE, lambda deadline: self._attempt(vin, deadline, trace), trace
            )
        except ClientError as error:
            if error.status == 404:
                return MaintenanceCheck(vin, "unknown_vehicle", "vss")
            return (yield from self._fallback(vin))
        except IntegrationError:
            return (yield from self._fallback(vin))
        self.cache.put(vin, record, (yield NOW))
        return _judge(record, "vss")

    def _fallback(self, vin: str) -> Flow[MaintenanceCheck]:
        now = yield NOW
        cached = self.cache.get(vin, now)
        if cached is None:
            return MaintenanceCheck(vin, "blocked_vss_unavailable", "none")
        return _judge(cached.value, "cache", cached.age(now))

    def _attempt(self, vin: str, deadline: Deadline, trace: Trace) -> Flow[MaintenanceRecord]:
        try:
            response = yield from self._query(vin, deadline, trace)
        except ClientError as error:
            if error.status != 401:
                raise
            self._token = None  # revoked or expired early: one fresh token, one more try
            response = yield from self._query(vin, deadline, trace)
        return read(response, MaintenanceRecord, "unreadable maintenance record")

    def _query(self, vin: str, deadline: Deadline, trace: Trace) -> Flow[HttpResponse]:
        token = yield from self._bearer(deadline, trace)
        request = HttpRequest("GET", MAINTENANCE.path(vin=vin), headers={"Authorization": f"Bearer {token}"})
        return (yield from self.vss.send(MAINTENANCE, request, deadline, trace))

    def _bearer(self, deadline: Deadline, trace: Trace) -> Flow[str]:
        now = yield NOW
        if self._token is not None and now < self._token.refresh_at:
            return self._token.value
        request = HttpRequest(
            "POST",
            TOKEN.path(),
            headers={"Authorization": self.credentials.basic()},
            form={"grant_type": "client_credentials"},
        )
        response = yield from self.vss.send(TOKEN, request, deadline, trace)
        try:
            body = response.json()
            value, lifetime = str(body["access_token"]), float(body["expires_in"])
        except (ValueError, KeyError, TypeError):
            raise MalformedResponse(response.status, "unreadable token response") from None
        self._token = _Token(value, now + lifetime - self.policy.token_refresh_margin_s)
        self.vss.telemetry.record(now, "token", self.vss.system, refresh_at=self._token.refresh_at)
        return value


def _judge(record: MaintenanceRecord, source: Source, age_s: float | None = None) -> MaintenanceCheck:
    verdict: Verdict = "blocked_maintenance" if record.status == "OVERDUE" else "allowed"
    return MaintenanceCheck(record.vin, verdict, source, record.status, age_s)
