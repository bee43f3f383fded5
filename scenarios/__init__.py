"""Chaos scenarios in simulated time: the scenario format, the workload, the runner, the built-in suite."""
