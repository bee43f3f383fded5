"""Sweep policy keys over a grid of values on one scenario; find the success / time-to-activate front.

`--param KEY=VALUES`: KEY is a dotted key of the policy file (`ota_activation.max_retries`), VALUES a
comma list (`fixed,exponential`) or an inclusive integer range (`0..8`). Each value is read as the first
of int, float, bool (true/false) or str that fits; the policy loader then checks it against the schema.
Every grid point runs the same replications with the same seeds (common random numbers).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from caas_core.errors import ConfigError
from scenarios.lab.executors import Progress, run_jobs
from scenarios.lab.jobs import Job, JobResult, PolicySet, check, overrides_from_dotted
from scenarios.lab.outcomes import OUTCOMES, SUCCESS, TIME_TO_ACTIVATE
from scenarios.lab.stats import Estimate, estimate
from scenarios.model import Scenario

Value = int | float | bool | str
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")
MAX_POINTS = 10_000


@dataclass(frozen=True)
class Param:
    key: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class SweepPoint:
    values: dict[str, Value]
    estimates: dict[str, Estimate]
    samples: dict[str, tuple[float, ...]]
    passed: int
    pareto: bool


@dataclass(frozen=True)
class Sweep:
    scenario: str
    title: str
    policies: str
    params: tuple[Param, ...]
    replications: int
    seeds: tuple[int, ...]
    points: tuple[SweepPoint, ...]


def parse_value(text: str) -> Value:
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def parse_param(text: str) -> Param:
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or not values.strip():
        raise ConfigError(f"--param {text!r}: write KEY=VALUES, e.g. ota_activation.max_retries=0..8")
    if not _KEY.match(key):
        raise ConfigError(
            f"--param {text!r}: {key!r} is not a policy key; use a dotted key of the policy file such as "
            "ota_activation.max_retries or breakers.iot.failure_threshold"
        )
    span = _RANGE.match(values)
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        if last < first:
            raise ConfigError(f"--param {text!r}: the range {first}..{last} is empty")
        parsed: tuple[Value, ...] = tuple(range(first, last + 1))
    else:
        parsed = tuple(parse_value(v) for v in values.split(",") if v.strip())
    if len(set(map(repr, parsed))) != len(parsed):
        raise ConfigError(f"--param {text!r}: a value is listed twice")
    return Param(key, parsed)


def grid(params: Sequence[Param]) -> list[dict[str, Value]]:
    """Every combination, the first parameter varying slowest."""
    keys = [p.key for p in params]
    for a, b in itertools.permutations(keys, 2):
        if a == b or b.startswith(a + "."):
            raise ConfigError(f"--param {b}: overlaps --param {a}; give each policy key once")
    size = 1
    for p in params:
        size *= len(p.values)
    if size > MAX_POINTS:
        raise ConfigError(f"the grid has {size} points; at most {MAX_POINTS}")
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(p.values for p in params))]


def sweep_jobs(
    scenario: Scenario,
    policies: PolicySet,
    points: Sequence[dict[str, Value]],
    replications: int,
    seed: int | None,
) -> list[Job]:
    return [
        Job(scenario, policies, k, seed, overrides_from_dotted(point))
        for point in points
        for k in range(replications)
    ]


def check_points(
    scenario: Scenario, policies: PolicySet, points: Sequence[dict[str, Value]], seed: int | None
) -> None:
    """Every grid point gives valid policies: a bad --param value is one ConfigError before any run."""
    check(Job(scenario, policies, 0, seed))  # the file and the scenario's own overrides, before any --param
    for point in points:
        where = "--param " + ", ".join(f"{key}={_written(value)}" for key, value in point.items())
        check(Job(scenario, policies, 0, seed, overrides_from_dotted(point)), where=where)


def _written(value: Value) -> str:
    """A value as it was written on the command line: true, not Python's True."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def run_sweep(
    scenario: Scenario,
    params: Sequence[Param],
    *,
    policies: PolicySet,
    replications: int,
    seed: int | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: Progress | None = None,
) -> Sweep:
    points = grid(params)
    check_points(scenario, policies, points, seed)
    jobs = sweep_jobs(scenario, policies, points, replications, seed)
    results = run_jobs(jobs, workers=workers, dask_address=dask_address, progress=progress)
    return summarise(scenario, policies, params, points, replications, results)


def summarise(
    scenario: Scenario,
    policies: PolicySet,
    params: Sequence[Param],
    points: Sequence[dict[str, Value]],
    replications: int,
    results: Sequence[JobResult],
) -> Sweep:
    rows = []
    for index, point in enumerate(points):
        chunk = results[index * replications : (index + 1) * replications]
        samples = {o.metric: tuple(r.metrics[o.metric] for r in chunk) for o in OUTCOMES}
        rows.append(
            (point, {m: estimate(v) for m, v in samples.items()}, samples, sum(r.passed for r in chunk))
        )
    front = pareto_front([(e[SUCCESS].mean, e[TIME_TO_ACTIVATE].mean) for _, e, _, _ in rows])
    return Sweep(
        scenario=scenario.name,
        title=scenario.title,
        policies=policies.label,
        params=tuple(params),
        replications=replications,
        seeds=tuple(r.seed for r in results[:replications]),
        points=tuple(
            SweepPoint(point, est, samples, passed, i in front)
            for i, (point, est, samples, passed) in enumerate(rows)
        ),
    )


def pareto_front(points: Sequence[tuple[float, float]]) -> set[int]:
    """Indices of the (success, time) points no other beats: success as high and time as low, one strictly."""
    front = set()
    for i, (success, time) in enumerate(points):
        dominated = any(
            s >= success and t <= time and (s > success or t < time)
            for j, (s, t) in enumerate(points)
            if j != i
        )
        if not dominated:
            front.add(i)
    return front
