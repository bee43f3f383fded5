"""The alerts a run would have raised: its time series (scenarios.timeseries) read as the scrapes of a
Prometheus watching the core, one at the start and one at each interval's end, and the alert rules
(monitoring.rules) evaluated at each scrape.

What a scrape reads from the series: each counter summed up to the interval's end, the latency histogram
likewise (the series keeps /metrics's bucket bounds), and each breaker's state at the interval's end. Two
readings differ from a scrape of the live core, as the series keeps them: admin's countries are one
system, and the IoT queue's depth is its deepest in the interval, which a scrape at the interval's end
could miss.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate

from monitoring.alerts import FiredAlert, evaluate
from monitoring.promql import Labels, Samples
from scenarios.timeseries import TimeSeries

REQUESTS = "integration_request_count_total"
ERRORS = "integration_request_errors_total"
RETRIES = "integration_retry_count_total"
BUCKETS = "integration_request_duration_seconds_bucket"
CIRCUIT = "integration_circuit_state"
QUEUE = "integration_queue_depth"

Columns = dict[str, dict[Labels, list[float]]]  # metric -> label set -> its value at each scrape


def run_alerts(series: TimeSeries) -> list[FiredAlert]:
    """Every alert the rules raise over `series`, in the order they fired."""
    times, columns = scrapes(series)
    samples = Samples()
    for metric, by_labels in columns.items():
        for labels, values in by_labels.items():
            samples.add(metric, labels, times, values)
    return evaluate(samples, times)


def scrapes(series: TimeSeries) -> tuple[list[float], Columns]:
    """The scrape times (zero, then each interval's end) and what each scrape read, metric by metric:
    at zero every counter and gauge at zero."""
    times = [0.0] + [min(series.start(k + 1), series.duration_s) for k in range(series.points)]
    columns: Columns = {REQUESTS: {}, ERRORS: {}, RETRIES: {}, BUCKETS: {}, CIRCUIT: {}}
    for system, own in series.systems.items():
        labels = (("system", system),)
        columns[REQUESTS][labels] = requests = _running(own.requests)
        # /metrics counts a timeout as an error
        columns[ERRORS][labels] = _running(e + t for e, t in zip(own.errors, own.timeouts, strict=True))
        columns[RETRIES][labels] = _running(own.retries)
        for bound, counts in own.latency_le.items():
            columns[BUCKETS][(("le", bound), ("system", system))] = _running(counts)
        columns[BUCKETS][(("le", "+Inf"), ("system", system))] = requests
        columns[CIRCUIT][labels] = [0, *own.breaker]
    columns[QUEUE] = {(("system", "iot"),): [0, *series.flows.iot_queue_max]}
    return times, columns


def _running(counts: Iterable[int]) -> list[int]:
    """A counter's value at each scrape: its interval counts summed, from zero."""
    return list(accumulate(counts, initial=0))
