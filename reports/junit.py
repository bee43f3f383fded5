"""JUnit XML for CI: one testsuite per scenario run, one testcase per probe and per invariant.

A check that does not hold is a `<failure>` whose message is the check's detail, so the CI page says what
was measured, not only that something failed. A run's checks are evaluated after the run, so they take
no time of their own: the suite's time is the run's wall time and each testcase's is zero.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from scenarios.record import RunRecord

SUITES_NAME = "caas-sandbox scenarios"


def suite_name(record: RunRecord, replicated: bool) -> str:
    # A scenario run once keeps its plain name so CI history lines up with the scenario list.
    return f"{record.scenario} r{record.replication}" if replicated else record.scenario


def _properties(record: RunRecord) -> dict[str, object]:
    """What CI shows beside a suite's cases: what ran, and the seed to run it again."""
    return {
        "title": record.title,
        "seed": record.seed,
        "replication": record.replication,
        "transport": record.transport,
        "duration_s": record.duration_s,
    }


def build(records: Sequence[RunRecord]) -> ET.ElementTree:
    runs_per_scenario = Counter(r.scenario for r in records)
    root = ET.Element("testsuites", name=SUITES_NAME)
    totals = Counter[str]()
    for record in records:
        checks = record.checks
        failures = sum(1 for c in checks if not c.holds)
        wall = record.run.wall_s
        suite = ET.SubElement(
            root,
            "testsuite",
            name=suite_name(record, runs_per_scenario[record.scenario] > 1),
            tests=str(len(checks)),
            failures=str(failures),
            errors="0",
            skipped="0",
            time=f"{wall:.3f}",
        )
        properties = ET.SubElement(suite, "properties")
        for key, value in _properties(record).items():
            ET.SubElement(properties, "property", name=key, value=str(value))
        for check in checks:
            case = ET.SubElement(
                suite, "testcase", classname=f"{record.scenario}.{check.kind}", name=check.name, time="0"
            )
            if not check.holds:
                failure = ET.SubElement(case, "failure", message=check.detail, type=check.kind)
                failure.text = check.detail
        totals.update(tests=len(checks), failures=failures)
        totals["time_ms"] += round(wall * 1000)
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("time", f"{totals['time_ms'] / 1000:.3f}")
    tree = ET.ElementTree(root)
    ET.indent(tree)
    return tree


def write_junit(records: Sequence[RunRecord], out_dir: Path) -> Path:
    """Write `junit.xml` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "junit.xml"
    build(records).write(path, encoding="utf-8", xml_declaration=True)
    return path
