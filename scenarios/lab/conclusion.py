"""What a comparison concludes across its scenarios: for each outcome, in how many scenarios the candidate
was significantly better, significantly worse or not distinguishable from the base, and its largest effect.

Rules:
1. An outcome counts once per scenario, by that scenario's verdict (OutcomeComparison.verdict): better or
   worse when the paired 95 % interval leaves out zero, else not distinguishable.
2. The largest effect is the significant difference of largest size, with its scenario; none when no
   scenario tells the files apart on that outcome.
3. An outcome with the same value in every run of every scenario under both files says nothing: it is
   left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.lab import formatting as fmt
from scenarios.lab.compare import Comparison, OutcomeComparison
from scenarios.lab.outcomes import OUTCOMES, Outcome


@dataclass(frozen=True, slots=True)
class Effect:
    scenario: str
    comparison: OutcomeComparison

    @property
    def mean(self) -> float:
        return self.comparison.difference.estimate.mean

    @property
    def relative(self) -> float | None:
        """The difference as a share of the base's mean, when that is not zero."""
        base = self.comparison.base.mean
        return self.mean / abs(base) if base else None

    def text(self) -> str:
        """'+0.412 in flaky-iot': the difference candidate - base, in the outcome's unit."""
        unit = f" {self.comparison.outcome.unit}" if self.comparison.outcome.unit else ""
        return f"{fmt.signed(self.mean)}{unit} in {self.scenario}"


@dataclass(frozen=True, slots=True)
class OutcomeTally:
    outcome: Outcome
    better: int
    worse: int
    same: int  # not distinguishable
    largest: Effect | None

    @property
    def scenarios(self) -> int:
        return self.better + self.worse + self.same

    def as_dict(self) -> dict[str, object]:
        largest = self.largest
        return {
            "metric": self.outcome.metric,
            "label": self.outcome.label,
            "better": self.better,
            "worse": self.worse,
            "not_distinguishable": self.same,
            "largest_effect": None
            if largest is None
            else {"scenario": largest.scenario, "difference": largest.mean, "relative": largest.relative},
        }


@dataclass(frozen=True, slots=True)
class Conclusion:
    base: str
    candidate: str
    scenarios: int
    replications: int
    tallies: tuple[OutcomeTally, ...]  # the outcomes that varied somewhere, in OUTCOMES order
    constant: int  # outcomes left out: the same in every run of every scenario (rule 3)
    base_passed: int
    candidate_passed: int

    @property
    def runs(self) -> int:
        return self.scenarios * self.replications

    def lines(self) -> list[str]:
        """The conclusion in a few lines: where the candidate was better, worse, mixed, and the rest."""
        n = self.scenarios
        better = [t for t in self.tallies if t.better and not t.worse]
        worse = [t for t in self.tallies if t.worse and not t.better]
        mixed = [t for t in self.tallies if t.better and t.worse]
        lines = []
        if better:
            lines.append("better on " + "; ".join(f"{t.outcome.label} ({t.better} of {n})" for t in better))
        if worse:
            lines.append("worse on " + "; ".join(f"{t.outcome.label} ({t.worse} of {n})" for t in worse))
        if mixed:
            lines.append(
                "mixed on "
                + "; ".join(f"{t.outcome.label} (better in {t.better}, worse in {t.worse})" for t in mixed)
            )
        rest = len(OUTCOMES) - len(better) - len(worse) - len(mixed)
        if not (better or worse or mixed):
            lines.append(f"not distinguishable on any of the {len(OUTCOMES)} outcomes")
        else:
            lines.append(f"not distinguishable on the other {rest} outcomes")
        lines.append(
            f"runs passing every check: {self.base_passed} of {self.runs} under {self.base}, "
            f"{self.candidate_passed} of {self.runs} under {self.candidate}"
        )
        return lines

    def as_dict(self) -> dict[str, object]:
        return {
            "scenarios": self.scenarios,
            "outcomes": [t.as_dict() for t in self.tallies],
            "outcomes_constant": self.constant,
            "runs_passed": {"base": self.base_passed, "candidate": self.candidate_passed, "of": self.runs},
            "lines": self.lines(),
        }


def conclude(comparison: Comparison) -> Conclusion:
    tallies = []
    constant = 0
    for outcome in OUTCOMES:
        per_scenario = [
            (s.scenario, next(o for o in s.outcomes if o.outcome == outcome)) for s in comparison.scenarios
        ]
        if all(o.constant for _, o in per_scenario):
            constant += 1
            continue
        verdicts = [o.verdict for _, o in per_scenario]
        significant = [Effect(name, o) for name, o in per_scenario if o.verdict != "same"]
        largest = max(significant, key=lambda e: abs(e.mean), default=None)
        tallies.append(
            OutcomeTally(
                outcome, verdicts.count("better"), verdicts.count("worse"), verdicts.count("same"), largest
            )
        )
    return Conclusion(
        base=comparison.base,
        candidate=comparison.candidate,
        scenarios=len(comparison.scenarios),
        replications=comparison.replications,
        tallies=tuple(tallies),
        constant=constant,
        base_passed=sum(s.base_passed for s in comparison.scenarios),
        candidate_passed=sum(s.candidate_passed for s in comparison.scenarios),
    )
