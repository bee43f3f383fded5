"""Terminal tables, rendered with rich; plain text when the output is not a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table


def render_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], console: Console) -> None:
    rows = [list(row) for row in rows]
    table = Table(title=title, title_justify="left", header_style="bold")
    for index, header in enumerate(headers):
        numeric = all(isinstance(row[index], int | float) for row in rows if row[index] is not None)
        table.add_column(header, justify="right" if numeric and index else "left", no_wrap=index == 0)
    for row in rows:
        table.add_row(*(format_cell(cell) for cell in row))
    console.print(table)


def format_cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def progress_bar(total: int, label: str) -> tuple[Progress, TaskID]:
    """A bar on stderr that disappears when done; its task's description can name the current job."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    )
    return bar, bar.add_task(label, total=total)


def console(stderr: bool = False) -> Console:
    """A console that does not wrap tables when piped (CI logs, files)."""
    probe = Console(stderr=stderr)
    return Console(stderr=stderr, width=None if probe.is_terminal else 160)
