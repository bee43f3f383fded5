"""The HTML report (`index.html`): one self-contained file that opens offline, with no external CSS, fonts
or scripts, and its plots embedded as `data:` PNGs.

The template is package data (`reports/templates/report.html.j2`), rendered with Jinja2 and autoescaping,
because check details and titles come from users' files. Jinja2 and matplotlib are imported only when a
report is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from reports._runs import (
    DASH,
    ScenarioRuns,
    clock,
    fault_text,
    fault_until,
    group,
    number,
    paged,
    safe_name,
    span,
)
from reports.causes import CORE_SET, FAILED_CHECK, MOVED, KeyMetric, key_metrics
from scenarios.metric_names import CATALOGUE
from scenarios.record import FaultWindow, RunRecord, plain_data

TEMPLATE = "report.html.j2"
MAX_CAUSES = 6  # metrics named beside a failed scenario on the first screen; its section lists them all


def render_template(package: str, name: str, **context: Any) -> str:
    """Render `templates/<name>`, shipped as `package`'s data, with autoescaping on."""
    from jinja2 import Environment, StrictUndefined, select_autoescape

    text = files(package).joinpath("templates", name).read_text(encoding="utf-8")
    # StrictUndefined: a misspelt name in the template fails loudly instead of rendering an empty cell.
    environment = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    return environment.from_string(text).render(**context)


def _metric_rows(
    runs: ScenarioRuns, keys: Iterable[KeyMetric], descriptions: dict[str, str]
) -> list[dict[str, str]]:
    """One row per metric the records hold: its mean, its min-max range, what it measures, and why it is
    shown first (empty outside the key metrics)."""
    stats = ((key, runs.stat(key.name)) for key in keys)
    return [
        {
            "name": key.name,
            "mean": number(stat.mean),
            "range": stat.spread(),
            "description": descriptions.get(key.name, ""),
            "reason": key.reason,
        }
        for key, stat in stats
        if stat is not None
    ]


def _heading(runs: ScenarioRuns) -> dict[str, Any]:
    # The summary row links to the scenario's section by this id: both take it from here.
    return {"id": "s-" + safe_name(runs.name), "name": runs.name, "title": runs.title, "passed": runs.passed}


def _faults(runs: ScenarioRuns) -> list[dict[str, str]]:
    rows = []
    for fault in runs.faults:
        end = fault_until(fault, runs.duration_s)
        rows.append(
            {
                "system": fault.system,
                "from": clock(fault.from_s),
                "until": clock(end) if fault.until_s is not None else "end of run",
                "length": span(end - fault.from_s),
                "fault": fault_text(fault),
            }
        )
    return rows


def scenario_context(runs: ScenarioRuns, descriptions: dict[str, str]) -> dict[str, Any]:
    from reports.plots import scenario_plots

    metrics = sorted({m for r in runs.records for m in r.metrics})
    checks = runs.checks()
    return {
        **_heading(runs),
        "replications": len(runs.records),
        "seeds": runs.seeds(),
        "transport": runs.first.transport,
        "duration": span(runs.duration_s),
        "wall_s": f"{runs.wall_s():.1f}",
        "checks": checks,
        "failed_checks": sum(1 for c in checks if not c.holds),
        "faults": _faults(runs),
        "alerts": paged(runs),
        "plots": scenario_plots(runs),
        "key_metrics": _metric_rows(runs, key_metrics(runs), descriptions),
        "metrics": _metric_rows(runs, (KeyMetric(m, "") for m in metrics), descriptions),
        "policies": json.dumps(plain_data(runs.first.policies), indent=2, sort_keys=True),
    }


def _failure(runs: ScenarioRuns) -> dict[str, Any]:
    """What the first screen says of a failed scenario, so the reader sees why before any table: each
    failed check's line, the faults, and the leading metrics that are not the checks' own: the outcomes
    that moved first, then how the faulty systems' calls fared, where that is not zero."""
    keys = key_metrics(runs)
    ordered = [k for k in keys if k.reason == MOVED] + [k for k in keys if k.reason not in (CORE_SET, MOVED)]
    causes = [
        f"{key.name} = {number(stat.mean)}"
        for key in ordered
        if key.reason != FAILED_CHECK and (stat := runs.stat(key.name)) is not None and stat.mean
    ]
    return {
        **_heading(runs),
        "checks": [line for c in runs.failed_checks() for line in c.failure_lines()],
        "faults": [f"{f.system} {_window(f, runs.duration_s)}: {fault_text(f)}" for f in runs.faults],
        "causes": causes[:MAX_CAUSES],
    }


def _window(fault: FaultWindow, duration_s: float) -> str:
    return f"{clock(fault.from_s)}{DASH}{clock(fault_until(fault, duration_s))}"


def _summary_row(runs: ScenarioRuns) -> dict[str, Any]:
    checks = runs.checks()
    opened = sum(runs.mean(m) for m in runs.first.metrics if m.endswith(".opened_count"))

    def cell(metric: str) -> str:
        stat = runs.stat(metric)
        return stat.text() if stat else "-"

    return {
        **_heading(runs),
        "runs": len(runs.records),
        "checks": f"{sum(c.holds for c in checks)}/{len(checks)}",
        "active_ratio": cell("purchases.active_ratio"),
        "money_at_risk": cell("money.at_risk"),
        "breaker_opens": f"{opened:,.4g}",
        "max_queue": cell("queue.iot.max_depth"),
        "alerts": cell("alerts.ops"),
    }


def render(records: Sequence[RunRecord]) -> str:
    scenarios = group(records)
    return render_template(
        "reports",
        TEMPLATE,
        passed=all(s.passed for s in scenarios),
        failed=sum(1 for s in scenarios if not s.passed),
        runs=len(records),
        wall_s=f"{sum(s.wall_s() for s in scenarios):.1f}",
        failures=[_failure(s) for s in scenarios if not s.passed],
        summary=[_summary_row(s) for s in scenarios],
        scenarios=[scenario_context(s, CATALOGUE) for s in scenarios],
    )


def write_html(records: Sequence[RunRecord], out_dir: Path) -> Path:
    """Write `index.html` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(render(records), encoding="utf-8")
    return path
