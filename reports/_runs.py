"""What every renderer needs from a list of run records: the runs grouped by scenario, each metric's mean
and range over replications, and the words and numbers people read.

A record is a frozen `RunRecord` (scenarios.record), fresh from a run or read back from `report.json`;
nothing here touches a live run, so a report can be rebuilt from the JSON alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from caas_core.systems import ADMIN, family
from scenarios.record import Check, FaultWindow, RunRecord, plain_data

# The numbers a reader looks at first; the HTML shows every metric, these go in the summaries.
KEY_METRICS = (
    "purchases.requested",
    "purchases.active_ratio",
    "activation.duration_s.p95",
    "orders.placed",
    "orders.registered",
    "orders.delivery_blocked",
    "payments.captured_without_activation",
    "money.at_risk",
    "alerts.ops",
    "tickets.tech_support",
    "queue.iot.max_depth",
)
# A fault's parts, and the fields within each part, in the order the fault model declares them
# (simulators.kit.faults, simulators.kit.distributions). A fault is written in this order, not in its
# mapping's: a record read back from JSON has its keys sorted and must read as the fresh one does.
FAULT_PARTS = (
    *("route", "latency", "capacity", "error", "hang", "reset", "malformed", "webhook", "first_n"),
    "every_nth",
)
PART_FIELDS = (
    *(
        "dist",
        "ms",
        "s",
        "min_ms",
        "max_ms",
        "min_s",
        "max_s",
        "mean_ms",
        "sd_ms",
        "mean_s",
        "sd_s",
    ),  # latency
    *("p50_ms", "p99_ms", "p50_s", "p99_s", "table", "table_s", "base_ms", "per_inflight_ms", "base_s"),
    "per_inflight_s",
    *("workers", "service", "queue_limit", "overflow", "retry_after_s"),  # capacity
    *("rate", "status"),  # error, hang, reset, malformed
    *("drop", "duplicate", "reorder", "delay_s", "bad_signature"),  # webhook
)
DASH = "\u2013"  # an en dash, as typeset ranges use; spelt as an escape to keep the source ASCII
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Stat:
    mean: float
    lo: float
    hi: float
    n: int

    def spread(self) -> str:
        """The min-max range when there are several replications that differ, else empty."""
        if self.n > 1 and self.lo != self.hi:
            return f"{number(self.lo)}{DASH}{number(self.hi)}"
        return ""

    def text(self) -> str:
        """The mean, and the min-max range in brackets when there is one."""
        spread = self.spread()
        return f"{number(self.mean)} ({spread})" if spread else number(self.mean)


@dataclass(frozen=True)
class CheckRow:
    kind: str
    name: str
    held: int  # replications in which it held
    total: int
    detail: str

    @property
    def holds(self) -> bool:
        return self.held == self.total

    failed: tuple[tuple[int, Check], ...] = ()  # (replication, check) of each run it failed in

    def failure_lines(self) -> list[str]:
        """Each failure in one line (Check.line), led by its replication when there were several."""
        if self.total == 1:
            return [check.line for _, check in self.failed]
        return [f"r{k}: {check.line}" for k, check in self.failed]


@dataclass(frozen=True)
class ScenarioRuns:
    """Every replication of one scenario, in replication order."""

    name: str
    records: tuple[RunRecord, ...]

    @property
    def first(self) -> RunRecord:
        return self.records[0]

    @property
    def title(self) -> str:
        return self.first.title or self.name

    @property
    def duration_s(self) -> float:
        return self.first.duration_s

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.records)

    @property
    def faults(self) -> tuple[FaultWindow, ...]:
        # The fault timeline comes from the scenario file, so it is the same in every replication.
        return self.first.faults

    def values(self, metric: str) -> list[float]:
        return [r.metrics[metric] for r in self.records if metric in r.metrics]

    def stat(self, metric: str) -> Stat | None:
        values = self.values(metric)
        if not values:
            return None  # a record from an older catalogue: say nothing rather than a false zero
        return Stat(fmean(values), min(values), max(values), len(values))

    def mean(self, metric: str) -> float:
        stat = self.stat(metric)
        return stat.mean if stat else 0.0

    def failed_checks(self) -> list[CheckRow]:
        return [c for c in self.checks() if not c.holds]

    def checks(self) -> list[CheckRow]:
        """Each probe and invariant once, with how many replications it held in."""
        seen: dict[tuple[str, str], list[tuple[int, Check]]] = {}
        for record in self.records:
            for check in record.checks:
                seen.setdefault((check.kind, check.name), []).append((record.replication, check))
        rows = []
        for (kind, name), results in seen.items():
            details = {c.detail for _, c in results}
            if len(details) == 1:
                detail = details.pop()
            else:
                detail = "; ".join(f"r{k}: {c.detail}" for k, c in results)
            held = sum(1 for _, c in results if c.holds)
            failed = tuple((k, c) for k, c in results if not c.holds)
            rows.append(CheckRow(kind, name, held, len(results), detail, failed))
        return rows

    def seeds(self) -> str:
        seeds = [r.seed for r in self.records]
        return str(seeds[0]) if len(seeds) == 1 else f"{min(seeds)}{DASH}{max(seeds)}"

    def wall_s(self) -> float:
        return sum(r.run.wall_s for r in self.records)


def group(records: Sequence[RunRecord]) -> list[ScenarioRuns]:
    """Scenarios in the order they first appear; replications sorted within each."""
    by_name: dict[str, list[RunRecord]] = {}
    for record in records:
        by_name.setdefault(record.scenario, []).append(record)
    return [
        ScenarioRuns(name, tuple(sorted(runs, key=lambda r: r.replication))) for name, runs in by_name.items()
    ]


def safe_name(name: str) -> str:
    """A scenario name fit for a file name or an HTML id: a name comes from the user's file."""
    return _UNSAFE.sub("_", name).strip("._") or "scenario"


def number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"  # three figures, as a check states its value


def clock(seconds: float) -> str:
    """Simulated time as h:mm:ss from the start of the run."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def span(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:g}h"
    if seconds >= 60:
        return f"{seconds / 60:g}m"
    return f"{seconds:g}s"


def fault_until(fault: FaultWindow, duration_s: float) -> float:
    return duration_s if fault.until_s is None else fault.until_s


def fault_text(fault: FaultWindow) -> str:
    """The fault without its system and window, e.g. `error(rate=1, status=503)`."""
    parts = []
    for key, value in _in_order(fault.parts, FAULT_PARTS):
        if key == "id":
            continue
        if isinstance(value, Mapping):
            inner = ", ".join(f"{k}={_scalar(v)}" for k, v in _in_order(value, PART_FIELDS))
            parts.append(f"{key}({inner})")
        else:
            parts.append(f"{key}={_scalar(value)}")
    return " ".join(parts) or "-"


def _in_order(mapping: Mapping[str, Any], order: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The items in `order`; keys it does not name follow, in the mapping's own order."""
    rank = {key: index for index, key in enumerate(order)}
    return sorted(mapping.items(), key=lambda item: rank.get(item[0], len(rank)))


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str | int | bool) or value is None:
        return str(value)
    return json.dumps(plain_data(value), sort_keys=True)


def paged(runs: ScenarioRuns) -> list[dict[str, str]]:
    """The alerts the rules raised in each run, as rows: seed, alert, system, when it fired and resolved."""
    return [
        {
            "seed": str(record.seed),
            "alert": alert.alert,
            "system": alert.system,
            "fired": clock(alert.fired_s),
            "resolved": clock(alert.resolved_s) if alert.resolved_s is not None else "still firing",
        }
        for record in runs.records
        for alert in record.alerts
    ]


def fault_hits(fault_system: str, subject: str) -> bool:
    """Whether a fault on `fault_system` acts on the breaker or queue named `subject`."""
    if fault_system == subject:
        return True
    return family(fault_system) == family(subject) and ADMIN in (fault_system, subject)
