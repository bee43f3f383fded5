"""The part of PromQL the alert rules use, computed over scraped samples as Prometheus 2 computes it:
`rate` over a range (closed at both ends, extrapolated to the range's edges, counter resets undone),
`sum by`, `max by` and `histogram_quantile` (linear within a bucket), at one evaluation time.

Samples are kept per series in columns, with each counter's resets already undone, so a rate over any
range is two binary searches and a subtraction: a day of minutely evaluations stays cheap.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

Labels = tuple[tuple[str, str], ...]  # sorted (name, value) pairs
Vector = dict[Labels, float]  # an instant vector: a value per label set


@dataclass(slots=True)
class _Series:
    times: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    unreset: list[float] = field(default_factory=list)  # the value as if the counter had never reset

    def add(self, t: float, value: float) -> None:
        if not self.raw:
            unreset = value
        elif value < self.raw[-1]:
            unreset = self.unreset[-1] + value  # a reset: the counter began again from zero
        else:
            unreset = self.unreset[-1] + value - self.raw[-1]
        self.times.append(t)
        self.raw.append(value)
        self.unreset.append(unreset)


class Samples:
    """Every scrape of a run, by metric and label set."""

    def __init__(self) -> None:
        self._series: dict[str, dict[Labels, _Series]] = defaultdict(dict)

    def add(self, t: float, scrape: Mapping[str, Mapping[Labels, float]]) -> None:
        """One scrape at `t` (scrapes come in time order): each metric's value per label set."""
        for metric, values in scrape.items():
            known = self._series[metric]
            for labels, value in values.items():
                series = known.get(labels)
                if series is None:
                    series = known[labels] = _Series()
                series.add(t, value)

    def rate(self, metric: str, at: float, range_s: float) -> Vector:
        """rate(metric[range]) at `at`, per label set: Prometheus's extrapolatedRate (promql/functions.go)."""
        result = {}
        start = at - range_s
        for labels, s in self._series.get(metric, {}).items():
            i, j = bisect_left(s.times, start), bisect_right(s.times, at) - 1
            if j - i < 1:
                continue  # fewer than two samples: no rate
            increase = s.unreset[j] - s.unreset[i]
            sampled = s.times[j] - s.times[i]
            average = sampled / (j - i)
            to_start, to_end = s.times[i] - start, at - s.times[j]
            if increase > 0 and s.raw[i] >= 0:
                to_start = min(to_start, sampled * (s.raw[i] / increase))  # never below zero
            threshold = average * 1.1
            interval = sampled
            interval += to_start if to_start < threshold else average / 2
            interval += to_end if to_end < threshold else average / 2
            result[labels] = increase * (interval / sampled) / range_s
        return result

    def latest(self, metric: str, at: float, lookback_s: float = 300.0) -> Vector:
        """A gauge's value at `at` per label set: its latest sample no older than the lookback."""
        result = {}
        for labels, s in self._series.get(metric, {}).items():
            j = bisect_right(s.times, at) - 1
            if j >= 0 and s.times[j] > at - lookback_s:
                result[labels] = s.raw[j]
        return result


def sum_by(vector: Vector, *names: str) -> Vector:
    grouped: dict[Labels, float] = defaultdict(float)
    for labels, value in vector.items():
        grouped[_kept(labels, names)] += value
    return dict(grouped)


def max_by(vector: Vector, *names: str) -> Vector:
    grouped: Vector = {}
    for labels, value in vector.items():
        key = _kept(labels, names)
        grouped[key] = max(value, grouped.get(key, value))
    return grouped


def histogram_quantile(q: float, buckets: Vector) -> Vector:
    """histogram_quantile(q, buckets), each label set carrying an `le`: a value per the other labels."""
    grouped: dict[Labels, list[tuple[float, float]]] = defaultdict(list)
    for labels, value in buckets.items():
        rest, bound = _split_le(labels)
        grouped[rest].append((bound, value))
    result = {}
    for labels, points in grouped.items():
        value = _bucket_quantile(q, sorted(points))
        if not math.isnan(value):
            result[labels] = value
    return result


def _bucket_quantile(q: float, points: list[tuple[float, float]]) -> float:
    """Prometheus's bucketQuantile: the rank's bucket, then linear interpolation inside it."""
    if len(points) < 2 or points[-1][0] != math.inf or points[-1][1] == 0:
        return math.nan
    rank = q * points[-1][1]
    index = next((i for i, (_, count) in enumerate(points[:-1]) if count >= rank), len(points) - 1)
    if index == len(points) - 1:
        return points[-2][0]  # in the +Inf bucket: the highest finite bound
    lower, below = points[index - 1] if index > 0 else (0.0, 0.0)
    upper, count = points[index]
    return lower + (upper - lower) * ((rank - below) / (count - below))


# NOTE: memoised: a run's few dozen label sets are grouped again at every one of its evaluations.
@cache
def _kept(labels: Labels, names: tuple[str, ...]) -> Labels:
    return tuple((k, v) for k, v in labels if k in names)


@cache
def _split_le(labels: Labels) -> tuple[Labels, float]:
    """The labels other than `le`, and the bucket's upper bound."""
    le = dict(labels)["le"]
    return tuple((k, v) for k, v in labels if k != "le"), math.inf if le == "+Inf" else float(le)


def labelled(**labels: str) -> Labels:
    return tuple(sorted(labels.items()))
