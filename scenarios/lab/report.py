"""The lab's HTML reports: one self-contained page, plots embedded as PNG data URIs, so it opens offline.

The page is a Jinja2 template shipped as package data, rendered with autoescape on: scenario titles and
policy labels come from users' files.
"""

from __future__ import annotations

from base64 import b64encode
from importlib.resources import files
from pathlib import Path
from typing import Any

from scenarios.lab import formatting as fmt
from scenarios.lab.compare import Comparison
from scenarios.lab.outcomes import BY_METRIC, SUCCESS, TIME_TO_ACTIVATE
from scenarios.lab.sweep import Sweep
from scenarios.lab.terminal import sweep_columns


def _render(**context: Any) -> str:
    from jinja2 import Environment, StrictUndefined, select_autoescape

    text = files("scenarios.lab").joinpath("templates/lab.html.j2").read_text(encoding="utf-8")
    environment = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    return environment.from_string(text).render(**context)


def _uri(data: bytes) -> str:
    return "data:image/png;base64," + b64encode(data).decode("ascii")


def comparison_html(comparison: Comparison) -> str:
    from scenarios.lab.plots import comparison_figure

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
        sections.append(
            {
                "name": s.scenario,
                "title": s.title,
                "seeds": f"{s.seeds[0]}..{s.seeds[-1]}",
                "rows": rows,
                "hidden": sum(o.constant for o in s.outcomes),
                "passed": f"{s.base_passed} vs {s.candidate_passed} of {len(s.seeds)}",
                "masked": s.masked,
                "plot": _uri(comparison_figure(s, comparison.base, comparison.candidate)) if rows else None,
            }
        )
    return _render(
        kind="compare",
        heading=f"Policy comparison: {comparison.candidate} against {comparison.base}",
        base=comparison.base,
        candidate=comparison.candidate,
        replications=comparison.replications,
        changes=[(k, fmt.value(b), fmt.value(c)) for k, b, c in comparison.changes],
        sections=sections,
    )


def sweep_html(sweep: Sweep, plots_dir: Path | None = None) -> str:
    """The sweep's page; with `plots_dir`, each plot is also written there as a PNG file."""
    from scenarios.lab.plots import parameter_figure, tradeoff_figure

    images = {"tradeoff": tradeoff_figure(sweep)}
    for param in sweep.params:
        images[f"against-{param.key}"] = parameter_figure(sweep, param)
    if plots_dir is not None:
        plots_dir.mkdir(parents=True, exist_ok=True)
        for name, data in images.items():
            (plots_dir / f"{name}.png").write_bytes(data)
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
        tradeoff=_uri(images.pop("tradeoff")),
        parameter_plots=[(name.removeprefix("against-"), _uri(data)) for name, data in images.items()],
    )
