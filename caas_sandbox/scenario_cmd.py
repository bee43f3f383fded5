"""`caas-sandbox scenario`: list the built-in scenarios; run scenarios and write their reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from caas_sandbox.fuzz_cmd import fuzz
from caas_sandbox.help import SandboxGroup, complete_scenario
from caas_sandbox.options import (
    crashes_per_hour_option,
    downtime_option,
    policies_option,
    prepare_out,
    seed_override_option,
    write_out,
)

if TYPE_CHECKING:
    from rich.console import Console

    from scenarios.model import Scenario
    from scenarios.record import RunRecord

DEFAULT_OUT = Path("out/scenarios")  # each run in a fresh folder under it; `latest` is the newest


@click.group(cls=SandboxGroup)
def scenario() -> None:
    """Failure scenarios in simulated time: a day in seconds, a verdict per scenario, reports."""


@scenario.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_scenarios(as_json: bool) -> None:
    """The built-in scenarios: name, title, simulated time and probes.

    \b
    Examples:
      caas-sandbox scenario list
      caas-sandbox scenario list --json
    """
    from scenarios.catalog import builtin

    rows = [
        {
            "name": s.name,
            "title": s.title,
            "duration_s": s.duration,
            "replications": s.replications,
            "probes": len(s.steady_state),
            "description": s.description.strip(),
        }
        for s in builtin()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from reports._runs import span
    from reports.terminal import console, render_table

    render_table(
        "Built-in scenarios",
        ["name", "title", "simulated", "probes"],
        [[r["name"], r["title"], span(r["duration_s"]), r["probes"]] for r in rows],
        console(),
    )


@scenario.command("metrics")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object of name to meaning.")
def list_metrics(as_json: bool) -> None:
    """The metric catalogue: every metric a run measures, which probes can name.

    \b
    Examples:
      caas-sandbox scenario metrics
      caas-sandbox scenario metrics --json
    """
    from scenarios.metric_names import CATALOGUE

    if as_json:
        click.echo(json.dumps(CATALOGUE, indent=2))
        return
    from reports.terminal import console, render_table

    render_table("Metric catalogue", ["metric", "meaning"], CATALOGUE.items(), console())


@scenario.command("show")
@click.argument("name", shell_complete=complete_scenario)
def show_scenario(name: str) -> None:
    """Print a built-in scenario's YAML, to copy and edit into a scenario of your own.

    \b
    Example:
      caas-sandbox scenario show iot-blackout > my-scenario.yaml
    """
    from scenarios.catalog import builtin_text

    click.echo(builtin_text(name), nl=False)


@scenario.command("run")
@click.argument("names", nargs=-1, metavar="[NAME|PATH]...", shell_complete=complete_scenario)
@click.option("--all", "run_all", is_flag=True, help="Run every built-in scenario.")
@seed_override_option
@click.option(
    "--replications", type=click.IntRange(1, 1000), default=None, help="Override each scenario's count."
)
@click.option(
    "--transport",
    type=click.Choice(["fast", "wire"]),
    default="fast",
    show_default=True,
    help="How calls reach the simulators: fast calls their handlers, wire goes through each Flask app; "
    "the outcomes are the same.",
)
@policies_option
@crashes_per_hour_option
@downtime_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Write the reports into this folder, emptied first if an earlier run wrote it [default: a fresh "
    f"folder under {DEFAULT_OUT}, linked as {DEFAULT_OUT}/latest].",
)
def run_scenarios(
    names: tuple[str, ...],
    run_all: bool,
    seed: int | None,
    replications: int | None,
    transport: str,
    policies_file: Path | None,
    crashes_per_hour: float | None,
    downtime_s: float,
    out: Path | None,
) -> None:
    """Run scenarios by built-in NAME or by PATH; exit 0 only if every probe and invariant holds.

    Each run writes JSON, HTML, JUnit and Markdown reports into a folder of its own.

    \b
    Examples:
      caas-sandbox scenario run iot-blackout my-scenario.yaml
      caas-sandbox scenario run --all --replications 5 --out out/nightly
    """
    from reports.terminal import console
    from scenarios.catalog import builtin, resolve

    if not names and not run_all:
        raise click.UsageError("name a scenario (or a scenario file), or use --all")
    if names and run_all:
        raise click.UsageError("give scenario names or --all, not both")
    chosen = builtin() if run_all else [resolve(name) for name in names]
    suite = run_suite(
        chosen,
        seed=seed,
        replications=replications,
        transport=transport,
        policies_file=policies_file,
        crashes_per_hour=crashes_per_hour,
        downtime_s=downtime_s,
        out=out,
    )
    render_suite(suite, console())
    if suite.failed:
        raise click.exceptions.Exit(1)


@dataclass(frozen=True)
class Suite:
    """The runs of a `scenario run`, and the report files written for them."""

    transport: str
    records: tuple[RunRecord, ...]
    paths: dict[str, Path]
    latest: Path | None = None  # the `latest` link pointed at this run's folder, when there is one

    @property
    def failed(self) -> int:
        return sum(1 for r in self.records if not r.passed)


def run_suite(
    chosen: Sequence[Scenario],
    *,
    seed: int | None,
    replications: int | None,
    transport: str,
    policies_file: Path | None,
    out: Path | None,
    crashes_per_hour: float | None = None,
    downtime_s: float = 30.0,
) -> Suite:
    """Run every replication of the `chosen` scenarios, a bar on stderr, and write all the reports into
    `out`, or a fresh folder under DEFAULT_OUT that `latest` then points at."""
    from caas_sandbox.out_folder import fresh_folder, point_latest
    from reports import write_all
    from reports.terminal import progress_bar
    from scenarios.runner import check, run

    # Every mistake fails before anything runs: a suite can take minutes.
    for item in chosen:
        check(item, policies_file)
    named = [item.name for item in chosen]
    twice = next((name for name in named if named.count(name) > 1), None)
    if twice is not None:
        raise click.ClickException(
            f"two scenarios are named {twice}: their reports would overwrite each other; "
            "name each once, or rename one of the files"
        )
    folder = prepare_out(out) if out is not None else fresh_folder(DEFAULT_OUT)
    jobs = [(item, k) for item in chosen for k in range(replications or item.replications)]
    records = []
    progress, task = progress_bar(len(jobs), "scenarios")
    with progress:
        for item, replication in jobs:
            progress.update(task, description=f"{item.name} #{replication}")
            records.append(
                run(
                    item,
                    replication=replication,
                    seed=seed,
                    transport=transport,  # type: ignore[arg-type]
                    policies_file=policies_file,
                    crashes_per_hour=crashes_per_hour,
                    downtime_s=downtime_s,
                )
            )
            progress.advance(task)
    paths = write_out(write_all, records, folder)
    return Suite(transport, tuple(records), paths, None if out is not None else point_latest(folder))


def render_suite(suite: Suite, out_console: Console) -> None:
    """The verdict of each run; under the table, each failed check as what it saw against what it
    wanted; and where the reports are."""
    from reports.terminal import render_table

    render_table(
        f"Scenario verdicts ({suite.transport} transport)",
        ["scenario", "seed", "verdict", "active ratio", "ops alerts", "checks holding"],
        [
            [
                r.scenario,
                r.seed,
                "PASS" if r.passed else "FAIL",
                round(r.metrics["purchases.active_ratio"], 3),
                int(r.metrics["alerts.ops"]),
                f"{sum(c.holds for c in r.checks)}/{len(r.checks)}",
            ]
            for r in suite.records
        ],
        out_console,
    )
    for record in suite.records:
        if record.passed:
            continue
        out_console.print(f"FAIL {record.scenario} (seed {record.seed}):", markup=False, highlight=False)
        for check in record.checks:
            if not check.holds:
                out_console.print(f"  {check.line}", markup=False, highlight=False, soft_wrap=True)
    paths = suite.paths
    out_console.print(f"HTML report: {paths['html'].resolve()}", highlight=False, soft_wrap=True)
    out_console.print(
        f"JUnit: {paths['junit']}  Markdown: {paths['markdown']}  JSON: {paths['json']}",
        highlight=False,
        soft_wrap=True,
    )
    if suite.latest is not None:
        target = suite.paths["html"].parent.name
        out_console.print(f"Newest run: {suite.latest} -> {target}", highlight=False, soft_wrap=True)


scenario.add_command(fuzz)
