"""Resilience policies as data: the shipped defaults, a user's overrides, and the derived matrix."""

from caas_core.policies.load import default_policy_text, load_policies, merge
from caas_core.policies.matrix import breaker_rows, matrix_rows, shortest_timeout, worst_case_give_up_s
from caas_core.policies.models import (
    BreakerPolicy,
    OtaActivationPolicy,
    Policies,
    RetryPolicy,
    VssQueryPolicy,
    WebhookReceiptPolicy,
)

__all__ = [
    "BreakerPolicy",
    "OtaActivationPolicy",
    "Policies",
    "RetryPolicy",
    "VssQueryPolicy",
    "WebhookReceiptPolicy",
    "breaker_rows",
    "default_policy_text",
    "load_policies",
    "matrix_rows",
    "merge",
    "shortest_timeout",
    "worst_case_give_up_s",
]
