"""The policy file's schema. Every bound here is what a user sees in an error message."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Backoff = Literal["fixed", "exponential", "list"]
Jitter = Literal["none", "full", "equal", "decorrelated"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetryPolicy(_Frozen):
    timeout_s: float = Field(gt=0, le=86_400)
    max_retries: int = Field(ge=0, le=50)
    backoff: Backoff = "fixed"
    wait_s: float = Field(default=0, ge=0, le=86_400)
    multiplier: float = Field(default=2.0, ge=1, le=10)
    max_wait_s: float = Field(default=3_600, ge=0, le=86_400)
    delays_s: tuple[float, ...] = ()
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
    ack_timeout_s: float = Field(default=10, gt=0, le=3_600)
    poll_interval_s: float = Field(default=5, gt=0, le=3_600)


class VssQueryPolicy(RetryPolicy):
    cache_ttl_s: float = Field(default=3_600, ge=0, le=7 * 86_400)
    token_refresh_margin_s: float = Field(default=60, ge=0, le=3_600)


class WebhookReceiptPolicy(_Frozen):
    max_age_s: float = Field(default=300, gt=0, le=86_400)
    rate_limit_per_minute: int = Field(default=100, ge=1, le=1_000_000)
    silence_poll_after_s: float = Field(default=7_200, gt=0, le=30 * 86_400)
    on_failure: str = ""


class BreakerPolicy(_Frozen):
    enabled: bool = True
    failure_threshold: int = Field(default=5, ge=1, le=10_000)
    sliding_window_s: float = Field(default=60, gt=0, le=86_400)
    open_duration_s: float = Field(default=60, gt=0, le=86_400)
    half_open_permitted_calls: int = Field(default=1, ge=1, le=100)
    probe_timeout_s: float = Field(default=30, gt=0, le=86_400)


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
