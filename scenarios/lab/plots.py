"""The lab's plots, drawn by matplotlib's Agg backend into PNG bytes that the HTML report embeds.

matplotlib is imported inside the functions: it costs about half a second, which `--help` and the
terminal-only paths should not pay. Figures are built without pyplot, so no global figure state is kept
between plots (and plotting is safe outside the main thread).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from reports._figures import new_figure, png_bytes
from scenarios.lab import formatting as fmt
from scenarios.lab.compare import ScenarioComparison
from scenarios.lab.outcomes import BY_METRIC, OUTCOMES, SUCCESS, TIME_TO_ACTIVATE
from scenarios.lab.stats import Estimate, estimate
from scenarios.lab.sweep import Param, Sweep

BASE_COLOUR, CANDIDATE_COLOUR, FRONT_COLOUR = "#4c72b0", "#dd8452", "#c44e52"
DPI = 96  # the lab's figures are sized for this resolution
MAX_LINES = 6  # more lines than this per panel and a parameter plot shows the average over the others


def _figure(panels: int, columns: int = 3, size: tuple[float, float] = (3.4, 2.6)) -> tuple[Any, list[Any]]:
    rows = max(1, math.ceil(panels / columns))
    cols = min(columns, max(1, panels))
    figure, grid = new_figure(size[0] * cols, size[1] * rows, rows, cols)
    axes = grid.ravel().tolist()
    for extra in axes[panels:]:
        extra.set_visible(False)
    return figure, axes[:panels]


def png(figure: Any) -> bytes:
    return png_bytes(figure, dpi=DPI)


def _error(e: Estimate) -> float:
    return e.half_width or 0.0


def comparison_figure(s: ScenarioComparison, base: str, candidate: str) -> bytes:
    """One panel per outcome: each replication's pair joined by a grey line, the means with their CIs."""
    shown = [o for o in s.outcomes if not o.constant]
    figure, axes = _figure(len(shown))
    for axis, o in zip(axes, shown, strict=True):
        for b, c in zip(o.base_values, o.candidate_values, strict=True):
            axis.plot([0, 1], [b, c], color="#bbbbbb", linewidth=0.8, zorder=1)
        for x, e, colour in ((0, o.base, BASE_COLOUR), (1, o.candidate, CANDIDATE_COLOUR)):
            axis.errorbar([x], [e.mean], yerr=[_error(e)], fmt="o", color=colour, capsize=5, zorder=2)
        mark = {"better": " ▲ better", "worse": " ▼ worse", "same": ""}[o.verdict]
        axis.set_title(f"{o.outcome.titled}{mark}", fontsize=9)
        axis.set_xticks([0, 1], [base, candidate], fontsize=8)
        axis.set_xlim(-0.5, 1.5)
        axis.tick_params(axis="y", labelsize=8)
    figure.suptitle(f"{s.scenario}: mean and 95 % CI; grey lines pair replications (same seed)", fontsize=10)
    return png(figure)


def varying(sweep: Sweep) -> list[str]:
    """Outcomes worth a panel: those not zero at every point of the grid."""
    return [o.metric for o in OUTCOMES if any(any(p.samples[o.metric]) for p in sweep.points)]


def parameter_figure(sweep: Sweep, param: Param) -> bytes:
    """Each outcome against one parameter: a line per setting of the other parameters, or their average."""
    from matplotlib.ticker import MaxNLocator

    metrics = varying(sweep)
    others = [p for p in sweep.params if p.key != param.key]
    figure, axes = _figure(len(metrics))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in param.values)
    xs = list(param.values) if numeric else list(range(len(param.values)))
    for axis, metric in zip(axes, metrics, strict=True):
        series = _series(sweep, param, others, metric)
        for label, estimates in series:
            axis.errorbar(
                xs,
                [e.mean for e in estimates],
                yerr=[_error(e) for e in estimates],
                marker="o",
                capsize=3,
                label=label or None,
            )
        axis.set_title(BY_METRIC[metric].titled, fontsize=9)
        if not numeric:
            axis.set_xticks(xs, [fmt.value(v) for v in param.values], fontsize=8)
        elif all(isinstance(v, int) for v in param.values):
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # no tick at 2.5 retries
        axis.tick_params(labelsize=8)
        axis.set_xlabel(param.key, fontsize=8)
        if len(series) > 1 and axis is axes[0]:
            axis.legend(fontsize=7)
    averaged = len(_settings(sweep, others)) > MAX_LINES
    note = " (averaged over the other parameters)" if averaged else ""
    figure.suptitle(f"{sweep.scenario}: outcomes against {param.key}, mean and 95 % CI{note}", fontsize=10)
    return png(figure)


def _settings(sweep: Sweep, others: Sequence[Param]) -> list[tuple[Any, ...]]:
    seen: dict[str, tuple[Any, ...]] = {}
    for point in sweep.points:
        setting = tuple(point.values[p.key] for p in others)
        seen.setdefault(repr(setting), setting)
    return list(seen.values())


def _series(
    sweep: Sweep, param: Param, others: Sequence[Param], metric: str
) -> list[tuple[str, list[Estimate]]]:
    """(label, one estimate per value of `param`) for each setting of the others, or one averaged line.

    The average is taken per replication before the interval (common random numbers make replication k
    comparable across the grid), so the averaged line's interval is a proper one for the marginal mean.
    """
    settings = _settings(sweep, others)
    if len(settings) > MAX_LINES:
        settings_to_draw: list[tuple[Any, ...] | None] = [None]
    else:
        settings_to_draw = list(settings)
    series = []
    for setting in settings_to_draw:
        estimates = []
        for v in param.values:
            chosen = [
                p
                for p in sweep.points
                if repr(p.values[param.key]) == repr(v)
                and (setting is None or repr(tuple(p.values[o.key] for o in others)) == repr(setting))
            ]
            per_replication = [
                sum(p.samples[metric][k] for p in chosen) / len(chosen) for k in range(sweep.replications)
            ]
            estimates.append(estimate(per_replication))
        label = (
            ""
            if setting is None
            else fmt.point_label({o.key: v for o, v in zip(others, setting, strict=True)})
        )
        series.append((label, estimates))
    return series


def tradeoff_figure(sweep: Sweep) -> bytes:
    """Success ratio against time to activate (p95), each point with its CIs; the Pareto front joined."""
    figure, (axis,) = _figure(1, 1, (7.5, 5.0))
    labels: dict[tuple[float, float], list[str]] = {}
    for number, point in enumerate(sweep.points, 1):
        time, success = point.estimates[TIME_TO_ACTIVATE], point.estimates[SUCCESS]
        colour = FRONT_COLOUR if point.pareto else "#8c8c8c"
        axis.errorbar(
            [time.mean],
            [success.mean],
            xerr=[_error(time)],
            yerr=[_error(success)],
            fmt="o",
            color=colour,
            capsize=3,
            alpha=0.9,
        )
        # Points that coincide (a swept key that changes nothing there) share one label.
        text = fmt.point_label(point.values) if len(sweep.points) <= 6 else f"#{number}"
        labels.setdefault((round(time.mean, 6), round(success.mean, 6)), []).append(text)
    for (x, y), texts in labels.items():
        axis.annotate("; ".join(texts), (x, y), fontsize=7, xytext=(4, 4), textcoords="offset points")
    front = sorted((p for p in sweep.points if p.pareto), key=lambda p: p.estimates[TIME_TO_ACTIVATE].mean)
    if len(front) > 1:
        axis.plot(
            [p.estimates[TIME_TO_ACTIVATE].mean for p in front],
            [p.estimates[SUCCESS].mean for p in front],
            drawstyle="steps-post",
            color=FRONT_COLOUR,
            linewidth=1.2,
            label="Pareto front",
        )
        axis.legend(fontsize=8)
    axis.set_xlabel("time to activate, p95 (s): lower is better")
    axis.set_ylabel("purchase success ratio: higher is better")
    numbered = " (#: row of the grid table)" if len(sweep.points) > 6 else ""
    axis.set_title(
        f"{sweep.scenario}: success against time to activate (mean, 95 % CI){numbered}", fontsize=10
    )
    return png(figure)


def sweep_figures(sweep: Sweep) -> dict[str, bytes]:
    """The sweep's plots by file name (without `.png`): the trade-off, then one per swept parameter."""
    images = {"tradeoff": tradeoff_figure(sweep)}
    for param in sweep.params:
        images[f"against-{param.key}"] = parameter_figure(sweep, param)
    return images
