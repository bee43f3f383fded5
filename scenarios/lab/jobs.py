"""A job is one run of one scenario under one policy set; running it is a pure function of the job.

A job carries everything its run needs as plain data: the scenario itself (not its path) and the policies
already read from the file (not the file's name). A Dask worker on another machine has neither the
architect's scenario file nor their policy file, and a pure job is what makes the numbers independent of
where and in which order the jobs run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caas_core.errors import ConfigError
from caas_core.policies import Policies, load_policies, merge
from scenarios.model import Scenario
from scenarios.runner import run, simulator_configs


@dataclass(frozen=True)
class PolicySet:
    """A policy file as the lab ships it to workers: its label and its validated content."""

    label: str
    data: dict[str, Any]

    @classmethod
    def from_file(cls, path: Path | None, label: str | None = None) -> PolicySet:
        # Validated here, in the parent, so a bad file is one line before any job starts.
        policies = load_policies(path)
        return cls(label or (path.stem if path else "defaults"), policies.model_dump(mode="json"))


@dataclass(frozen=True)
class Job:
    """One replication of one scenario under one policy set and one set of swept overrides."""

    scenario: Scenario
    policies: PolicySet
    replication: int
    seed: int | None = None  # None: the scenario's own seed; replication k always runs with seed + k
    overrides: dict[str, Any] = field(default_factory=dict)

    def effective_overrides(self) -> dict[str, Any]:
        """Policy file, then the scenario's own overrides, then the swept values: the last word wins."""
        return merge(merge(self.policies.data, self.scenario.policies), self.overrides)


@dataclass(frozen=True)
class JobResult:
    metrics: dict[str, float]
    passed: bool
    seed: int
    wall_s: float


def run_job(job: Job) -> JobResult:
    """Run one job in whatever process or worker receives it; a top-level function so it pickles."""
    scenario = job.scenario.model_copy(update={"policies": job.effective_overrides()})
    record = run(scenario, replication=job.replication, seed=job.seed)
    return JobResult(dict(record.metrics), record.passed, record.seed, record.run.wall_s)


def check(job: Job, where: str | None = None) -> Policies:
    """Fail early, in the parent, on what a worker would fail on: the simulator settings and the policies.

    A policy error is the loader's own line, told where it came from (`where`, or scenario and file).
    """
    simulator_configs(job.scenario)
    try:
        return load_policies(None, job.effective_overrides())
    except ConfigError as error:
        where = where or f"{job.scenario.source}, policies {job.policies.label}"
        raise ConfigError(f"{where}: {str(error).removeprefix('policies: ')}") from None


def overrides_from_dotted(values: Mapping[str, Any]) -> dict[str, Any]:
    """{'ota_activation.max_retries': 3} -> {'ota_activation': {'max_retries': 3}}."""
    nested: dict[str, Any] = {}
    for dotted, value in values.items():
        *tables, key = dotted.split(".")
        node = nested
        for table in tables:
            node = node.setdefault(table, {})
        node[key] = value
    return nested
