"""The policy file's schema. Every bound here is what a user sees in an error message.

Numbers and switches are strict: TOML is typed, so `max_retries = true` or `timeout_s = "60"` is a mistake
to name, not a value to coerce into one retry or 60 s. A field of seconds still takes an integer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, model_validator

Backoff = Literal["fixed", "exponential", "list"]
Jitter = Literal["none", "full", "equal", "decorrelated"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetryPolicy(_Frozen):
    timeout_s: StrictFloat = Field(gt=0, le=86_400)
    max_retries: StrictInt = Field(ge=0, le=50)
    backoff: Backoff = "fixed"
    wait_s: StrictFloat = Field(default=0, ge=0, le=86_400)
    multiplier: StrictFloat = Field(default=2.0, ge=1, le=10)
    max_wait_s: StrictFloat = Field(default=3_600, ge=0, le=86_400)
    delays_s: tuple[StrictFloat, ...] = ()
    jitter: Jitter = "none"
    on_failure: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> RetryPolicy:
        if self.backoff == "list" and not self.delays_s:
            raise ValueError("backoff 'list' needs a non-empty delays_s")
        if any(d < 0 for d in self.delays_s):
            raise ValueError("delays_s must hold non-negative seconds")
        return self

    @property
    def attempts(self) -> int:
        return self.max_retries + 1


class OtaActivationPolicy(RetryPolicy):
    ack_timeout_s: StrictFloat = Field(default=10, gt=0, le=3_600)
    poll_interval_s: StrictFloat = Field(default=5, gt=0, le=3_600)


class VssQueryPolicy(RetryPolicy):
    cache_ttl_s: StrictFloat = Field(default=3_600, ge=0, le=7 * 86_400)
    token_refresh_margin_s: StrictFloat = Field(default=60, ge=0, le=3_600)


class WebhookReceiptPolicy(_Frozen):
    max_age_s: StrictFloat = Field(default=300, gt=0, le=86_400)
    rate_limit_per_minute: StrictInt = Field(default=100, ge=1, le=1_000_000)
    silence_poll_after_s: StrictFloat = Field(default=7_200, gt=0, le=30 * 86_400)
    on_failure: str = ""


class BreakerPolicy(_Frozen):
    enabled: StrictBool = True
    failure_threshold: StrictInt = Field(default=5, ge=1, le=10_000)
    sliding_window_s: StrictFloat = Field(default=60, gt=0, le=86_400)
    open_duration_s: StrictFloat = Field(default=60, gt=0, le=86_400)
    half_open_permitted_calls: StrictInt = Field(default=1, ge=1, le=100)
    probe_timeout_s: StrictFloat = Field(default=30, gt=0, le=86_400)


class Breakers(_Frozen):
    factory: BreakerPolicy
    vss: BreakerPolicy
    iot: BreakerPolicy
    payment: BreakerPolicy
    admin: BreakerPolicy


class Policies(_Frozen):
    ota_activation: OtaActivationPolicy
    factory_order: RetryPolicy
    vss_query: VssQueryPolicy
    payment: RetryPolicy
    admin_registration: RetryPolicy
    webhook_receipt: WebhookReceiptPolicy
    breakers: Breakers

    def retried(self) -> dict[str, RetryPolicy]:
        """The integrations that follow the retry matrix, in the specification's order."""
        return {
            "ota_activation": self.ota_activation,
            "factory_order": self.factory_order,
            "vss_query": self.vss_query,
            "payment": self.payment,
            "admin_registration": self.admin_registration,
        }
