"""The Markdown summary: a table of scenarios, and per scenario a table of checks and key metrics."""

from __future__ import annotations

import dataclasses

from reports.markdown import write_markdown
from scenarios.record import Check
from tests.reports.conftest import FAILING_PROBE


def test_summary_and_check_rows(tmp_path, records):
    path = write_markdown(records, tmp_path)
    assert path == tmp_path / "summary.md"
    text = path.read_text()
    assert "| calm | A calm hour | ✅ PASS | 1 |" in text
    assert "| blackout | IoT goes dark | ❌ FAIL | 2 |" in text
    assert "## IoT goes dark (`blackout`): ❌ FAIL" in text
    for record in records:
        for check in record.checks:
            assert f"| {check.kind} | {check.name} |" in text
    assert f"| probe | {FAILING_PROBE} | **no** (0/2) |" in text
    assert "| invariant | no_double_payment | yes (2/2) |" in text


def test_what_failed_leads_with_each_failure_seen_against_wanted(tmp_path, records):
    text = write_markdown(records, tmp_path).read_text()
    lead = text.split("| scenario | title |", 1)[0]  # all that comes before the first table
    assert lead == (
        "# Scenario report\n\n"
        "2 scenarios, 3 runs: 1 failed.\n\n"
        "## What failed\n\n"
        "- **IoT goes dark** (`blackout`):\n"
        "  - r0: purchases.requested = 111, wanted <= 0 (the outage stops every purchase)\n"
        "  - r1: purchases.requested = 97, wanted <= 0 (the outage stops every purchase)\n\n"
    )
    assert "What failed" not in write_markdown(records[:1], tmp_path / "calm").read_text()


def test_key_metrics_lead_with_the_cause_then_the_core_set(tmp_path, calm, blackout):
    text = write_markdown(calm + blackout, tmp_path).read_text()
    requested = calm[0].metrics["purchases.requested"]
    assert f"| purchases.requested | {requested:,.0f} | core set |" in text
    low, high = sorted(r.metrics["money.at_risk"] for r in blackout)
    assert low != high, "the replications should differ, or the range is not exercised"
    mean = (low + high) / 2
    assert f"| money.at_risk | {mean:,.0f} ({low:,.0f}\u2013{high:,.0f}) | outcome moved |" in text
    assert "| iot | 0:15:00 | 0:35:00 | error(rate=1, status=503) |" in text
    table = text.split("## IoT goes dark", 1)[1].split("| metric |", 1)[1]
    rows = [line.split(" | ")[0].removeprefix("| ") for line in table.splitlines()[2:] if line]
    whys = [line.rsplit(" | ", 1)[1].removesuffix(" |").strip() for line in table.splitlines()[2:] if line]
    # The failed probe's metric, the faulty system's calls, the outcomes that moved, then the core set.
    assert rows[:4] == [
        "purchases.requested",
        "calls.iot.amplification",
        "circuit.iot.opened_count",
        "latency.iot.p95",
    ]
    assert whys[:4] == ["failed check", "fault on iot", "fault on iot", "fault on iot"]
    assert rows[-3:] == ["alerts.ops", "tickets.tech_support", "queue.iot.max_depth"]
    assert whys[-3:] == ["core set"] * 3
    assert len(rows) == len(set(rows))  # each once, with the first reason that chose it


def test_a_pipe_in_a_detail_does_not_break_the_table(tmp_path, calm):
    record = dataclasses.replace(calm[0], checks=(Check("probe", "p", False, "a | b\nc"),))
    text = write_markdown([record], tmp_path).read_text()
    assert "| probe | p | **no** | a \\| b c |" in text
