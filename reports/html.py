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
    KEY_METRICS,
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
from scenarios.metric_names import CATALOGUE
from scenarios.record import RunRecord, plain_data

TEMPLATE = "report.html.j2"


def render_template(package: str, name: str, **context: Any) -> str:
    """Render `templates/<name>`, shipped as `package`'s data, with autoescaping on."""
    from jinja2 import Environment, StrictUndefined, select_autoescape

    text = files(package).joinpath("templates", name).read_text(encoding="utf-8")
    # StrictUndefined: a misspelt name in the template fails loudly instead of rendering an empty cell.
    environment = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    return environment.from_string(text).render(**context)


def _metric_rows(
    runs: ScenarioRuns, names: Iterable[str], descriptions: dict[str, str]
) -> list[dict[str, str]]:
    """One row per metric the records hold: its mean, its min-max range, and what it measures."""
    stats = ((name, runs.stat(name)) for name in names)
    return [
        {
            "name": name,
            "mean": number(stat.mean),
            "range": stat.spread(),
            "description": descriptions.get(name, ""),
        }
        for name, stat in stats
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
        "key_metrics": _metric_rows(runs, KEY_METRICS, descriptions),
        "metrics": _metric_rows(runs, metrics, descriptions),
        "policies": json.dumps(plain_data(runs.first.policies), indent=2, sort_keys=True),
    }


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
        summary=[_summary_row(s) for s in scenarios],
        scenarios=[scenario_context(s, CATALOGUE) for s in scenarios],
    )


def write_html(records: Sequence[RunRecord], out_dir: Path) -> Path:
    """Write `index.html` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(render(records), encoding="utf-8")
    return path
