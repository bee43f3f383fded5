"""The specification's alert thresholds, defined once: each rule renders its PromQL for Prometheus (the
committed `monitoring/prometheus/alerts.yml`) and computes the same expression over a run's scrapes
(`monitoring.promql`), so a simulated run fires the alerts a Prometheus would have fired.

Baseline: the same measure over the hour before the last five minutes (`[1h] offset 5m`), so a rise is
judged against the recent past and never against itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from monitoring.promql import Samples, Vector, histogram_quantile, max_by, sum_by

WINDOW = "5m"
WINDOW_S = 300.0
BASELINE = "1h"
BASELINE_S = 3600.0
DURATION_BUCKETS = "integration_request_duration_seconds_bucket"
REQUESTS = "integration_request_count_total"


class Rule(Protocol):
    name: str
    for_s: float
    summary: str

    def expr(self) -> str: ...
    def values(self, samples: Samples, at: np.ndarray) -> Vector:
        """Per label set (by system), the measured value at each of `at` where the condition holds,
        NaN where it does not."""
        ...


@dataclass(frozen=True)
class LatencyAboveBaseline:
    """A quantile of request duration above `factor` times its baseline, with at least `floor` requests
    in the window and `baseline_floor` in the baseline: the p95 of a handful of calls is noise."""

    name: str
    quantile: float
    factor: float
    floor: float
    baseline_floor: float
    for_s: float
    summary: str

    def expr(self) -> str:
        now = f"histogram_quantile({self.quantile}, sum by (system, le) (rate({DURATION_BUCKETS}[{WINDOW}])))"
        base = (
            f"histogram_quantile({self.quantile}, sum by (system, le) "
            f"(rate({DURATION_BUCKETS}[{BASELINE}] offset {WINDOW})))"
        )
        busy = f"sum by (system) (rate({REQUESTS}[{WINDOW}])) * {WINDOW_S:g} >= {self.floor:g}"
        was_busy = (
            f"sum by (system) (rate({REQUESTS}[{BASELINE}] offset {WINDOW})) * {BASELINE_S:g} "
            f">= {self.baseline_floor:g}"
        )
        return f"({now} > {self.factor:g} * {base}) and ({busy}) and ({was_busy})"

    def values(self, samples: Samples, at: np.ndarray) -> Vector:
        now = histogram_quantile(
            self.quantile, sum_by(samples.rate(DURATION_BUCKETS, at, WINDOW_S), "system", "le")
        )
        base_rates = samples.rate(DURATION_BUCKETS, at - WINDOW_S, BASELINE_S)
        base = histogram_quantile(self.quantile, sum_by(base_rates, "system", "le"))
        busy = sum_by(samples.rate(REQUESTS, at, WINDOW_S), "system")
        was_busy = sum_by(samples.rate(REQUESTS, at - WINDOW_S, BASELINE_S), "system")
        return {
            k: _where(
                (v > self.factor * base[k])
                & (_or_zero(busy.get(k)) * WINDOW_S >= self.floor)
                & (_or_zero(was_busy.get(k)) * BASELINE_S >= self.baseline_floor),
                v,
            )
            for k, v in now.items()
            if k in base
        }


@dataclass(frozen=True)
class RatioAbove:
    name: str
    numerator: str
    denominator: str
    threshold: float
    for_s: float
    summary: str

    def expr(self) -> str:
        share = (
            f"sum by (system) (rate({self.numerator}[{WINDOW}])) / "
            f"sum by (system) (rate({self.denominator}[{WINDOW}]))"
        )
        return f"{share} > {self.threshold:g}"

    def values(self, samples: Samples, at: np.ndarray) -> Vector:
        part = sum_by(samples.rate(self.numerator, at, WINDOW_S), "system")
        whole = sum_by(samples.rate(self.denominator, at, WINDOW_S), "system")
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = {k: _where(whole[k] > 0, part[k] / whole[k]) for k in part.keys() & whole.keys()}
        return {k: _where(v > self.threshold, v) for k, v in shares.items()}


@dataclass(frozen=True)
class RateAboveBaseline:
    """A counter's rate over the window above `factor` times its baseline rate, with at least `floor`
    events in the window: a spike, not one retry after a quiet hour."""

    name: str
    counter: str
    factor: float
    floor: float
    for_s: float
    summary: str

    def expr(self) -> str:
        now = f"sum by (system) (rate({self.counter}[{WINDOW}]))"
        base = f"sum by (system) (rate({self.counter}[{BASELINE}] offset {WINDOW}))"
        return f"({now} > {self.factor:g} * {base}) and ({now} * {WINDOW_S:g} >= {self.floor:g})"

    def values(self, samples: Samples, at: np.ndarray) -> Vector:
        now = sum_by(samples.rate(self.counter, at, WINDOW_S), "system")
        base = sum_by(samples.rate(self.counter, at - WINDOW_S, BASELINE_S), "system")
        return {
            k: _where((v > self.factor * base[k]) & (v * WINDOW_S >= self.floor), v)
            for k, v in now.items()
            if k in base
        }


@dataclass(frozen=True)
class GaugeAbove:
    name: str
    gauge: str
    threshold: float
    for_s: float
    summary: str

    def expr(self) -> str:
        return f"max by (system) ({self.gauge}) > {self.threshold:g}"

    def values(self, samples: Samples, at: np.ndarray) -> Vector:
        levels = max_by(samples.latest(self.gauge, at), "system")
        with np.errstate(invalid="ignore"):  # the samples are objects: NaN > threshold warns, is False
            return {k: _where(v > self.threshold, v) for k, v in levels.items()}


def _where(holds: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`values` where the condition holds, NaN (absent) elsewhere."""
    return np.where(holds, values, np.nan)


def _or_zero(values: np.ndarray | None) -> np.ndarray | float:
    """A measure absent at a time counts as zero there: no requests."""
    return 0.0 if values is None else np.nan_to_num(values, nan=0.0)


# One rule per threshold of the specification's table (Integration Monitoring and Observability).
RULES: tuple[Rule, ...] = (
    LatencyAboveBaseline(
        "IntegrationLatencyHigh",
        quantile=0.95,
        factor=2,
        floor=100,  # requests in the five minutes: the p95 of fewer is the noise of a few slow calls
        baseline_floor=400,  # requests in the baseline hour
        for_s=120,
        summary="request duration p95 above twice its baseline",
    ),
    RatioAbove(
        "IntegrationErrorRateHigh",
        numerator="integration_request_errors_total",
        denominator=REQUESTS,
        threshold=0.05,
        for_s=120,
        summary="more than 5 % of requests fail",
    ),
    RateAboveBaseline(
        "IntegrationRetrySpike",
        counter="integration_retry_count_total",
        factor=1.5,
        floor=30,  # retries in the five minutes: a vehicle asleep alone retries a dozen times
        for_s=120,
        summary="retries up more than 50 % on their baseline",
    ),
    GaugeAbove(
        "IntegrationCircuitOpen",
        gauge="integration_circuit_state",
        # Open (1) or half-open (2): a breaker probing its partner has not recovered yet, and paging on
        # open alone would resolve and fire again at each failed probe.
        threshold=0,
        for_s=0,
        summary="a circuit breaker is open or half-open",
    ),
    GaugeAbove(
        "IntegrationQueueDeep",
        gauge="integration_queue_depth",
        threshold=1000,
        for_s=0,
        summary="more than 1,000 requests queued",
    ),
)


def duration(seconds: float) -> str:
    """Seconds as Prometheus writes a duration: 0s, 2m, 1h."""
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def render(rules: Sequence[Rule] = RULES) -> str:
    """The rules as a Prometheus rules file."""
    import yaml  # lazily: reading the rules for a run needs no YAML

    document = {
        "groups": [
            {
                "name": "caas-integration",
                "rules": [
                    {
                        "alert": rule.name,
                        "expr": rule.expr(),
                        "for": duration(rule.for_s),
                        "labels": {"severity": "page"},
                        "annotations": {"summary": f"{{{{ $labels.system }}}}: {rule.summary}"},
                    }
                    for rule in rules
                ],
            }
        ]
    }
    header = (
        "# The specification's alert thresholds, rendered from monitoring/rules.py (the definitions a\n"
        "# simulated run evaluates too). Do not edit: change them there, then `python -m monitoring.rules`.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, width=1000)


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).with_name("prometheus") / "alerts.yml"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
