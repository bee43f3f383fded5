"""The PromQL subset, evaluated at many times at once: a value per time, NaN where Prometheus returns no
sample."""

from __future__ import annotations

import math

import numpy as np

from monitoring.promql import Samples, histogram_quantile, labelled, max_by, sum_by

IOT, VSS = labelled(system="iot"), labelled(system="vss")


def counter(values: list[float], labels=IOT) -> Samples:
    samples = Samples()
    samples.add("c", labels, [60.0 * k for k in range(len(values))], values)
    return samples


def test_a_rate_is_absent_until_two_samples_and_undoes_a_counter_reset():
    samples = counter([0, 60, 120, 180, 10, 70])  # reset to zero between 180 s and 240 s
    rates = samples.rate("c", np.array([0.0, 60.0, 300.0]), 300.0)[IOT]
    assert math.isnan(rates[0])
    # [60 s, 60 s]: one sample only, no rate
    assert math.isnan(samples.rate("c", np.array([60.0]), 30.0)[IOT][0])
    # 0 -> 180, then 10 more after the reset and 60 more: 250 over samples 300 s apart, extrapolated to
    # the window's start (the counter started at zero, so no further than zero), per second
    assert rates[2] == 250 / 300
    assert rates[1] == 60 / 300  # 0 then 60; a counter from zero is not extrapolated to before it began


def test_sum_by_adds_the_label_sets_present_at_each_time():
    vector = {IOT: np.array([1.0, np.nan, np.nan]), VSS: np.array([2.0, 3.0, np.nan])}
    summed = sum_by(vector)[()]
    assert summed[:2].tolist() == [3.0, 3.0] and math.isnan(summed[2])


def test_max_by_ignores_an_absent_label_set():
    vector = {IOT: np.array([1, np.nan], dtype=object), VSS: np.array([np.nan, 0], dtype=object)}
    assert max_by(vector)[()].tolist() == [1, 0]


def test_a_quantile_at_a_time_missing_a_bucket_uses_the_buckets_present():
    buckets = {
        labelled(le="0.1", system="iot"): np.array([5.0, np.nan]),
        labelled(le="1", system="iot"): np.array([10.0, 10.0]),
        labelled(le="+Inf", system="iot"): np.array([10.0, 10.0]),
    }
    p50 = histogram_quantile(0.5, buckets)[IOT]
    assert p50.tolist() == [0.1, 0.5]  # rank 5: the first bucket's top; then halfway up (0, 1]
