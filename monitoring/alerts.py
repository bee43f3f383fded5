"""The alerts a run would have raised: the rules evaluated over its scrapes at each evaluation time, with
`for` kept as Prometheus keeps it (an alert fires once its condition has held for `for`, and resolves at
the first evaluation that finds it false)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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
    times = list(times)
    at = np.array(times, float)
    fired: list[FiredAlert] = []
    for rule in rules:
        for labels, values in rule.values(samples, at).items():
            fired += _fired(rule, labels, times, values.tolist())
    return sorted(fired, key=lambda a: (a.fired_s, a.alert, a.system))


def _fired(rule: Rule, labels: Labels, times: list[float], values: list[float]) -> Iterator[FiredAlert]:
    """One label set's alerts: pending from the first time the condition holds, firing once it has held
    for `for`, resolved at the first time it does not hold (NaN)."""
    since = firing = None
    for t, value in zip(times, values, strict=True):
        if math.isnan(value):
            if firing is not None:
                yield _alert((rule.name, labels), *firing, resolved=t)
            since = firing = None
            continue
        since = t if since is None else since
        if firing is None and t - since >= rule.for_s:
            firing = (t, value)
    if firing is not None:
        yield _alert((rule.name, labels), *firing, resolved=None)


def _alert(key: tuple[str, Labels], at: float, value: float, resolved: float | None) -> FiredAlert:
    name, labels = key
    return FiredAlert(name, dict(labels).get("system", ""), at, resolved, value)
