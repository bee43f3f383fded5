"""How the core reaches the five systems: credentials, webhook secrets and allowlists, the service
catalogue, and where its state lives. The defaults are the sandbox's own credentials."""

from __future__ import annotations

import base64

from pydantic import BaseModel, ConfigDict, Field, model_validator

from caas_core.systems import COUNTRIES

SANDBOX_FACTORY_SECRET = "whsec_" + base64.b64encode(b"caas-sandbox-factory-webhooks-v1").decode()
SANDBOX_PAYMENT_SECRET = "whsec_" + base64.b64encode(b"caas-sandbox-payment-webhooks-v1").decode()
LOOPBACK = ("127.0.0.0/8", "::1/128")
# The sandbox's credentials: the simulators' defaults and the core's, named once so the two cannot drift.
SANDBOX_FACTORY_API_KEY = "factory-sandbox-key"
SANDBOX_VSS_CLIENT_ID = "caas-sandbox"
SANDBOX_VSS_CLIENT_SECRET = "vss-sandbox-secret"
SANDBOX_IOT_KEY_ID = "caas-sandbox"
SANDBOX_IOT_PSK = "iot-sandbox-psk-3f9a1c"
SANDBOX_PAYMENT_API_KEY = "pay-sandbox-key"
# The core's own API tokens in simulated runs; `serve` makes random ones unless told which to use.
SANDBOX_CORE_API_TOKEN = "core-sandbox-api-token"
SANDBOX_CORE_OPERATOR_TOKEN = "core-sandbox-operator-token"


def sandbox_admin_token(country: str) -> str:
    return f"admin-{country.lower()}-sandbox-token"


class CoreConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    factory_api_key: str = SANDBOX_FACTORY_API_KEY
    vss_client_id: str = SANDBOX_VSS_CLIENT_ID
    vss_client_secret: str = SANDBOX_VSS_CLIENT_SECRET
    iot_key_id: str = SANDBOX_IOT_KEY_ID
    iot_psk: str = SANDBOX_IOT_PSK
    payment_api_key: str = SANDBOX_PAYMENT_API_KEY
    admin_tokens: dict[str, str] = Field(
        default_factory=lambda: {c: sandbox_admin_token(c) for c in COUNTRIES}
    )
    factory_webhook_secret: str = SANDBOX_FACTORY_SECRET
    payment_webhook_secret: str = SANDBOX_PAYMENT_SECRET
    # Webhooks are taken only from these networks, per source.
    webhook_allowlist: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: {"factory": LOOPBACK, "payment": LOOPBACK}
    )
    # Over-the-air services on sale, with their price in minor units of `currency`.
    services: dict[str, int] = Field(
        default_factory=lambda: {"enhanced-power": 4900, "remote-climate": 1900, "track-mode": 9900}
    )
    currency: str = "EUR"
    database: str = ":memory:"
    # Bearer tokens of the core's API: the client's (orders, purchases, traces), and the operator's, which
    # opens everything (alerts, notifications, retries, faults, the dashboard, the clock) too.
    api_token: str = Field(default=SANDBOX_CORE_API_TOKEN, min_length=12, pattern=r"^[\x21-\x7e]+$")
    operator_token: str = Field(default=SANDBOX_CORE_OPERATOR_TOKEN, min_length=12, pattern=r"^[\x21-\x7e]+$")
    # How many traces the core keeps its own record of (calls, webhooks received, API requests): 0 keeps
    # none, as simulated runs do; the live sandbox keeps the latest.
    traces_kept: int = Field(default=0, ge=0, le=1_000_000)
    # How often the core looks for orders Factory has been silent about.
    silence_sweep_s: float = Field(default=600, gt=0)

    @model_validator(mode="after")
    def _two_tokens(self) -> CoreConfig:
        if self.api_token == self.operator_token:
            raise ValueError("the API token and the operator token must differ")
        return self
