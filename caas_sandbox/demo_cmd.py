"""`caas-sandbox demo`: the main job. For now, the VSS slice in simulated time on both transports."""

from __future__ import annotations

import click

from reports.terminal import console, render_table
from scenarios import vss_demo


@click.command()
@click.option("--seed", default=42, show_default=True, help="Seed of every random draw.")
def demo(seed: int) -> None:
    """Maintenance checks against VSS while it answers, fails for two minutes and recovers."""
    out = console()
    checks = vss_demo.plan(seed)
    fast = vss_demo.run_simulated(seed, "fast", checks)
    wire = vss_demo.run_simulated(seed, "wire", checks)
    again = vss_demo.run_simulated(seed, "fast", checks)
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
