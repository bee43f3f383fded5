"""Compare two policy files on the same scenarios with the same seeds, outcome by outcome.

Each scenario runs R replications under the base file and R under the candidate; replication k uses the
same seed on both sides (common random numbers), so each outcome gets a mean with its 95 % interval per
side and a paired difference candidate - base with its own interval and a significance flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from caas_core.policies import load_policies
from scenarios.lab.executors import Progress, run_jobs
from scenarios.lab.jobs import Job, JobResult, PolicySet, check
from scenarios.lab.outcomes import OUTCOMES, Outcome
from scenarios.lab.stats import LEVEL, Difference, Estimate, estimate, paired
from scenarios.model import Scenario

# One scenario per kind of policy an architect usually changes: a quiet day (what a policy costs when
# nothing fails), OTA retries, the IoT breaker and queue, VSS backoff and cache, and the payment retry.
DEFAULT_SCENARIOS = ("normal-day", "flaky-iot", "iot-blackout", "vss-slow", "payment-lost-response")
DEFAULT_REPLICATIONS = 10


@dataclass(frozen=True)
class OutcomeComparison:
    outcome: Outcome
    base: Estimate
    candidate: Estimate
    difference: Difference
    base_values: tuple[float, ...]
    candidate_values: tuple[float, ...]

    @property
    def constant(self) -> bool:
        """The same value in every run under both files (a breaker never opened, a system never retried)."""
        return len(set(self.base_values) | set(self.candidate_values)) == 1

    @property
    def verdict(self) -> str:
        """'better', 'worse' or 'same' for the candidate, by the outcome's sense; only when significant."""
        if not self.difference.significant:
            return "same"
        up = self.difference.estimate.mean > 0
        return "better" if up == self.outcome.higher_is_better else "worse"


@dataclass(frozen=True)
class ScenarioComparison:
    scenario: str
    title: str
    seeds: tuple[int, ...]
    outcomes: tuple[OutcomeComparison, ...]
    base_passed: int
    candidate_passed: int
    masked: bool  # the scenario's own policy overrides leave the two files identical for it


@dataclass(frozen=True)
class Comparison:
    base: str
    candidate: str
    replications: int
    changes: tuple[tuple[str, Any, Any], ...]  # (dotted key, base value, candidate value)
    scenarios: tuple[ScenarioComparison, ...]


def compare_jobs(
    scenarios: Sequence[Scenario], base: PolicySet, candidate: PolicySet, replications: int, seed: int | None
) -> list[Job]:
    """Scenario by scenario, base then candidate, replication 0..R-1: the order results come back in."""
    return [
        Job(scenario, side, k, seed)
        for scenario in scenarios
        for side in (base, candidate)
        for k in range(replications)
    ]


def run_compare(
    scenarios: Sequence[Scenario],
    base: PolicySet,
    candidate: PolicySet,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: Progress | None = None,
) -> Comparison:
    jobs = compare_jobs(scenarios, base, candidate, replications, seed)
    for job in jobs[::replications]:
        check(job)
    results = run_jobs(jobs, workers=workers, dask_address=dask_address, progress=progress)
    return summarise(scenarios, base, candidate, replications, results)


def summarise(
    scenarios: Sequence[Scenario],
    base: PolicySet,
    candidate: PolicySet,
    replications: int,
    results: Sequence[JobResult],
) -> Comparison:
    per_scenario = []
    for index, scenario in enumerate(scenarios):
        start = index * 2 * replications
        left = results[start : start + replications]
        right = results[start + replications : start + 2 * replications]
        per_scenario.append(
            ScenarioComparison(
                scenario=scenario.name,
                title=scenario.title,
                seeds=tuple(r.seed for r in left),
                outcomes=tuple(_outcome(o, left, right) for o in OUTCOMES),
                base_passed=sum(r.passed for r in left),
                candidate_passed=sum(r.passed for r in right),
                masked=_masked(scenario, base, candidate),
            )
        )
    return Comparison(
        base=base.label,
        candidate=candidate.label,
        replications=replications,
        changes=tuple(policy_changes(base.data, candidate.data)),
        scenarios=tuple(per_scenario),
    )


def _outcome(outcome: Outcome, left: Sequence[JobResult], right: Sequence[JobResult]) -> OutcomeComparison:
    b = tuple(r.metrics[outcome.metric] for r in left)
    c = tuple(r.metrics[outcome.metric] for r in right)
    return OutcomeComparison(outcome, estimate(b), estimate(c), paired(b, c), b, c)


def _masked(scenario: Scenario, base: PolicySet, candidate: PolicySet) -> bool:
    if base.data == candidate.data:
        return False
    with_base = load_policies(None, Job(scenario, base, 0).effective_overrides())
    return with_base == load_policies(None, Job(scenario, candidate, 0).effective_overrides())


def policy_changes(base: Mapping[str, Any], candidate: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """The keys whose values differ between two policy dumps, dotted, in file order."""
    flat_base, flat_candidate = _flatten(base), _flatten(candidate)
    keys = list(flat_base) + [k for k in flat_candidate if k not in flat_base]
    return [
        (k, flat_base.get(k), flat_candidate.get(k))
        for k in keys
        if flat_base.get(k) != flat_candidate.get(k)
    ]


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def as_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "kind": "policy-compare",
        "base": comparison.base,
        "candidate": comparison.candidate,
        "replications": comparison.replications,
        "confidence": LEVEL,
        "changes": [{"key": k, "base": b, "candidate": c} for k, b, c in comparison.changes],
        "scenarios": [
            {
                "scenario": s.scenario,
                "title": s.title,
                "seeds": list(s.seeds),
                "masked_by_scenario_overrides": s.masked,
                "runs_passed": {"base": s.base_passed, "candidate": s.candidate_passed},
                "outcomes": {
                    o.outcome.metric: {
                        "label": o.outcome.label,
                        "higher_is_better": o.outcome.higher_is_better,
                        "base": {**o.base.as_dict(), "values": list(o.base_values)},
                        "candidate": {**o.candidate.as_dict(), "values": list(o.candidate_values)},
                        "difference": o.difference.as_dict(),
                        "verdict": o.verdict,
                    }
                    for o in s.outcomes
                },
            }
            for s in comparison.scenarios
        ],
    }
