"""`caas-sandbox policy compare` and `policy sweep` as a user runs them: exit codes, files, one-line errors."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from caas_sandbox.out_folder import MARKER
from scenarios.catalog import builtin
from tests.helpers.cli import run_cli
from tests.lab.conftest import FLAKY


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("policy", *args)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios") / "lab-flaky.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in FLAKY.items() if k != "name"}), encoding="utf-8")
    return path


def test_compare_prints_the_table_and_writes_the_reports(scenario_file, policy_files, tmp_path):
    base, candidate = policy_files
    result = run(
        "compare", str(base), str(candidate), "--scenario", str(scenario_file),
        "--replications", "3", "--workers", "1", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    # It opens with the summary across scenarios and ends with the conclusion, then the files.
    assert lines[:2] == [
        "five-retries against no-retries: ota_activation.max_retries: 0 → 5",
        "Summary over 1 scenario, 3 replications each",
    ]
    assert lines[4].split()[:6] == ["purchase", "success", "ratio", "1", "0", "0"]
    success = next(line for line in lines[5:] if "purchase success ratio" in line)
    assert "yes, better" in success
    end = lines.index("Conclusion: five-retries against no-retries, over 1 scenario:")
    assert lines[end + 1].startswith("  better on purchase success ratio (1 of 1); ")
    assert lines[-3] == "  runs passing every check: 3 of 3 under no-retries, 3 of 3 under five-retries"
    assert lines[-2].startswith("HTML report: ")
    assert {p.name for p in tmp_path.iterdir()} == {"compare.json", "compare.csv", "index.html", MARKER}
    data = json.loads((tmp_path / "compare.json").read_text())
    assert data["scenarios"][0]["scenario"] == "lab-flaky" and data["replications"] == 3


def test_sweep_writes_its_tables(scenario_file, tmp_path):
    result = run(
        "sweep", "--scenario", str(scenario_file), "--param", "ota_activation.max_retries=0..1",
        "--replications", "2", "--workers", "2", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sweep.csv").read_text().count("\n") == 3
    assert {p.name for p in tmp_path.iterdir()} == {
        MARKER,
        "sweep.csv",
        "sweep-runs.csv",
        "sweep.json",
        "index.html",
        "plots",
    }


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--param", "ota_activation.max_retriez=0..2"],
            "--param ota_activation.max_retriez=0: unknown key ota_activation.max_retriez; "
            "did you mean 'max_retries'?",
        ),
        (
            ["--param", "ota_activation.jitter=none,wild"],
            "--param ota_activation.jitter=wild: ota_activation.jitter = 'wild' is not allowed; "
            "allowed: 'none', 'full', 'equal' or 'decorrelated'",
        ),
        (
            ["--param", "ota_activation.max_retries"],
            "--param 'ota_activation.max_retries': write KEY=VALUES, e.g. ota_activation.max_retries=0..8",
        ),
        (
            ["--param", "ota_activation.max_retries=true"],
            "--param ota_activation.max_retries=true: ota_activation.max_retries = true: "
            "Input should be a valid integer",
        ),
        (
            ["--param", "retries=1,2"],
            "--param 'retries=1,2': 'retries' is not a policy key; use a dotted key of the policy file "
            "such as ota_activation.max_retries or breakers.iot.failure_threshold",
        ),
    ],
)
def test_a_bad_param_is_one_line_and_exit_1(scenario_file, tmp_path, args, line):
    out = tmp_path / "out"
    result = run("sweep", "--scenario", str(scenario_file), *args, "--out", str(out))
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"Error: {line}\n")
    assert not out.exists()  # refused before the report folder was made, let alone a run


def test_compare_errors_are_one_line(policy_files, tmp_path):
    base, _ = policy_files
    missing = run("compare", str(base), str(tmp_path / "nope.toml"), "--out", str(tmp_path))
    assert (missing.returncode, missing.stdout) == (1, "")
    assert (
        missing.stderr
        == f"Error: {tmp_path / 'nope.toml'}: cannot read the policy file (No such file or directory)\n"
    )
    unknown = run("compare", str(base), str(base), "--scenario", "no-such-scenario", "--out", str(tmp_path))
    assert (unknown.returncode, unknown.stdout) == (1, "")
    names = ", ".join(sorted(s.name for s in builtin()))
    assert (
        unknown.stderr
        == f"Error: no scenario 'no-such-scenario': give a file path or a built-in name ({names})\n"
    )
    too_few = run("compare", str(base), str(base), "--replications", "1")
    assert too_few.returncode == 2  # a usage error: an interval needs two replications
    assert too_few.stderr == (
        "Error: Invalid value for '--replications': 1 is not in the range 2<=x<=1000. "
        "(see 'caas-sandbox policy compare --help')\n"
    )


def test_a_scenario_mistake_fails_compare_and_sweep_before_any_run(policy_files, tmp_path):
    wrong = {
        **FLAKY,
        "faults": [{"at": "20m", "system": "iot", "fault": {"route": "GET /nope", "reset": {}}}],
    }
    path = tmp_path / "wrong-route.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in wrong.items() if k != "name"}), encoding="utf-8")
    out = tmp_path / "out"
    base, candidate = policy_files
    compared = run("compare", str(base), str(candidate), "--scenario", str(path), "--out", str(out))
    swept = run(
        "sweep", "--scenario", str(path), "--param", "ota_activation.max_retries=0,1", "--out", str(out)
    )
    line = f"{path}: faults.0.fault.route: iot has no route 'GET /nope'; it serves: "
    for result in (compared, swept):
        assert result.returncode == 1
        assert result.stderr.startswith("Error: " + line) and result.stderr.count("\n") == 1
    assert not out.exists()  # refused before the report folder was made, let alone a run
