"""A short scenario with a flaky IoT network, and policy files that differ only in OTA retries."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.lab.jobs import PolicySet
from scenarios.model import Scenario

FLAKY = {
    "title": "A short flaky IoT network",
    "name": "lab-flaky",
    "seed": 11,
    "duration": "1h",
    "fleet": {"size": 200},
    "workload": {"purchases_per_hour": 90},
    "simulators": {"iot": {"failure_rate": 0.4}},
    "faults": [{"at": "20m", "duration": "5m", "system": "iot", "fault": {"error": {"status": 503}}}],
}


@pytest.fixture(scope="session")
def flaky() -> Scenario:
    return Scenario.model_validate(FLAKY)


@pytest.fixture(scope="session")
def policy_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("policies")
    base, candidate = folder / "no-retries.toml", folder / "five-retries.toml"
    base.write_text("[ota_activation]\nmax_retries = 0\n", encoding="utf-8")
    candidate.write_text("[ota_activation]\nmax_retries = 5\n", encoding="utf-8")
    return base, candidate


@pytest.fixture(scope="session")
def policy_sets(policy_files: tuple[Path, Path]) -> tuple[PolicySet, PolicySet]:
    return PolicySet.from_file(policy_files[0]), PolicySet.from_file(policy_files[1])
