"""The comparison's conclusion across scenarios: counts by verdict, the largest effect, and its text."""

from __future__ import annotations

import io

from rich.console import Console

from scenarios.lab.compare import Comparison, OutcomeComparison, ScenarioComparison
from scenarios.lab.conclusion import conclude
from scenarios.lab.outcomes import OUTCOMES
from scenarios.lab.stats import estimate, paired
from scenarios.lab.terminal import render_conclusion, render_summary

SUCCESS, P95, TICKETS = "purchases.active_ratio", "activation.duration_s.p95", "tickets.tech_support"


def scenario(name: str, values: dict[str, tuple[tuple[float, ...], tuple[float, ...]]]) -> ScenarioComparison:
    """A scenario of three replications; an outcome not in `values` is 1 in every run under both files."""
    outcomes = []
    for o in OUTCOMES:
        base, candidate = values.get(o.metric, ((1, 1, 1), (1, 1, 1)))
        outcomes.append(
            OutcomeComparison(
                o, estimate(base), estimate(candidate), paired(base, candidate), base, candidate
            )
        )
    return ScenarioComparison(name, name, (1, 2, 3), tuple(outcomes), 3, 2, False)


def comparison(*scenarios: ScenarioComparison) -> Comparison:
    return Comparison("base", "candidate", 3, (("ota_activation.max_retries", 0, 5),), scenarios)


THREE = comparison(
    scenario("flaky", {SUCCESS: ((0.4, 0.5, 0.45), (0.8, 0.9, 0.85)), P95: ((50, 52, 54), (300, 320, 310))}),
    scenario(
        "blackout",
        {
            SUCCESS: ((0.6, 0.7, 0.65), (0.7, 0.8, 0.75)),
            P95: ((50, 60, 55), (100, 110, 105)),
            TICKETS: ((40, 50, 45), (40, 51, 44)),
        },
    ),
    scenario("quiet", {P95: ((10, 12, 11), (10, 13, 11)), TICKETS: ((0, 0, 0), (2, 3, 4))}),
)


def test_each_outcome_is_counted_by_verdict_with_its_largest_significant_effect():
    conclusion = conclude(THREE)
    rows = {
        t.outcome.metric: (t.better, t.worse, t.same, t.largest and t.largest.text())
        for t in conclusion.tallies
    }
    assert rows == {
        SUCCESS: (2, 0, 1, "+0.4 in flaky"),  # the quiet scenario's ratio never moved: not distinguishable
        P95: (0, 2, 1, "+258 s in flaky"),
        TICKETS: (0, 1, 2, "+3 in quiet"),  # more escalations are worse
    }
    assert conclusion.constant == len(OUTCOMES) - 3
    assert conclusion.as_dict()["runs_passed"] == {"base": 9, "candidate": 6, "of": 9}


def test_the_summary_and_the_conclusion_fit_80_columns():
    out = io.StringIO()
    console = Console(file=out, width=80, color_system=None)
    conclusion = conclude(THREE)
    render_summary(conclusion, console)
    render_conclusion(conclusion, console)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    assert all(len(line) <= 80 for line in lines)
    assert lines == [
        "Summary over 3 scenarios, 3 replications each",
        "outcome                     better  worse  not sig.  largest effect",
        "─" * 68,
        "purchase success ratio           2      0         1  +0.4 in flaky",
        "time to activate p95 (s)         0      2         1  +258 s in flaky",
        "escalations (tech support)       0      1         2  +3 in quiet",
        "Counts of scenarios; better or worse: the paired 95 % interval of the difference",
        "  leaves out zero. 19 outcomes not shown: the same in every run.",
        "",
        "Conclusion: candidate against base, over 3 scenarios:",
        "  better on purchase success ratio (2 of 3)",
        "  worse on time to activate p95 (2 of 3); escalations (tech support) (1 of 3)",
        "  not distinguishable on the other 19 outcomes",
        "  runs passing every check: 9 of 9 under base, 6 of 9 under candidate",
    ]


def test_an_outcome_better_in_one_scenario_and_worse_in_another_is_mixed():
    better = scenario("a", {SUCCESS: ((0.4, 0.5, 0.45), (0.8, 0.9, 0.85))})
    worse = scenario("b", {SUCCESS: ((0.8, 0.9, 0.85), (0.4, 0.5, 0.45))})
    assert conclude(comparison(better, worse)).lines()[:2] == [
        "mixed on purchase success ratio (better in 1, worse in 1)",
        f"not distinguishable on the other {len(OUTCOMES) - 1} outcomes",
    ]
    same = conclude(comparison(scenario("c", {})))
    assert same.lines()[0] == f"not distinguishable on any of the {len(OUTCOMES)} outcomes"
    assert same.tallies == ()
