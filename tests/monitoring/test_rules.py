"""The alert rules: defined once, rendered for Prometheus, tested with the real promtool, and evaluated by
the simulated runs exactly as promtool evaluates them on the same series."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from monitoring.alerts import evaluate
from monitoring.promql import Samples
from monitoring.rules import RULES, render

PROMETHEUS = Path(__file__).resolve().parents[2] / "monitoring" / "prometheus"
UNIT_TESTS = yaml.safe_load((PROMETHEUS / "alerts_test.yml").read_text())
_SERIES = re.compile(r"^(\w+)\{(.*)\}$")
_LABEL = re.compile(r'(\w+)="([^"]*)"')


def test_the_committed_rules_file_is_the_rendered_definitions():
    assert (PROMETHEUS / "alerts.yml").read_text() == render()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not found: apt-get install prometheus")
def test_promtool_passes_the_unit_tests_of_every_alert():
    for command in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts_test.yml"]):
        result = subprocess.run(["promtool", *command], cwd=PROMETHEUS, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def expand(values: str) -> list[float]:
    """promtool's series notation: '0+60x70 4200x29' (a start, a step, and how many more)."""
    out: list[float] = []
    for token in values.split():
        match = re.fullmatch(r"(-?[\d.]+)(?:([+-][\d.]+))?(?:x(\d+))?", token)
        assert match, token
        start, step, times = float(match[1]), float(match[2] or 0), int(match[3] or 0)
        out += [start + step * k for k in range(times + 1)]
    return out


def samples_of(test: dict) -> tuple[Samples, int]:
    interval = 60
    series = {}
    for entry in test["input_series"]:
        name, labels = _SERIES.match(entry["series"]).groups()  # type: ignore[union-attr]
        series[(name, tuple(sorted(_LABEL.findall(labels))))] = expand(entry["values"])
    samples = Samples()
    for (name, labels), values in series.items():
        samples.add(name, labels, [float(k * interval) for k in range(len(values))], values)
    return samples, max(len(values) for values in series.values())


def minutes(text: str) -> float:
    return float(text.removesuffix("m")) * 60


@pytest.mark.parametrize("test", UNIT_TESTS["tests"], ids=lambda t: t["name"])
def test_a_simulated_run_raises_what_promtool_expects(test):
    samples, length = samples_of(test)
    fired = evaluate(samples, [60.0 * k for k in range(length)])
    for case in test["alert_rule_test"]:
        at = minutes(case["eval_time"])
        firing = {
            a.system
            for a in fired
            if a.alert == case["alertname"]
            and a.fired_s <= at
            and (a.resolved_s is None or at < a.resolved_s)
        }
        assert firing == {e["exp_labels"]["system"] for e in case["exp_alerts"]}, case


def test_every_alert_is_tested_both_firing_and_quiet():
    fires, quiet = set(), set()
    for test in UNIT_TESTS["tests"]:
        systems = {
            dict(_LABEL.findall(_SERIES.match(s["series"])[2]))["system"]
            for s in test["input_series"]  # type: ignore[index]
        }
        for case in test["alert_rule_test"]:
            paged = {e["exp_labels"]["system"] for e in case["exp_alerts"]}
            fires |= {case["alertname"]} if paged else set()
            quiet |= {case["alertname"]} if systems - paged else set()
    assert fires == quiet == {rule.name for rule in RULES}
