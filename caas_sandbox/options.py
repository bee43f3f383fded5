"""Options shared by several commands. Commands import their heavy modules lazily: `--help` stays instant."""

from __future__ import annotations

from pathlib import Path

import click

policies_option = click.option(
    "--policies",
    "policies_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML file whose values override the shipped policy defaults.",
)
seed_override_option = click.option("--seed", type=int, default=None, help="Override each scenario's seed.")
