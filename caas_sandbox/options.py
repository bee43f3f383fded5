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
workers_option = click.option(
    "--workers",
    type=click.IntRange(1, 512),
    default=None,
    help="Local worker processes [default: the number of cores]; 1 runs in this process.",
)
dask_option = click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    default=None,
    help="Run the jobs on this Dask scheduler (tcp://host:8786) instead of local processes.",
)


class DurationType(click.ParamType):
    """A duration as scenario files spell it: '30s', '2m', '1.5h', or a number of seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from scenarios.model import parse_duration  # lazily: --help stays instant

        try:
            seconds = parse_duration(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)
        if seconds <= 0:
            self.fail(f"{value!r} is not a positive duration", param, ctx)
        return seconds


class ByteSize(click.ParamType):
    """A size as '512KB', '1MB' (of 1,024) or a number of bytes, from 1 KB to 100 MB."""

    name = "size"
    _UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024 * 1024}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper()
        number, unit = text.rstrip("KMB"), text[len(text.rstrip("KMB")) :]
        try:
            size = int(float(number) * self._UNITS[unit])
        except (ValueError, KeyError):
            self.fail(f"{value!r} is not a size: use bytes, '512KB' or '1MB'", param, ctx)
        if not 1024 <= size <= 100 * 1024 * 1024:
            self.fail(f"{value!r} is not between 1KB and 100MB", param, ctx)
        return size


crashes_per_hour_option = click.option(
    "--crashes-per-hour",
    type=click.FloatRange(0, 60, min_open=True),
    default=None,
    help="Crash the core at seeded random moments, this many an hour on average, over the whole run.",
)
downtime_option = click.option(
    "--downtime",
    "downtime_s",
    type=DurationType(),
    default="30s",
    show_default=True,
    help="How long each crash keeps the core down ('30s', '2m').",
)


def prepare_out(out: Path) -> Path:
    """Make or empty the report folder before any run (caas_sandbox.out_folder): a bad --out fails at
    once, not after an hour of runs, and no report mixes two runs."""
    from caas_sandbox.out_folder import own_folder

    return own_folder(out)


def write_out(write: Callable[[Any, Path], T], result: Any, out: Path) -> T:
    """`write(result, out)`, a failure to write told in one line."""
    try:
        return write(result, out)
    except OSError as error:
        raise ConfigError(f"--out {out}: cannot write {error.filename or out} ({error.strerror})") from None
