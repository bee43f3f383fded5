"""The HTML report's plots, one function each, from a scenario's records to a `Plot` with a PNG `data:`
URI, so the report opens offline and is one file. A plot with nothing to show returns no image and a
caption that says why, rather than an empty chart.

With several replications the time series draw one line per replication and the bars show the mean with
a min-max whisker.
"""

from __future__ import annotations

from collections.abc import Callable

from caas_core.systems import SYSTEMS, family
from reports._figures import Plot, grouped, hbars, new_figure, png_uri, style, time_scale, top_legend
from reports._runs import DASH, ScenarioRuns, fault_hits
from reports._shading import MAX_LINES, call_faults, lines_caption, mark_alerts, shade_crashes, shade_faults
from reports.series_plots import series_plots
from scenarios.record import RunRecord, TimelineEvent

STATE_LEVEL = {"closed": 0, "half_open": 1, "open": 2}
ORDER_FUNNEL = (
    ("placed", "orders.placed", "#5b7db1"),
    ("registered", "orders.registered", "#2e7d32"),
    ("delivery blocked", "orders.delivery_blocked", "#e08e0b"),
    ("failed", "orders.failed", "#c62828"),
)
PURCHASE_FUNNEL = (
    ("requested", "purchases.requested", "#5b7db1"),
    ("active", "purchases.active", "#2e7d32"),
    ("activation failed", "purchases.activation_failed", "#c62828"),
    ("blocked: maintenance", "purchases.blocked_maintenance", "#e08e0b"),
    ("blocked: VSS unavailable", "purchases.blocked_vss_unavailable", "#e08e0b"),
    ("declined", "purchases.payment_declined", "#8d6e63"),
    ("payment failed", "purchases.payment_failed", "#c62828"),
    ("still in flight", "purchases.in_flight", "#9e9e9e"),
)


def _series(record: RunRecord, kind: str, subject: str, value: Callable[[TimelineEvent], float]) -> tuple:
    """Step-plot points from a record's events: the start value at 0, then each change, held to the end."""
    events = sorted(
        (e for e in record.events if e.kind == kind and e.subject == subject),
        key=lambda e: e.t,
    )
    xs, ys = [0.0], [0.0]
    for event in events:
        xs.append(float(event.t))
        ys.append(value(event))
    xs.append(float(record.duration_s))
    ys.append(ys[-1])
    return xs, ys


def _line_label(runs: ScenarioRuns, record: RunRecord) -> str:
    # One run needs no key; matplotlib leaves labels starting with "_" out of legends.
    return f"seed {record.seed}" if len(runs.records) > 1 else "_run"


def breaker_subjects(runs: ScenarioRuns) -> list[str]:
    """Breakers that changed state, and guarded systems under a fault (a breaker that held is news too)."""
    subjects = {e.subject for r in runs.records for e in r.events if e.kind == "circuit"}
    breakers = runs.first.policies["breakers"]
    for fault in call_faults(runs):
        guarded = breakers[family(fault.system)]["enabled"]
        if guarded and not any(fault_hits(fault.system, s) for s in subjects):
            subjects.add(fault.system)
    order = {s: i for i, s in enumerate(SYSTEMS)}
    return sorted(subjects, key=lambda s: (order.get(family(s), len(order)), s))


def breaker_plot(runs: ScenarioRuns) -> Plot:
    title = "Circuit breaker state"
    subjects = breaker_subjects(runs)
    if not subjects:
        return Plot(title, "No breaker changed state, and no system guarded by a breaker had a fault.")
    scale, xlabel = time_scale(runs.duration_s)
    with style():
        figure, axes = new_figure(10, 0.4 + 1.05 * len(subjects), nrows=len(subjects), sharex=True)
        for ax, subject in zip(axes[:, 0], subjects, strict=True):
            shade_faults(ax, runs, subject, scale)
            shade_crashes(ax, runs, scale)
            mark_alerts(ax, runs, subject, scale)
            shown = runs.records[:MAX_LINES]
            for k, record in enumerate(shown):
                xs, ys = _series(record, "circuit", subject, lambda e: STATE_LEVEL.get(e.data["new"], 0))
                xs = [x / scale for x in xs]
                # Nudge each replication a little, or identical stretches hide all lines but the last.
                nudge = (k - (len(shown) - 1) / 2) * 0.07
                ys = [y + nudge for y in ys]
                ax.step(xs, ys, where="post", lw=1.2, color=f"C{k}", label=_line_label(runs, record))
                if len(runs.records) == 1:
                    ax.fill_between(xs, ys, step="post", color="#c62828", alpha=0.25, lw=0)
            ax.set_yticks([0, 1, 2], ["closed", "half-open", "open"])
            ax.set_ylim(-0.35, 2.35)
            ax.set_xlim(0, runs.duration_s / scale)
            ax.set_ylabel(subject, rotation=0, ha="right", va="center", fontweight="bold")
            ax.grid(axis="y", alpha=0)
        axes[-1, 0].set_xlabel(xlabel)
        top_legend(axes[0, 0], list(axes[:, 0]))
        uri = png_uri(figure)
    caption = (
        "Breaker state over simulated time, with the windows of faults on that system's calls and of the "
        "core's crashes (a crash forgets the breakers: they restart closed)."
    )
    return Plot(title, caption + lines_caption(runs), uri)


def queue_plot(runs: ScenarioRuns) -> Plot:
    title = "IoT command queue depth"
    if not any(e.kind == "queue" for r in runs.records for e in r.events):
        return Plot(title, "The IoT command queue stayed empty: no command waited for the breaker.")
    scale, xlabel = time_scale(runs.duration_s)
    with style():
        figure, axes = new_figure(10, 2.6)
        ax = axes[0, 0]
        shade_faults(ax, runs, "iot", scale)
        shade_crashes(ax, runs, scale)
        mark_alerts(ax, runs, "iot", scale)
        for k, record in enumerate(runs.records[:MAX_LINES]):
            xs, ys = _series(record, "queue", "iot", lambda e: float(e.data["depth"]))
            label = _line_label(runs, record)
            ax.step([x / scale for x in xs], ys, where="post", lw=1.2, color=f"C{k}", label=label)
        ax.set_xlim(0, runs.duration_s / scale)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("queued commands")
        top_legend(ax, [ax])
        uri = png_uri(figure)
    caption = "Commands waiting while the IoT breaker is not closed, with the IoT fault and crash windows."
    return Plot(title, caption + lines_caption(runs), uri)


def funnel_plot(runs: ScenarioRuns) -> Plot:
    title = "Outcomes per flow"
    flows = [
        (name, rows)
        for name, rows in (("Orders", ORDER_FUNNEL), ("Service purchases", PURCHASE_FUNNEL))
        if runs.mean(rows[0][1]) > 0
    ]
    if not flows:
        return Plot(title, "No orders and no purchases in this scenario.")
    with style():
        figure, axes = new_figure(10, 3.0, ncols=len(flows))
        for ax, (name, rows) in zip(axes[0], flows, strict=True):
            hbars(ax, runs, rows)
            ax.set_title(name, loc="left", fontweight="bold")
            ax.set_xlabel("count")
        uri = png_uri(figure)
    what = f"mean over replications, whiskers min{DASH}max" if len(runs.records) > 1 else "counts at the end"
    return Plot(title, f"Where each order and purchase ended ({what}).", uri)


def _called(runs: ScenarioRuns) -> list[str]:
    return [
        s for s in SYSTEMS if runs.mean(f"calls.{s}.requests") > 0 or runs.mean(f"calls.{s}.attempts") > 0
    ]


def latency_plot(runs: ScenarioRuns) -> Plot:
    title = "Request latency per system"
    systems = _called(runs)
    if not systems:
        return Plot(title, "No system was called.")
    with style():
        figure, axes = new_figure(5.2, 3.0)
        ax = axes[0, 0]
        series = [("p50", "latency.{s}.p50", "#9ecae1"), ("p95", "latency.{s}.p95", "#4292c6")]
        grouped(ax, runs, systems, [*series, ("p99", "latency.{s}.p99", "#08519c")])
        values = [v for s in systems for q in (50, 99) for v in runs.values(f"latency.{s}.p{q}") if v > 0]
        if values and max(values) / min(values) > 50:
            from matplotlib.ticker import FuncFormatter

            ax.set_yscale("log")  # a timed-out system next to a healthy one would flatten the others
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylabel("seconds")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, fontsize=8)  # above: bars reach the top
        uri = png_uri(figure)
    caption = "Percentiles of HTTP request latency as the core saw it, timeouts included."
    return Plot(title, caption, uri, wide=False)


def amplification_plot(runs: ScenarioRuns) -> Plot:
    title = "Attempts per logical call"
    systems = _called(runs)
    if not systems:
        return Plot(title, "No system was called.")
    with style():
        figure, axes = new_figure(5.2, 3.0)
        ax = axes[0, 0]
        grouped(ax, runs, systems, [("attempts per call", "calls.{s}.amplification", "#7e57c2")])
        ax.axhline(1.0, color="#555", lw=0.8, ls="--")
        ax.set_ylim(bottom=0)
        top = ax.get_ylim()[1]
        for x, system in enumerate(systems):
            attempts = runs.mean(f"calls.{system}.attempts")
            stat = runs.stat(f"calls.{system}.amplification")
            above = stat.hi if stat else 0.0  # above the whisker, not through it
            ax.text(x, above + top * 0.02, f"{attempts:,.0f}\nattempts", ha="center", fontsize=7)
        ax.set_ylim(0, top * 1.25)
        ax.set_ylabel("attempts / logical call")
        uri = png_uri(figure)
    caption = "Retry amplification: 1.0 (dashed) means no retries; the count is the attempts made."
    return Plot(title, caption, uri, wide=False)


def money_plot(runs: ScenarioRuns) -> Plot:
    title = "Payments and money at risk"
    if runs.mean("payments.authorized") == 0 and runs.mean("money.at_risk") == 0:
        return Plot(title, "No payment was authorised, so no money was at risk.")
    payments = (
        ("authorised", "payments.authorized", "#5b7db1"),
        ("captured", "payments.captured", "#2e7d32"),
        ("voided", "payments.voided", "#9e9e9e"),
        ("captured, not active", "payments.captured_without_activation", "#c62828"),
        ("captured twice", "payments.double_captures", "#c62828"),
    )
    with style():
        figure, axes = new_figure(10, 2.6, ncols=2, width_ratios=[3, 2])
        hbars(axes[0, 0], runs, payments)
        axes[0, 0].set_title("Payments", loc="left", fontweight="bold")
        axes[0, 0].set_xlabel("count")
        ax = axes[0, 1]
        values = [r.metrics["money.at_risk"] for r in runs.records]
        labels = [f"seed {r.seed}" for r in runs.records]
        from matplotlib.ticker import MaxNLocator, StrMethodFormatter

        ax.bar(range(len(values)), values, color="#c62828", width=0.6)
        ax.set_xticks(range(len(values)), labels, rotation=30 if len(values) > 4 else 0)
        ax.set_xlim(-0.5 - 0.5 * max(0, 3 - len(values)), len(values) - 0.5 + 0.5 * max(0, 3 - len(values)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # minor units are whole numbers
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        if not any(values):
            ax.text(0.5, 0.5, "no failed settlement", transform=ax.transAxes, ha="center", color="#555")
        ax.set_ylim(0, max([*values, 1.0]) * 1.2)
        for x, value in enumerate(values):
            ax.text(x, value, f"{value:,.0f}", ha="center", va="bottom", fontsize=8)
        ax.set_title("Money at risk (failed settlements)", loc="left", fontweight="bold")
        ax.set_ylabel("minor currency units")
        ax.grid(axis="x", alpha=0)
        uri = png_uri(figure)
    return Plot(title, "Money at risk: the amount of the payments whose settlement failed.", uri)


def scenario_plots(runs: ScenarioRuns) -> list[Plot]:
    return [
        *series_plots(runs),
        breaker_plot(runs),
        funnel_plot(runs),
        latency_plot(runs),
        amplification_plot(runs),
        queue_plot(runs),
        money_plot(runs),
    ]
