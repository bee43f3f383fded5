"""A run's time series read as a Prometheus's scrapes, and the alerts the rules raise over them."""

from __future__ import annotations

from types import MappingProxyType

from monitoring.alerts import FiredAlert
from scenarios.alerting import BUCKETS, CIRCUIT, ERRORS, QUEUE, REQUESTS, RETRIES, run_alerts, scrapes
from scenarios.timeseries import FlowSeries, SystemSeries, TimeSeries

IOT = (("system", "iot"),)


def iot_series(breaker: list[int], requests: list[int], errors: list[int], timeouts: list[int]) -> TimeSeries:
    n = len(breaker)
    zeros = (0,) * n
    iot = SystemSeries(
        requests=tuple(requests),
        goodput=tuple(r - e - t for r, e, t in zip(requests, errors, timeouts, strict=True)),
        errors=tuple(errors),
        timeouts=tuple(timeouts),
        retries=tuple(e + t for e, t in zip(errors, timeouts, strict=True)),
        latency_sum_s=(0.0,) * n,
        latency_p50_s=(None,) * n,
        latency_p95_s=(None,) * n,
        latency_le=MappingProxyType({"0.5": tuple(r - t for r, t in zip(requests, timeouts, strict=True))}),
        in_flight=(0.0,) * n,
        breaker=tuple(breaker),
        breaker_open_s=(0.0,) * n,
    )
    flows = FlowSeries(zeros, zeros, zeros, (0, 5, 1200, 0, 0)[:n])
    return TimeSeries(60.0, 60.0 * n - 30, MappingProxyType({"iot": iot}), flows)


def test_each_scrape_reads_the_counters_summed_to_an_intervals_end_and_its_gauges_there():
    series = iot_series([0, 1, 2], requests=[10, 4, 2], errors=[0, 3, 0], timeouts=[0, 1, 2])
    times, columns = scrapes(series)
    read = list(
        zip(
            times,
            columns[REQUESTS][IOT],
            columns[ERRORS][IOT],
            columns[RETRIES][IOT],
            columns[BUCKETS][(("le", "0.5"), *IOT)],
            columns[BUCKETS][(("le", "+Inf"), *IOT)],
            columns[CIRCUIT][IOT],
            columns[QUEUE][IOT],
            strict=True,
        )
    )
    assert read == [
        (0.0, 0, 0, 0, 0, 0, 0, 0),
        (60.0, 10, 0, 0, 10, 10, 0, 0),
        (120.0, 14, 4, 4, 13, 14, 1, 5),  # a timeout counts as an error, as /metrics counts it
        (150.0, 16, 6, 6, 13, 16, 2, 1200),  # the last interval ends with the run
    ]


def test_the_circuit_alert_fires_at_the_first_scrape_that_sees_it_open_and_resolves_when_closed():
    series = iot_series([0, 1, 2, 1, 0], requests=[0] * 5, errors=[0] * 5, timeouts=[0] * 5)
    assert run_alerts(series) == [
        FiredAlert("IntegrationCircuitOpen", "iot", 120.0, 270.0, 1),  # half-open pages on; closed at the end
        FiredAlert("IntegrationQueueDeep", "iot", 180.0, 240.0, 1200),
    ]


def test_a_gauges_alert_keeps_the_value_as_scraped():
    series = iot_series([0, 1, 0], requests=[0] * 3, errors=[0] * 3, timeouts=[0] * 3)
    values = [alert.as_dict()["value"] for alert in run_alerts(series)]
    assert values == [1, 1200] and {type(v) for v in values} == {int}  # a record says 1, not 1.0
