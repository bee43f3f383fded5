"""The lab's public surface, pinned; and the command line stays light until a lab command runs."""

from __future__ import annotations

import subprocess
import sys

import scenarios.lab


def test_the_lab_exports_exactly_this():
    assert sorted(scenarios.lab.__all__) == [
        "Comparison", "Difference", "Estimate", "Job", "JobResult", "Param", "PolicySet", "Sweep",
        "estimate", "paired", "parse_param", "run_compare", "run_job", "run_sweep", "t_quantile",
    ]  # fmt: skip


def test_loading_the_cli_imports_no_lab_plotting_or_dask():
    probe = (
        "import sys, caas_sandbox.cli; "
        "print(sorted(m for m in ('matplotlib', 'jinja2', 'distributed', 'dask', 'scenarios.lab') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
