"""The committed pact files are exactly what the consumer tests write: any contract change is a diff.

The consumer tests run again in a separate pytest process, writing into a temporary folder; every file
must match the committed one byte for byte, and no file may be missing or extra.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.catalogue import PACT_DIR, load_contracts
from contracts.states import ADMIN_COUNTRIES, CONSUMER, SYSTEMS, WEBHOOK_CONSUMER, admin

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "CAAS_PACT_DIR=contracts/pacts .venv/bin/pytest -q tests/contracts/consumer"

pytestmark = pytest.mark.live


def test_regenerating_the_pacts_reproduces_the_committed_files(tmp_path):
    env = {**os.environ, "CAAS_PACT_DIR": str(tmp_path)}  # with the PACT_DO_NOT_TRACK conftest.py set
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contracts/consumer"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    fresh = {path.name: path.read_text() for path in tmp_path.glob("*.json")}
    committed = {path.name: path.read_text() for path in PACT_DIR.glob("*.json")}
    assert sorted(fresh) == sorted(committed), f"pact files differ in name; regenerate with {REGENERATE}"
    for name in sorted(fresh):
        diff = list(difflib.unified_diff(committed[name].splitlines(), fresh[name].splitlines(), lineterm=""))
        assert not diff, f"{name} changed; regenerate with {REGENERATE}:\n" + "\n".join(diff[:60])


def test_every_provider_has_its_contracts_in_pact_specification_v4():
    contracts = load_contracts()
    pairs = {(c.consumer, c.provider) for c in contracts}
    assert pairs == {(CONSUMER, provider) for provider in SYSTEMS} | {
        (WEBHOOK_CONSUMER, "factory-api"),
        (WEBHOOK_CONSUMER, "payment-gateway"),
    }
    for contract in contracts:
        document = json.loads(contract.path.read_text())
        assert document["metadata"]["pactSpecification"]["version"] == "4.0"


def test_only_the_provisional_owner_rules_are_pending():
    pending = {(c.provider, i.description) for c in load_contracts() for i in c.interactions if i.pending}
    assert pending == {
        (admin(code), "a request to register a vehicle with invalid owner data") for code in ADMIN_COUNTRIES
    }
