"""The run record: frozen all the way down, and the same record after a trip through JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest

from scenarios.record import Check, RunRecord, figure
from scenarios.runner import run
from tests.helpers.eventful import EVENTFUL
from tests.helpers.light_import import loaded_after


@pytest.fixture(scope="module")
def record() -> RunRecord:
    record = run(EVENTFUL)
    # The round trip below proves little unless the record holds all this.
    assert [len(f.parts) for f in record.faults] == [1, 3, 1]
    assert [f.until_s for f in record.faults] == [1500.0, 2100.0, None]
    assert {e.kind for e in record.events} == {"circuit", "queue"}
    assert [(a.alert, a.system) for a in record.alerts] == [
        ("IntegrationErrorRateHigh", "payment"),
        ("IntegrationCircuitOpen", "iot"),
        ("IntegrationErrorRateHigh", "iot"),
        ("IntegrationRetrySpike", "iot"),
    ]
    assert not record.passed
    return record


def through_json(record: RunRecord) -> RunRecord:
    return RunRecord.from_dict(json.loads(json.dumps(record.as_dict(), sort_keys=True)))


def test_a_record_read_back_from_json_equals_the_one_written(record):
    loaded = through_json(record)
    assert loaded == record
    assert loaded.as_dict() == record.as_dict()
    assert json.dumps(loaded.as_dict(), sort_keys=True) == json.dumps(record.as_dict(), sort_keys=True)


def test_equality_sees_a_change_in_any_part(record):
    # Guards the test above: equality must not pass whatever the content.
    metrics = {**record.metrics, "alerts.ops": record.metrics["alerts.ops"] + 1}
    fault = dataclasses.replace(record.faults[1], parts={**record.faults[1].parts, "first_n": 4})
    for changed in (
        dataclasses.replace(record, metrics=metrics),
        dataclasses.replace(record, faults=(record.faults[0], fault, record.faults[2])),
        dataclasses.replace(record, events=record.events[:-1]),
        dataclasses.replace(record, run=dataclasses.replace(record.run, wall_s=record.run.wall_s + 1)),
        dataclasses.replace(record, series=dataclasses.replace(record.series, interval_s=120.0)),
    ):
        assert through_json(changed) != record


def test_the_json_form_has_its_keys_in_order(record):
    data = record.as_dict()
    assert list(data) == [
        "scenario",
        "title",
        "seed",
        "replication",
        "transport",
        "duration_s",
        "policies",
        "faults",
        "metrics",
        "checks",
        "events",
        "alerts",
        "series",
        "run",
    ]
    assert list(data["run"]) == ["wall_s", "events_processed"]
    assert list(data["series"]) == ["interval_s", "duration_s", "systems", "flows"]
    assert list(data["checks"][0]) == ["kind", "name", "holds", "detail", "metric", "observed", "min", "max"]
    webhook = {"drop": 0.1, "duplicate": 0.3, "reorder": 0.0, "delay_s": 0.0, "bad_signature": 0.0}
    assert data["faults"][2] == {"system": "factory", "webhook": webhook, "from_s": 0.0}  # no until_s
    assert list(record.as_dict(wall_clock=False)) == list(data)[:-1]


def test_nothing_in_a_record_can_be_changed(record):
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.seed = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.metrics["alerts.ops"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        record.policies["breakers"]["iot"]["enabled"] = False  # type: ignore[index]
    with pytest.raises(TypeError):
        record.faults[1].parts["latency"]["ms"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        record.events[0].data["new"] = "closed"  # type: ignore[index]
    assert isinstance(record.checks, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.series.systems["iot"].requests = ()  # type: ignore[misc, union-attr]
    with pytest.raises(TypeError):
        record.series.systems["iot"].latency_le["1"] = ()  # type: ignore[index, union-attr]
    assert isinstance(record.series.flows.purchases_started, tuple)  # type: ignore[union-attr]


def test_a_record_written_before_runs_kept_a_series_reads_as_one_without(record):
    data = record.as_dict()
    del data["series"]
    assert RunRecord.from_dict(data) == dataclasses.replace(record, series=None)


def test_reading_a_record_loads_no_model_library():
    heavy = ["pydantic", "flask", "simpy", "caas_core", "scenarios.runner"]
    assert loaded_after("import scenarios.record", heavy) == []


def test_a_record_written_before_checks_kept_their_numbers_still_reads():
    old = {
        "kind": "probe",
        "name": "purchases.requested >= 1",
        "holds": True,
        "detail": "purchases.requested = 3",
    }
    check = Check.from_dict(old)
    assert check == Check("probe", "purchases.requested >= 1", True, "purchases.requested = 3")
    assert (check.metric, check.observed, check.min, check.max) == (None, None, None, None)


def test_a_probe_says_what_it_saw_against_what_it_wanted():
    named = Check.probe("most", "purchases.active_ratio", 0.601732, 0.95, None, title="most")
    assert (named.holds, named.detail) == (False, "purchases.active_ratio = 0.602, wanted >= 0.95 (most)")
    assert named.line == named.detail  # a probe's detail names it already
    both = Check.probe("p", "latency.iot.p95", 1234.56, 0.5, 1000)
    assert (both.holds, both.detail) == (False, "latency.iot.p95 = 1235, wanted >= 0.5 and <= 1000")
    held = Check.probe("q", "alerts.ops", 0, None, 0)
    assert (held.holds, held.detail) == (True, "alerts.ops = 0, wanted <= 0")


def test_a_value_next_to_its_bound_is_shown_with_the_figures_that_tell_them_apart():
    assert Check.probe("p", "m", 0.94996, 0.95, None).detail == "m = 0.94996, wanted >= 0.95"
    assert Check.probe("p", "m", 0.95001, 0.95, None).detail == "m = 0.95, wanted >= 0.95"  # holds, reads so
    assert Check.probe("p", "m", 0.9512, 0.95, None).detail == "m = 0.951, wanted >= 0.95"
    assert [figure(v) for v in (0.0001234, 2.5, 156.0, 1e-9, 12.345)] == [
        "0.000123",
        "2.5",
        "156",
        "0.000000001",
        "12.3",
    ]


def test_an_invariant_names_its_first_entities_and_counts_them_all():
    broken = Check.invariant("nothing_lost", "Nothing is lost.", [f"order o{i} stuck" for i in range(7)])
    assert broken.detail == (
        "7 violations: order o0 stuck; order o1 stuck; order o2 stuck; order o3 stuck; order o4 stuck; "
        "and 2 more"
    )
    assert (broken.holds, broken.observed, broken.max) == (False, 7, 0)
    assert broken.line == "nothing_lost: " + broken.detail
    one = Check.invariant("no_double_payment", "Never twice.", ["p1 captured 2 times"])
    assert one.detail == "1 violation: p1 captured 2 times"
    held = Check.invariant("no_double_payment", "Never twice.", [])
    assert (held.holds, held.detail, held.observed) == (True, "Never twice.", 0)
