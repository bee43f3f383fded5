"""The core's metrics in the Prometheus text format: the specification's integration metrics, named the
Prometheus way (dots become underscores, counters end in _total), plus the state of orders, purchases
and alerts. Built at each scrape from the core's telemetry and store, so nothing is counted twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from caas_core.domain.records import Order, Purchase
from caas_core.telemetry import DURATION_BUCKETS, Labels
from caas_core.webhooks.receiver import DUPLICATE

if TYPE_CHECKING:
    from caas_core.service import CaasCore

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LABELS = ["system", "route"]


class _CoreCollector:
    def __init__(self, core: CaasCore) -> None:
        self.core = core

    def collect(self) -> Iterator[Metric]:
        metrics = self.core.telemetry.metrics
        yield _counter("integration_request_count", "Requests sent", metrics.request_count)
        yield _counter(
            "integration_request_errors", "Failed requests (4xx, 5xx, timeout)", metrics.request_errors
        )
        yield _counter("integration_retry_count", "Retry attempts", metrics.retry_count)
        duration = HistogramMetricFamily(
            "integration_request_duration_seconds", "Request latency", labels=LABELS, unit=""
        )
        for key, counts in sorted(metrics.duration_buckets.items()):
            cumulative = _cumulative(counts)
            buckets = [(str(b), n) for b, n in zip(DURATION_BUCKETS, cumulative, strict=False)]
            duration.add_metric(
                list(key), [*buckets, ("+Inf", cumulative[-1])], sum(metrics.request_duration[key])
            )
        yield duration
        yield _gauge(
            "integration_circuit_state", "0 closed, 1 open, 2 half-open", "system", metrics.circuit_state
        )
        yield _gauge("integration_queue_depth", "Queued requests", "system", metrics.queue_depth)
        store = self.core.store
        yield _gauge("caas_orders", "Orders by status", "status", store.count_by(Order, "status"))
        yield _gauge("caas_purchases", "Purchases by status", "status", store.count_by(Purchase, "status"))
        open_alerts = Counter(a.kind for a in store.alerts() if a.resolved_at is None)
        yield _gauge("caas_alerts_open", "Open alerts by kind", "kind", open_alerts)
        refused = CounterMetricFamily(
            "caas_webhooks_rejected",
            "Webhooks refused: forged, stale, malformed, from elsewhere, over the rate",
            labels=["source", "reason"],
        )
        duplicates = CounterMetricFamily(
            "caas_webhooks_duplicate", "Webhooks received again", labels=["source"]
        )
        for (source, reason), count in sorted(self.core.telemetry.webhooks_rejected.items()):
            if reason == DUPLICATE:
                duplicates.add_metric([source], count)
            else:
                refused.add_metric([source, reason], count)
        yield refused
        yield duplicates


def _counter(name: str, documentation: str, counts: Mapping[Labels, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, documentation, labels=LABELS)
    for key, count in sorted(counts.items()):
        family.add_metric(list(key), count)
    return family


def _gauge(name: str, documentation: str, label: str, values: Mapping[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in sorted(values.items()):
        family.add_metric([value], count)
    return family


def _cumulative(counts: list[int]) -> list[int]:
    total, result = 0, []
    for n in counts:
        total += n
        result.append(total)
    return result


def exposition(core: CaasCore) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_CoreCollector(core))  # type: ignore[arg-type]
    return generate_latest(registry)
