"""`caas-sandbox policy`: show the retry matrix in force; compare two policy files; sweep policy keys."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import click

from caas_sandbox.help import SandboxGroup, complete_scenario
from caas_sandbox.options import (
    dask_option,
    policies_option,
    prepare_out,
    seed_override_option,
    workers_option,
    write_out,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from scenarios.lab.compare import Comparison
    from scenarios.lab.sweep import Sweep

Result = TypeVar("Result")


@click.group(cls=SandboxGroup)
def policy() -> None:
    """Inspect the resilience policies; compare two policy files; sweep policy keys over a grid."""


@policy.command("show")
@policies_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object keyed by integration.")
def show(policies_file: Path | None, as_json: bool) -> None:
    """Print the retry matrix with the worst-case give-up time and the maximum load amplification.

    \b
    Examples:
      caas-sandbox policy show
      caas-sandbox policy show --policies mine.toml --json
    """
    from caas_core.policies import breaker_rows, load_policies, matrix_rows
    from reports.terminal import console

    policies = load_policies(policies_file)
    retries, breakers = matrix_rows(policies), breaker_rows(policies)
    if as_json:
        click.echo(json.dumps({**retries, "breakers": breakers}, indent=2))
        return
    title = "Retry matrix" + (f" ({policies_file})" if policies_file else " (defaults)")
    render_matrix(title, retries, breakers, console())


def render_matrix(
    title: str, retries: dict[str, dict[str, Any]], breakers: dict[str, dict[str, Any]], out: Console
) -> None:
    """The retry matrix, then the circuit breakers: `matrix_rows` and `breaker_rows` as two tables."""
    from reports.terminal import render_table

    render_table(
        title,
        [
            "integration",
            "timeout",
            "max retries",
            "attempts",
            "backoff",
            "on failure",
            "gives up after",
            "max amplification",
        ],
        (
            [
                name,
                _seconds(row["timeout_s"]),
                row["max_retries"],
                row["attempts"],
                row["backoff_summary"],
                row["on_failure"],
                _seconds(row["worst_case_give_up_s"]),
                row["max_amplification"],
            ]
            for name, row in retries.items()
        ),
        out,
    )
    render_table(
        "Circuit breakers",
        ["system", "breaker", "opens after", "open for", "half-open probes", "probe timeout"],
        (
            [
                name,
                "on",
                f"{b['failure_threshold']} failures in {b['sliding_window_s']:g}s",
                _seconds(b["open_duration_s"]),
                b["half_open_permitted_calls"],
                _seconds(b["probe_timeout_s"]),
            ]
            if b["enabled"]
            else [name, "off", None, None, None, None]
            for name, b in breakers.items()
        ),
        out,
    )


def _seconds(value: float | None) -> str | None:
    return None if value is None else f"{value:g}s"


DEFAULT_LAB_OUT = Path("out/policy-lab")

_scenario_option = click.option(
    "--scenario",
    "scenario_names",
    multiple=True,
    metavar="NAME",
    shell_complete=complete_scenario,
    help="A built-in scenario name or a scenario file; repeat for several.",
)
_replications_option = click.option(
    "--replications",
    type=click.IntRange(2, 1000),
    default=10,
    show_default=True,
    help="Runs per scenario and policy; replication k runs with seed + k.",
)


def _out_option(default: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_LAB_OUT / default,
        show_default=True,
        help="Folder for the JSON and CSV tables, the plots and index.html.",
    )


def _progress_bar(total: int) -> tuple[Progress, Callable[[int], None]]:
    """A bar across all runs on stderr, and the callback that advances it as jobs finish."""
    from reports.terminal import progress_bar

    bar, task = progress_bar(total, "runs")
    return bar, lambda n: bar.advance(task, n)


@dataclass(frozen=True)
class LabRun(Generic[Result]):
    """A lab command's result, and the tables, plots and page written for it."""

    result: Result
    paths: dict[str, Path]


@policy.command("compare")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("candidate", type=click.Path(dir_okay=False, path_type=Path))
@_scenario_option
@_replications_option
@seed_override_option
@_out_option("compare")
@workers_option
@dask_option
def compare(
    base: Path,
    candidate: Path,
    scenario_names: tuple[str, ...],
    replications: int,
    seed: int | None,
    out: Path,
    workers: int | None,
    dask_address: str | None,
) -> None:
    """Compare two policy files on replicated scenario runs: the same scenarios with the same seeds
    under BASE and CANDIDATE.

    The output opens with a summary across scenarios (in how many the candidate was significantly
    better, worse or not distinguishable, outcome by outcome), shows each outcome's mean and 95 % CI
    per file with the paired difference, and ends with a conclusion. Default scenarios: normal-day,
    flaky-iot, iot-blackout, vss-slow, payment-lost-response.

    \b
    Examples:
      caas-sandbox policy compare caas_core/policies/defaults.toml ota-3-jittered.toml
      caas-sandbox policy compare base.toml candidate.toml --scenario flaky-iot --replications 20
    """
    from reports.terminal import console

    written = run_policy_comparison(
        base,
        candidate,
        scenario_names,
        replications=replications,
        seed=seed,
        out=out,
        workers=workers,
        dask_address=dask_address,
    )
    render_policy_comparison(written, console())


def run_policy_comparison(
    base: Path,
    candidate: Path,
    scenario_names: Sequence[str],
    *,
    replications: int,
    seed: int | None,
    out: Path,
    workers: int | None,
    dask_address: str | None,
) -> LabRun[Comparison]:
    """Check every input, run the paired replications with a bar on stderr, and write the comparison."""
    from scenarios.catalog import resolve
    from scenarios.lab.compare import DEFAULT_SCENARIOS, compare_jobs, run_compare
    from scenarios.lab.files import write_comparison
    from scenarios.lab.jobs import PolicySet
    from scenarios.runner import check

    base_label, candidate_label = _labels(base, candidate)
    base_set = PolicySet.from_file(base, base_label)
    candidate_set = PolicySet.from_file(candidate, candidate_label)
    chosen = [resolve(name) for name in scenario_names or DEFAULT_SCENARIOS]
    for item in chosen:  # a scenario's own mistakes fail before any run, under either file
        check(item, base, candidate)
    prepare_out(out)
    total = len(compare_jobs(chosen, base_set, candidate_set, replications, seed))
    bar, advance = _progress_bar(total)
    with bar:
        result = run_compare(
            chosen,
            base_set,
            candidate_set,
            replications=replications,
            seed=seed,
            workers=workers,
            dask_address=dask_address,
            progress=advance,
        )
    return LabRun(result, write_out(write_comparison, result, out))


def render_policy_comparison(written: LabRun[Comparison], out: Console) -> None:
    """A table per scenario, and where the files are."""
    from scenarios.lab.terminal import render_comparison

    render_comparison(written.result, out)
    # soft_wrap: a path is never broken across lines, whatever the console's width.
    out.print(f"HTML report: {written.paths['html'].resolve()}", soft_wrap=True, highlight=False)
    out.print(f"JSON: {written.paths['json']}  CSV: {written.paths['csv']}", soft_wrap=True, highlight=False)


@policy.command("sweep")
@click.option(
    "--scenario",
    "scenario_name",
    required=True,
    metavar="NAME",
    shell_complete=complete_scenario,
    help="A built-in name or a file.",
)
@click.option(
    "--param",
    "raw_params",
    multiple=True,
    required=True,
    metavar="KEY=VALUES",
    help="A dotted policy key and its values: a,b,c or an integer range 0..8. Repeat for a grid.",
)
@policies_option
@_replications_option
@seed_override_option
@_out_option("sweep")
@workers_option
@dask_option
def sweep(
    scenario_name: str,
    raw_params: tuple[str, ...],
    policies_file: Path | None,
    replications: int,
    seed: int | None,
    out: Path,
    workers: int | None,
    dask_address: str | None,
) -> None:
    """Sweep policy keys over a grid on one scenario: every combination of the --param values.

    Prints a table of means that fits 80 columns; writes CSV and JSON tables, plots of each outcome
    against each parameter, and the success / time-to-activate trade-off with its Pareto front.

    \b
    Examples:
      caas-sandbox policy sweep --scenario flaky-iot --param ota_activation.max_retries=0..8
      caas-sandbox policy sweep --scenario flaky-iot --param ota_activation.max_retries=0..4 \\
          --param ota_activation.jitter=none,full --replications 5
    """
    from reports.terminal import console

    written = run_policy_sweep(
        scenario_name,
        raw_params,
        policies_file=policies_file,
        replications=replications,
        seed=seed,
        out=out,
        workers=workers,
        dask_address=dask_address,
    )
    render_policy_sweep(written, console())


def run_policy_sweep(
    scenario_name: str,
    raw_params: Sequence[str],
    *,
    policies_file: Path | None,
    replications: int,
    seed: int | None,
    out: Path,
    workers: int | None,
    dask_address: str | None,
) -> LabRun[Sweep]:
    """Check the scenario and every point of the grid, run them with a bar on stderr, and write the sweep."""
    from scenarios.catalog import resolve
    from scenarios.lab.files import write_sweep
    from scenarios.lab.jobs import PolicySet
    from scenarios.lab.sweep import check_points, grid, parse_param, run_sweep
    from scenarios.runner import check

    params = [parse_param(text) for text in raw_params]
    points = grid(params)
    policies = PolicySet.from_file(policies_file)
    chosen = resolve(scenario_name)
    check(chosen, policies_file)  # the scenario's own mistakes fail before any run
    check_points(chosen, policies, points, seed)  # and so do the --param values, before the bar starts
    prepare_out(out)
    bar, advance = _progress_bar(len(points) * replications)
    with bar:
        result = run_sweep(
            chosen,
            params,
            policies=policies,
            replications=replications,
            seed=seed,
            workers=workers,
            dask_address=dask_address,
            progress=advance,
        )
    return LabRun(result, write_out(write_sweep, result, out))


def render_policy_sweep(written: LabRun[Sweep], out: Console) -> None:
    """The sweep's table, and where the files are."""
    from scenarios.lab.terminal import render_sweep

    paths = written.paths
    render_sweep(written.result, out)
    out.print(f"HTML report: {paths['html'].resolve()}", soft_wrap=True, highlight=False)
    out.print(
        f"CSV: {paths['csv']} (per run: {paths['runs_csv']})  JSON: {paths['json']}",
        soft_wrap=True,
        highlight=False,
    )


def _labels(base: Path, candidate: Path) -> tuple[str, str]:
    """The two files' labels: their stems, or both paths when the stems are the same (a/x.toml, b/x.toml),
    so the reader can still tell which column is which."""
    if base.stem == candidate.stem:
        return str(base), str(candidate)
    return base.stem, candidate.stem
