"""The sweep's terminal table: readable at 80 columns, its detail left to the CSV, the JSON and the HTML."""

from __future__ import annotations

import io

from rich.console import Console

from scenarios.lab.outcomes import OUTCOMES
from scenarios.lab.stats import estimate
from scenarios.lab.sweep import Param, Sweep, SweepPoint
from scenarios.lab.terminal import MAX_SWEEP_ROWS, param_headers, render_sweep

RETRIES, JITTER = "ota_activation.max_retries", "ota_activation.jitter"


def point(retries: int, jitter: str, pareto: bool) -> SweepPoint:
    """Outcomes that grow with the retries: success, times, load and alerts all vary across the grid."""
    samples = {o.metric: (retries + 0.25, retries + 0.75) for o in OUTCOMES}
    samples["purchases.active_ratio"] = (0.5 + retries / 10, 0.5 + retries / 10)
    return SweepPoint(
        {RETRIES: retries, JITTER: jitter},
        {m: estimate(v) for m, v in samples.items()},
        samples,
        2,
        pareto,
    )


def sweep(points: list[SweepPoint]) -> Sweep:
    params = (Param(RETRIES, (0, 1, 2)), Param(JITTER, ("none", "decorrelated")))
    return Sweep("flaky-iot", "Flaky IoT", "defaults", params, 2, (42, 43), tuple(points))


def rendered(result: Sweep) -> list[str]:
    out = io.StringIO()
    render_sweep(result, Console(file=out, width=200, color_system=None))  # as wide as a piped console
    return [line.rstrip() for line in out.getvalue().splitlines()]


def test_the_table_fits_80_columns_with_whole_headers_and_the_detail_elsewhere():
    grid = [point(r, j, pareto=j == "none") for r in (0, 1, 2) for j in ("none", "decorrelated")]
    lines = rendered(sweep(grid))
    assert max(len(line) for line in lines) <= 80
    # Success and p95 always; then the costs that fit (a percentile of time last): the rest is in the files.
    assert lines == [
        "flaky-iot: 6 points x 2 replications, policies defaults",
        "#  max_retries  jitter        success  p50 s  p95 s  factory att/call  front",
        "─" * 76,
        "1  0            none              0.5    0.5    0.5               0.5  *",
        "2  0            decorrelated      0.5    0.5    0.5               0.5",
        "3  1            none              0.6   1.50   1.50              1.50  *",
        "4  1            decorrelated      0.6   1.50   1.50              1.50",
        "5  2            none              0.7   2.50   2.50              2.50  *",
        "6  2            decorrelated      0.7   2.50   2.50              2.50",
        "Means of 2 replications; * marks the Pareto front of success against p95 s.",
        "Intervals and every outcome: sweep.csv, sweep.json and index.html.",
        "Keys: max_retries = ota_activation.max_retries, jitter = ota_activation.jitter.",
    ]


def test_a_large_grid_shows_its_front_and_says_so():
    grid = [point(r % 3, "none", pareto=r < 2) for r in range(MAX_SWEEP_ROWS + 1)]
    lines = rendered(sweep(grid))
    assert [line.split()[0] for line in lines[3:]] == [
        "1",
        "2",
        str(MAX_SWEEP_ROWS + 1),
        "Means",
        "Intervals",
        "Keys:",
    ]
    assert lines[5] == f"{MAX_SWEEP_ROWS + 1} points: the 2 on the front are shown."


def test_swept_keys_are_named_by_the_shortest_suffix_that_tells_them_apart():
    params = (
        Param("breakers.iot.failure_threshold", (1,)),
        Param("breakers.vss.failure_threshold", (1,)),
        Param(RETRIES, (1,)),
    )
    result = Sweep("s", "t", "defaults", params, 2, (1, 2), ())
    assert param_headers(result) == ["iot.failure_threshold", "vss.failure_threshold", "max_retries"]
