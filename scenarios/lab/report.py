"""The lab's HTML reports: one self-contained page, plots embedded as PNG data URIs, so it opens offline.

The page is a Jinja2 template shipped as package data, rendered with autoescape on: scenario titles and
policy labels come from users' files.
"""

from __future__ import annotations

from typing import Any

from reports._figures import data_uri
from reports.html import render_template
from scenarios.lab import formatting as fmt
from scenarios.lab.compare import Comparison
from scenarios.lab.conclusion import conclude
from scenarios.lab.outcomes import BY_METRIC, SUCCESS, TIME_TO_ACTIVATE
from scenarios.lab.sweep import Sweep
from scenarios.lab.terminal import sweep_columns


def _render(**context: Any) -> str:
    return render_template("scenarios.lab", "lab.html.j2", **context)


def comparison_html(comparison: Comparison) -> str:
    from scenarios.lab.plots import comparison_figure

    conclusion = conclude(comparison)
    sections = []
    for s in comparison.scenarios:
        rows = [
            {
                "label": o.outcome.titled,
                "metric": o.outcome.metric,
                "base": fmt.interval(o.base),
                "candidate": fmt.interval(o.candidate),
                "difference": fmt.difference(o.difference),
                "verdict": o.verdict,
            }
            for o in s.outcomes
            if not o.constant
        ]
        plot = data_uri(comparison_figure(s, comparison.base, comparison.candidate)) if rows else None
        sections.append(
            {
                "name": s.scenario,
                "title": s.title,
                "seeds": f"{s.seeds[0]}..{s.seeds[-1]}",
                "rows": rows,
                "hidden": sum(o.constant for o in s.outcomes),
                "passed": f"{s.base_passed} vs {s.candidate_passed} of {len(s.seeds)}",
                "masked": s.masked,
                "plot": plot,
            }
        )
    return _render(
        kind="compare",
        heading=f"Policy comparison: {comparison.candidate} against {comparison.base}",
        base=comparison.base,
        candidate=comparison.candidate,
        replications=comparison.replications,
        changes=[(k, fmt.value(b), fmt.value(c)) for k, b, c in comparison.changes],
        conclusion=conclusion.lines(),
        summary=[
            {
                "label": t.outcome.titled,
                "metric": t.outcome.metric,
                "better": t.better,
                "worse": t.worse,
                "same": t.same,
                "largest": t.largest.text() if t.largest else "-",
                "relative": _percent(t.largest.relative) if t.largest else "",
            }
            for t in conclusion.tallies
        ],
        scenario_count=conclusion.scenarios,
        constant=conclusion.constant,
        sections=sections,
    )


def _percent(share: float | None) -> str:
    """A relative effect, '+35 %', when the base's mean is not zero."""
    return "" if share is None else f"{share * 100:+.0f} %"


def sweep_html(sweep: Sweep, images: dict[str, bytes]) -> str:
    """The sweep's page, embedding `images`: the plots of `plots.sweep_figures`."""
    parameter_plots = [
        (name.removeprefix("against-"), data_uri(png)) for name, png in images.items() if name != "tradeoff"
    ]
    columns = sweep_columns(sweep)
    return _render(
        kind="sweep",
        heading=f"Policy sweep: {sweep.scenario}",
        title=sweep.title,
        policies=sweep.policies,
        replications=sweep.replications,
        seeds=f"{sweep.seeds[0]}..{sweep.seeds[-1]}",
        params=[(p.key, ", ".join(fmt.value(v) for v in p.values)) for p in sweep.params],
        success=BY_METRIC[SUCCESS].label,
        time=BY_METRIC[TIME_TO_ACTIVATE].label,
        headers=["#"] + [p.key for p in sweep.params] + [BY_METRIC[m].titled for m in columns],
        rows=[
            {
                "cells": [str(number)]
                + [fmt.value(point.values[p.key]) for p in sweep.params]
                + [fmt.interval(point.estimates[m]) for m in columns],
                "pareto": point.pareto,
            }
            for number, point in enumerate(sweep.points, 1)
        ],
        tradeoff=data_uri(images["tradeoff"]),
        parameter_plots=parameter_plots,
    )
