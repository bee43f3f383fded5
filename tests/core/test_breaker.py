"""The sliding-window circuit breaker, driven with explicit timestamps."""

from __future__ import annotations

import pytest

from caas_core.errors import CircuitOpen, IllegalTransition
from caas_core.policies.models import BreakerPolicy
from caas_core.resilience import CLOSED, HALF_OPEN, OPEN, CircuitBreaker

IOT = BreakerPolicy(failure_threshold=5, sliding_window_s=60, open_duration_s=60, probe_timeout_s=60)


def make(policy: BreakerPolicy = IOT) -> tuple[CircuitBreaker, list[tuple[float, str, str]]]:
    transitions: list[tuple[float, str, str]] = []
    breaker = CircuitBreaker("iot", policy, lambda t, name, old, new: transitions.append((t, old, new)))
    return breaker, transitions


def fail_at(breaker: CircuitBreaker, *times: float) -> None:
    for t in times:
        breaker.on_failure(breaker.acquire(t), t)


def test_opens_on_the_fifth_failure_inside_60s():
    breaker, transitions = make()
    fail_at(breaker, 0, 15, 30, 45)
    assert breaker.state_at(45) == CLOSED
    fail_at(breaker, 60)
    assert breaker.state == OPEN
    assert transitions == [(60, CLOSED, OPEN)]


def test_five_failures_spread_over_61s_do_not_open_it():
    breaker, transitions = make()
    fail_at(breaker, 0, 15, 30, 45, 61)
    assert breaker.state_at(61) == CLOSED
    assert transitions == []


def test_successes_do_not_reset_the_window():
    breaker, _ = make()
    for t in (0, 10, 20, 30):
        breaker.on_failure(breaker.acquire(t), t)
        breaker.on_success(breaker.acquire(t + 1), t + 1)
    fail_at(breaker, 40)
    assert breaker.state == OPEN


def test_open_refuses_calls_then_goes_half_open_after_60s_dated_exactly():
    breaker, transitions = make()
    fail_at(breaker, 0, 1, 2, 3, 4)
    with pytest.raises(CircuitOpen):
        breaker.acquire(63.9)
    assert breaker.state_at(130) == HALF_OPEN  # noticed late, dated when it became due
    assert transitions == [(4, CLOSED, OPEN), (64, OPEN, HALF_OPEN)]


def test_half_open_lets_exactly_one_probe_through_and_its_success_closes():
    breaker, transitions = make()
    fail_at(breaker, 0, 1, 2, 3, 4)
    probe = breaker.acquire(70)
    assert probe.probe
    with pytest.raises(CircuitOpen):
        breaker.acquire(70.5)
    breaker.on_success(probe, 71)
    assert breaker.state == CLOSED
    assert not breaker.acquire(72).probe
    assert transitions[-2:] == [(64, OPEN, HALF_OPEN), (71, HALF_OPEN, CLOSED)]


def test_a_failed_probe_opens_it_again_for_another_60s():
    breaker, transitions = make()
    fail_at(breaker, 0, 1, 2, 3, 4)
    probe = breaker.acquire(64)
    breaker.on_failure(probe, 65)
    assert breaker.state_at(124.9) == OPEN
    assert breaker.state_at(125) == HALF_OPEN
    assert transitions[-3:] == [(64, OPEN, HALF_OPEN), (65, HALF_OPEN, OPEN), (125, OPEN, HALF_OPEN)]


def test_an_unanswered_probe_fails_after_its_own_timeout_and_its_late_answer_is_ignored():
    breaker, transitions = make(IOT.model_copy(update={"probe_timeout_s": 10}))
    fail_at(breaker, 0, 1, 2, 3, 4)
    probe = breaker.acquire(64)
    with pytest.raises(CircuitOpen):
        breaker.acquire(73.9)
    assert breaker.state_at(74) == OPEN
    breaker.on_success(probe, 80)  # too late: the breaker already counted it as failed
    assert breaker.state == OPEN
    assert transitions[-2:] == [(64, OPEN, HALF_OPEN), (74, HALF_OPEN, OPEN)]


def test_results_of_calls_let_through_before_it_opened_change_nothing():
    breaker, transitions = make()
    early = breaker.acquire(0)
    fail_at(breaker, 1, 2, 3, 4, 5)
    breaker.on_failure(early, 6)
    breaker.on_success(early, 6)
    assert breaker.state == OPEN
    assert transitions == [(5, CLOSED, OPEN)]


def test_several_half_open_probes_when_configured():
    breaker, _ = make(IOT.model_copy(update={"half_open_permitted_calls": 2}))
    fail_at(breaker, 0, 1, 2, 3, 4)
    first, second = breaker.acquire(64), breaker.acquire(64)
    assert first.probe and second.probe
    with pytest.raises(CircuitOpen):
        breaker.acquire(64)


def test_an_illegal_move_names_the_breaker():
    breaker, _ = make()
    with pytest.raises(
        IllegalTransition, match=r"^breaker iot: event 'cool_down' is not allowed in state 'closed'$"
    ):
        breaker._move("cool_down", 0)
