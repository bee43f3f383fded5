"""`caas-sandbox scenario` as QA runs it: the whole built-in suite passes and writes every report form."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scenarios import catalog
from scenarios.invariants import INVARIANTS
from scenarios.metric_names import CATALOGUE
from tests.helpers.cli import run_cli

BUILTIN = catalog.builtin()


def cli(*args: str, cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("scenario", *args, timeout=300, cwd=cwd)


def run_file(tmp_path: Path, name: str, text: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Write the scenario file `name`.yaml and run it, its reports under tmp_path/out."""
    scenario = tmp_path / f"{name}.yaml"
    scenario.write_text(text)
    return scenario, cli("run", str(scenario), "--out", str(tmp_path / "out"))


def test_list_json_names_every_built_in_scenario():
    result = cli("list", "--json")
    assert result.returncode == 0, result.stderr
    names = [row["name"] for row in json.loads(result.stdout)]
    assert sorted(names) == sorted(scenario.name for scenario in BUILTIN)
    assert {"normal-day", "iot-blackout", "purchase-peak", "forged-webhooks"} <= set(names)


@pytest.mark.long
def test_the_whole_built_in_suite_passes_and_writes_four_report_forms(tmp_path):
    result = cli("run", "--all", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    # Refused forgeries are counted in the records, not logged to the terminal; the bar's end is all.
    assert result.stderr == "\n"
    assert f"HTML report: {tmp_path / 'index.html'}" in result.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["passed"] is True and len(report["records"]) == len(BUILTIN)
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    cases = sum(len(scenario.steady_state) + len(INVARIANTS) for scenario in BUILTIN)  # a case per check
    assert int(suites.get("failures")) == 0 and int(suites.get("tests")) == cases
    assert len(suites.findall("testsuite/testcase")) == cases
    # PASS once in the overview table and once in each scenario's heading.
    assert (tmp_path / "summary.md").read_text().count("PASS") == 2 * len(BUILTIN)
    assert "<img" in (tmp_path / "index.html").read_text()


def test_a_failing_probe_fails_the_run_with_exit_code_1(tmp_path):
    _, result = run_file(
        tmp_path,
        "strict",
        "title: strict\nduration: 1h\nworkload: {purchases_per_hour: 30}\n"
        "steady_state: [{metric: purchases.requested, max: 0, name: no purchase at all}]\n",
    )
    assert result.returncode == 1
    # Under the verdicts, each failed check as what it saw against what it wanted.
    assert (
        "FAIL strict (seed 0):\n  purchases.requested = 34, wanted <= 0 (no purchase at all)\n"
        in result.stdout
    )
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["passed"] is False
    [record] = report["records"]
    assert [c for c in record["checks"] if c["kind"] == "probe"] == [
        {
            "detail": "purchases.requested = 34, wanted <= 0 (no purchase at all)",
            "holds": False,
            "kind": "probe",
            "name": "no purchase at all",
            "metric": "purchases.requested",
            "observed": 34,
            "min": None,
            "max": 0,
        }
    ]
    assert [c["holds"] for c in record["checks"] if c["kind"] == "invariant"] == [True] * len(INVARIANTS)


def test_a_bad_scenario_file_is_one_line(tmp_path):
    scenario, result = run_file(tmp_path, "bad", "title: bad\nduration: soon\n")
    assert result.returncode == 1
    assert (
        result.stderr
        == f"Error: {scenario}: duration = 'soon': 'soon' is not a duration: use seconds or '30s', '90m', '24h', '2d'\n"
    )


def test_nothing_to_run_is_a_usage_error():
    result = cli("run")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: name a scenario (or a scenario file), or use --all (see 'caas-sandbox scenario run --help')\n"
    )


def test_a_fault_on_a_route_the_system_does_not_have_fails_before_running(tmp_path):
    scenario, result = run_file(
        tmp_path,
        "route",
        "title: x\nduration: 1h\n"
        "faults: [{at: 0, system: vss, fault: {route: GET /api/v2/vehicle, error: {status: 503}}}]\n",
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {scenario}: faults.0.fault.route: vss has no route 'GET /api/v2/vehicle'; "
        "it serves: POST /oauth/token; GET /api/v2/vehicles/{vin}/maintenance\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_bad_simulator_setting_fails_before_running(tmp_path):
    scenario, result = run_file(
        tmp_path, "sim", "title: x\nduration: 1h\nsimulators: {iot: {failure_rate: 3}}\n"
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {scenario}: simulators.iot.failure_rate = 3 is out of range; allowed: >= 0 and <= 1\n"
    )


def test_a_mistake_in_a_scenarios_own_policies_names_the_scenario_file(tmp_path):
    scenario, result = run_file(
        tmp_path, "pol", "title: x\nduration: 1h\npolicies: {ota_activation: {max_retriez: 1}}\n"
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {scenario}: unknown key policies.ota_activation.max_retriez; did you mean 'max_retries'?\n"
    )


def test_show_prints_a_built_in_as_shipped_and_suggests_a_misspelt_name():
    shown = cli("show", "iot-blackout")
    assert shown.returncode == 0
    assert shown.stdout == catalog.builtin_paths()["iot-blackout"].read_text(encoding="utf-8")
    wrong = cli("show", "iot-blackot")
    assert (wrong.returncode, wrong.stdout) == (1, "")
    assert wrong.stderr == (
        "Error: no built-in scenario 'iot-blackot': did you mean 'iot-blackout'? "
        "`caas-sandbox scenario list` names them\n"
    )


def test_one_scenario_named_twice_fails_before_running(tmp_path):
    result = cli("run", "iot-blackout", "iot-blackout", "--out", str(tmp_path / "out"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: two scenarios are named iot-blackout: their reports would overwrite each other; "
        "name each once, or rename one of the files\n"
    )


def test_an_out_folder_that_cannot_be_made_fails_before_running(tmp_path):
    (tmp_path / "file").write_text("")
    result = cli("run", "iot-blackout", "--out", str(tmp_path / "file" / "out"))
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr
        == f"Error: --out {tmp_path / 'file' / 'out'}: cannot create the folder (Not a directory)\n"
    )


def test_names_and_all_together_are_a_usage_error():
    result = cli("run", "--all", "iot-blackout")
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr
        == "Error: give scenario names or --all, not both (see 'caas-sandbox scenario run --help')\n"
    )


def test_metrics_json_prints_the_whole_catalogue():
    result = cli("metrics", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == CATALOGUE


def test_each_run_writes_a_folder_of_its_own_and_latest_is_the_newest(tmp_path):
    (tmp_path / "quiet.yaml").write_text("title: quiet\nduration: 10m\n")
    (tmp_path / "other.yaml").write_text("title: other\nduration: 10m\n")
    first = cli("run", "quiet.yaml", cwd=tmp_path)
    second = cli("run", "other.yaml", cwd=tmp_path)
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    parent = tmp_path / "out" / "scenarios"
    folders = sorted(p for p in parent.iterdir() if p.name != "latest")
    assert len(folders) == 2
    # No report mixes runs: each folder holds its own run's record only.
    assert [sorted(p.name for p in f.glob("*-r0.json")) for f in folders] == [
        ["quiet-r0.json"],
        ["other-r0.json"],
    ]
    assert (parent / "latest").resolve() == folders[1].resolve()
    assert f"HTML report: {folders[1] / 'index.html'}\n" in second.stdout
    assert f"Newest run: out/scenarios/latest -> {folders[1].name}\n" in second.stdout


def test_a_named_out_folder_is_emptied_by_the_next_run_into_it(tmp_path):
    out = tmp_path / "ci"
    assert cli("run", "vss-outage-short", "--out", str(out)).returncode == 0
    assert cli("run", "--out", str(out), str(_tiny(tmp_path))).returncode == 0
    assert sorted(p.name for p in out.glob("*.json")) == ["report.json", "tiny-r0.json"]
    assert not (tmp_path / "out").exists()  # a named folder gets no `latest` link elsewhere


def _tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text("title: tiny\nduration: 10m\n")
    return path
