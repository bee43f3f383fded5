"""One scenario run as one frozen record: what the JSON report holds, and all that the reports and the
policy lab read.

Rules:
1. Frozen all the way down: mappings are read-only views and sequences are tuples, so no renderer can
   change what the next one reads.
2. `as_dict()` is the JSON form; `from_dict()` reads that form back to an equal record, so a report
   rebuilt from `report.json` is the report of the run. Values are taken as they are, not converted:
   JSON keeps an int an int and a float a float, and a conversion could only make the two differ.
3. Only `run` holds wall-clock facts; the rest is a function of the scenario, its seed and the transport.
4. Light: the standard library only (and the alert rules, which need no more), so the reports load no
   pydantic, Flask or SimPy to read a record.
5. `series` is the run over time (scenarios.timeseries); a record written before runs kept one has none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from monitoring.alerts import FiredAlert
from scenarios.timeseries import TimeSeries


def frozen_data(value: Any) -> Any:
    """JSON-like data made read-only: each mapping a read-only view, each list a tuple."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: frozen_data(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen_data(item) for item in value)
    return value


def plain_data(value: Any) -> Any:
    """Frozen data back to plain dicts and lists, as `json` writes them."""
    if isinstance(value, Mapping):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(item) for item in value]
    return value


PROBE, INVARIANT = "probe", "invariant"
# An invariant's detail names this many of the entities that broke it; the count says how many in all.
ENTITIES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Check:
    """One probe or invariant: what it saw (`observed`) against what it wanted (`min`, `max`), and the same
    in words (`detail`), which every report prints as it is, so a check reads alike everywhere.

    A probe observes its `metric`; an invariant observes how many violations it found, wanted at most 0.
    The numbers are None in a record written before they were kept.
    """

    kind: str  # PROBE or INVARIANT
    name: str
    holds: bool
    detail: str  # e.g. "purchases.active_ratio = 0.602, wanted >= 0.95 (nearly every purchase activates)"
    metric: str | None = None
    observed: float | None = None
    min: float | None = None
    max: float | None = None

    @classmethod
    def probe(
        cls,
        label: str,
        metric: str,
        observed: float,
        min: float | None,
        max: float | None,
        title: str | None = None,
    ) -> Check:
        """A probe of `metric`; `title` is the name the scenario gave it, which the detail repeats."""
        holds = (min is None or observed >= min) and (max is None or observed <= max)
        shown = figure(observed, lambda v: (min is None or v >= min) and (max is None or v <= max))
        detail = f"{metric} = {shown}, wanted {bounds_text(min, max)}"
        if title:
            detail += f" ({title})"
        return cls(PROBE, label, holds, detail, metric, observed, min, max)

    @classmethod
    def invariant(cls, name: str, statement: str, violations: Sequence[str]) -> Check:
        """An invariant: its statement while it holds; else how many violations, and the first few."""
        count = len(violations)
        if count == 0:
            return cls(INVARIANT, name, True, statement, None, 0, None, 0)
        shown = "; ".join(violations[:ENTITIES_SHOWN])
        more = f"; and {count - ENTITIES_SHOWN} more" if count > ENTITIES_SHOWN else ""
        detail = f"{count} violation{'' if count == 1 else 's'}: {shown}{more}"
        return cls(INVARIANT, name, False, detail, None, count, None, 0)

    @property
    def line(self) -> str:
        """The check in one line, where no column names it: a probe's detail names it already."""
        return self.detail if self.kind == PROBE else f"{self.name}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "holds": self.holds,
            "detail": self.detail,
            "metric": self.metric,
            "observed": self.observed,
            "min": self.min,
            "max": self.max,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Check:
        # .get: a record written before the numbers were kept has the words only.
        return cls(
            data["kind"],
            data["name"],
            data["holds"],
            data["detail"],
            data.get("metric"),
            data.get("observed"),
            data.get("min"),
            data.get("max"),
        )


def bounds_text(min: float | None, max: float | None) -> str:
    """'>= 0.95', '<= 0', or '>= 0.5 and <= 0.9': the bounds as the probe's file gave them."""
    parts = [f">= {min:g}" if min is not None else "", f"<= {max:g}" if max is not None else ""]
    return " and ".join(p for p in parts if p) or "anything"


def figure(value: float, verdict: Callable[[float], bool] | None = None, digits: int = 3) -> str:
    """`value` to `digits` significant figures, never in exponent form (0.602, 156, 1235, 0.00012).

    With `verdict`, as many more figures as it takes for the shown value to get the verdict the value
    does: 0.94996 against a minimum of 0.95 reads 0.94996, not a misleading 0.95."""
    text = _fixed(value, digits)
    while verdict is not None and digits < 15 and verdict(float(text)) != verdict(value):
        digits += 1
        text = _fixed(value, digits)
    return text


def _fixed(value: float, digits: int) -> str:
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite: say so as Python does
        return str(value)
    if value == int(value):
        return str(int(value))
    magnitude = math.floor(math.log10(abs(value)))
    decimals = min(15, max(0, digits - 1 - magnitude))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True)
class FaultWindow:
    """A fault of the scenario's timeline, on one system from `from_s` until `until_s` (None: the end)."""

    system: str
    from_s: float
    until_s: float | None
    parts: Mapping[str, Any]  # the rest of the fault as the scenario gave it: route, error, latency, ...

    def as_dict(self) -> dict[str, Any]:
        window = (
            {"from_s": self.from_s}
            if self.until_s is None
            else {"from_s": self.from_s, "until_s": self.until_s}
        )
        return {"system": self.system, **plain_data(self.parts), **window}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultWindow:
        parts = {k: v for k, v in data.items() if k not in ("system", "from_s", "until_s")}
        until = data.get("until_s")  # left out of the JSON form when the fault lasts to the end
        return cls(data["system"], data["from_s"], until, frozen_data(parts))


# The kinds of event a record keeps for the reports' timelines.
TIMELINE_KINDS = ("circuit", "queue", "crash", "restart")


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A change the reports draw over time: a breaker's state (`old`, `new`), the IoT queue's `depth`, or
    the core crashing (for its `downtime`) and restarting."""

    t: float
    kind: str  # one of TIMELINE_KINDS
    subject: str  # the breaker's or the queue's system
    data: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"t": self.t, "kind": self.kind, "subject": self.subject, **plain_data(self.data)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimelineEvent:
        rest = {k: v for k, v in data.items() if k not in ("t", "kind", "subject")}
        return cls(data["t"], data["kind"], data["subject"], frozen_data(rest))


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the wall clock saw: two runs of the same scenario and seed differ here and only here."""

    wall_s: float
    events_processed: int

    def as_dict(self) -> dict[str, Any]:
        return {"wall_s": self.wall_s, "events_processed": self.events_processed}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunFacts:
        return cls(data["wall_s"], data["events_processed"])


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One replication of one scenario: its verdicts, its metrics, its timeline, the policies it ran."""

    scenario: str
    title: str
    seed: int
    replication: int
    transport: str
    duration_s: float
    policies: Mapping[str, Any]  # the policies in force, as their JSON form
    faults: tuple[FaultWindow, ...]
    metrics: Mapping[str, float]
    checks: tuple[Check, ...]
    events: tuple[TimelineEvent, ...]
    alerts: tuple[FiredAlert, ...]  # what the alert rules (monitoring/) would have paged
    run: RunFacts
    series: TimeSeries | None = None

    @property
    def passed(self) -> bool:
        return all(c.holds for c in self.checks)

    def as_dict(self, wall_clock: bool = True) -> dict[str, Any]:
        """The JSON form; without `run` when `wall_clock` is false, leaving only what the seed decides."""
        data = {
            "scenario": self.scenario,
            "title": self.title,
            "seed": self.seed,
            "replication": self.replication,
            "transport": self.transport,
            "duration_s": self.duration_s,
            "policies": plain_data(self.policies),
            "faults": [f.as_dict() for f in self.faults],
            "metrics": dict(self.metrics),
            "checks": [c.as_dict() for c in self.checks],
            "events": [e.as_dict() for e in self.events],
            "alerts": [a.as_dict() for a in self.alerts],
        }
        if self.series is not None:
            data["series"] = self.series.as_dict()
        if wall_clock:
            data["run"] = self.run.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunRecord:
        """The record `as_dict()` gave, as written to JSON and read back."""
        return cls(
            scenario=data["scenario"],
            title=data["title"],
            seed=data["seed"],
            replication=data["replication"],
            transport=data["transport"],
            duration_s=data["duration_s"],
            policies=frozen_data(data["policies"]),
            faults=tuple(FaultWindow.from_dict(f) for f in data["faults"]),
            metrics=MappingProxyType(dict(data["metrics"])),
            checks=tuple(Check.from_dict(c) for c in data["checks"]),
            events=tuple(TimelineEvent.from_dict(e) for e in data["events"]),
            alerts=tuple(FiredAlert.from_dict(a) for a in data["alerts"]),
            run=RunFacts.from_dict(data["run"]),
            series=TimeSeries.from_dict(data["series"]) if "series" in data else None,
        )
