"""Which speeds the live sandbox runs at: finite, not absurdly slow, and never so fast that the shortest
timeout of the policies in force would fall under the wall-time floor of a loopback call."""

from __future__ import annotations

import pytest

from caas_core.errors import ConfigError
from caas_core.policies import load_policies, merge, shortest_timeout
from caas_sandbox.speeds import check_speed, highest_safe_speed
from runtimes.live import LiveRuntime
from tests.helpers.cli import run_cli

DEFAULTS = load_policies()


def test_the_shortest_default_timeout_is_the_vss_query_s_five_seconds():
    assert shortest_timeout(DEFAULTS) == ("vss_query.timeout_s", 5.0)
    assert highest_safe_speed(DEFAULTS) == 50


def test_a_disabled_breaker_s_probe_timeout_does_not_count():
    policies = DEFAULTS.model_copy(
        update={"breakers": merge_breakers(payment={"enabled": False, "probe_timeout_s": 0.5})}
    )
    assert shortest_timeout(policies) == ("vss_query.timeout_s", 5.0)


def merge_breakers(**changes):
    return DEFAULTS.breakers.model_copy(
        update={k: getattr(DEFAULTS.breakers, k).model_copy(update=v) for k, v in changes.items()}
    )


@pytest.mark.parametrize("speed", [1, 0.01, 49.5, 50])
def test_safe_speeds_pass(speed):
    check_speed(speed, DEFAULTS)


@pytest.mark.parametrize("speed", [float("nan"), float("inf"), -1, 0, 1e-300, 0.009])
def test_speeds_that_are_no_speed_at_all_are_refused(speed):
    with pytest.raises(ConfigError, match=r"give a finite number of at least 0\.01$"):
        check_speed(speed, DEFAULTS)


def test_a_speed_too_fast_for_the_shortest_timeout_names_it_and_the_highest_safe_speed():
    with pytest.raises(ConfigError) as refused:
        check_speed(3600, DEFAULTS)
    assert str(refused.value) == (
        "--speed 3600 is too fast: vss_query.timeout_s = 5 s would last 1 ms of wall time, under the "
        "100 ms floor; the highest safe speed is 50 (see long timelines with: caas-sandbox clock advance)"
    )


def test_the_highest_safe_speed_is_the_boundary():
    check_speed(50, DEFAULTS)  # 100 ms of wall time for VSS's 5 s: taken
    with pytest.raises(ConfigError, match=r"^--speed 50\.5 is too fast: vss_query\.timeout_s = 5 s"):
        check_speed(50.5, DEFAULTS)


def test_the_floor_follows_the_policies_in_force():
    slower = merge(DEFAULTS.model_dump(), {"vss_query": {"timeout_s": 20}})
    policies = type(DEFAULTS).model_validate(slower)
    assert shortest_timeout(policies) == ("breakers.vss.probe_timeout_s", 5.0)


@pytest.mark.parametrize("speed", [float("nan"), float("inf"), 0.0, -2.0])
def test_the_live_runtime_refuses_a_speed_that_is_not_finite_and_positive(speed):
    with pytest.raises(ValueError, match="finite positive"):
        LiveRuntime(seed=1, speed=speed)


def test_serve_refuses_an_unsafe_speed_in_one_line():
    result = run_cli("serve", "--speed", "nan", timeout=60)
    assert (result.returncode, result.stderr) == (
        1,
        "Error: --speed nan: give a finite number of at least 0.01\n",
    )
