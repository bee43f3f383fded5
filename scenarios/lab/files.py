"""Write the lab's results to a folder: JSON and CSV tables, PNG plots and the HTML report."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from scenarios.lab.compare import Comparison
from scenarios.lab.compare import as_json as comparison_json
from scenarios.lab.conclusion import conclude
from scenarios.lab.outcomes import OUTCOMES, SUCCESS, TIME_TO_ACTIVATE
from scenarios.lab.stats import LEVEL
from scenarios.lab.sweep import Sweep


def write_comparison(comparison: Comparison, out: Path) -> dict[str, Path]:
    from scenarios.lab.report import comparison_html

    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "compare.json", "csv": out / "compare.csv"}
    _write_json(paths["json"], {**comparison_json(comparison), "conclusion": conclude(comparison).as_dict()})
    rows = []
    for s in comparison.scenarios:
        for o in s.outcomes:
            d = o.difference.estimate
            rows.append(
                {
                    "scenario": s.scenario,
                    "metric": o.outcome.metric,
                    "base_mean": o.base.mean,
                    "base_ci_low": o.base.low,
                    "base_ci_high": o.base.high,
                    "candidate_mean": o.candidate.mean,
                    "candidate_ci_low": o.candidate.low,
                    "candidate_ci_high": o.candidate.high,
                    "difference_mean": d.mean,
                    "difference_ci_low": d.low,
                    "difference_ci_high": d.high,
                    "significant": o.difference.significant,
                    "verdict": o.verdict,
                }
            )
    _write_csv(paths["csv"], rows)
    paths["html"] = out / "index.html"
    paths["html"].write_text(comparison_html(comparison), encoding="utf-8")
    return paths


def sweep_json(sweep: Sweep) -> dict[str, Any]:
    return {
        "kind": "policy-sweep",
        "scenario": sweep.scenario,
        "title": sweep.title,
        "policies": sweep.policies,
        "params": [{"key": p.key, "values": list(p.values)} for p in sweep.params],
        "replications": sweep.replications,
        "seeds": list(sweep.seeds),
        "confidence": LEVEL,
        "pareto": {"maximise": SUCCESS, "minimise": TIME_TO_ACTIVATE},
        "points": [
            {
                "values": point.values,
                "runs_passed": point.passed,
                "pareto": point.pareto,
                "outcomes": {
                    m: {**e.as_dict(), "values": list(point.samples[m])} for m, e in point.estimates.items()
                },
            }
            for point in sweep.points
        ],
    }


def sweep_rows(sweep: Sweep) -> list[dict[str, Any]]:
    """One row per grid point: the parameters, then mean and interval of every outcome."""
    rows = []
    for point in sweep.points:
        row: dict[str, Any] = dict(point.values)
        row.update(replications=sweep.replications, runs_passed=point.passed, pareto=point.pareto)
        for o in OUTCOMES:
            e = point.estimates[o.metric]
            row.update(
                {f"{o.metric}.mean": e.mean, f"{o.metric}.ci_low": e.low, f"{o.metric}.ci_high": e.high}
            )
        rows.append(row)
    return rows


def sweep_run_rows(sweep: Sweep) -> list[dict[str, Any]]:
    """One row per run: the parameters, the replication and its seed, every outcome's value."""
    return [
        {
            **point.values,
            "replication": k,
            "seed": seed,
            **{o.metric: point.samples[o.metric][k] for o in OUTCOMES},
        }
        for point in sweep.points
        for k, seed in enumerate(sweep.seeds)
    ]


def write_sweep(sweep: Sweep, out: Path) -> dict[str, Path]:
    """The tables, each plot as a PNG file under `plots/`, and the page embedding the same plots."""
    from scenarios.lab.plots import sweep_figures
    from scenarios.lab.report import sweep_html

    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / "sweep.csv", "runs_csv": out / "sweep-runs.csv", "json": out / "sweep.json"}
    _write_csv(paths["csv"], sweep_rows(sweep))
    _write_csv(paths["runs_csv"], sweep_run_rows(sweep))
    _write_json(paths["json"], sweep_json(sweep))
    images = sweep_figures(sweep)
    paths["html"], paths["plots"] = out / "index.html", out / "plots"
    paths["html"].write_text(sweep_html(sweep, images), encoding="utf-8")
    paths["plots"].mkdir(exist_ok=True)
    for name, png in images.items():
        (paths["plots"] / f"{name}.png").write_bytes(png)
    return paths


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
