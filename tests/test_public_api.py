"""The public surface of each package, pinned: a change to it is a visible, deliberate diff."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "caas_core": [
        "NOW",
        "ActivationFailed",
        "OrderRejected",
        "PaymentUnavailable",
        "RegistrationRejected",
        "AttemptTimeout",
        "CallTimeout",
        "CircuitOpen",
        "ClientError",
        "ConfigError",
        "ConnectionFailed",
        "Draw",
        "Effect",
        "Event",
        "Flow",
        "HttpRequest",
        "HttpResponse",
        "IllegalTransition",
        "IntegrationError",
        "MalformedResponse",
        "Now",
        "RemoteError",
        "Runtime",
        "SandboxError",
        "Send",
        "ServerError",
        "Sleep",
        "Telemetry",
        "TransportError",
    ],
    "caas_core.policies": [
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
        "worst_case_give_up_s",
    ],
    "caas_core.resilience": [
        "CLOSED",
        "HALF_OPEN",
        "OPEN",
        "Cached",
        "CircuitBreaker",
        "Deadline",
        "NoBreaker",
        "Permit",
        "TtlCache",
        "breaker_for",
        "call_with_retry",
        "guarded",
    ],
    "runtimes": [
        "BackgroundServer",
        "FastTransport",
        "LiveRuntime",
        "SimHandle",
        "SimulatedRuntime",
        "Streams",
        "Transport",
        "WireTransport",
        "stream_seed",
    ],
    "caas_core.webhooks": ["Verdict", "WebhookReceiver", "WebhookSource"],
    "simulators.vss": ["VssConfig", "VssModel", "create_app", "create_simulator"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names(module):
    imported = importlib.import_module(module)
    assert sorted(imported.__all__) == sorted(PUBLIC[module])
    assert all(hasattr(imported, name) for name in imported.__all__)
