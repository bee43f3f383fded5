"""The lab's terminal tables: one per scenario for a comparison, one for a sweep."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from scenarios.lab import formatting as fmt
from scenarios.lab.compare import Comparison
from scenarios.lab.outcomes import BY_METRIC, OUTCOMES, SUCCESS, TIME_TO_ACTIVATE
from scenarios.lab.sweep import Sweep

_VERDICT = {"better": "[green]yes, better[/]", "worse": "[red]yes, worse[/]", "same": "no"}


def render_comparison(comparison: Comparison, console: Console) -> None:
    if comparison.changes:
        changes = "; ".join(f"{k}: {fmt.value(b)} → {fmt.value(c)}" for k, b, c in comparison.changes)
        console.print(f"[bold]{comparison.candidate}[/] against [bold]{comparison.base}[/]: {changes}")
    else:
        console.print("The two policy files are identical: every difference below is zero.")
    for s in comparison.scenarios:
        table = Table(
            title=f"{s.scenario}: {s.title} ({comparison.replications} replications, seeds "
            f"{s.seeds[0]}..{s.seeds[-1]}, 95 % CI)",
            title_justify="left",
            header_style="bold",
        )
        table.add_column("outcome", no_wrap=True)
        table.add_column(comparison.base, justify="right")
        table.add_column(comparison.candidate, justify="right")
        table.add_column("difference [95 % CI]", justify="right")
        table.add_column("significant")
        hidden = 0
        for o in s.outcomes:
            if o.constant:
                hidden += 1
                continue
            table.add_row(
                o.outcome.titled,
                fmt.interval(o.base),
                fmt.interval(o.candidate),
                fmt.difference(o.difference),
                _VERDICT[o.verdict],
            )
        console.print(table)
        notes = [f"{hidden} outcomes not shown: the same in every run under both files"] if hidden else []
        notes.append(f"runs passing every check: {s.base_passed} vs {s.candidate_passed}")
        if s.masked:
            notes.append("the scenario's own policy overrides hide every change between the files")
        console.print("[dim]" + "; ".join(notes) + "[/]")


def sweep_columns(sweep: Sweep) -> list[str]:
    """Success and time to activate p95 always; then the outcomes that vary across the grid, a few at most."""
    chosen = {SUCCESS, TIME_TO_ACTIVATE}
    for o in OUTCOMES:
        means = {p.estimates[o.metric].mean for p in sweep.points}
        if len(means) > 1 and len(chosen) < 7:
            chosen.add(o.metric)
    return [o.metric for o in OUTCOMES if o.metric in chosen]


def render_sweep(sweep: Sweep, console: Console) -> None:
    table = Table(
        title=f"{sweep.scenario}: {sweep.title} ({len(sweep.points)} points x {sweep.replications} "
        f"replications, policies {sweep.policies}, 95 % CI)\n"
        "front: * marks the Pareto front of success ratio against time to activate p95",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("#", justify="right")
    for param in sweep.params:
        table.add_column(param.key)
    columns = sweep_columns(sweep)
    for metric in columns:
        table.add_column(BY_METRIC[metric].short, justify="right", no_wrap=True)
    table.add_column("front")
    for number, point in enumerate(sweep.points, 1):
        table.add_row(
            str(number),
            *(fmt.value(point.values[p.key]) for p in sweep.params),
            *(fmt.interval(point.estimates[m]) for m in columns),
            "*" if point.pareto else "",
        )
    console.print(table)
