"""Bin a finished world into its time series (scenarios.timeseries): what the core saw of each partner,
what each partner's queues did, the breakers, the purchase flow and the IoT command queue.

Everything is read after the run from what the world kept with its time: the core's telemetry (each
call as it ended, each retry, each breaker and queue change), the store's purchases, and the log of each
pool of workers. Gauges are integrated over the intervals, exactly, not sampled.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import accumulate
from types import MappingProxyType
from typing import TYPE_CHECKING

from caas_core.domain import purchases
from caas_core.domain.records import Purchase
from caas_core.resilience.breaker import CLOSED
from caas_core.systems import SYSTEMS, family
from caas_core.telemetry import CIRCUIT_STATE_VALUE, DURATION_BUCKETS, Telemetry
from scenarios.timeseries import FlowSeries, SystemSeries, TimeSeries, interval_for
from simulators.kit.queueing import Pool, Queues
from simulators.kit.service import Simulator

if TYPE_CHECKING:
    from scenarios.world import World

# Rounded, to keep the record light: gauges to a thousandth, times to the millisecond.
GAUGE_DIGITS, SECOND_DIGITS = 3, 3
# Ended without the service, and not for the customer's own reasons (as purchases.active_ratio counts).
FAILED = (purchases.ACTIVATION_FAILED, purchases.PAYMENT_FAILED, purchases.BLOCKED_VSS_UNAVAILABLE)


class Bins:
    """Intervals of `interval_s` over [0, duration_s): where a time falls, and spans spread over them."""

    def __init__(self, interval_s: float, duration_s: float) -> None:
        self.interval_s, self.duration_s = interval_s, duration_s
        self.n = max(1, math.ceil(duration_s / interval_s))

    def of(self, t: float) -> int:
        return min(self.n - 1, max(0, int(t // self.interval_s)))

    def lengths(self) -> list[float]:
        return [min(self.interval_s, self.duration_s - k * self.interval_s) for k in range(self.n)]

    def spread(self, into: list[float], start: float, end: float, weight: float = 1.0) -> None:
        """Add `weight` x the seconds [start, end) spends in each interval (within the run)."""
        start, end = max(0.0, start), min(self.duration_s, end)
        k = self.of(start)
        while start < end:
            upto = min(end, (k + 1) * self.interval_s)
            into[k] += (upto - start) * weight
            start, k = upto, k + 1

    def zeros(self) -> list[float]:
        return [0.0] * self.n


def collect_series(world: World, duration_s: float) -> TimeSeries:
    """The series of a finished scenario run."""
    purchases = world.core.store.all(Purchase)
    return series_of(duration_s, world.core.telemetry, world.simulators, purchases)


def series_of(
    duration_s: float,
    telemetry: Telemetry,
    simulators: Mapping[str, Simulator],
    purchases: Iterable[Purchase] = (),
) -> TimeSeries:
    """The series of what `telemetry` (kept with `keep_calls`) saw of the systems `simulators` serve, of
    their pools, and of `purchases`."""
    bins = Bins(interval_for(duration_s), duration_s)
    calls = _calls_by_system(telemetry.calls)
    retries: dict[str, list[int]] = defaultdict(lambda: [0] * bins.n)
    for t, system in telemetry.retries:
        retries[family(system)][bins.of(t)] += 1
    breakers = _breakers(bins, telemetry.of_kind("circuit"))
    served = {family(name) for name in simulators} | set(calls)
    order = {s: i for i, s in enumerate(SYSTEMS)}
    systems = {}
    for system in sorted(served, key=lambda s: (order.get(s, len(order)), s)):
        pools = [p for name, sim in simulators.items() if family(name) == system for p in _pools(sim)]
        if not calls.get(system) and not pools:
            continue  # never called, no capacity: nothing to show (timeseries rule 4)
        series = _client_side(bins, calls.get(system, []), retries[system], *breakers[system])
        if pools:
            series.update(_server_side(bins, pools))
        systems[system] = SystemSeries(**series)
    flows = _flows(bins, purchases, telemetry.of_kind("queue", "iot"))
    return TimeSeries(bins.interval_s, duration_s, MappingProxyType(systems), flows)


def _calls_by_system(calls: Iterable[tuple[float, str, float, str | None]]) -> dict[str, list]:
    by_system: dict[str, list] = defaultdict(list)
    for call in calls:
        by_system[family(call[1])].append(call)
    return by_system


def _client_side(
    bins: Bins, calls: list, retries: list[int], breaker: list[int], open_s: list[float]
) -> dict[str, object]:
    requests, goodput, errors, timeouts = ([0] * bins.n for _ in range(4))
    latency_sum, in_flight = bins.zeros(), bins.zeros()
    latencies: list[list[float]] = [[] for _ in range(bins.n)]
    # Per interval, the calls by the first bucket they fall in (the last: above every bound).
    first_bucket = [[0] * (len(DURATION_BUCKETS) + 1) for _ in range(bins.n)]
    for end, _, duration, error in calls:
        k = bins.of(end)
        requests[k] += 1
        if error is None:
            goodput[k] += 1
        elif error == "CallTimeout":
            timeouts[k] += 1
        else:
            errors[k] += 1
        latency_sum[k] += duration
        latencies[k].append(duration)
        first_bucket[k][bisect_left(DURATION_BUCKETS, duration)] += 1
        bins.spread(in_flight, end - duration, end)
    # A call counts in every bucket whose bound is at or above its duration: the running sums, by bound.
    cumulative = [list(accumulate(counts)) for counts in first_bucket]
    histogram = {bound: [cumulative[k][b] for k in range(bins.n)] for b, bound in enumerate(DURATION_BUCKETS)}
    lengths = bins.lengths()
    ordered = [sorted(samples) for samples in latencies]
    return {
        "requests": tuple(requests),
        "goodput": tuple(goodput),
        "errors": tuple(errors),
        "timeouts": tuple(timeouts),
        "retries": tuple(retries),
        "latency_sum_s": _seconds(latency_sum),
        "latency_p50_s": tuple(_quantile(samples, 0.50) for samples in ordered),
        "latency_p95_s": tuple(_quantile(samples, 0.95) for samples in ordered),
        "latency_le": MappingProxyType({f"{b:g}": tuple(counts) for b, counts in histogram.items()}),
        "in_flight": _per_second(in_flight, lengths),
        "breaker": tuple(breaker),
        "breaker_open_s": _seconds(open_s),
    }


def _pools(simulator: Simulator) -> list[tuple[Queues, Pool]]:
    return [(simulator.queues, pool) for pool in simulator.queues.pools.values()]


def _server_side(bins: Bins, pools: list[tuple[Queues, Pool]]) -> dict[str, object]:
    queued, busy, capacity = bins.zeros(), bins.zeros(), bins.zeros()
    refused = [0] * bins.n
    for queues, pool in pools:
        for arrival, start, end in pool.served.requests:
            bins.spread(queued, arrival, start)
            bins.spread(busy, start, end)
        for t in pool.served.refused:
            refused[bins.of(t)] += 1
        for k, length in enumerate(bins.lengths()):
            capacity[k] += queues.worker_seconds(pool.key, k * bins.interval_s, k * bins.interval_s + length)
    lengths = bins.lengths()
    return {
        "queued": _per_second(queued, lengths),
        "in_service": _per_second(busy, lengths),
        "utilisation": _per_second(busy, capacity),
        "refused": tuple(refused),
    }


def _breakers(bins: Bins, events: list) -> dict[str, tuple[list[int], list[float]]]:
    """Per system: its breaker's state at each interval's end (admin: the worst country's) and the seconds
    in each interval it was not closed (admin: summed over countries). Events come in time order."""
    states: dict[str, list[tuple[float, int]]] = defaultdict(list)  # by breaker: (since, state value)
    for event in events:
        states[event.subject].append((event.t, CIRCUIT_STATE_VALUE[dict(event.data)["new"]]))
    result: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([0] * bins.n, bins.zeros()))
    for breaker, changes in states.items():
        at_end, open_s = result[family(breaker)]
        i, state = 0, CIRCUIT_STATE_VALUE[CLOSED]
        for k in range(bins.n):
            end = min((k + 1) * bins.interval_s, bins.duration_s)
            while i < len(changes) and changes[i][0] <= end:
                state = changes[i][1]
                i += 1
            at_end[k] = max(at_end[k], state)
        untils = [t for t, _ in changes[1:]] + [bins.duration_s]
        for (since, state), until in zip(changes, untils, strict=True):
            if state != CIRCUIT_STATE_VALUE[CLOSED]:
                bins.spread(open_s, since, until)
    return result


def _flows(bins: Bins, purchases: Iterable[Purchase], queue_events: list) -> FlowSeries:
    started, active, failed = ([0] * bins.n for _ in range(3))
    for purchase in purchases:
        started[bins.of(purchase.created_at)] += 1
        if purchase.activated_at is not None:
            active[bins.of(purchase.activated_at)] += 1
        elif purchase.status in FAILED:
            failed[bins.of(purchase.updated_at)] += 1
    deepest = _step_max(bins, [(e.t, dict(e.data)["depth"]) for e in queue_events])
    return FlowSeries(tuple(started), tuple(active), tuple(failed), tuple(deepest))


def _step_max(bins: Bins, changes: list[tuple[float, int]]) -> list[int]:
    """The highest value a step function (0, then each (t, value) change in time order) takes in each
    interval: the value carried in from the one before, or any it changes to."""
    highest, value, i = [0] * bins.n, 0, 0
    for k in range(bins.n):
        end = (k + 1) * bins.interval_s
        highest[k] = value
        while i < len(changes) and changes[i][0] < end:
            value = changes[i][1]
            highest[k] = max(highest[k], value)
            i += 1
    return highest


def _quantile(ordered: list[float], q: float) -> float | None:
    """The same nearest-rank rule as the run's latency metrics (scenarios.metrics)."""
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], SECOND_DIGITS)


def _per_second(amounts: list[float], seconds: list[float]) -> tuple[float, ...]:
    """Each interval's amount (request-seconds, busy worker-seconds) over its seconds: a time average."""
    return tuple(round(a / s, GAUGE_DIGITS) if s else 0.0 for a, s in zip(amounts, seconds, strict=True))


def _seconds(values: list[float]) -> tuple[float, ...]:
    return tuple(round(v, SECOND_DIGITS) for v in values)
