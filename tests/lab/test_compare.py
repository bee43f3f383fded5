"""Compare: common random numbers, intervals, significance, and the same numbers on every executor."""

from __future__ import annotations

import json

import distributed
import pytest

from scenarios.lab.compare import as_json, compare_jobs, run_compare
from scenarios.lab.files import write_comparison
from scenarios.lab.jobs import Job, run_job
from scenarios.lab.stats import estimate

REPLICATIONS = 3


@pytest.fixture(scope="module")
def serial(flaky, policy_sets):
    return run_compare([flaky], *policy_sets, replications=REPLICATIONS, workers=1)


def outcomes(comparison):
    return {o.outcome.metric: o for o in comparison.scenarios[0].outcomes}


def numbers(comparison):
    """Every figure of a comparison, as the JSON report holds it."""
    return json.dumps(as_json(comparison), sort_keys=True)


def test_five_ota_retries_significantly_raise_the_success_ratio(serial):
    success = outcomes(serial)["purchases.active_ratio"]
    assert success.difference.significant and success.verdict == "better"
    # Active over eligible purchases: common random numbers give both sides the same customers.
    assert success.base_values == (38 / 88, 31 / 86, 47 / 92)
    assert success.candidate_values == (73 / 88, 75 / 86, 82 / 92)
    amplification = outcomes(serial)["calls.iot.amplification"]
    assert amplification.base_values == (1.0,) * REPLICATIONS  # no retries: one attempt per call
    assert amplification.candidate_values == (215 / 84, 8 / 3, 31 / 13)
    assert amplification.difference.significant and amplification.verdict == "worse"
    tickets = outcomes(serial)["tickets.tech_support"]
    assert (tickets.base_values, tickets.candidate_values) == ((48, 55, 45), (9, 8, 8))
    assert tickets.verdict == "better"


def test_every_interval_is_that_of_its_values_and_the_difference_is_paired(serial):
    for o in outcomes(serial).values():
        assert (o.base, o.candidate) == (estimate(o.base_values), estimate(o.candidate_values))
        assert o.base.n == o.candidate.n == o.difference.estimate.n == REPLICATIONS
        # Paired: the interval of the per-replication differences, not one built from the two sides'.
        diffs = [c - b for b, c in zip(o.base_values, o.candidate_values, strict=True)]
        assert o.difference.estimate == estimate(diffs)


def test_both_sides_meet_the_same_seeds_in_the_same_order(serial, flaky, policy_sets):
    assert serial.scenarios[0].seeds == (11, 12, 13)
    jobs = compare_jobs([flaky], *policy_sets, REPLICATIONS, None)
    assert [(j.policies.label, j.replication) for j in jobs] == [
        ("no-retries", 0), ("no-retries", 1), ("no-retries", 2),
        ("five-retries", 0), ("five-retries", 1), ("five-retries", 2),
    ]  # fmt: skip
    # Common random numbers: with identical policies, both sides see identical runs.
    same = run_compare([flaky], policy_sets[0], policy_sets[0], replications=2, workers=1)
    assert not any(o.difference.significant or o.difference.estimate.mean for o in outcomes(same).values())


def test_the_policy_changes_and_the_scenario_overrides_are_reported(serial, flaky, policy_sets):
    assert serial.changes == (("ota_activation.max_retries", 0, 5),)
    assert not serial.scenarios[0].masked
    pinned = flaky.model_copy(update={"policies": {"ota_activation": {"max_retries": 2}}})
    job = Job(pinned, policy_sets[1], 0)
    assert job.effective_overrides()["ota_activation"]["max_retries"] == 2  # the scenario's word wins
    masked = run_compare([pinned], *policy_sets, replications=2, workers=1)
    assert masked.scenarios[0].masked


@pytest.fixture(scope="module")
def pooled(flaky, policy_sets):
    return run_compare([flaky], *policy_sets, replications=REPLICATIONS, workers=2)


def test_a_process_pool_gives_the_same_numbers_as_a_serial_run(serial, pooled):
    assert numbers(pooled) == numbers(serial)


def test_a_dask_cluster_gives_the_same_numbers_as_the_pool_and_a_serial_run(
    serial, pooled, flaky, policy_sets
):
    # Threads rather than processes start in a fraction of the time; TCP on loopback, as a real cluster.
    with distributed.LocalCluster(
        n_workers=2,
        processes=False,
        threads_per_worker=1,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        finished = []
        on_dask = run_compare(
            [flaky],
            *policy_sets,
            replications=REPLICATIONS,
            dask_address=cluster.scheduler_address,
            progress=finished.append,
        )
    assert numbers(on_dask) == numbers(pooled) == numbers(serial)
    assert sum(finished) == 2 * REPLICATIONS


def test_a_job_is_a_pure_function_of_its_data(flaky, policy_sets):
    job = Job(flaky, policy_sets[1], 1)
    first, second = run_job(job), run_job(job)
    assert first.metrics == second.metrics
    assert first.seed == 12


def test_the_report_files(serial, tmp_path):
    paths = write_comparison(serial, tmp_path)
    data = json.loads(paths["json"].read_text())
    success = data["scenarios"][0]["outcomes"]["purchases.active_ratio"]
    assert success["difference"]["significant"] is True and len(success["base"]["values"]) == REPLICATIONS
    assert data["changes"] == [{"key": "ota_activation.max_retries", "base": 0, "candidate": 5}]
    header = paths["csv"].read_text().splitlines()[0]
    assert header.startswith("scenario,metric,base_mean,base_ci_low,base_ci_high,candidate_mean")
    conclusion = data["conclusion"]
    [success_tally] = [t for t in conclusion["outcomes"] if t["metric"] == "purchases.active_ratio"]
    assert (success_tally["better"], success_tally["worse"], success_tally["not_distinguishable"]) == (
        1,
        0,
        0,
    )
    assert success_tally["largest_effect"]["scenario"] == "lab-flaky"
    assert conclusion["lines"][0].startswith("better on purchase success ratio (1 of 1)")
    html = paths["html"].read_text()
    assert "data:image/png;base64," in html and "five-retries against no-retries" in html
    # The page opens with the conclusion, before the first scenario's table.
    assert html.index('id="conclusion"') < html.index("<h2>lab-flaky: ")
    assert f"<li>{conclusion['lines'][0]}</li>" in html
    assert "<script" not in html
