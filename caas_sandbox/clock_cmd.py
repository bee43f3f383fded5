"""`caas-sandbox clock`: read and advance the running sandbox's one clock (Stripe's test clocks are the
model): everything due in between fires in time order, as if the time had passed."""

from __future__ import annotations

import json

import click

from caas_sandbox.help import SandboxGroup
from caas_sandbox.options import DurationType
from caas_sandbox.remote import Sandbox, sandbox_options


@click.group(cls=SandboxGroup)
def clock() -> None:
    """The sandbox's one clock: show it, or advance it."""


@clock.command()
@click.argument("duration", type=DurationType())
@sandbox_options
@click.option("--json", "as_json", is_flag=True, help="Print the core's answer as one JSON object.")
def advance(duration: float, url: str | None, port_base: int, token: str | None, as_json: bool) -> None:
    """Advance the clock by DURATION ('12d', '6h', '90m', '30s', or seconds): Factory timelines, webhooks,
    settlements, retry waits, expiries and breaker timers due in between all fire, in time order. Calls in
    flight keep their real timeouts, so it takes as long as they do.

    \b
    Examples:
      caas-sandbox clock advance 14d
      caas-sandbox clock advance 90m --port-base 8200
    """
    answer = Sandbox(url, port_base, token).call("POST", "/__sandbox/clock/advance", {"seconds": duration})
    if as_json:
        click.echo(json.dumps(answer))
        return
    click.echo(
        f"advanced to {answer['now']} ({answer['steps']} steps, {answer['timers_fired']} timers fired, "
        f"{answer['processes']} process{'es' if answer['processes'] != 1 else ''})"
    )


@clock.command()
@sandbox_options
def show(url: str | None, port_base: int, token: str | None) -> None:
    """The sandbox's time now, and its speed.

    \b
    Examples:
      caas-sandbox clock show
      caas-sandbox clock show --port-base 8200
    """
    answer = Sandbox(url, port_base, token).call("GET", "/__sandbox/clock")
    click.echo(f"{answer['now']} (runtime second {answer['time_s']:.1f}, speed x{answer['speed']:g})")
