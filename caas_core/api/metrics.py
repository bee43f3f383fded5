"""The core's metrics in the Prometheus text format: the specification's integration metrics, named the
Prometheus way (dots become underscores, counters end in _total), plus the state of orders, purchases
and alerts. Built at each scrape from the core's telemetry and store, so nothing is counted twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from caas_core.domain.records import Order, Purchase

if TYPE_CHECKING:
    from caas_core.service import CaasCore

BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _CoreCollector:
    def __init__(self, core: CaasCore) -> None:
        self.core = core

    def collect(self) -> Iterator[Metric]:
        metrics = self.core.telemetry.metrics
        labels = ["system", "route"]
        count = CounterMetricFamily("integration_request_count", "Requests sent", labels=labels)
        errors = CounterMetricFamily(
            "integration_request_errors", "Failed requests (4xx, 5xx, timeout)", labels=labels
        )
        retries = CounterMetricFamily("integration_retry_count", "Retry attempts", labels=labels)
        duration = HistogramMetricFamily(
            "integration_request_duration_seconds", "Request latency", labels=labels, unit=""
        )
        for key, value in sorted(metrics.request_count.items()):
            count.add_metric(list(key), value)
        for key, value in sorted(metrics.request_errors.items()):
            errors.add_metric(list(key), value)
        for key, value in sorted(metrics.retry_count.items()):
            retries.add_metric(list(key), value)
        for key, samples in sorted(metrics.request_duration.items()):
            buckets = [(str(b), sum(1 for s in samples if s <= b)) for b in BUCKETS] + [
                ("+Inf", len(samples))
            ]
            duration.add_metric(list(key), buckets, sum(samples))
        yield from (count, errors, retries, duration)
        circuit = GaugeMetricFamily(
            "integration_circuit_state", "0 closed, 1 open, 2 half-open", labels=["system"]
        )
        for system, value in sorted(metrics.circuit_state.items()):
            circuit.add_metric([system], value)
        queue = GaugeMetricFamily("integration_queue_depth", "Queued requests", labels=["system"])
        for system, value in sorted(metrics.queue_depth.items()):
            queue.add_metric([system], value)
        yield from (circuit, queue)
        store = self.core.store
        yield _gauge("caas_orders", "Orders by status", "status", store.count_by(Order, "status"))
        yield _gauge("caas_purchases", "Purchases by status", "status", store.count_by(Purchase, "status"))
        open_alerts = Counter(a.kind for a in store.alerts() if a.resolved_at is None)
        yield _gauge("caas_alerts_open", "Open alerts by kind", "kind", open_alerts)


def _gauge(name: str, documentation: str, label: str, counts: Counter[str]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in sorted(counts.items()):
        family.add_metric([value], count)
    return family


def exposition(core: CaasCore) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_CoreCollector(core))  # type: ignore[arg-type]
    return generate_latest(registry)
