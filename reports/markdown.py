"""A Markdown summary (`summary.md`): what a reviewer pastes into a pull request or reads on a CI page.

The checks that failed first, each as what it saw against what it wanted; then one table of all
scenarios; then per scenario a table of its checks and one of its key metrics, led by those that explain
the verdict (reports.causes). With several replications a number is the mean, with the min-max range in
brackets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reports._runs import DASH, ScenarioRuns, clock, fault_text, group, paged, span
from reports.causes import key_metrics
from scenarios.record import RunRecord


def _cell(value: object) -> str:
    # A pipe would end the cell and a newline the row; details are free text from the checks.
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _verdict(ok: bool) -> str:
    return "✅ PASS" if ok else "❌ FAIL"


def what_failed(scenarios: list[ScenarioRuns]) -> list[str]:
    """A bullet per failed scenario, and under it one per check that failed: what it saw, what it wanted."""
    lines = []
    for runs in scenarios:
        if runs.passed:
            continue
        lines.append(f"- **{_cell(runs.title)}** (`{runs.name}`):")
        lines += [f"  - {_cell(line)}" for c in runs.failed_checks() for line in c.failure_lines()]
    return lines


def render(records: Sequence[RunRecord]) -> str:
    scenarios = group(records)
    lines = ["# Scenario report", ""]
    failed = sum(1 for s in scenarios if not s.passed)
    lines.append(
        f"{_count(len(scenarios), 'scenario')}, {_count(len(records), 'run')}: "
        + ("every probe and invariant holds." if not failed else f"{failed} failed.")
    )
    lines.append("")
    if failed:
        lines += ["## What failed", "", *what_failed(scenarios), ""]
    summary_rows = []
    for runs in scenarios:
        checks = runs.checks()
        ratio = runs.stat("purchases.active_ratio")
        summary_rows.append(
            [
                runs.name,
                runs.title,
                _verdict(runs.passed),
                len(runs.records),
                f"{sum(c.holds for c in checks)}/{len(checks)}",
                ratio.text() if ratio else "-",
            ]
        )
    lines += _table(
        ["scenario", "title", "verdict", "runs", "checks holding", "active ratio"],
        summary_rows,
    )
    for runs in scenarios:
        lines += ["", f"## {runs.title} (`{runs.name}`): {_verdict(runs.passed)}", ""]
        lines.append(
            f"Seed {runs.seeds()}, {_count(len(runs.records), 'replication')}, "
            f"{span(runs.duration_s)} simulated, {runs.first.transport} transport."
        )
        lines.append("")
        lines += _table(
            ["kind", "check", "holds", "detail"],
            [
                [
                    c.kind,
                    c.name,
                    ("yes" if c.holds else "**no**") + (f" ({c.held}/{c.total})" if c.total > 1 else ""),
                    c.detail,
                ]
                for c in runs.checks()
            ],
        )
        if runs.faults:
            lines += ["", "Faults:", ""]
            lines += _table(
                ["system", "from", "until", "fault"],
                [
                    [
                        f.system,
                        clock(f.from_s),
                        clock(f.until_s) if f.until_s is not None else "end",
                        fault_text(f),
                    ]
                    for f in runs.faults
                ],
            )
        alerts = paged(runs)
        lines += [
            "",
            "Alerts that would have paged (monitoring/prometheus/alerts.yml):"
            if alerts
            else "No alert would have paged.",
        ]
        if alerts:
            lines.append("")
            lines += _table(
                ["seed", "alert", "system", "fired", "resolved"], [list(a.values()) for a in alerts]
            )
        lines.append("")
        stat_rows = []
        for key in key_metrics(runs):
            stat = runs.stat(key.name)
            assert stat is not None  # key_metrics kept only metrics the records have
            stat_rows.append([key.name, stat.text(), key.reason])
        value = f"mean (min{DASH}max)" if len(runs.records) > 1 else "value"
        lines += _table(["metric", value, "why it is here"], stat_rows)
    return "\n".join(lines) + "\n"


def write_markdown(records: Sequence[RunRecord], out_dir: Path) -> Path:
    """Write `summary.md` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "summary.md"
    path.write_text(render(records), encoding="utf-8")
    return path
