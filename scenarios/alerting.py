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

from collections.abc import Iterator

from monitoring.alerts import FiredAlert, evaluate
from monitoring.promql import Labels, Samples
from scenarios.timeseries import SystemSeries, TimeSeries

REQUESTS = "integration_request_count_total"
ERRORS = "integration_request_errors_total"
RETRIES = "integration_retry_count_total"
BUCKETS = "integration_request_duration_seconds_bucket"
CIRCUIT = "integration_circuit_state"
QUEUE = "integration_queue_depth"


def run_alerts(series: TimeSeries) -> list[FiredAlert]:
    """Every alert the rules raise over `series`, in the order they fired."""
    samples, times = Samples(), []
    for t, scrape in scrapes(series):
        samples.add(t, scrape)
        times.append(t)
    return evaluate(samples, times)


Scrape = dict[str, dict[Labels, float]]


def scrapes(series: TimeSeries) -> Iterator[tuple[float, Scrape]]:
    """(time, scrape): at zero, every counter at zero, then at each interval's end."""
    totals = {system: _Totals(own) for system, own in series.systems.items()}
    yield 0.0, _scrape(totals, series, None)
    for k in range(series.points):
        for running in totals.values():
            running.add(k)
        yield min(series.start(k + 1), series.duration_s), _scrape(totals, series, k)


class _Totals:
    """One system's counters, summed interval by interval."""

    def __init__(self, own: SystemSeries) -> None:
        self.own = own
        self.requests = self.errors = self.retries = 0
        self.le = dict.fromkeys(own.latency_le, 0)

    def add(self, k: int) -> None:
        own = self.own
        self.requests += own.requests[k]
        self.errors += own.errors[k] + own.timeouts[k]  # /metrics counts a timeout as an error
        self.retries += own.retries[k]
        for bound, counts in own.latency_le.items():
            self.le[bound] += counts[k]


def _scrape(totals: dict[str, _Totals], series: TimeSeries, k: int | None) -> Scrape:
    scrape: Scrape = {REQUESTS: {}, ERRORS: {}, RETRIES: {}, BUCKETS: {}, CIRCUIT: {}}
    for system, running in totals.items():
        labels = (("system", system),)
        scrape[REQUESTS][labels] = running.requests
        scrape[ERRORS][labels] = running.errors
        scrape[RETRIES][labels] = running.retries
        for bound, n in running.le.items():
            scrape[BUCKETS][(("le", bound), ("system", system))] = n
        scrape[BUCKETS][(("le", "+Inf"), ("system", system))] = running.requests
        scrape[CIRCUIT][labels] = 0 if k is None else running.own.breaker[k]
    scrape[QUEUE] = {(("system", "iot"),): 0 if k is None else series.flows.iot_queue_max[k]}
    return scrape
