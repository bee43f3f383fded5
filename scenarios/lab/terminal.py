"""The lab's terminal output: a comparison opens with its summary across scenarios and ends with its
conclusion; a sweep is one table narrow enough for 80 columns, its detail left to the CSV and the HTML."""

from __future__ import annotations

import textwrap
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from scenarios.lab import formatting as fmt
from scenarios.lab.compare import Comparison
from scenarios.lab.conclusion import Conclusion, conclude
from scenarios.lab.outcomes import BY_METRIC, OUTCOMES, SUCCESS, TIME_TO_ACTIVATE
from scenarios.lab.sweep import Sweep, SweepPoint

_VERDICT = {"better": "[green]yes, better[/]", "worse": "[red]yes, worse[/]", "same": "no"}
WIDTH = 80  # the sweep's table fits this many columns, whatever the terminal
MAX_SWEEP_ROWS = 60  # a larger grid shows its Pareto front only; the CSV and the HTML keep every point
# Two spaces between columns and none at the edges: tables of short numbers that fit 80 columns.
NARROW: dict[str, Any] = {
    "box": box.SIMPLE_HEAD,
    "pad_edge": False,
    "collapse_padding": True,
    "show_edge": False,
}


def render_comparison(comparison: Comparison, console: Console) -> None:
    """The changes between the files, the summary, each scenario's table, then the conclusion."""
    if comparison.changes:
        changes = "; ".join(f"{k}: {fmt.value(b)} → {fmt.value(c)}" for k, b, c in comparison.changes)
        console.print(
            f"[bold]{escape(comparison.candidate)}[/] against [bold]{escape(comparison.base)}[/]: "
            + escape(changes)
        )
    else:
        console.print("The two policy files are identical: every difference below is zero.")
    conclusion = conclude(comparison)
    render_summary(conclusion, console)
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
    render_conclusion(conclusion, console)


def render_summary(conclusion: Conclusion, console: Console) -> None:
    """One row per outcome: in how many scenarios the candidate was better, worse or not distinguishable,
    and its largest significant effect."""
    table = Table(
        title=f"Summary over {fmt.count(conclusion.scenarios, 'scenario')}, "
        f"{conclusion.replications} replications each",
        title_justify="left",
        header_style="bold",
        **NARROW,
    )
    table.add_column("outcome", no_wrap=True)
    table.add_column("better", justify="right")
    table.add_column("worse", justify="right")
    table.add_column("not sig.", justify="right")
    table.add_column("largest effect")
    for t in conclusion.tallies:
        largest = t.largest.text() if t.largest else "-"
        table.add_row(t.outcome.titled, str(t.better), str(t.worse), str(t.same), largest)
    console.print(table)
    note = "Counts of scenarios; better or worse: the paired 95 % interval of the difference leaves out zero."
    if conclusion.constant:
        note += f" {conclusion.constant} outcomes not shown: the same in every run."
    _print_wrapped(note, console, style="dim")


def render_conclusion(conclusion: Conclusion, console: Console) -> None:
    """A few lines that fit 80 columns: what the candidate does better, worse, and the rest."""
    console.print()
    heading = f"Conclusion: {conclusion.candidate} against {conclusion.base}"
    _print_wrapped(f"{heading}, over {fmt.count(conclusion.scenarios, 'scenario')}:", console, style="bold")
    for line in conclusion.lines():
        _print_wrapped(line, console, indent="  ")


def sweep_columns(sweep: Sweep) -> list[str]:
    """Success and time to activate p95 always; then the outcomes that vary across the grid, a few at most
    (the HTML's grid)."""
    chosen = {SUCCESS, TIME_TO_ACTIVATE}
    for o in OUTCOMES:
        means = {p.estimates[o.metric].mean for p in sweep.points}
        if len(means) > 1 and len(chosen) < 7:
            chosen.add(o.metric)
    return [o.metric for o in OUTCOMES if o.metric in chosen]


def fitting_columns(sweep: Sweep, shown: list[tuple[int, SweepPoint]], width: int = WIDTH) -> list[str]:
    """Of `sweep_columns`, success and time to activate p95 always, then the costs (load, escalations,
    breakers, alerts, money) before the other percentiles of time, while the table of the `shown` points
    still fits `width` columns."""
    chosen = [SUCCESS, TIME_TO_ACTIVATE]
    percentile = {o.metric for o in OUTCOMES if o.metric.startswith("activation.duration_s.")}
    for metric in sorted(sweep_columns(sweep), key=lambda m: m in percentile):
        if metric not in chosen and _natural_width(_sweep_table(sweep, [*chosen, metric], shown)) <= width:
            chosen.append(metric)
    return [o.metric for o in OUTCOMES if o.metric in chosen]


def param_headers(sweep: Sweep) -> list[str]:
    """Each swept key by its shortest dotted suffix that no other swept key shares: max_retries,
    iot.failure_threshold, vss.failure_threshold."""
    keys = [p.key for p in sweep.params]
    headers = []
    for key in keys:
        parts = key.split(".")
        for size in range(1, len(parts) + 1):
            suffix = ".".join(parts[-size:])
            if sum(k == suffix or k.endswith("." + suffix) for k in keys) == 1:
                break
        headers.append(suffix)
    return headers


def render_sweep(sweep: Sweep, console: Console) -> None:
    """The grid as one table of means that fits 80 columns (WIDTH); intervals and the other outcomes are
    in the CSV, the JSON and the HTML, as the notes under it say."""
    points = list(enumerate(sweep.points, 1))
    shown = points if len(points) <= MAX_SWEEP_ROWS else [(n, p) for n, p in points if p.pareto]
    console.print(
        f"{sweep.scenario}: {len(sweep.points)} points x {sweep.replications} replications, "
        f"policies {sweep.policies}",
        markup=False,
        highlight=False,
    )
    console.print(_sweep_table(sweep, fitting_columns(sweep, shown), shown))
    notes = [
        f"Means of {sweep.replications} replications; * marks the Pareto front of success against p95 s.",
        "Intervals and every outcome: sweep.csv, sweep.json and index.html.",
    ]
    if len(shown) < len(points):
        notes.insert(0, f"{len(points)} points: the {len(shown)} on the front are shown.")
    keys = [f"{h} = {p.key}" for h, p in zip(param_headers(sweep), sweep.params, strict=True) if h != p.key]
    if keys:
        notes.append("Keys: " + ", ".join(keys) + ".")
    for note in notes:
        _print_wrapped(note, console, style="dim")


def _sweep_table(sweep: Sweep, columns: list[str], shown: list[tuple[int, SweepPoint]]) -> Table:
    table = Table(header_style="bold", **NARROW)
    table.add_column("#", justify="right", no_wrap=True)
    for header in param_headers(sweep):
        table.add_column(header, no_wrap=True)
    for metric in columns:
        table.add_column(BY_METRIC[metric].short, justify="right", no_wrap=True)
    table.add_column("front", no_wrap=True)
    for number, point in shown:
        table.add_row(
            str(number),
            *(fmt.value(point.values[p.key]) for p in sweep.params),
            *(fmt.number(point.estimates[m].mean) for m in columns),
            "*" if point.pareto else "",
        )
    return table


def _print_wrapped(text: str, console: Console, indent: str = "", style: str = "") -> None:
    """`text` wrapped at WIDTH whatever the console's width (a piped console is wider), as plain text."""
    for line in textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  "):
        console.print(line, style=style, markup=False, highlight=False)


def _natural_width(table: Table) -> int:
    """The width the table takes when nothing limits it."""
    wide = Console(width=10_000)
    return Measurement.get(wide, wide.options, table).maximum
