"""The command line explains itself: whole summaries, help on every option, examples that parse."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

import click
import pytest

from caas_sandbox.cli import cli
from tests.helpers.cli import run_cli


def commands(
    group: click.Group = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


ALL = list(commands())
LEAVES = [(path, c) for path, c in ALL if not isinstance(c, click.Group)]


def examples(command: click.Command) -> list[list[str]]:
    """The command lines of its help's examples: continuation lines joined, environment settings and
    whatever follows a shell operator left out."""
    text = re.sub(r"\\\n\s*", "", command.help or "")
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for line in lines:
        words = shlex.split(line, comments=True) if "caas-sandbox " in line else []
        while words and "=" in words[0] and not words[0].startswith("-"):
            words.pop(0)  # PACT_BROKER_TOKEN=... before the command
        if words[:1] == ["caas-sandbox"]:
            cut = next((i for i, w in enumerate(words) if w in ("&", "|", ">", ";", "&&")), len(words))
            found.append(words[1:cut])
    return found


def test_every_command_has_an_example_or_two():
    missing = [" ".join(path) for path, command in LEAVES if not 1 <= len(examples(command)) <= 3]
    assert missing == []


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_each_example_parses_as_the_command_it_documents(path, command):
    for words in examples(command):
        assert tuple(words[: len(path)]) == path, words
        context = cli.make_context("caas-sandbox", [], resilient_parsing=True)
        group: click.Group = cli
        for name in path[:-1]:
            group = group.commands[name]  # type: ignore[assignment]
            context = group.make_context(name, [], parent=context, resilient_parsing=True)
        command.make_context(path[-1], words[len(path) :], parent=context)  # raises on a bad option or value


def test_every_option_has_help_text():
    missing = [
        f"{' '.join(path)} {param.opts[0]}"
        for path, command in ALL
        for param in command.params
        if isinstance(param, click.Option) and not param.help and param.name != "help"
    ]
    assert missing == []


def test_help_lists_every_summary_whole():
    for path, command in [((), cli), *ALL]:
        if isinstance(command, click.Group):
            result = run_cli(*path, "--help")
            assert result.returncode == 0
            listed = result.stdout.split("Commands:", 1)[1]
            assert "..." not in listed, path
            for name, sub in command.commands.items():
                summary = " ".join(sub.get_short_help_str(limit=1_000).split())
                assert summary in " ".join(result.stdout.split()), (path, name)


def test_the_shell_completion_the_readme_documents_works():
    script = run_cli(env={"_CAAS_SANDBOX_COMPLETE": "bash_source"})
    assert script.returncode == 0 and "_caas_sandbox_completion()" in script.stdout
    words = {"_CAAS_SANDBOX_COMPLETE": "bash_complete", "COMP_WORDS": "caas-sandbox scenario run iot-b"}
    offered = run_cli(env={**words, "COMP_CWORD": "3"})
    # The built-in names that fit, then the shell's own completion of file names.
    assert offered.stdout.splitlines() == ["plain,iot-blackout", "file,iot-b"]
