"""The built-in scenarios shipped in scenarios/builtin/, and how a name or a path becomes a Scenario.

The scenario model is imported only to read a scenario: listing the built-in names (for a shell's
completion, say) loads no pydantic.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from caas_core.errors import ConfigError

if TYPE_CHECKING:
    from scenarios.model import Scenario


def builtin_paths() -> dict[str, Path]:
    folder = Path(str(resources.files("scenarios").joinpath("builtin")))
    return {path.stem: path for path in sorted(folder.glob("*.yaml"), key=lambda path: path.stem)}


def builtin() -> list[Scenario]:
    from scenarios.model import load_scenario

    return [load_scenario(path) for path in builtin_paths().values()]


def builtin_text(name: str) -> str:
    """The YAML of the built-in scenario `name`, as shipped: a start for a scenario of one's own."""
    paths = builtin_paths()
    if name not in paths:
        raise ConfigError(
            f"no built-in scenario {name!r}: {_hint(name, paths)}`caas-sandbox scenario list` names them"
        )
    return paths[name].read_text(encoding="utf-8")


def resolve(name_or_path: str) -> Scenario:
    """A built-in scenario by name, or a scenario file by path."""
    from scenarios.model import load_scenario

    paths = builtin_paths()
    if name_or_path in paths:
        return load_scenario(paths[name_or_path])
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_scenario(path)
    known = ", ".join(paths) or "none"
    raise ConfigError(
        f"no scenario {name_or_path!r}: {_hint(name_or_path, paths)}give a file path or a built-in name "
        f"({known})"
    )


def _hint(name: str, known: dict[str, Path]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}? " if close else ""
