"""The command line stays light until a lab command runs (the lab's public names are pinned in
tests/test_public_api.py)."""

from __future__ import annotations

from tests.helpers.light_import import loaded_after


def test_loading_the_cli_imports_no_lab_plotting_or_dask():
    heavy = ["matplotlib", "jinja2", "distributed", "dask", "scenarios.lab"]
    assert loaded_after("import caas_sandbox.cli", heavy) == []
