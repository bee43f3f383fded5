"""`caas-sandbox faults`: break the running sandbox's partners and mend them, as Toxiproxy's CLI does its
proxies. It talks to the core (with the operator token), which passes each fault to the partner's
control API; a fault the partner refuses is told in one line, and nothing changes."""

from __future__ import annotations

import json
from typing import Any

import click

from caas_core.errors import ConfigError
from caas_sandbox.help import SandboxGroup
from caas_sandbox.options import DurationType
from caas_sandbox.remote import Sandbox, sandbox_options


@click.group(cls=SandboxGroup)
def faults() -> None:
    """The faults in force at the sandbox's partners: list, add, remove, clear."""


@faults.command(name="list")
@click.argument("system", required=False)
@sandbox_options
@click.option("--json", "as_json", is_flag=True, help="Print them as one JSON object, by system.")
def list_faults(
    system: str | None, url: str | None, port_base: int, token: str | None, as_json: bool
) -> None:
    """The faults in force at every partner, or at SYSTEM.

    \b
    Examples:
      caas-sandbox faults list
      caas-sandbox faults list vss --json
    """
    systems = Sandbox(url, port_base, token).call("GET", "/api/faults")["systems"]
    if system is not None:
        if system not in systems:
            raise ConfigError(f"no system {system!r}; the partners are {', '.join(systems)}")
        systems = {system: systems[system]}
    if as_json:
        click.echo(json.dumps(systems))
        return
    shown = 0
    for name, in_force in systems.items():
        if isinstance(in_force, dict):  # {"error": ...}: that partner did not answer
            click.echo(f"{name}: {in_force['error']}")
            continue
        for fault in in_force:
            rest = {k: v for k, v in fault.items() if k != "id"}
            click.echo(f"{name}\t{fault['id']}\t{json.dumps(rest, separators=(',', ':'))}")
            shown += 1
    if not shown:
        click.echo("no fault in force")


@faults.command()
@click.argument("system")
@click.option(
    "--route", help="Only this route, as 'GET /api/v2/vehicles/{vin}/maintenance' (default: every)."
)
@click.option("--error", "status", type=click.IntRange(400, 599), help="Answer with this status.")
@click.option("--hang", is_flag=True, help="Never answer: the caller's timeout ends the call.")
@click.option("--reset", is_flag=True, help="Drop the connection mid-answer.")
@click.option("--malformed", is_flag=True, help="Answer with half a body.")
@click.option("--latency", type=DurationType(), help="Answer after this long ('200ms', '2s').")
@click.option(
    "--rate", type=click.FloatRange(0, 1), default=1.0, show_default=True, help="Share of requests hit."
)
@click.option("--from", "from_s", type=DurationType(), help="In force from this runtime second ('10m').")
@click.option("--until", "until_s", type=DurationType(), help="In force until this runtime second.")
@click.option("--id", "fault_id", help="A name to remove it by (default: one is given).")
@click.option("--fault", "fault_json", metavar="JSON", help="The whole fault, as the control API takes it.")
@sandbox_options
def add(
    system: str,
    route: str | None,
    status: int | None,
    hang: bool,
    reset: bool,
    malformed: bool,
    latency: float | None,
    rate: float,
    from_s: float | None,
    until_s: float | None,
    fault_id: str | None,
    fault_json: str | None,
    url: str | None,
    port_base: int,
    token: str | None,
) -> None:
    """Add a fault to SYSTEM: factory, vss, iot, payment, or a registry (admin-es, admin-fr and so on).

    \b
    Examples:
      caas-sandbox faults add vss --error 503 --rate 0.5
      caas-sandbox faults add iot --route "POST /api/iot/vehicles/{vin}/configure" --hang
      caas-sandbox faults add payment --latency 2s --until 10m
    """
    if fault_json is not None:
        try:
            fault: Any = json.loads(fault_json)
        except ValueError:
            raise ConfigError("--fault is not valid JSON") from None
    else:
        fault = _fault(status, hang, reset, malformed, latency, rate)
        extras = {"route": route, "id": fault_id, "from_s": from_s, "until_s": until_s}
        fault.update({k: v for k, v in extras.items() if v is not None})
    added = Sandbox(url, port_base, token).call("POST", f"/api/faults/{system}", fault)
    click.echo(f"added {added['id']} to {system}")


@faults.command()
@click.argument("system")
@click.argument("fault_id")
@sandbox_options
def remove(system: str, fault_id: str, url: str | None, port_base: int, token: str | None) -> None:
    """Remove the fault FAULT_ID from SYSTEM.

    \b
    Examples:
      caas-sandbox faults remove vss f1
    """
    Sandbox(url, port_base, token).call("DELETE", f"/api/faults/{system}/{fault_id}")
    click.echo(f"removed {fault_id} from {system}")


@faults.command()
@click.argument("system", required=False)
@click.option("--all", "every", is_flag=True, help="Every partner's faults.")
@sandbox_options
def clear(system: str | None, every: bool, url: str | None, port_base: int, token: str | None) -> None:
    """Remove every fault of SYSTEM (or of every partner, with --all).

    \b
    Examples:
      caas-sandbox faults clear vss
      caas-sandbox faults clear --all
    """
    if (system is None) == (not every):
        raise click.UsageError("give a SYSTEM or --all (one of them)")
    sandbox = Sandbox(url, port_base, token)
    systems = list(sandbox.call("GET", "/api/faults")["systems"]) if every else [system]
    for name in systems:
        sandbox.call("DELETE", f"/api/faults/{name}")
    click.echo(f"cleared {', '.join(str(s) for s in systems)}")


def _fault(
    status: int | None, hang: bool, reset: bool, malformed: bool, latency: float | None, rate: float
) -> dict[str, Any]:
    fault: dict[str, Any] = {}
    actions = [("error", status is not None), ("hang", hang), ("reset", reset), ("malformed", malformed)]
    chosen = [name for name, given in actions if given]
    if len(chosen) > 1:
        raise click.UsageError(f"give one of --error, --hang, --reset, --malformed, not {len(chosen)}")
    if chosen == ["error"]:
        fault["error"] = {"status": status, "rate": rate}
    elif chosen:
        fault[chosen[0]] = {"rate": rate}
    if latency is not None:
        fault["latency"] = {"dist": "fixed", "s": latency}
    if not fault:
        raise click.UsageError(
            "say what the fault does: --error STATUS, --hang, --reset, --malformed or --latency"
        )
    return fault
