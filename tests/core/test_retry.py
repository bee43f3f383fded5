"""Retry timelines in simulated time: the attempts and gaps each policy implies, to the second."""

from __future__ import annotations

import itertools

import pytest

from caas_core.errors import CallTimeout, CircuitOpen, ClientError, ServerError
from caas_core.policies import load_policies
from caas_core.policies.models import BreakerPolicy, RetryPolicy
from caas_core.resilience import NO_BREAKER, CircuitBreaker, call_with_retry
from caas_core.telemetry import Telemetry
from tests.helpers.scripted import HANG, answer, call_x, scripted

POLICIES = load_policies()


def run_retry(policy: RetryPolicy, *exchanges, gate=NO_BREAKER, seed=1):
    runtime, transport = scripted(seed, *exchanges)
    telemetry = Telemetry()
    flow = call_with_retry(call_x, policy, system="x", route="GET /thing", telemetry=telemetry, gate=gate)
    handle = runtime.spawn(flow)
    runtime.run()
    return runtime, transport, handle, telemetry


def test_vss_policy_fast_failures_wait_5_10_20():
    runtime, transport, handle, telemetry = run_retry(POLICIES.vss_query, answer(503))
    assert transport.arrivals == [0, 5, 15, 35]
    with pytest.raises(ServerError):
        handle.result()
    assert runtime.now() == 35
    assert telemetry.metrics.retry_count[("x", "GET /thing")] == 3


def test_vss_policy_timeouts_give_up_at_55s():
    runtime, transport, handle, _ = run_retry(POLICIES.vss_query, HANG)
    assert transport.arrivals == [0, 10, 25, 50]
    with pytest.raises(CallTimeout):
        handle.result()
    assert runtime.now() == 55


def test_ota_policy_six_attempts_30s_apart():
    _, transport, handle, _ = run_retry(POLICIES.ota_activation, answer(500))
    assert transport.arrivals == [0, 30, 60, 90, 120, 150]
    with pytest.raises(ServerError):
        handle.result()


def test_ota_policy_timeouts_give_up_at_the_worst_case():
    runtime, transport, _, _ = run_retry(POLICIES.ota_activation, HANG)
    assert transport.arrivals == [0, 90, 180, 270, 360, 450]
    assert runtime.now() == 510


def test_success_on_the_third_attempt_returns_its_answer():
    _, transport, handle, telemetry = run_retry(
        POLICIES.vss_query, answer(503), answer(502), answer(200, 0.5)
    )
    assert transport.arrivals == [0, 5, 15]
    assert handle.result().status == 200
    outcomes = [dict(e.data)["outcome"] for e in telemetry.of_kind("attempt")]
    assert outcomes == ["ServerError", "ServerError", "ok"]


def test_a_client_error_is_not_retried():
    _, transport, handle, _ = run_retry(POLICIES.vss_query, answer(404))
    assert transport.arrivals == [0]
    with pytest.raises(ClientError):
        handle.result()


def test_payment_retries_once_immediately():
    _, transport, _, _ = run_retry(POLICIES.payment, HANG)
    assert transport.arrivals == [0, 30]


def test_the_breaker_sees_every_attempt_and_stops_the_retries():
    telemetry = Telemetry()
    breaker = CircuitBreaker("x", BreakerPolicy(failure_threshold=3, sliding_window_s=60), telemetry.circuit)
    runtime, transport, handle, _ = run_retry(POLICIES.vss_query, answer(503), gate=breaker)
    assert transport.arrivals == [0, 5, 15]  # the 4th attempt, at 35 s, is refused without being sent
    with pytest.raises(CircuitOpen):
        handle.result()
    assert [(e.t, dict(e.data)["new"]) for e in telemetry.of_kind("circuit")] == [(15, "open")]
    assert runtime.now() == 35


def test_exponential_backoff_is_capped():
    policy = RetryPolicy(
        timeout_s=1, max_retries=3, backoff="exponential", wait_s=5, multiplier=2, max_wait_s=12
    )
    _, transport, _, _ = run_retry(policy, answer(503))
    assert transport.arrivals == [0, 5, 15, 27]


def test_list_backoff_repeats_its_last_delay():
    policy = RetryPolicy(timeout_s=1, max_retries=3, backoff="list", delays_s=(1, 2))
    _, transport, _, _ = run_retry(policy, answer(503))
    assert transport.arrivals == [0, 1, 3, 5]


def gaps(arrivals):
    return [b - a for a, b in itertools.pairwise(arrivals)]


def test_full_jitter_draws_within_the_nominal_delay_and_repeats_per_seed():
    policy = RetryPolicy(timeout_s=1, max_retries=5, backoff="fixed", wait_s=30, jitter="full")
    first = gaps(run_retry(policy, answer(503), seed=7)[1].arrivals)
    again = gaps(run_retry(policy, answer(503), seed=7)[1].arrivals)
    other = gaps(run_retry(policy, answer(503), seed=8)[1].arrivals)
    assert first == again
    assert first != other
    # Each gap drawn anew from 0 to 30 s.
    assert [round(g, 6) for g in first] == [28.647087, 7.418912, 20.224083, 9.765018, 24.540065]


def test_equal_jitter_keeps_half_the_delay():
    policy = RetryPolicy(timeout_s=1, max_retries=4, backoff="fixed", wait_s=20, jitter="equal")
    delays = gaps(run_retry(policy, answer(503))[1].arrivals)
    assert [round(g, 6) for g in delays] == [19.730193, 17.198928, 19.666825, 12.411347]  # 10 to 20 s


def test_decorrelated_jitter_grows_from_the_previous_delay_up_to_the_cap():
    policy = RetryPolicy(
        timeout_s=1, max_retries=6, backoff="exponential", wait_s=2, max_wait_s=40, jitter="decorrelated"
    )
    delays = gaps(run_retry(policy, answer(503))[1].arrivals)
    # Each from 2 s to three times the one before (2 s before the first), at most 40 s.
    assert [round(g, 6) for g in delays] == [5.892077, 13.285206, 38.594363, 29.437046, 40.0, 40.0]
