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


def test_key_metrics_show_mean_and_range(tmp_path, calm, blackout):
    text = write_markdown(calm + blackout, tmp_path).read_text()
    requested = calm[0].metrics["purchases.requested"]
    assert f"| purchases.requested | {requested:,.0f} |" in text
    low, high = sorted(r.metrics["money.at_risk"] for r in blackout)
    assert low != high, "the replications should differ, or the range is not exercised"
    mean = (low + high) / 2
    assert f"| money.at_risk | {mean:,.0f} ({low:,.0f}\u2013{high:,.0f}) |" in text
    assert "| circuit.iot.opened_count | 20 |" in text  # a breaker that opened is a key metric
    assert "| iot | 0:15:00 | 0:35:00 | error(rate=1, status=503) |" in text


def test_a_pipe_in_a_detail_does_not_break_the_table(tmp_path, calm):
    record = dataclasses.replace(calm[0], checks=(Check("probe", "p", False, "a | b\nc"),))
    text = write_markdown([record], tmp_path).read_text()
    assert "| probe | p | **no** | a \\| b c |" in text
