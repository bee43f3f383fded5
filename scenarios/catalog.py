"""The built-in scenarios shipped in scenarios/builtin/, and how a name or a path becomes a Scenario."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from caas_core.errors import ConfigError
from scenarios.model import Scenario, load_scenario


def builtin_paths() -> dict[str, Path]:
    folder = Path(str(resources.files("scenarios").joinpath("builtin")))
    return {path.stem: path for path in sorted(folder.glob("*.yaml"), key=lambda path: path.stem)}


def builtin() -> list[Scenario]:
    return [load_scenario(path) for path in builtin_paths().values()]


def resolve(name_or_path: str) -> Scenario:
    """A built-in scenario by name, or a scenario file by path."""
    paths = builtin_paths()
    if name_or_path in paths:
        return load_scenario(paths[name_or_path])
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_scenario(path)
    known = ", ".join(paths) or "none"
    raise ConfigError(f"no scenario {name_or_path!r}: give a file path or a built-in name ({known})")
