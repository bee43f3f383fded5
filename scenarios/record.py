"""One scenario run as one frozen record: what the JSON report holds, and all that the reports and the
policy lab read.

Rules:
1. Frozen all the way down: mappings are read-only views and sequences are tuples, so no renderer can
   change what the next one reads.
2. `as_dict()` is the JSON form; `from_dict()` reads that form back to an equal record, so a report
   rebuilt from `report.json` is the report of the run. Values are taken as they are, not converted:
   JSON keeps an int an int and a float a float, and a conversion could only make the two differ.
3. Only `run` holds wall-clock facts; the rest is a function of the scenario, its seed and the transport.
4. Light: the standard library only, so the reports load no pydantic, Flask or SimPy to read a record.
5. `series` is the run over time (scenarios.timeseries); a record written before runs kept one has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Check:
    """One probe or invariant, as a report shows it."""

    kind: str  # "probe" or "invariant"
    name: str
    holds: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "holds": self.holds, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Check:
        return cls(data["kind"], data["name"], data["holds"], data["detail"])


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
            run=RunFacts.from_dict(data["run"]),
            series=TimeSeries.from_dict(data["series"]) if "series" in data else None,
        )
