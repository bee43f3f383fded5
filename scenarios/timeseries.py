"""A run over time: per interval (a simulated minute, longer for long runs), per system and for the flows.

Rules:
1. Intervals are [k * interval_s, (k + 1) * interval_s) from the start of the run; the last one ends with
   the run and may be shorter (`length_s`). `interval_for` picks the interval: a minute, or whole minutes
   enough to keep a run within MAX_POINTS intervals.
2. Counts are of what happened in the interval, dated when it happened: a request when its answer (or its
   failure) reached the core, so rates over any window are sums of intervals, as Prometheus counters
   give them. `latency_le` is a Prometheus histogram per interval, on the bounds /metrics exports: for
   each bound, the requests that took at most that long (its `+Inf` is `requests`). Percentiles are of
   the interval's requests alone, null when it had none.
3. Gauges are averages over the interval, not samples at its end: `in_flight` (the core's calls waiting
   for an answer), and for a partner with a capacity `queued`, `in_service` and `utilisation` (busy
   worker-seconds over the worker-seconds in force). `breaker` is the state at the interval's end, the
   specification's gauge (0 closed, 1 open, 2 half-open; for admin the worst country's), and
   `breaker_open_s` how long in the interval it was not closed (summed over admin's countries).
4. A system the run never called and that has no capacity is left out, to keep the record light.
5. Light, as the record: the standard library only; tuples, read-only mappings, `as_dict`/`from_dict`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

MAX_POINTS = 720  # 12 hours by the minute; a day by two minutes


def interval_for(duration_s: float) -> float:
    """A minute, or the fewest whole minutes that keep `duration_s` within MAX_POINTS intervals."""
    return 60.0 * max(1, math.ceil(duration_s / 60.0 / MAX_POINTS))


def _column(data: Mapping[str, Any], name: str) -> Any:
    value = data.get(name)
    return None if value is None else tuple(value)


@dataclass(frozen=True, slots=True)
class SystemSeries:
    """One partner, interval by interval: what the core saw of it (the counts, latencies, calls in flight
    and its breaker) and, when it has a capacity, its own queues (None without one)."""

    requests: tuple[int, ...]
    goodput: tuple[int, ...]  # answered below 400
    errors: tuple[int, ...]  # answered 400 or above, or the connection failed
    timeouts: tuple[int, ...]  # no answer within the call's timeout
    retries: tuple[int, ...]  # attempts after a call's first
    latency_sum_s: tuple[float, ...]
    latency_p50_s: tuple[float | None, ...]
    latency_p95_s: tuple[float | None, ...]
    latency_le: Mapping[str, tuple[int, ...]]  # by bound, as str(bound) (rule 2)
    in_flight: tuple[float, ...]
    breaker: tuple[int, ...]
    breaker_open_s: tuple[float, ...]
    queued: tuple[float, ...] | None = None
    in_service: tuple[float, ...] | None = None
    utilisation: tuple[float, ...] | None = None
    refused: tuple[int, ...] | None = None  # turned away by a full queue

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                data[f.name] = {bound: list(counts) for bound, counts in value.items()}
            elif value is not None:
                data[f.name] = list(value)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SystemSeries:
        columns = {f.name: _column(data, f.name) for f in fields(cls) if f.name != "latency_le"}
        histogram = {bound: tuple(counts) for bound, counts in data["latency_le"].items()}
        return cls(**columns, latency_le=MappingProxyType(histogram))


@dataclass(frozen=True, slots=True)
class FlowSeries:
    """The purchase flow, interval by interval, and the core's IoT command queue."""

    purchases_started: tuple[int, ...]
    purchases_active: tuple[int, ...]  # became ACTIVE in the interval
    purchases_failed: tuple[int, ...]  # ended without the service for no fault of the customer's
    iot_queue_max: tuple[int, ...]  # the deepest the core's IoT command queue was in the interval

    def as_dict(self) -> dict[str, Any]:
        return {f.name: list(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlowSeries:
        return cls(**{f.name: tuple(data[f.name]) for f in fields(cls)})


@dataclass(frozen=True, slots=True)
class TimeSeries:
    interval_s: float
    duration_s: float
    systems: Mapping[str, SystemSeries]
    flows: FlowSeries

    @property
    def points(self) -> int:
        return max(1, math.ceil(self.duration_s / self.interval_s))

    def start(self, k: int) -> float:
        return k * self.interval_s

    def length_s(self, k: int) -> float:
        """How long interval k is: `interval_s`, but the last may be cut short by the end of the run."""
        return min(self.interval_s, self.duration_s - k * self.interval_s)

    def as_dict(self) -> dict[str, Any]:
        return {
            "interval_s": self.interval_s,
            "duration_s": self.duration_s,
            "systems": {name: series.as_dict() for name, series in self.systems.items()},
            "flows": self.flows.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimeSeries:
        systems = {name: SystemSeries.from_dict(s) for name, s in data["systems"].items()}
        return cls(
            data["interval_s"],
            data["duration_s"],
            MappingProxyType(systems),
            FlowSeries.from_dict(data["flows"]),
        )
