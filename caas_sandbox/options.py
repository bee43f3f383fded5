"""Options shared by several commands. Commands import their heavy modules lazily: `--help` stays instant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from caas_core.errors import ConfigError

T = TypeVar("T")

policies_option = click.option(
    "--policies",
    "policies_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML file whose values override the shipped policy defaults.",
)
seed_override_option = click.option("--seed", type=int, default=None, help="Override each scenario's seed.")


def prepare_out(out: Path) -> None:
    """Create the report folder before any run: a bad --out fails at once, not after an hour of runs."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"--out {out}: cannot create the folder ({error.strerror})") from None


def write_out(write: Callable[[Any, Path], T], result: Any, out: Path) -> T:
    """`write(result, out)`, a failure to write told in one line."""
    try:
        return write(result, out)
    except OSError as error:
        raise ConfigError(f"--out {out}: cannot write {error.filename or out} ({error.strerror})") from None
