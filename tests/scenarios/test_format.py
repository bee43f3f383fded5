"""The scenario file format: the README's example is valid and complete; mistakes are one clear line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from caas_core.errors import ConfigError
from runtimes.simulated import SimulatedRuntime
from scenarios.catalog import builtin, resolve
from scenarios.metrics import CATALOGUE
from scenarios.model import Scenario, load_scenario, parse_duration
from scenarios.runner import check, simulator_configs
from simulators.registry import build_simulators

README = Path(__file__).resolve().parents[2] / "scenarios" / "README.md"


def readme_example() -> str:
    return re.search(r"## A complete example\n\n```yaml\n(.*?)```", README.read_text(), re.S).group(1)


def test_the_readme_example_is_a_valid_scenario_using_every_top_level_key(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(readme_example())
    scenario = load_scenario(path)
    assert scenario.duration == 4 * 3600
    assert [(s.at, s.rate) for s in scenario.workload.purchases_per_hour] == [
        (0, 60),
        (3600, 240),
        (7200, 60),
    ]
    assert scenario.faults[0].windowed().until_s == 3600 + 1200
    top_level = set(yaml.safe_load(readme_example()))
    assert top_level == set(Scenario.model_fields) - {"name"}


def test_the_readme_documents_every_metric_in_the_catalogue():
    text = README.read_text()
    for name in CATALOGUE:
        family = re.sub(
            r"^(circuit|calls|latency|utilisation|overflow|recovery)\.\w+\.", r"\1.<system>.", name
        )
        family = re.sub(r"\.p(95|99)$", ".p50", family) if family.startswith("latency") else family
        family = re.sub(r"^alerts\.(fired|first_s)\.\w+$", r"alerts.\1.<alert>", family)
        assert f"`{name}`" in text or f"`{family}`" in text, name


# The catalogue the suite promises QA, by the failure each scenario plays out.
BUILT_IN = {
    "normal-day",
    "iot-blackout",
    "flaky-iot",
    "vss-outage-short",  # shorter than the cache TTL
    "vss-outage-long",  # longer than the cache TTL
    "vss-slow",
    "payment-declines",
    "payment-lost-response",
    "payment-slow-authorise",  # no money left held after payments that got no answer
    "crash-purchase-peak",  # the core crashes: durable flows, resumed
    "crash-webhook-storm",
    "crash-payment-timeouts",
    "settlement-failures",
    "factory-webhook-chaos",
    "factory-down",
    "admin-country-down",
    "purchase-peak",  # past the IoT API's capacity, and back
    "retry-storm",  # a brief brownout outlived by the storm of retries it sets off
    "retry-storm-no-retries",  # the same brownout recovered from
    "forged-webhooks",
}


def test_the_built_in_scenarios_are_the_promised_catalogue_each_with_probes():
    scenarios = builtin()
    assert sorted(s.name for s in scenarios) == sorted(BUILT_IN)
    assert all(s.steady_state and s.description for s in scenarios)
    assert resolve("iot-blackout").title == "IoT blackout"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("title: x\n", "missing key duration"),
        (
            "title: x\nduration: 1h\nsteady_state: {metric: orders.placed, min: 1}\n",
            "steady_state: should be a list",
        ),
        (
            "title: x\nduration: 1 week\n",
            "duration = '1 week': '1 week' is not a duration: use seconds or '30s', '90m', '24h', '2d'",
        ),
        (
            "title: x\nduration: 1h\nworkload: {purchases_per_hour: -5}\n",
            "workload.purchases_per_hour.0.rate = -5 is out of range; allowed: >= 0 and <= 1000000",
        ),
        (
            "title: x\nduration: 1h\nworkload: {cards: {tok_gold: 1}}\n",
            "workload.cards: unknown card token tok_gold; test cards: tok_success, tok_declined, tok_insufficient_funds, tok_network_error, tok_settlement_fails",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{at: 0, system: mainframe, fault: {}}]\n",
            "faults.0.system = 'mainframe': unknown system 'mainframe'; one of factory, vss, iot, payment, admin, admin-es, admin-fr, admin-de, admin-it, admin-pt, core",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{at: 0, system: iot, fault: {hang: {rate: 3}}}]\n",
            "faults.0.fault.hang.rate = 3 is out of range; allowed: >= 0 and <= 1",
        ),
        (
            "title: x\nduration: 1h\nsteady_state: [{metric: alerts.ops}]\n",
            "steady_state.0: a probe needs min, max or both",
        ),
        ("title: x\nduration: 1h\ncolour: blue\n", "unknown key colour"),
        # A misspelt key, system or service gets the closest that exists.
        (
            "title: x\nduration: 1h\nstedy_state: []\n",
            "unknown key stedy_state; did you mean 'steady_state'?",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{at: 0, system: iot, fault: {eror: {status: 503}}}]\n",
            "unknown key faults.0.fault.eror; did you mean 'error'?",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{at: 0, system: iott, fault: {}}]\n",
            "faults.0.system = 'iott': unknown system 'iott' (did you mean 'iot'?); one of factory, vss, iot, "
            "payment, admin, admin-es, admin-fr, admin-de, admin-it, admin-pt, core",
        ),
        (
            "title: x\nduration: 1h\nworkload: {services: {remote-climat: 1}}\n",
            "workload.services: unknown service remote-climat (did you mean 'remote-climate'?); on sale: "
            "enhanced-power, remote-climate, track-mode",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{system: core, fault: {crash: {downtime: 0}}}]\n",
            "faults.0.fault.crash.downtime = 0 is out of range; allowed: > 0 and <= 86400",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{system: core, fault: {error: {status: 503}}}]\n",
            "missing key faults.0.fault.crash",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{system: payment, fault: {crash: {}}}]\n",
            "unknown key faults.0.fault.crash",
        ),
        # Each of these used to run, silently measuring nothing or never breaking anything, and pass.
        (
            "title: x\nduration: 1h\nsteady_state: [{metric: calls.payment.amplifcation, max: 2}]\n",
            "steady_state.0.metric = 'calls.payment.amplifcation': unknown metric; did you mean "
            "'calls.payment.amplification'? `caas-sandbox scenario metrics` lists them",
        ),
        (
            "title: x\nduration: 1h\nsteady_state: [{metric: alerts.ops, min: 3, max: 1}]\n",
            "steady_state.0: min 3 is above max 1: the probe can never hold",
        ),
        (
            "title: x\nduration: 1h\nworkload: {services: {teleport: 1}}\n",
            "workload.services: unknown service teleport; on sale: enhanced-power, remote-climate, track-mode",
        ),
        (
            "title: x\nduration: 1h\nworkload: {vehicles: {SBXFAULTY0000001: 1}}\n",
            "workload.vehicles: 'SBXFAULTY0000001' is neither 'fleet' nor a 17-character VIN; test vehicles: "
            "SBXHEALTHY0000001, SBXLAPSED00000001, SBXASLEEP00000001, SBXFAULTY00000001",
        ),
        (
            "title: x\nduration: 1h\nfaults: [{at: 2h, system: vss, fault: {hang: {}}}]\n",
            "faults: step 0 starts at 7200 s, not before the end (3600 s): it would never happen",
        ),
        ("title: [unclosed\n", "not valid YAML (line 2): expected ',' or ']', but got '<stream end>'"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_field(tmp_path, text, error):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}: {error}"


def test_a_file_that_is_not_text_is_one_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\xff\xfe title: x")
    with pytest.raises(ConfigError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}: not a text file in UTF-8"


def test_an_unknown_name_lists_the_built_ins():
    with pytest.raises(ConfigError, match="no scenario 'nope': give a file path or a built-in name"):
        resolve("nope")


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("90m", 5400), ("24h", 86400), ("1.5d", 129600), (45, 45)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (
            {"at": 0, "system": "iot", "fault": {"webhook": {"drop": 1}}},
            "faults.0.fault.webhook: iot sends no webhooks: a webhook fault has nothing to act on",
        ),
        (
            {"at": 0, "system": "vss", "fault": {"route": "POST /oauth/token"}},
            "faults.0.fault: the fault does nothing: give it one of latency, reset, hang, error, malformed",
        ),
        (
            {"at": 0, "system": "admin", "fault": {"route": "GET /registrations", "hang": {}}},
            "faults.0.fault.route: admin-es has no route 'GET /registrations'; it serves: "
            "POST /api/registration/vehicles",
        ),
    ],
)
def test_a_fault_that_cannot_act_fails_the_check_before_running(fault, error):
    """Refused where it can act on none of the simulators it names."""
    scenario = Scenario.model_validate({"title": "x", "name": "inert", "duration": "1h", "faults": [fault]})
    with pytest.raises(ConfigError) as caught:
        check(scenario)
    assert str(caught.value) == f"scenario inert: {error}"


def test_a_route_fault_on_admin_is_a_fault_on_every_countrys_registry():
    # Every registry serves the same route, so "admin" faults them all; "admin-de" would name one.
    step = {"at": 0, "system": "admin", "fault": {"route": "POST /api/registration/vehicles", "hang": {}}}
    scenario = Scenario.model_validate({"title": "x", "name": "all", "duration": "1h", "faults": [step]})
    check(scenario)  # accepted
    simulators = build_simulators(SimulatedRuntime(scenario.seed), simulator_configs(scenario))
    fault = scenario.faults[0].fault
    acting = [name for name, sim in sorted(simulators.items()) if sim.why_inert(fault) is None]
    assert acting == ["admin-de", "admin-es", "admin-fr", "admin-it", "admin-pt"]


def test_a_crash_of_the_core_is_a_step_of_the_timeline(tmp_path):
    path = tmp_path / "crashes.yaml"
    path.write_text(
        "title: crashes\nduration: 3h\nfaults:\n"
        "  - {at: 90m, system: core, fault: {crash: {downtime: 45s}}}\n"
        "  - {at: 1h, duration: 1h, system: core, fault: {crash: {rate_per_hour: 3}}}\n"
    )
    once, random = load_scenario(path).faults
    assert (once.at, once.until, once.fault.crash.downtime, once.fault.crash.rate_per_hour) == (
        5400,
        None,
        45,
        None,
    )
    assert (random.at, random.until, random.fault.crash.downtime, random.fault.crash.rate_per_hour) == (
        3600,
        7200,
        30,
        3,
    )
