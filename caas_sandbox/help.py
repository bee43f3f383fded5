"""How the command line explains itself: each command's whole summary in its group's list, and the
built-in scenario names offered by a shell's completion."""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem

# A summary is the first sentence of a command's help, shown whole: click would cut it at 45 characters.
SUMMARY_LIMIT = 1_000


class SandboxGroup(click.Group):
    """A group whose list of commands gives each one's full summary, never cut with an ellipsis."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=SUMMARY_LIMIT)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def complete_scenario(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Built-in scenario names starting with `incomplete`, and the shell's own completion of file names."""
    from scenarios.catalog import builtin_paths  # lists a folder: no scenario is read

    names = [CompletionItem(name) for name in builtin_paths() if name.startswith(incomplete)]
    return [*names, CompletionItem(incomplete, type="file")]
