"""`caas-sandbox policy show`: the retry matrix in force, with what it implies."""

from __future__ import annotations

import json
from pathlib import Path

import click

from caas_sandbox.options import policies_option


@click.group()
def policy() -> None:
    """Inspect the resilience policies."""


@policy.command("show")
@policies_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object keyed by integration.")
def show(policies_file: Path | None, as_json: bool) -> None:
    """Print the retry matrix with the worst-case give-up time and the maximum load amplification."""
    from caas_core.policies import breaker_rows, load_policies, matrix_rows
    from reports.terminal import console, render_table

    policies = load_policies(policies_file)
    rows = matrix_rows(policies)
    if as_json:
        click.echo(json.dumps({**rows, "breakers": breaker_rows(policies)}, indent=2))
        return
    out = console()
    render_table(
        "Retry matrix" + (f" ({policies_file})" if policies_file else " (defaults)"),
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
            for name, row in rows.items()
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
            for name, b in breaker_rows(policies).items()
        ),
        out,
    )


def _seconds(value: float | None) -> str | None:
    return None if value is None else f"{value:g}s"
