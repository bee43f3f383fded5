"""`caas-sandbox`: one entry point. A user error prints one line and exits 1, never a traceback."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from caas_core.errors import SandboxError
from caas_sandbox import __version__
from caas_sandbox.clock_cmd import clock
from caas_sandbox.contracts_cmd import contracts
from caas_sandbox.demo_cmd import demo
from caas_sandbox.faults_cmd import faults
from caas_sandbox.help import SandboxGroup
from caas_sandbox.policy_cmd import policy
from caas_sandbox.scenario_cmd import scenario
from caas_sandbox.serve_cmd import serve


class _UsageLine(click.UsageError):
    """A usage mistake as one line, pointing at the help, instead of click's usage block and error."""

    def show(self, file: Any = None) -> None:
        where = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        click.echo(f"Error: {self.format_message()}{where}", file=file, err=True)


class _Cli(SandboxGroup):
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as error:  # the top level's own options
            raise _UsageLine(error.format_message(), error.ctx) from None

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except SandboxError as error:
            raise click.ClickException(str(error)) from None
        except _UsageLine:
            raise
        except click.UsageError as error:  # a command's options and arguments, or no such command
            raise _UsageLine(error.format_message(), error.ctx) from None


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="caas-sandbox")
def cli() -> None:
    """Integration sandbox of a Car-as-a-Service platform: mock servers, a resilient core, chaos in
    simulated time, and contracts.

    \b
    Shell completion in bash (zsh and fish: see the README):
      eval "$(_CAAS_SANDBOX_COMPLETE=bash_source caas-sandbox)"

    \b
    Examples:
      caas-sandbox scenario run --all
      caas-sandbox contracts verify --provider factory-api --base-url http://127.0.0.1:8080
    """
    # A simulated run's record counts what the core logs as warnings (each refused webhook): the terminal
    # shows only its errors. `serve` sets its own levels (runtimes.logs.configure).
    logging.getLogger("caas_core").setLevel(logging.ERROR)


cli.add_command(policy)
cli.add_command(demo)
cli.add_command(serve)
cli.add_command(contracts)
cli.add_command(scenario)
cli.add_command(clock)
cli.add_command(faults)


def main() -> None:
    try:
        cli.main(prog_name="caas-sandbox")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
