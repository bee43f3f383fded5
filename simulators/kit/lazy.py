"""Names a package exports from one of its modules, imported on first use (PEP 562's module `__getattr__`,
as pact-python 4 loads its FFI).

A simulator's app module imports Flask. Its package still exports `create_app`, but reading the
simulator's config or constants (a scenario file's card tokens, say) must not load Flask for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any


def exports_from(package: str, module: str, names: Iterable[str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that takes each of `names` from `module` when first asked."""
    lazy = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name not in lazy:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
