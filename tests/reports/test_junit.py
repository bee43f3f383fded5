"""JUnit XML: one testsuite per run, one testcase per probe and per invariant, failures with their detail."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reports.junit import write_junit
from tests.reports.conftest import FAILING_PROBE


def parse(tmp_path, records) -> ET.Element:
    path = write_junit(records, tmp_path)
    assert path == tmp_path / "junit.xml"
    assert path.read_text().startswith("<?xml")
    return ET.parse(path).getroot()


def test_one_suite_per_run_and_one_case_per_check(tmp_path, records):
    root = parse(tmp_path, records)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["calm", "blackout r0", "blackout r1"]
    for suite, record in zip(suites, records, strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [c.name for c in record.checks]
        assert {c.get("classname") for c in cases} == {
            f"{record.scenario}.probe",
            f"{record.scenario}.invariant",
        }
        assert suite.get("tests") == str(len(record.checks))
        assert suite.get("errors") == "0"
        assert float(suite.get("time")) == record.run.wall_s
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["seed"] == str(record.seed)
        assert properties["replication"] == str(record.replication)


def test_failures_are_counted_and_carry_the_detail(tmp_path, records):
    root = parse(tmp_path, records)
    expected = [sum(not c.holds for c in r.checks) for r in records]
    suites = root.findall("testsuite")
    assert [int(s.get("failures")) for s in suites] == expected
    assert [len(s.findall("testcase/failure")) for s in suites] == expected
    assert expected == [0, 1, 1]  # the blackout's one failing probe, in each replication
    assert root.get("failures") == str(sum(expected))
    assert root.get("tests") == str(sum(len(r.checks) for r in records))
    # What it saw, what it wanted, and the probe's name, in the message CI shows.
    details = [
        "purchases.requested = 111, wanted <= 0 (the outage stops every purchase)",
        "purchases.requested = 97, wanted <= 0 (the outage stops every purchase)",
    ]
    for suite, record, detail in zip(suites[1:], records[1:], details, strict=True):
        case = next(c for c in suite.findall("testcase") if c.get("name") == FAILING_PROBE)
        assert [c.detail for c in record.checks if c.name == FAILING_PROBE] == [detail]
        failure = case.find("failure")
        assert failure is not None
        assert (failure.get("message"), failure.text) == (detail, detail)


def test_all_passing_runs_have_no_failure_elements(tmp_path, calm):
    root = parse(tmp_path, calm)
    assert root.get("failures") == "0"
    assert root.findall(".//failure") == []
    assert root.get("tests") == str(len(calm[0].checks)) == "9"  # one probe and eight invariants
