"""The policy lab: compare two policy files, or sweep policy keys, over replicated scenario runs."""

from scenarios.lab.compare import Comparison, run_compare
from scenarios.lab.jobs import Job, JobResult, PolicySet, run_job
from scenarios.lab.stats import Difference, Estimate, estimate, paired, t_quantile
from scenarios.lab.sweep import Param, Sweep, parse_param, run_sweep

__all__ = [
    "Comparison",
    "Difference",
    "Estimate",
    "Job",
    "JobResult",
    "Param",
    "PolicySet",
    "Sweep",
    "estimate",
    "paired",
    "parse_param",
    "run_compare",
    "run_job",
    "run_sweep",
    "t_quantile",
]
