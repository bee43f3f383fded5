"""Overload in scenarios: a capacity-limited partner gives the same run on both transports, and recovery
is measured as scenarios.recovery says."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest

from scenarios.model import Scenario
from scenarios.record import FaultWindow
from scenarios.recovery import recoveries, recovery_s
from scenarios.runner import run
from scenarios.timeseries import FlowSeries, SystemSeries, TimeSeries

CONFIGURE = "POST /api/iot/vehicles/{vin}/configure"
BROWNOUT = Scenario.model_validate(
    {
        "name": "brownout",
        "title": "A short IoT brownout",
        "seed": 8,
        "duration": "40m",
        "workload": {"purchases_per_hour": 300},
        "simulators": {
            "iot": {
                "capacity": {
                    CONFIGURE: {
                        "workers": 1,
                        "service": {"dist": "lognormal", "p50_s": 2, "p99_s": 5},
                        "queue_limit": 6,
                    }
                }
            }
        },
        "faults": [
            {
                "at": "15m",
                "duration": "5m",
                "system": "iot",
                "fault": {
                    "route": CONFIGURE,
                    "capacity": {"service": {"dist": "lognormal", "p50_s": 10, "p99_s": 25}},
                },
            }
        ],
    }
)


def test_fast_and_wire_give_the_same_run_of_a_partner_past_its_capacity():
    fast, wire = run(BROWNOUT), run(BROWNOUT, transport="wire")
    as_json = [
        json.dumps({**r.as_dict(wall_clock=False), "transport": ""}, sort_keys=True) for r in (fast, wire)
    ]
    assert as_json[0] == as_json[1]
    iot = fast.series.systems["iot"]
    # The comparison means something only if the run went through every path a queue has.
    assert sum(iot.refused) > 0 and max(iot.queued) > 1 and sum(iot.timeouts) > 0
    assert fast.metrics["utilisation.iot.max"] > 0.9


def series_of_goodput(goodput: list[int], interval_s: float = 60.0) -> TimeSeries:
    n = len(goodput)
    zeros = (0,) * n
    iot = SystemSeries(
        requests=tuple(goodput),
        goodput=tuple(goodput),
        errors=zeros,
        timeouts=zeros,
        retries=zeros,
        latency_sum_s=(0.0,) * n,
        latency_p50_s=(None,) * n,
        latency_p95_s=(None,) * n,
        latency_le=MappingProxyType({}),
        in_flight=(0.0,) * n,
        breaker=zeros,
        breaker_open_s=(0.0,) * n,
    )
    return TimeSeries(
        interval_s, n * interval_s, MappingProxyType({"iot": iot}), FlowSeries(zeros, zeros, zeros, zeros)
    )


LEVEL = [100] * 30  # half an hour at 100 a minute before the fault


def test_recovery_is_when_five_minutes_of_goodput_are_back_within_ten_percent_of_the_level():
    # The fault from 30 to 40 min; then 3 minutes at nothing, a backlog drained at 160 a minute, and back.
    series = series_of_goodput([*LEVEL, *[0] * 10, 0, 0, 0, 160, 160, *[100] * 20])
    assert recovery_s(series, "iot", 1800, 2400) == 5 * 60  # the first 5 calm minutes start at 45 min


def test_the_end_of_an_outage_and_a_drain_that_average_out_are_not_a_recovery():
    # 42-47 min average 100 a minute (0, 160, 160, 90, 90), but start with a minute of nothing.
    series = series_of_goodput([*LEVEL, *[0] * 10, 0, 0, 0, 160, 160, 90, 90, *[100] * 20])
    assert recovery_s(series, "iot", 1800, 2400) == 4 * 60  # 44-49 min: 160, 90, 90, 100, 100


def test_one_lucky_minute_is_not_a_recovery_and_a_quiet_minute_is_no_relapse():
    lucky = [*LEVEL, *[0] * 10, 100, 0, 0, 0, 0, 0, 0, 95, 104, 41, 130, 130, *[100] * 5]
    assert recovery_s(series_of_goodput(lucky), "iot", 1800, 2400) == 7 * 60


def test_a_partner_that_never_recovers_counts_until_the_end_of_the_run():
    series = series_of_goodput([*LEVEL, *[0] * 10, *[40] * 20])
    assert recovery_s(series, "iot", 1800, 2400) == 20 * 60


@pytest.mark.parametrize(
    ("goodput", "start", "end"),
    [
        ([0] * 60, 1800, 2400),  # nothing asked of it before the fault: no level to return to
        ([*[0] * 10, *LEVEL], 0, 600),  # a fault from the start has no level before it
    ],
)
def test_a_fault_with_no_level_before_it_has_no_recovery_to_measure(goodput, start, end):
    assert recovery_s(series_of_goodput(goodput), "iot", start, end) == 0


def test_the_metric_is_the_longest_recovery_over_the_systems_own_faults_that_end():
    series = series_of_goodput([*LEVEL, *[0] * 10, *[100] * 20, *[0] * 10, *[40] * 20])
    faults = [
        FaultWindow("iot", 1800, 2400, MappingProxyType({})),  # recovered at once
        FaultWindow("iot", 3600, 4200, MappingProxyType({})),  # never: 20 minutes to the end
        FaultWindow("iot", 0, None, MappingProxyType({})),  # lasts to the end: nothing to measure
        FaultWindow("vss", 0, 600, MappingProxyType({})),  # another system's
    ]
    assert recoveries(series, faults, ["iot", "vss"]) == {"iot": 20 * 60, "vss": 0}
