"""Load the shipped defaults, lay a user's file and then a scenario's overrides over them, validate."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from caas_core.errors import ConfigError
from caas_core.policies.models import Policies
from caas_core.validation import first_error_line


def default_policy_text() -> str:
    return resources.files("caas_core.policies").joinpath("defaults.toml").read_text(encoding="utf-8")


def load_policies(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Policies:
    """The policies in force: defaults, then the file at `path`, then `overrides`."""
    data = tomllib.loads(default_policy_text())
    source = "policies"
    if path is not None:
        source = str(path)
        data = merge(data, _read_toml(Path(path)))
    if overrides:
        data = merge(data, overrides)
    try:
        return Policies.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(first_error_line(exc, source, Policies)) from None


def merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key, any other value in `top` replaces the one in `base`."""
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the policy file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: cannot read the policy file (not UTF-8 text)") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
