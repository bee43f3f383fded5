"""The crash fuzzer: each seed a pure job, a verdict on the invariants, and a command that replays it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import yaml

from scenarios.fuzz import Breach, FuzzJob, FuzzReport, FuzzResult, repro, run_fuzz_job
from scenarios.model import Scenario, load_scenario
from tests.helpers.cli import run_cli

SMALL = """\
title: crash fuzz target
seed: 3
duration: 2h
workload: {purchases_per_hour: 60, orders_per_hour: 4}
steady_state: [{metric: purchases.requested, min: 1}]
"""


def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def test_a_fuzzed_seed_crashes_the_core_and_keeps_every_invariant(tmp_path):
    job = FuzzJob(load_scenario(small(tmp_path)), 7, crashes_per_hour=6)
    result = run_fuzz_job(job)
    assert (result.seed, result.crashes, result.breaches, result.probes_missed) == (7, 11, (), ())
    again = run_fuzz_job(job)  # a pure function of the job, the wall clock aside
    assert (again.crashes, again.breaches, again.probes_missed) == (11, (), ())


def test_the_replay_command_runs_the_fuzzed_seed_again_exactly(tmp_path):
    path = small(tmp_path)
    job = FuzzJob(load_scenario(path), 7, crashes_per_hour=6, downtime_s=45)
    line = repro(str(path), job)
    assert line == f"caas-sandbox scenario run {path} --seed 7 --crashes-per-hour 6 --downtime 45s"
    out = tmp_path / "out"
    result = run_cli(*shlex.split(line)[1:], "--out", str(out))
    assert result.returncode == 0, result.stderr
    replayed = json.loads((out / "small-r0.json").read_text())
    assert replayed["metrics"]["core.crashes"] == run_fuzz_job(job).crashes == 10
    assert [f["system"] for f in replayed["faults"]] == ["core"]
    assert replayed["faults"][0]["crash"] == {"downtime": 45.0, "rate_per_hour": 6.0}


def test_a_breach_is_reported_with_its_entities_and_its_replay():
    job = FuzzJob(Scenario.model_validate({**yaml.safe_load(SMALL), "name": "small"}), 4, crashes_per_hour=2)
    broken = FuzzResult(4, 3, (Breach("no_money_held_for_nothing", "authorisation auth_x held"),), (), 0.5)
    report = FuzzReport("small", "small.yaml", (job,), (broken,), 1.0)
    assert report.as_dict()["failures"] == [
        {
            "seed": 4,
            "breaches": [{"check": "no_money_held_for_nothing", "detail": "authorisation auth_x held"}],
            "repro": "caas-sandbox scenario run small.yaml --seed 4 --crashes-per-hour 2 --downtime 30s",
        }
    ]


def test_the_command_reports_every_seed_and_exits_0_when_all_hold(tmp_path):
    path = small(tmp_path)
    report = tmp_path / "fuzz.json"
    result = run_cli(
        "scenario",
        "fuzz",
        str(path),
        "--seeds",
        "3",
        "--crashes-per-hour",
        "6",
        "--workers",
        "1",
        "--json",
        str(report),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Crash fuzz of small: 3 seeds 1 to 3, 6 crashes an hour of 30 s; ")
    assert lines[-1] == "Every invariant held on every seed."
    written = json.loads(report.read_text())
    assert (written["seeds"], written["failed_seeds"], written["failures"]) == (3, 0, [])
