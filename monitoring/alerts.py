"""The alerts a run would have raised: the rules evaluated over its scrapes at each evaluation time, with
`for` kept as Prometheus keeps it (an alert fires once its condition has held for `for`, and resolves at
the first evaluation that finds it false)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitoring.promql import Labels, Samples
from monitoring.rules import RULES, Rule


@dataclass(frozen=True, slots=True)
class FiredAlert:
    """An alert a rule raised: on which system, when, and when it resolved. A run's record keeps these."""

    alert: str
    system: str
    fired_s: float
    resolved_s: float | None  # None: still firing at the end
    value: float  # the measure when it fired

    def as_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert,
            "system": self.system,
            "fired_s": self.fired_s,
            "resolved_s": self.resolved_s,
            "value": self.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FiredAlert:
        return cls(data["alert"], data["system"], data["fired_s"], data["resolved_s"], data["value"])


def evaluate(samples: Samples, times: Iterable[float], rules: Sequence[Rule] = RULES) -> list[FiredAlert]:
    """Every alert that fired at one of `times`, in the order they fired."""
    active: dict[tuple[str, Labels], float] = {}  # pending or firing, since
    firing: dict[tuple[str, Labels], tuple[float, float]] = {}  # fired at, value
    fired: list[FiredAlert] = []
    for t in times:
        for rule in rules:
            holding = rule.values(samples, t)
            for labels, value in holding.items():
                key = (rule.name, labels)
                since = active.setdefault(key, t)
                if key not in firing and t - since >= rule.for_s:
                    firing[key] = (t, value)
            for key in [k for k in active if k[0] == rule.name and k[1] not in holding]:
                del active[key]
                if key in firing:
                    fired.append(_alert(key, *firing.pop(key), resolved=t))
    fired += [_alert(key, at, value, resolved=None) for key, (at, value) in firing.items()]
    return sorted(fired, key=lambda a: (a.fired_s, a.alert, a.system))


def _alert(key: tuple[str, Labels], at: float, value: float, resolved: float | None) -> FiredAlert:
    name, labels = key
    return FiredAlert(name, dict(labels).get("system", ""), at, resolved, value)
