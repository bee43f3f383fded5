"""One family of distributions in seconds, with milliseconds still accepted where latencies took them.

The exact samples below were drawn, seed 7, by the two families this module replaced (latencies in
milliseconds, durations in seconds): a seeded run must not change by a bit.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from simulators.kit.distributions import Duration, Fixed, Latency, Lognormal, Uniform
from tests.simulators.test_vss import call, setup

LATENCY: TypeAdapter = TypeAdapter(Latency)
DURATION: TypeAdapter = TypeAdapter(Duration)
README = Path(__file__).resolve().parents[2] / "README.md"


def draws(dist, n: int = 3) -> list[float]:
    rng = random.Random(7)
    return [dist.sample(rng, inflight) for inflight in range(n)]


@pytest.mark.parametrize(
    ("given", "samples"),
    [
        ({"dist": "fixed", "ms": 35000}, [35.0, 35.0, 35.0]),
        (
            {"dist": "uniform", "min_ms": 6000, "max_ms": 8000},
            [6.647665529666325, 6.301698347849004, 7.301868946079708],
        ),
        (
            {"dist": "normal", "mean_ms": 100, "sd_ms": 40},
            [0.08976478846209598, 0.12045726050066057, 0.09095615340867581],
        ),
        (
            {"dist": "lognormal", "p50_ms": 250, "p99_ms": 2000},
            [0.18187632056431127, 0.3208539931443342, 0.2726546206840132],
        ),
        (
            {"dist": "percentiles", "table": {"50": 100, "90": 300, "99": 2000}},
            [0.06476655296663247, 0.030169834784900384, 0.17546723651992688],
        ),
        ({"dist": "load", "base_ms": 80, "per_inflight_ms": 60}, [0.08, 0.14, 0.2]),
    ],
)
def test_a_latency_in_milliseconds_draws_the_seconds_it_always_has(given, samples):
    assert draws(LATENCY.validate_python(given)) == samples


@pytest.mark.parametrize(
    ("given", "samples", "mean"),
    [
        ({"dist": "fixed", "s": 1800}, [1800.0, 1800.0, 1800.0], 1800.0),
        (
            {"dist": "uniform", "min_s": 600, "max_s": 7200},
            [2737.2962478988716, 1595.6045479017125, 4896.167522063035],
            3900.0,
        ),
        (
            {"dist": "exponential", "mean_s": 600},
            [234.78890654088255, 98.11107420328689, 631.497370842556],
            600.0,
        ),
        (
            {"dist": "lognormal", "p50_s": 2, "p99_s": 45},
            [1.2421081879945843, 2.905941513494082, 2.2773876965935953],
            4.897696265896646,
        ),
        (
            {"dist": "pareto", "scale_s": 2, "alpha": 1.3},
            [2.7024495412041105, 2.268073083304797, 4.494071997591383],
            8.666666666666666,
        ),
    ],
)
def test_a_duration_in_seconds_draws_and_averages_as_it_always_has(given, samples, mean):
    dist = DURATION.validate_python(given)
    assert (draws(dist), dist.mean) == (samples, mean)


def test_the_unit_given_is_the_unit_computed_in():
    # The same lognormal in seconds rounds differently: which is why each keeps the unit it came in.
    in_ms, in_s = Lognormal(p50_ms=250, p99_ms=2_000), Lognormal(p50_s=0.25, p99_s=2)
    assert draws(in_s) == [0.18187632056431136, 0.3208539931443343, 0.27265462068401325]
    assert draws(in_s) != draws(in_ms) and draws(in_s) == pytest.approx(draws(in_ms))
    assert (in_ms.p50_s, in_ms.p99_s, in_ms.mean) == (0.25, 2.0, pytest.approx(in_s.mean))
    assert Fixed(ms=50).s == Fixed(s=0.05).s == 0.05


def test_a_distribution_dumps_in_the_unit_it_was_given_in():
    assert Uniform(min_ms=6_000, max_ms=8_000).model_dump() == {
        "dist": "uniform",
        "min_ms": 6000.0,
        "max_ms": 8000.0,
    }
    assert Uniform(min_s=6, max_s=8).model_dump(mode="json") == {
        "dist": "uniform",
        "min_s": 6.0,
        "max_s": 8.0,
    }
    assert Fixed(s=2).model_dump_json() == '{"dist":"fixed","s":2.0}'


def test_its_kind_is_implied_in_python_and_named_in_json():
    assert Fixed(s=1) == Fixed(dist="fixed", s=1)
    with pytest.raises(ValidationError, match="Unable to extract tag using discriminator 'dist'"):
        DURATION.validate_python({"s": 1})


class Holder(BaseModel):
    latency: Latency
    duration: Duration = Fixed(s=1)


@pytest.mark.parametrize(
    ("given", "error"),
    [
        (
            {"latency": {"dist": "fixed", "s": 1, "ms": 5}},
            "s in seconds and ms in milliseconds: give every time in one unit",
        ),
        (
            {"latency": {"dist": "uniform", "min_s": 1, "max_ms": 5}},
            "min_s in seconds and max_ms in milliseconds: give every time in one unit",
        ),
        ({"latency": {"dist": "uniform", "min_ms": 5}}, "latency.uniform.max_ms\n  Field required"),
        ({"latency": {"dist": "uniform", "max_s": 5}}, "latency.uniform.min_s\n  Field required"),
        ({"latency": {"dist": "fixed"}}, "latency.fixed.s\n  Field required"),
        ({"latency": {"dist": "uniform", "min_ms": 9, "max_ms": 5}}, "max_ms must be at least min_ms"),
        ({"latency": {"dist": "uniform", "min_s": 9, "max_s": 5}}, "max_s must be at least min_s"),
        (
            {"latency": {"dist": "fixed", "s": 3_601}},
            "latency.fixed.s\n  Input should be less than or equal to 3600",
        ),
        (
            {"latency": {"dist": "fixed", "ms": 3_600_001}},
            "latency.fixed.ms\n  Input should be less than or equal to 3600000",
        ),
        (
            {"latency": {"dist": "percentiles", "table_s": {"50": 1, "99": 4_000}}},
            "latency.percentiles.table_s.99\n  Input should be less than or equal to 3600",
        ),
        (
            {"latency": {"dist": "fixed", "s": 1}, "duration": {"dist": "fixed", "s": 4e7}},
            "duration.fixed.s\n  Input should be less than or equal to 31536000",
        ),
    ],
)
def test_times_are_in_one_unit_and_a_latency_is_at_most_an_hour(given, error):
    with pytest.raises(ValidationError, match=re.escape(error)):
        Holder.model_validate(given)


def test_a_duration_may_run_past_an_hour():
    assert Holder(latency=Fixed(s=3_600), duration=Fixed(s=86_400)).duration.mean == 86_400


@pytest.mark.parametrize("transport", ["fast", "wire"])
@pytest.mark.parametrize(
    "latency",
    [
        {"dist": "uniform", "min_ms": 6000.0, "max_ms": 8000.0},
        {"dist": "percentiles", "table": {"99": 2000.0, "50": 100.0}},
        {"dist": "lognormal", "p50_s": 0.2, "p99_s": 2.0},
        {"dist": "load", "base_s": 0.08, "per_inflight_s": 0.06},
    ],
)
def test_a_fault_comes_back_from_the_control_api_as_it_was_given(transport, latency):
    _, simulator, t = setup(transport)
    created = call(t, "POST", "/__sandbox/faults", json={"latency": latency})
    assert created.status == 201
    listed = call(t, "GET", "/__sandbox/faults").json()["faults"]
    for answer in (created.json(), listed[0]):
        assert list(answer["latency"].items()) == list(latency.items())  # key order included
    assert simulator.faults.faults[0].latency == LATENCY.validate_python(latency)


def test_the_readme_fault_is_accepted_by_the_control_api():
    fault = json.loads(re.search(r"A fault:\n\n```json\n(.*?)```", README.read_text(), re.S).group(1))
    _, _, t = setup("fast")
    created = call(t, "POST", "/__sandbox/faults", json=fault)
    assert created.status == 201
    assert created.json()["latency"] == {"dist": "lognormal", "p50_s": 0.2, "p99_s": 2.0}
