"""The JSON record: one file per run plus report.json, the same bytes for the same run but for `run`."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from caas_core.errors import ConfigError
from reports.record import read_json, write_json
from scenarios.record import RunRecord
from tests.reports.conftest import CALM, records_of

# The `run` section holds only flat wall-clock facts, so a non-nested match finds all of it.
RUN_SECTION = re.compile(r'"run": \{[^{}]*\}')


def without_run(text: str) -> str:
    masked, count = RUN_SECTION.subn('"run": {}', text)
    assert count == 1, "each file compared holds one record, and so one run section"
    return masked


def test_one_file_per_run_and_a_report(tmp_path, records):
    report = write_json(records, tmp_path)
    assert report == tmp_path / "report.json"
    names = sorted(p.name for p in tmp_path.glob("*.json"))
    assert names == ["blackout-r0.json", "blackout-r1.json", "calm-r0.json", "report.json"]
    data = json.loads(report.read_text())
    assert [r["scenario"] for r in data["records"]] == ["calm", "blackout", "blackout"]
    assert data["passed"] is False  # the blackout's failing probe
    assert RunRecord.from_dict(json.loads((tmp_path / "blackout-r1.json").read_text())) == records[2]
    assert read_json(report) == records


def test_sorted_keys_two_space_indent_and_plain_lists_on_one_line(tmp_path, calm):
    write_json(calm, tmp_path)
    for path in tmp_path.glob("*.json"):
        text = path.read_text()
        data = json.loads(text)
        expanded = json.dumps(data, sort_keys=True, indent=2) + "\n"
        # The standard layout, but each list of plain values joined onto one line.
        joined = re.sub(
            r"\[\n\s*([^\[\]{}]*?)\n\s*\]", lambda m: "[" + re.sub(r",\n\s*", ", ", m[1]) + "]", expanded
        )
        assert text == joined, path.name
        assert '"requests": [' in text and len(text.splitlines()) < 2_000  # series columns: one line each


def test_same_scenario_and_seed_give_the_same_bytes_but_for_run(tmp_path, calm):
    again = records_of(CALM)
    write_json(calm, tmp_path / "a")
    write_json(again, tmp_path / "b")
    for name in ("calm-r0.json", "report.json"):
        first = (tmp_path / "a" / name).read_text()
        second = (tmp_path / "b" / name).read_text()
        assert without_run(first) == without_run(second), name


def test_another_seed_gives_other_bytes(tmp_path, calm):
    # Guards the test above: the comparison would pass vacuously if a record carried nothing of the run.
    write_json(calm, tmp_path / "a")
    write_json(records_of(CALM, seed=12), tmp_path / "b")
    first = (tmp_path / "a" / "calm-r0.json").read_text()
    assert without_run(first) != without_run((tmp_path / "b" / "calm-r0.json").read_text())


def test_two_runs_for_one_file_are_refused(tmp_path, calm):
    with pytest.raises(ConfigError, match=r"calm-r0\.json"):
        write_json(calm + calm, tmp_path)


def test_a_name_from_a_file_cannot_leave_the_folder(tmp_path, calm):
    record = dataclasses.replace(calm[0], scenario="../../etc/x y")
    write_json([record], tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["etc_x_y-r0.json", "report.json"]
