"""`caas-sandbox serve`: the five external systems on loopback, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
from pathlib import Path

import click

from caas_sandbox.options import ByteSize, policies_option


@click.command()
@click.option("--seed", default=0, show_default=True, help="Seed of every random draw.")
@click.option(
    "--port-base",
    default=8100,
    show_default=True,
    type=click.IntRange(1024, 65_000),
    help="The core's port; the partners take the next five (factory, vss, iot, payment, admin).",
)
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    type=float,
    help="Run N times faster than the wall clock: latencies, timelines and timeouts all scale. Refused "
    "when the policies' shortest timeout would fall under 100 ms of wall time; advance the clock instead.",
)
@click.option("--json", "as_json", is_flag=True, help="First print one JSON line of URLs and credentials.")
@policies_option
@click.option(
    "--database",
    default=":memory:",
    show_default=True,
    help="The core's SQLite file (WAL); the default keeps state in memory for this run only.",
)
@click.option(
    "--core-only",
    is_flag=True,
    help="Serve the core alone, reaching partners served by `serve --simulators-only` (see --partners).",
)
@click.option(
    "--simulators-only",
    is_flag=True,
    help="Serve the five partners alone, sending their webhooks to a core served by `serve --core-only`.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help="JSON log lines from this level up: info logs every integration call with its trace context.",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON log lines to this file instead of stderr.",
)
@click.option(
    "--partners",
    "partners_url",
    metavar="URL",
    help="With --core-only: the port base of the partners' sandbox [default: http://127.0.0.1:PORT_BASE].",
)
@click.option(
    "--max-body",
    type=ByteSize(),
    default="1MB",
    show_default=True,
    help="The largest request body a server reads ('512KB', '1MB', or bytes); larger is a 413.",
)
def serve(
    seed: int,
    port_base: int,
    speed: float,
    as_json: bool,
    policies_file: Path | None,
    database: str,
    core_only: bool,
    simulators_only: bool,
    partners_url: str | None,
    log_level: str,
    log_file: Path | None,
    max_body: int,
) -> None:
    """Start the CaaS core and every simulator on 127.0.0.1 under waitress, wired to each other; stop
    cleanly on Ctrl-C or SIGTERM. The core and the simulators can also run as two processes: then the
    core can be killed and restarted on the same --database while the partners keep their state.

    \b
    Examples:
      caas-sandbox serve --speed 20
      caas-sandbox serve --simulators-only --port-base 8100 &
      caas-sandbox serve --core-only --port-base 8100 --database core.db
    """
    from caas_core.policies import load_policies
    from caas_sandbox.sandbox import LiveSandbox
    from caas_sandbox.speeds import check_speed
    from caas_sandbox.tokens import Tokens
    from reports.terminal import console, render_table
    from runtimes.logs import configure as configure_logs
    from runtimes.server import ServerLimits

    if core_only and simulators_only:
        raise click.UsageError("--core-only and --simulators-only exclude each other: give one")
    if partners_url is not None and not core_only:
        raise click.UsageError("--partners applies to --core-only")
    parts = "core" if core_only else "simulators" if simulators_only else "all"
    policies = load_policies(policies_file)
    try:
        configure_logs(log_level, log_file)
    except OSError as error:
        raise click.ClickException(f"--log-file {log_file}: cannot write it ({error.strerror})") from None
    check_speed(speed, policies)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sandbox = LiveSandbox(
        seed,
        port_base,
        speed,
        policies=policies,
        database=database,
        parts=parts,
        partners_url=partners_url,
        tokens=Tokens.from_env(),
        limits=ServerLimits(max_body_bytes=max_body),
    )
    try:
        sandbox.start()
    except sqlite3.Error as error:  # a missing folder, a directory, a file that is not SQLite
        sandbox.stop()
        raise click.ClickException(f"cannot use {database} as the core's database: {error}") from None
    try:
        listing = sandbox.describe()
        if as_json:
            click.echo(json.dumps(listing), nl=True)
        rows = [[name, entry["url"], _secrets(entry)] for name, entry in listing.items()]
        render_table(
            f"CaaS sandbox, seed {seed}, speed x{speed:g}", ["system", "url", "credentials"], rows, console()
        )
        if "core" in listing:
            click.echo(f"Dashboard: {listing['core']['url']}/ui (sign in with the operator token)", err=True)
        click.echo("Ctrl-C or SIGTERM stops it.", err=True)
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
        click.echo("stopped", err=True)


def _secrets(entry: dict) -> str:
    shown = {k: v for k, v in entry.items() if k not in ("url", "countries")}
    return ", ".join(f"{k}={v}" for k, v in shown.items())
