"""The retry matrix as rows, with two derived columns: worst-case time to give up, and load amplification."""

from __future__ import annotations

from typing import Any

from caas_core.policies.models import Policies, RetryPolicy
from caas_core.resilience.backoff import worst_delay


def worst_case_give_up_s(policy: RetryPolicy) -> float:
    """Time until the core gives up when every attempt runs to its timeout and every wait is longest."""
    waits = sum(worst_delay(policy, retry) for retry in range(policy.max_retries))
    return policy.attempts * policy.timeout_s + waits


def describe_backoff(policy: RetryPolicy) -> str:
    if policy.max_retries == 0:
        return "none"
    waits = [worst_delay(policy, retry) for retry in range(policy.max_retries)]
    if all(w == 0 for w in waits):
        shown = "immediate"
    elif policy.backoff == "fixed":
        shown = f"fixed {_seconds(policy.wait_s)}"
    else:
        shown = f"{policy.backoff} " + ", ".join(_seconds(w) for w in waits)
    return shown if policy.jitter == "none" else f"{shown} ({policy.jitter} jitter)"


def matrix_rows(policies: Policies) -> dict[str, dict[str, Any]]:
    """One row per integration, keyed by name, in the specification's order."""
    rows: dict[str, dict[str, Any]] = {}
    for name, policy in policies.retried().items():
        rows[name] = {
            "timeout_s": policy.timeout_s,
            "max_retries": policy.max_retries,
            "attempts": policy.attempts,
            "backoff": policy.backoff,
            "jitter": policy.jitter,
            "delays_s": [worst_delay(policy, retry) for retry in range(policy.max_retries)],
            "backoff_summary": describe_backoff(policy),
            "on_failure": policy.on_failure,
            "worst_case_give_up_s": worst_case_give_up_s(policy),
            "max_amplification": policy.attempts,
        }
    rows["ota_activation"]["ack_timeout_s"] = policies.ota_activation.ack_timeout_s
    rows["vss_query"]["cache_ttl_s"] = policies.vss_query.cache_ttl_s
    receipt = policies.webhook_receipt
    rows["webhook_receipt"] = {
        "timeout_s": None,
        "max_retries": None,
        "attempts": None,
        "backoff": None,
        "backoff_summary": "n/a (incoming)",
        "on_failure": receipt.on_failure,
        "worst_case_give_up_s": None,
        "max_amplification": None,
        "max_age_s": receipt.max_age_s,
        "rate_limit_per_minute": receipt.rate_limit_per_minute,
    }
    return rows


def breaker_rows(policies: Policies) -> dict[str, dict[str, Any]]:
    return {name: policy.model_dump() for name, policy in policies.breakers}


def _seconds(value: float) -> str:
    return f"{value:g}s"


def shortest_timeout(policies: Policies) -> tuple[str, float]:
    """The shortest time the core waits for any answer under `policies`, as (its key, seconds): every
    integration's timeout, the OTA acknowledgement's, and each enabled breaker's probe timeout."""
    timeouts = {f"{name}.timeout_s": policy.timeout_s for name, policy in policies.retried().items()}
    timeouts["ota_activation.ack_timeout_s"] = policies.ota_activation.ack_timeout_s
    for name, breaker in policies.breakers:
        if breaker.enabled:
            timeouts[f"breakers.{name}.probe_timeout_s"] = breaker.probe_timeout_s
    key = min(timeouts, key=timeouts.__getitem__)  # a tie names the first: an integration before a breaker
    return key, timeouts[key]
