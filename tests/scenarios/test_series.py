"""The run over time: exact intervals for a timeline the seed fixes, Little's law between what the core saw
and what the partner's queues did, and the record's series read back equal."""

from __future__ import annotations

import random

from caas_core.telemetry import Telemetry
from scenarios.series import series_of
from scenarios.timeseries import MAX_POINTS, TimeSeries, interval_for
from tests.helpers.counter import call, counter_world


def test_the_interval_is_a_minute_or_whole_minutes_enough_for_the_run():
    assert [interval_for(d) for d in (600, 12 * 3600, 12 * 3600 + 1, 24 * 3600, 30 * 86_400)] == [
        60,
        60,
        120,
        120,
        3600,
    ]
    assert all(d / interval_for(d) <= MAX_POINTS for d in (3600, 86_400, 7 * 86_400))


def test_each_interval_counts_what_ended_in_it_and_averages_its_gauges():
    runtime, simulator = counter_world({"workers": 1, "service": {"dist": "fixed", "s": 50}})
    telemetry = Telemetry(keep_calls=True)
    # a: served 0-50; b: queued 0-50, served 50-100; c gives up after 30 s but is served 100-150.
    for name, at, timeout in (("a", 0, None), ("b", 0, None), ("c", 20, 30.0)):
        runtime.spawn(call(name, timeout, telemetry=telemetry), delay=at)
    runtime.run()
    series = series_of(180, telemetry, {"counter": simulator}).systems["counter"]
    assert series.requests == (2, 1, 0)  # c's timeout at 50 s and a's answer at 50 s; b's at 100 s
    assert (series.goodput, series.timeouts, series.errors) == ((1, 1, 0), (1, 0, 0), (0, 0, 0))
    assert series.latency_sum_s == (80.0, 100.0, 0.0)
    assert series.latency_le["30"] == (1, 0, 0) and series.latency_le["10"] == (0, 0, 0)
    assert series.latency_p50_s == (50.0, 100.0, None)
    # Gauges are means over each minute, to a thousandth: a, b and c in flight 50 + 60 + 30 s of the first.
    assert series.in_flight == (round(140 / 60, 3), round(40 / 60, 3), 0)
    assert series.queued == (1.5, round(40 / 60, 3), 0)  # b 0-50 and c 20-60 s; then c until 100 s
    assert series.in_service == series.utilisation == (1, 1, 0.5)


def test_littles_law_holds_between_the_core_and_the_partners_queues():
    """Mean number in system (the pool's queued + in service, integrated over the intervals) equals the
    arrival rate times the mean time in system (from the calls the core measured) within 2 %."""
    runtime, simulator = counter_world(
        {"workers": 2, "service": {"dist": "exponential", "mean_s": 1.0}}, seed=3
    )
    telemetry = Telemetry(keep_calls=True)
    arrivals, t, horizon = random.Random(3), 0.0, 6_000.0
    while (t := t + arrivals.expovariate(1.5)) < horizon:
        runtime.spawn(call("r", telemetry=telemetry), delay=t)
    runtime.run()
    series = series_of(horizon + 60, telemetry, {"counter": simulator})
    counter = series.systems["counter"]
    seconds = [series.length_s(k) for k in range(series.points)]
    in_system = sum((q + s) * d for q, s, d in zip(counter.queued, counter.in_service, seconds, strict=True))
    mean_in_system = in_system / series.duration_s
    arrival_rate = sum(counter.requests) / series.duration_s
    mean_time = sum(counter.latency_sum_s) / sum(counter.requests)
    assert abs(mean_in_system / (arrival_rate * mean_time) - 1) < 0.02
    in_flight = sum(f * d for f, d in zip(counter.in_flight, seconds, strict=True)) / series.duration_s
    assert abs(in_flight / mean_in_system - 1) < 0.02  # the core's calls in flight are the ones in system


def test_a_series_reads_back_equal_from_its_json_form():
    runtime, simulator = counter_world({"workers": 1, "service": {"dist": "fixed", "s": 5}})
    telemetry = Telemetry(keep_calls=True)
    for k in range(5):
        runtime.spawn(call(f"r{k}", 12.0, telemetry=telemetry), delay=k)
    runtime.run()
    series = series_of(120, telemetry, {"counter": simulator})
    assert TimeSeries.from_dict(series.as_dict()) == series
