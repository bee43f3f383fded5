"""The part of PromQL the alert rules use, computed over scraped samples as Prometheus 2 computes it:
`rate` over a range (closed at both ends, extrapolated to the range's edges, counter resets undone),
`sum by`, `max by` and `histogram_quantile` (linear within a bucket).

Every function evaluates at all the evaluation times at once: a value per label set is an array with one
entry per time, NaN where the label set is absent at that time (Prometheus would return no sample).
Samples are kept per series in columns, with each counter's resets already undone, so a rate over any
range is two searches and a subtraction, done for every time in one numpy operation. The arithmetic is
Prometheus's, in its order, so each value is the float a one-time-at-a-time evaluation gives.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np

Labels = tuple[tuple[str, str], ...]  # sorted (name, value) pairs
Vector = dict[Labels, np.ndarray]  # a value per label set and evaluation time; NaN: absent


@dataclass(frozen=True, slots=True)
class _Series:
    """One label set's samples as columns: the scrape times, the values as scraped (objects, so that a
    gauge's integer stays one), the same as floats, and the value as if the counter had never reset."""

    times: np.ndarray
    scraped: np.ndarray
    raw: np.ndarray
    unreset: np.ndarray

    @classmethod
    def of(cls, times: list[float], values: list[float]) -> _Series:
        unreset: list[float] = []
        for k, value in enumerate(values):
            if k == 0:
                unreset.append(value)
            elif value < values[k - 1]:
                unreset.append(unreset[-1] + value)  # a reset: the counter began again from zero
            else:
                unreset.append(unreset[-1] + value - values[k - 1])
        as_floats = [np.array(column, float) for column in (times, values, unreset)]
        return cls(as_floats[0], np.array(values, dtype=object), as_floats[1], as_floats[2])


class Samples:
    """Every scrape of a run, by metric and label set."""

    def __init__(self) -> None:
        self._series: dict[str, dict[Labels, _Series]] = defaultdict(dict)

    def add(self, metric: str, labels: Labels, times: list[float], values: list[float]) -> None:
        """One label set's samples, in time order: its value at each scrape that read it."""
        if len(times) != len(values):
            raise ValueError(f"{len(times)} scrape times for {len(values)} values")
        self._series[metric][labels] = _Series.of(times, values)

    def rate(self, metric: str, at: np.ndarray, range_s: float) -> Vector:
        """rate(metric[range]) at each of `at`, per label set: Prometheus's extrapolatedRate
        (promql/functions.go)."""
        return {labels: _rate(s, at, range_s) for labels, s in self._series.get(metric, {}).items()}

    def latest(self, metric: str, at: np.ndarray, lookback_s: float = 300.0) -> Vector:
        """A gauge's value at each of `at` per label set: its latest sample no older than the lookback,
        as scraped (an object array), so a breaker's state 1 stays the integer it was."""
        result = {}
        for labels, s in self._series.get(metric, {}).items():
            j = np.searchsorted(s.times, at, "right") - 1
            fresh = (j >= 0) & (s.times[j] > at - lookback_s)
            result[labels] = np.where(fresh, s.scraped[j], np.nan)
        return result


@np.errstate(divide="ignore", invalid="ignore")  # lanes without a rate compute NaN, then are dropped
def _rate(series: _Series, at: np.ndarray, range_s: float) -> np.ndarray:
    times, raw, unreset = series.times, series.raw, series.unreset
    start = at - range_s
    i = np.searchsorted(times, start, "left")
    j = np.searchsorted(times, at, "right") - 1
    enough = j - i >= 1  # fewer than two samples: no rate
    i, j = np.where(enough, i, 0), np.where(enough, j, 0)
    increase = unreset[j] - unreset[i]
    sampled = times[j] - times[i]
    average = sampled / (j - i)
    to_start, to_end = times[i] - start, at - times[j]
    never_below_zero = np.minimum(to_start, sampled * (raw[i] / increase))
    to_start = np.where((increase > 0) & (raw[i] >= 0), never_below_zero, to_start)
    threshold = average * 1.1
    interval = sampled + np.where(to_start < threshold, to_start, average / 2)
    interval = interval + np.where(to_end < threshold, to_end, average / 2)
    return np.where(enough, increase * (interval / sampled) / range_s, np.nan)


def sum_by(vector: Vector, *names: str) -> Vector:
    totals: dict[Labels, np.ndarray] = {}
    present: dict[Labels, np.ndarray] = {}
    for labels, values in vector.items():
        key = _kept(labels, names)
        here = ~np.isnan(values)
        # 0.0 plus each present value in turn: the sum Prometheus's float additions give
        totals[key] = totals.get(key, 0.0) + np.where(here, values, 0.0)
        present[key] = present.get(key, False) | here
    return {key: np.where(present[key], total, np.nan) for key, total in totals.items()}


@np.errstate(invalid="ignore")  # comparisons with NaN (absent) are False, as wanted
def max_by(vector: Vector, *names: str) -> Vector:
    grouped: Vector = {}
    for labels, values in vector.items():
        key = _kept(labels, names)
        if key in grouped:
            larger = grouped[key]
            grouped[key] = np.where((values != values) | (larger > values), larger, values)  # x != x: NaN
        else:
            grouped[key] = values
    return grouped


def histogram_quantile(q: float, buckets: Vector) -> Vector:
    """histogram_quantile(q, buckets), each label set carrying an `le`: a value per the other labels."""
    grouped: dict[Labels, list[tuple[float, np.ndarray]]] = defaultdict(list)
    for labels, values in buckets.items():
        rest, bound = _split_le(labels)
        grouped[rest].append((bound, values))
    result = {}
    for labels, points in grouped.items():
        points.sort(key=lambda point: point[0])
        value = _bucket_quantiles(q, points)
        if not np.isnan(value).all():
            result[labels] = value
    return result


@np.errstate(divide="ignore", invalid="ignore")
def _bucket_quantiles(q: float, points: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """Prometheus's bucketQuantile at each time: the rank's bucket, then linear interpolation inside it.
    A time at which only some buckets are present is computed on those alone, as Prometheus would."""
    bounds = np.array([bound for bound, _ in points])
    counts = np.array([values for _, values in points])
    present = ~np.isnan(counts)
    whole = present.all(axis=0)
    out = np.full(counts.shape[1], np.nan)
    if len(points) >= 2 and bounds[-1] == math.inf:
        rank = q * counts[-1]
        reached = counts[:-1] >= rank
        index = np.where(reached.any(axis=0), reached.argmax(axis=0), len(points) - 1)
        lanes = np.arange(counts.shape[1])
        upper, count = bounds[index], counts[index, lanes]
        lower = np.where(index > 0, bounds[index - 1], 0.0)
        below = np.where(index > 0, counts[index - 1, lanes], 0.0)
        inside = lower + (upper - lower) * ((rank - below) / (count - below))
        # in the +Inf bucket: the highest finite bound
        value = np.where(index == len(points) - 1, bounds[-2], inside)
        out = np.where(whole & (counts[-1] != 0), value, np.nan)
    for k in np.flatnonzero(present.any(axis=0) & ~whole):  # rare: computed alone, on what is there
        kept = [(bound, values[k : k + 1]) for bound, values in points if not math.isnan(values[k])]
        out[k] = _bucket_quantiles(q, kept)[0]
    return out


# NOTE: memoised: a run's few dozen label sets are grouped again for every rule.
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
