"""The capacity model against queueing theory, in simulated time: Poisson arrivals, exponential service.

M/M/1: the time in system T is exponential with rate mu - lambda. M/M/c: T = W + S, where the wait W is 0
with probability 1 - C (Erlang's C formula) and else exponential with rate c mu - lambda, and the service S
is exponential with rate mu; so P(T > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) /
(theta - mu), theta = c mu - lambda (Erlang-2's e^(-mu t) (1 + mu t) in the second term when theta = mu). Over a long seeded run the measured mean and percentiles must fall
within 5 % of these, and an overloaded pool must serve at its capacity, c mu, no more.
"""

from __future__ import annotations

import math
import random

import pytest

from tests.helpers.counter import call, counter_world

REQUESTS = 20_000
SEED = 11


def erlang_c(servers: int, load: float) -> float:
    """The probability that an arrival must wait, for `load` = lambda / mu Erlangs on `servers` servers."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def survival(t: float, servers: int, arrival_rate: float, service_rate: float) -> float:
    """P(T > t), the time in system of M/M/c (the module's docstring)."""
    waits = erlang_c(servers, arrival_rate / service_rate)
    theta = servers * service_rate - arrival_rate
    if math.isclose(theta, service_rate):  # two exponentials of one rate add up to an Erlang-2
        both = math.exp(-service_rate * t) * (1 + service_rate * t)
    else:
        both = (theta * math.exp(-service_rate * t) - service_rate * math.exp(-theta * t)) / (
            theta - service_rate
        )
    return (1 - waits) * math.exp(-service_rate * t) + waits * both


def quantile(q: float, servers: int, arrival_rate: float, service_rate: float) -> float:
    low, high = 0.0, 1.0
    while survival(high, servers, arrival_rate, service_rate) > 1 - q:
        high *= 2
    for _ in range(100):  # bisection: survival falls as t grows
        middle = (low + high) / 2
        low, high = (
            (middle, high) if survival(middle, servers, arrival_rate, service_rate) > 1 - q else (low, middle)
        )
    return (low + high) / 2


def times_in_system(servers: int, arrival_rate: float, service_rate: float, seed: int = SEED) -> list[float]:
    capacity = {"workers": servers, "service": {"dist": "exponential", "mean_s": 1 / service_rate}}
    runtime, _ = counter_world(capacity, seed=seed)
    arrivals = random.Random(seed)
    sent, t = [], 0.0
    for _ in range(REQUESTS):
        t += arrivals.expovariate(arrival_rate)
        sent.append(t)
    handles = [runtime.spawn(call(f"r{k}"), delay=at) for k, at in enumerate(sent)]
    runtime.run()
    return sorted(h.result()[0] - at for h, at in zip(handles, sent, strict=True))


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@pytest.mark.parametrize(
    ("servers", "arrival_rate", "service_rate"),
    [(1, 0.5, 1.0), (4, 3.0, 1.0)],
    ids=["M/M/1 at rho 0.5", "M/M/4 at rho 0.75"],
)
def test_time_in_system_matches_the_closed_forms(servers, arrival_rate, service_rate):
    times = times_in_system(servers, arrival_rate, service_rate)
    waits = erlang_c(servers, arrival_rate / service_rate)
    expected = {
        "mean": waits / (servers * service_rate - arrival_rate) + 1 / service_rate,
        "p50": quantile(0.50, servers, arrival_rate, service_rate),
        "p95": quantile(0.95, servers, arrival_rate, service_rate),
    }
    measured = {
        "mean": sum(times) / len(times),
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
    }
    errors = {k: abs(measured[k] / expected[k] - 1) for k in expected}
    assert all(error < 0.05 for error in errors.values()), (measured, expected, errors)


def test_mm1_closed_forms_are_the_textbook_ones():
    # M/M/1 is M/M/c with c = 1: T is exponential with rate mu - lambda.
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert quantile(0.5, 1, 0.5, 1.0) == pytest.approx(math.log(2) / 0.5)
    assert quantile(0.95, 1, 0.5, 1.0) == pytest.approx(math.log(20) / 0.5)


def test_an_overloaded_pool_serves_at_its_capacity_and_refuses_the_rest():
    servers, service_rate, arrival_rate, horizon = 4, 1.0, 8.0, 2_500.0
    capacity = {"workers": servers, "service": {"dist": "exponential", "mean_s": 1.0}, "queue_limit": 20}
    runtime, _ = counter_world(capacity, seed=SEED)
    arrivals = random.Random(SEED)
    t, handles = 0.0, []
    while (t := t + arrivals.expovariate(arrival_rate)) < horizon:
        handles.append(runtime.spawn(call("r"), delay=t))
    runtime.run()
    served = [h.result()[0] for h in handles if h.result()[1] == 200]
    throughput = sum(1 for done in served if done < horizon) / horizon
    assert abs(throughput / (servers * service_rate) - 1) < 0.02, throughput
    refused = sum(1 for h in handles if h.result()[1] == 503)
    assert refused + len(served) == len(handles) and refused / len(handles) == pytest.approx(0.5, abs=0.02)
