"""`caas-sandbox scenario fuzz`: one scenario under many seeds, the core crashed at random in each."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from caas_sandbox.help import complete_scenario
from caas_sandbox.options import dask_option, downtime_option, workers_option

if TYPE_CHECKING:
    from rich.console import Console

    from scenarios.fuzz import FuzzReport

DETAIL_CHARS = 160  # of a breach's detail in the terminal; the JSON keeps it whole


@click.command("fuzz")
@click.argument("target", metavar="NAME|PATH", shell_complete=complete_scenario)
@click.option(
    "--seeds", type=click.IntRange(1, 1_000_000), default=100, show_default=True, help="Seeds to run."
)
@click.option(
    "--first-seed", type=int, default=1, show_default=True, help="The first seed; the others follow it."
)
@click.option(
    "--crashes-per-hour",
    type=click.FloatRange(0, 60, min_open=True),
    default=2.0,
    show_default=True,
    help="Crashes of the core an hour, at seeded random moments, on average.",
)
@downtime_option
@workers_option
@dask_option
@click.option(
    "--json", "json_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report here."
)
def fuzz(
    target: str,
    seeds: int,
    first_seed: int,
    crashes_per_hour: float,
    downtime_s: float,
    workers: int | None,
    dask_address: str | None,
    json_file: Path | None,
) -> None:
    """Run a built-in NAME or a scenario file at PATH under many seeds, crashing the core at random
    moments in each; report every seed that breaks an invariant, with the command that replays it.
    Exit 0 only if every invariant held on every seed.

    \b
    Examples:
      caas-sandbox scenario fuzz crash-purchase-peak --seeds 1000 --crashes-per-hour 2
      caas-sandbox scenario fuzz my-scenario.yaml --seeds 200 --workers 2 --json fuzz.json
    """
    from reports.terminal import console

    report = run_fuzz(
        target, range(first_seed, first_seed + seeds), crashes_per_hour, downtime_s, workers, dask_address
    )
    if json_file is not None:
        try:
            json_file.write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise click.ClickException(f"--json {json_file}: cannot write it ({error.strerror})") from None
    render_fuzz(report, console())
    if report.failed:
        raise click.exceptions.Exit(1)


def run_fuzz(
    target: str,
    seeds: range,
    crashes_per_hour: float,
    downtime_s: float,
    workers: int | None,
    dask_address: str | None,
) -> FuzzReport:
    from reports.terminal import progress_bar
    from scenarios import fuzz as fuzzing
    from scenarios.catalog import resolve
    from scenarios.lab.executors import run_jobs
    from scenarios.runner import check

    scenario = resolve(target)
    check(scenario)  # every mistake in the file fails before the first seed runs
    jobs = fuzzing.jobs(scenario, seeds, crashes_per_hour, downtime_s)
    started = time.perf_counter()
    progress, task = progress_bar(len(jobs), f"{scenario.name}: seeds")
    with progress:
        results = run_jobs(
            jobs,
            fn=fuzzing.run_fuzz_job,
            workers=workers,
            dask_address=dask_address,
            progress=lambda n: progress.advance(task, n),
        )
    return fuzzing.FuzzReport(
        scenario.name, target, tuple(jobs), tuple(results), time.perf_counter() - started
    )


def render_fuzz(report: FuzzReport, out: Console) -> None:
    summary = report.as_dict()
    seeds = f"seeds {report.jobs[0].seed} to {report.jobs[-1].seed}"
    out.print(
        f"Crash fuzz of {report.scenario}: {summary['seeds']} {seeds}, "
        f"{summary['crashes_per_hour']:g} crashes an hour of {summary['downtime_s']:g} s; "
        f"{summary['crashes']} crashes in all, in {summary['wall_s']:g} s"
    )
    if summary["probes_missed"]:
        out.print(
            f"Probes missed on {summary['probes_missed']} seeds (a scenario's expectations; not failures)"
        )
    if not report.failed:
        out.print("Every invariant held on every seed.")
        return
    out.print(f"{len(report.failed)} seeds broke an invariant:")
    for failure in summary["failures"]:  # type: ignore[union-attr]
        for breach in failure["breaches"]:
            detail = breach["detail"]
            shown = detail if len(detail) <= DETAIL_CHARS else detail[: DETAIL_CHARS - 1] + "\u2026"
            out.print(f"  seed {failure['seed']}: {breach['check']}: {shown}", markup=False)
        out.print(f"    replay: {failure['repro']}", markup=False)
