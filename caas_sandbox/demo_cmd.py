"""`caas-sandbox demo`: the spine's demonstration, the VSS slice in simulated time on both transports.

`make demo` is the main job and runs `scenario run --all` instead."""

from __future__ import annotations

from pathlib import Path

import click

from caas_sandbox.options import policies_option


@click.command()
@click.option("--seed", default=42, show_default=True, help="Seed of every random draw.")
@policies_option
def demo(seed: int, policies_file: Path | None) -> None:
    """Maintenance checks against VSS while it answers, fails for two minutes and recovers.

    The same plan runs on the fast and the wire transport: the outcomes must be the same, and two runs
    with the same seed must give the same bytes.

    \b
    Example:
      caas-sandbox demo --seed 7
    """
    from caas_core.policies import load_policies
    from reports.terminal import console, render_table
    from scenarios import vss_demo

    out = console()
    policies = load_policies(policies_file)
    checks = vss_demo.plan(seed, policies)
    fast = vss_demo.run_simulated(seed, "fast", checks, policies)
    wire = vss_demo.run_simulated(seed, "wire", checks, policies)
    again = vss_demo.run_simulated(seed, "fast", checks, policies)
    rows = [
        [label, fast_count, wire_count]
        for (label, fast_count), wire_count in zip(
            vss_demo.summary_rows(fast).items(), vss_demo.summary_rows(wire).values(), strict=True
        )
    ]
    outage = vss_demo.OUTAGE
    render_table(
        f"VSS slice, seed {seed}: {len(checks)} checks over {vss_demo.DURATION_S:g}s simulated, "
        f"VSS failing from {outage['from_s']}s to {outage['until_s']}s",
        ["outcome", "fast transport", "wire transport"],
        rows,
        out,
    )
    for t, old, new in fast.transitions():
        out.print(f"  breaker vss  {t:8.2f}s  {old} -> {new}")
    same_outcomes = fast.outcomes() == wire.outcomes()
    identical = fast.to_json() == again.to_json()
    out.print(f"fast and wire give the same outcome for every check: {'yes' if same_outcomes else 'NO'}")
    out.print(f"two runs with seed {seed} give byte-identical records: {'yes' if identical else 'NO'}")
    if not (same_outcomes and identical):
        raise click.ClickException("the spine does not hold: see the lines above")
