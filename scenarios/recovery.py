"""How long a partner took to recover from a fault, read from the run's time series.

Rules:
1. A partner's level is its goodput (requests the core got a good answer to, per second) over the
   PRE_FAULT_S before the fault started: the whole intervals that end by then.
2. It has recovered at the start of the first interval, from the fault's end on, that begins SETTLE_S
   whose mean goodput is within TOLERANCE of that level, either way, and that is itself at least half
   the level: a backlog still draining (goodput above the level) is not over yet, one minute's luck of
   the draw is not a recovery, and neither is the last minute of an outage averaged out by the drain
   that follows it. (Only the first interval is held to half the level: partners' traffic is bursty,
   and a quiet minute later in the window is no relapse.)
3. Recovery is the time from the fault's end until then, or until the end of the run when it never
   comes. A fault with no level before it (it starts with the run, or nothing was asked of the partner
   before) or with no end has no recovery to measure: 0.
4. `recovery.<system>.s` is the longest over the faults on that system (for admin, on any country's).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from caas_core.systems import family
from scenarios.record import FaultWindow
from scenarios.timeseries import TimeSeries

PRE_FAULT_S = 1800.0
SETTLE_S = 300.0
TOLERANCE = 0.10


def recovery_s(series: TimeSeries, system: str, start: float, end: float) -> float:
    """Rules 1 to 3 for one fault on `system` from `start` until `end`."""
    if system not in series.systems:
        return 0.0
    goodput = series.systems[system].goodput
    interval, points = series.interval_s, series.points
    before = [k for k in range(points) if series.start(k) + series.length_s(k) <= start]
    before = [k for k in before if series.start(k) >= start - PRE_FAULT_S]
    level = _rate(series, goodput, before)
    if not before or level == 0:
        return 0.0
    settle = max(1, round(SETTLE_S / interval))
    for first in range(math.ceil(end / interval), points - settle + 1):
        window = range(first, first + settle)
        under_way = _rate(series, goodput, (first,)) >= level / 2
        if under_way and abs(_rate(series, goodput, window) - level) <= TOLERANCE * level:
            return max(0.0, series.start(first) - end)
    return max(0.0, series.duration_s - end)


def recoveries(series: TimeSeries, faults: Iterable[FaultWindow], systems: Iterable[str]) -> dict[str, float]:
    """Rule 4: per system, the longest recovery from its faults that end before the run does."""
    longest = dict.fromkeys(systems, 0.0)
    for fault in faults:
        system = family(fault.system)
        if system in longest and fault.until_s is not None and fault.until_s < series.duration_s:
            longest[system] = max(longest[system], recovery_s(series, system, fault.from_s, fault.until_s))
    return longest


def _rate(series: TimeSeries, counts: tuple[int, ...], intervals: Iterable[int]) -> float:
    chosen = list(intervals)
    seconds = sum(series.length_s(k) for k in chosen)
    return sum(counts[k] for k in chosen) / seconds if seconds else 0.0
