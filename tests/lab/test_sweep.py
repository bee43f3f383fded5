"""Sweep: parsing --param, the grid, the tables it writes, and the Pareto front."""

from __future__ import annotations

import csv
import json

import pytest

from caas_core.errors import ConfigError
from scenarios.lab.files import write_sweep
from scenarios.lab.outcomes import OUTCOMES
from scenarios.lab.sweep import Param, grid, pareto_front, parse_param, run_sweep


def test_values_are_read_as_int_float_bool_or_str():
    assert parse_param("ota_activation.max_retries=0..3") == Param("ota_activation.max_retries", (0, 1, 2, 3))
    assert parse_param("ota_activation.wait_s=10, 12.5").values == (10, 12.5)
    assert parse_param("breakers.iot.enabled=true,false").values == (True, False)
    assert parse_param("ota_activation.jitter=none,full,decorrelated").values == (
        "none",
        "full",
        "decorrelated",
    )
    assert parse_param("ota_activation.max_retries=-1..1").values == (-1, 0, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ota_activation.max_retries", "write KEY=VALUES"),
        ("max_retries=1,2", "is not a policy key"),
        ("ota_activation.max_retries=5..2", "is empty"),
        ("ota_activation.max_retries=1,1", "listed twice"),
        ("ota_activation.max_retries=", "write KEY=VALUES"),
    ],
)
def test_a_malformed_param_is_one_line(text, message):
    with pytest.raises(ConfigError, match=message) as caught:
        parse_param(text)
    assert "\n" not in str(caught.value)


def test_the_grid_is_the_product_with_the_first_parameter_slowest():
    points = grid([parse_param("a.x=0..2"), parse_param("a.y=p,q")])
    assert len(points) == 6
    assert points[:3] == [{"a.x": 0, "a.y": "p"}, {"a.x": 0, "a.y": "q"}, {"a.x": 1, "a.y": "p"}]
    with pytest.raises(ConfigError, match="overlaps"):
        grid([parse_param("a.x=1"), parse_param("a.x.z=2")])


def test_the_pareto_front_keeps_the_points_nothing_beats():
    # (success, time): 0 and 2 trade off; 1 is beaten by 2; 3 equals 0, so neither beats the other.
    assert pareto_front([(0.9, 100.0), (0.8, 120.0), (0.85, 50.0), (0.9, 100.0)]) == {0, 2, 3}


def test_a_bad_key_or_value_is_the_policy_loaders_line(flaky, policy_sets):
    with pytest.raises(ConfigError) as caught:
        run_sweep(
            flaky, [parse_param("ota_activation.max_retriez=1,2")], policies=policy_sets[0], replications=2
        )
    assert str(caught.value) == (
        "--param ota_activation.max_retriez=1: unknown key ota_activation.max_retriez; did you mean 'max_retries'?"
    )
    with pytest.raises(ConfigError, match=r"max_retries = 99 is out of range; allowed: >= 0 and <= 50"):
        run_sweep(
            flaky, [parse_param("ota_activation.max_retries=1,99")], policies=policy_sets[0], replications=2
        )


@pytest.fixture(scope="module")
def swept(flaky, policy_sets):
    params = [
        parse_param("ota_activation.max_retries=0..2"),
        parse_param("ota_activation.backoff=fixed,exponential"),
    ]
    return run_sweep(flaky, params, policies=policy_sets[0], replications=2, workers=2)


def test_the_sweep_runs_every_point_with_the_same_seeds(swept):
    assert len(swept.points) == 6 and swept.seeds == (11, 12)
    by_point = {tuple(p.values.values()): p for p in swept.points}
    success = {k: p.samples["purchases.active_ratio"] for k, p in by_point.items()}
    # Active over eligible purchases in the two replications: each retry activates more.
    assert success == {
        (0, "fixed"): (38 / 88, 31 / 86),
        (0, "exponential"): (38 / 88, 31 / 86),
        (1, "fixed"): (55 / 88, 47 / 86),
        (1, "exponential"): (55 / 88, 47 / 86),  # one retry waits wait_s with either backoff
        (2, "fixed"): (59 / 88, 58 / 86),
        (2, "exponential"): (64 / 88, 60 / 86),
    }
    # Without retries the backoff never applies: common random numbers make both runs identical.
    assert by_point[(0, "fixed")].samples == by_point[(0, "exponential")].samples
    # Each retry buys success with time, and neither backoff wins on both: no point beats another.
    assert {values for values, p in by_point.items() if p.pareto} == set(by_point)


def test_the_sweep_writes_csv_json_and_plots(swept, tmp_path):
    paths = write_sweep(swept, tmp_path)
    with paths["csv"].open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    expected = [
        "ota_activation.max_retries",
        "ota_activation.backoff",
        "replications",
        "runs_passed",
        "pareto",
    ]
    expected += [f"{o.metric}.{part}" for o in OUTCOMES for part in ("mean", "ci_low", "ci_high")]
    assert list(rows[0]) == expected
    assert rows[0]["ota_activation.max_retries"] == "0" and rows[0]["ota_activation.backoff"] == "fixed"
    with paths["runs_csv"].open() as handle:
        runs = list(csv.DictReader(handle))
    assert len(runs) == 12 and [r["seed"] for r in runs[:2]] == ["11", "12"]
    data = json.loads(paths["json"].read_text())
    assert data["params"][0] == {"key": "ota_activation.max_retries", "values": [0, 1, 2]}
    assert len(data["points"][0]["outcomes"]["purchases.active_ratio"]["values"]) == 2
    plots = sorted(p.name for p in paths["plots"].iterdir())
    assert plots == [
        "against-ota_activation.backoff.png",
        "against-ota_activation.max_retries.png",
        "tradeoff.png",
    ]
    assert all((paths["plots"] / name).read_bytes().startswith(b"\x89PNG") for name in plots)
    assert paths["html"].read_text().count("data:image/png;base64,") == 3
