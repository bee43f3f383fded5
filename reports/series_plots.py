"""The report's plots over time, from each record's time series (scenarios.timeseries): one figure per
partner the run called, so that a spike, the collapse that follows and whether it recovered read on one
page, and one of the purchase flow. Every panel shades the fault windows on that partner and the core's
crash windows, as the breaker and queue plots do.

Counts are drawn as rates per minute, whatever the series' interval. With several replications each draws
its own thin line (up to MAX_LINES of them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from caas_core.systems import SYSTEMS
from reports._figures import Plot, data_uri, new_figure, png_bytes, style, time_scale
from reports._runs import ScenarioRuns
from reports._shading import MAX_LINES, lines_caption, mark_alerts, shade_crashes, shade_faults
from scenarios.timeseries import SystemSeries, TimeSeries

GOOD, ERROR, TIMEOUT, QUEUE, BUSY, OPEN = "#2e7d32", "#c62828", "#e08e0b", "#5b7db1", "#7e57c2", "#c62828"
DPI = 80  # a few of these per scenario: lighter than the other plots, still sharp enough to read


def series_plots(runs: ScenarioRuns) -> list[Plot]:
    drawn = [r.series for r in runs.records[:MAX_LINES] if r.series is not None]
    if not drawn:
        return [Plot("Over time", "This record was written before runs kept a time series.")]
    called = {name for d in drawn for name, own in d.systems.items() if sum(own.requests)}
    # In the systems' own order, not the mapping's: a record read back from JSON has its keys sorted.
    order = {name: i for i, name in enumerate(SYSTEMS)}
    systems = sorted(called, key=lambda name: (order.get(name, len(order)), name))
    plots = [_system_plot(runs, drawn, system) for system in systems]
    return [*plots, _flow_plot(runs, drawn)]


def _times(series: TimeSeries, scale: float) -> list[float]:
    """Each interval drawn at its middle."""
    return [(series.start(k) + series.length_s(k) / 2) / scale for k in range(series.points)]


def _per_minute(series: TimeSeries, counts: Sequence[int]) -> list[float]:
    return [60 * c / series.length_s(k) for k, c in enumerate(counts)]


def _system_plot(runs: ScenarioRuns, drawn: list[TimeSeries], system: str) -> Plot:
    title = f"{system} over time"
    scale, xlabel = time_scale(runs.duration_s)
    own = [d.systems[system] for d in drawn if system in d.systems]
    queued = any(o.queued is not None for o in own)
    shares = queued or any(any(o.breaker_open_s) for o in own)  # a panel of shares: busy, breaker open
    with style():
        figure, axes = new_figure(10, 5.6 if shares else 4.3, nrows=4 if shares else 3, sharex=True)
        panels = list(axes[:, 0])
        for ax in panels:
            shade_faults(ax, runs, system, scale)
            shade_crashes(ax, runs, scale)
            mark_alerts(ax, runs, system, scale)
        for k, series in enumerate(drawn):
            if system not in series.systems:
                continue
            one, xs, pen = series.systems[system], _times(series, scale), _Pen(k == 0, len(drawn) > 1)
            _requests(panels[0], series, one, xs, pen)
            _latency(panels[1], one, xs, pen)
            _in_flight(panels[2], one, xs, pen)
            if shares:
                _shares(panels[3], series, one, xs, pen)
        for ax, label in zip(
            panels, ("requests\nper minute", "latency (s)", "requests", "% of interval"), strict=False
        ):
            ax.set_xlim(0, runs.duration_s / scale)
            ax.set_ylim(bottom=0)
            ax.set_ylabel(label)
        if shares:
            panels[3].set_ylim(0, 105)
        panels[-1].set_xlabel(xlabel)
        _legend(figure, panels)
        uri = data_uri(png_bytes(figure, dpi=DPI))
    caption = (
        f"What the core saw of {system}, per interval of {drawn[0].interval_s / 60:g} min: good answers, "
        "errors and timeouts per minute; latency p50 and p95; calls in flight"
        + (", and requests waiting in its queue; the share of its workers busy" if queued else "")
        + (", and of the interval its breaker was open" if shares else "")
        + ". Shaded: fault windows on it, and the core's crashes."
    )
    return Plot(title, caption + lines_caption(runs), uri)


def _legend(figure: Any, panels: list[Any]) -> None:
    """One legend above all the panels, in rows of at most six: in one row, a long legend would squeeze
    the panels into what is left of the figure's width."""
    seen: dict[str, Any] = {}
    for ax in panels:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    figure.legend(seen.values(), seen.keys(), loc="outside upper center", ncol=min(6, len(seen)), fontsize=8)


class _Pen:
    """Draws one replication's lines: full strength alone, lighter among several, each kind named once
    in the legend (matplotlib leaves labels starting with "_" out)."""

    def __init__(self, first: bool, several: bool) -> None:
        self.first, self.alpha = first, 0.55 if several else 1.0

    def line(
        self, ax: Any, xs: Sequence[float], ys: Sequence[float], colour: str, name: str, **kw: Any
    ) -> None:
        ax.plot(xs, ys, color=colour, lw=1.1, alpha=self.alpha, label=self.label(name), **kw)

    def label(self, name: str) -> str:
        return name if self.first else "_" + name


def _requests(ax: Any, series: TimeSeries, own: SystemSeries, xs: list[float], pen: _Pen) -> None:
    for counts, colour, name in ((own.goodput, GOOD, "good"), (own.errors, ERROR, "errors")):
        pen.line(ax, xs, _per_minute(series, counts), colour, name)
    pen.line(ax, xs, _per_minute(series, own.timeouts), TIMEOUT, "timeouts")


def _latency(ax: Any, own: SystemSeries, xs: list[float], pen: _Pen) -> None:
    for values, dashes, name in ((own.latency_p50_s, "-", "p50"), (own.latency_p95_s, "--", "p95")):
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if points:
            at, value = zip(*points, strict=True)
            pen.line(ax, at, value, "#08519c", name, ls=dashes)


def _in_flight(ax: Any, own: SystemSeries, xs: list[float], pen: _Pen) -> None:
    pen.line(ax, xs, own.in_flight, "#555", "in flight")
    if own.queued is not None:
        pen.line(ax, xs, own.queued, QUEUE, "queued")


def _shares(ax: Any, series: TimeSeries, own: SystemSeries, xs: list[float], pen: _Pen) -> None:
    if own.utilisation is not None:
        pen.line(ax, xs, [100 * u for u in own.utilisation], BUSY, "workers busy")
    opened = [100 * s / series.length_s(k) for k, s in enumerate(own.breaker_open_s)]
    if any(opened):
        ax.fill_between(xs, opened, step="mid", color=OPEN, alpha=0.2, lw=0, label=pen.label("breaker open"))


def _flow_plot(runs: ScenarioRuns, drawn: list[TimeSeries]) -> Plot:
    title = "Purchases over time"
    if not any(sum(d.flows.purchases_started) for d in drawn):
        return Plot(title, "No purchase was requested in this scenario.")
    scale, xlabel = time_scale(runs.duration_s)
    with style():
        figure, axes = new_figure(10, 3.6, nrows=2, sharex=True)
        top, bottom = axes[0, 0], axes[1, 0]
        for ax in (top, bottom):
            shade_faults(ax, runs, "iot", scale)
            shade_crashes(ax, runs, scale)
        for k, series in enumerate(drawn):
            xs, flows, pen = _times(series, scale), series.flows, _Pen(k == 0, len(drawn) > 1)
            for counts, colour, name in (
                (flows.purchases_started, QUEUE, "started"),
                (flows.purchases_active, GOOD, "activated"),
                (flows.purchases_failed, ERROR, "failed"),
            ):
                pen.line(top, xs, _per_minute(series, counts), colour, name)
            pen.line(bottom, xs, flows.iot_queue_max, "#555", "IoT queue", drawstyle="steps-mid")
        top.set_ylabel("purchases\nper minute")
        bottom.set_ylabel("IoT commands\nqueued (max)")
        for ax in (top, bottom):
            ax.set_xlim(0, runs.duration_s / scale)
            ax.set_ylim(bottom=0)
        bottom.set_xlabel(xlabel)
        _legend(figure, [top, bottom])
        uri = data_uri(png_bytes(figure, dpi=DPI))
    caption = (
        "Purchases started, activated and failed (not for the customer's own reasons) per minute, and the "
        "deepest the core's IoT command queue was in each interval. Shaded: IoT faults and crashes."
    )
    return Plot(title, caption + lines_caption(runs), uri)
