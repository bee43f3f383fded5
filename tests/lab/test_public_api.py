"""The lab's public surface, pinned; and the command line stays light until a lab command runs."""

from __future__ import annotations

import scenarios.lab
from tests.helpers.light_import import loaded_after

PUBLIC = [
    "Comparison", "Difference", "Estimate", "Job", "JobResult", "Param", "PolicySet", "Sweep",
    "estimate", "paired", "parse_param", "run_compare", "run_job", "run_sweep", "t_quantile",
]  # fmt: skip


def test_the_lab_exports_exactly_this():
    assert sorted(scenarios.lab.__all__) == sorted(PUBLIC)
    assert all(hasattr(scenarios.lab, name) for name in scenarios.lab.__all__)


def test_loading_the_cli_imports_no_lab_plotting_or_dask():
    heavy = ["matplotlib", "jinja2", "distributed", "dask", "scenarios.lab"]
    assert loaded_after("import caas_sandbox.cli", heavy) == []
