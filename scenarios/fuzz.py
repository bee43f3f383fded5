"""Deterministic crash testing: one scenario under many seeds, the core crashed at seeded random moments in
each run, every invariant checked after the crashes and restarts.

Each seed is a pure job (the scenario as data, the seed, the crash rate), so a failure found on a cluster
is found again on a laptop: the record of the failing seed names the broken invariant, its entities, and
the one command that runs that seed again, crashes and all. A probe that misses is counted but does not
fail a seed: probes are a scenario's own expectations, which crashes may move; the invariants are not.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from scenarios.model import Scenario
from scenarios.runner import DEFAULT_DOWNTIME_S, run

# A flow that met an error no rule expects is a bug the invariants may not show: it fails the seed too.
FLOWS_FAILED = "flows.failed"


@dataclass(frozen=True)
class FuzzJob:
    scenario: Scenario
    seed: int
    crashes_per_hour: float
    downtime_s: float = DEFAULT_DOWNTIME_S


@dataclass(frozen=True)
class Breach:
    check: str  # the invariant, or "flows.failed"
    detail: str  # the entities and what went wrong


@dataclass(frozen=True)
class FuzzResult:
    seed: int
    crashes: int
    breaches: tuple[Breach, ...]
    probes_missed: tuple[str, ...]
    wall_s: float

    @property
    def holds(self) -> bool:
        return not self.breaches


def run_fuzz_job(job: FuzzJob) -> FuzzResult:
    """One seed; a top-level function so it pickles for a process pool or a Dask worker."""
    record = run(
        job.scenario, seed=job.seed, crashes_per_hour=job.crashes_per_hour, downtime_s=job.downtime_s
    )
    breaches = [Breach(c.name, c.detail) for c in record.checks if c.kind == "invariant" and not c.holds]
    if record.metrics[FLOWS_FAILED]:
        breaches.append(Breach(FLOWS_FAILED, f"{record.metrics[FLOWS_FAILED]:g} flows failed unexpectedly"))
    missed = tuple(c.name for c in record.checks if c.kind == "probe" and not c.holds)
    return FuzzResult(
        job.seed, int(record.metrics["core.crashes"]), tuple(breaches), missed, record.run.wall_s
    )


def jobs(
    scenario: Scenario, seeds: range, crashes_per_hour: float, downtime_s: float = DEFAULT_DOWNTIME_S
) -> list[FuzzJob]:
    return [FuzzJob(scenario, seed, crashes_per_hour, downtime_s) for seed in seeds]


def repro(name_or_path: str, job: FuzzJob) -> str:
    """The command that runs one fuzzed seed again, exactly."""
    words = ["caas-sandbox", "scenario", "run", name_or_path, "--seed", str(job.seed)]
    words += ["--crashes-per-hour", f"{job.crashes_per_hour:g}", "--downtime", f"{job.downtime_s:g}s"]
    return shlex.join(words)


@dataclass(frozen=True)
class FuzzReport:
    scenario: str
    target: str  # the name or path as given: what the repro commands say
    jobs: tuple[FuzzJob, ...]
    results: tuple[FuzzResult, ...]
    wall_s: float

    @property
    def failed(self) -> list[tuple[FuzzJob, FuzzResult]]:
        return [(j, r) for j, r in zip(self.jobs, self.results, strict=True) if not r.holds]

    def as_dict(self) -> dict[str, object]:
        first = self.jobs[0]
        return {
            "scenario": self.scenario,
            "seeds": len(self.jobs),
            "first_seed": first.seed,
            "crashes_per_hour": first.crashes_per_hour,
            "downtime_s": first.downtime_s,
            "crashes": sum(r.crashes for r in self.results),
            "failed_seeds": len(self.failed),
            "probes_missed": sum(1 for r in self.results if r.probes_missed),
            "wall_s": round(self.wall_s, 1),
            "failures": [
                {
                    "seed": r.seed,
                    "breaches": [{"check": b.check, "detail": b.detail} for b in r.breaches],
                    "repro": repro(self.target, j),
                }
                for j, r in self.failed
            ],
        }
