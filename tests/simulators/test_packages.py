"""A simulator package loads its Flask app only when asked for it: its config and constants stay light."""

from __future__ import annotations

import importlib

import pytest

from tests.helpers.light_import import loaded_after

PACKAGES = ("admin", "factory", "iot", "payment", "vss")


def test_importing_every_simulator_package_loads_no_flask():
    imports = "; ".join(f"import simulators.{name}" for name in PACKAGES)
    assert loaded_after(imports, ["flask", "simulators.vss.app", "simulators.payment.app"]) == []


@pytest.mark.parametrize("name", PACKAGES)
def test_the_app_names_are_the_app_modules_own(name):
    package = importlib.import_module(f"simulators.{name}")
    app = importlib.import_module(f"simulators.{name}.app")
    lazy = [n for n in package.__all__ if n not in vars(package)]
    assert "create_app" in lazy
    assert all(getattr(package, n) is getattr(app, n) for n in lazy)


def test_an_unknown_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match=r"simulators\.vss.*no_such_name"):
        importlib.import_module("simulators.vss").no_such_name  # noqa: B018
