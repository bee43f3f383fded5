"""What every plot over time draws behind its lines: the windows of faults on the system it shows and the
windows the core was down, and a caption saying how many replications' lines it shows."""

from __future__ import annotations

from typing import Any

from reports._runs import ScenarioRuns, fault_hits, fault_until
from scenarios.record import FaultWindow, RunRecord

MAX_LINES = 8  # beyond this many replications a time series is a smear; the caption says how many show
FAULT_COLOUR = "#fbe0b0"  # amber, apart from the breaker's red, so "fault" and "open" never blend
CRASH_COLOUR = "#c9c3e6"  # lavender: the core's own downtime, apart from any partner's fault
# Fault parts that act on the calls the core makes; webhook faults never touch a breaker or the queue.
CALL_FAULTS = ("latency", "capacity", "error", "hang", "reset", "malformed")


def call_faults(runs: ScenarioRuns) -> list[FaultWindow]:
    return [f for f in runs.faults if any(f.parts.get(key) for key in CALL_FAULTS)]


def shade_faults(ax: Any, runs: ScenarioRuns, subject: str, scale: float) -> None:
    for fault in call_faults(runs):
        if fault_hits(fault.system, subject):
            start, end = fault.from_s, fault_until(fault, runs.duration_s)
            ax.axvspan(start / scale, end / scale, color=FAULT_COLOUR, lw=0, zorder=0, label="fault window")


def crash_windows(record: RunRecord) -> list[tuple[float, float]]:
    """(start, end) of each time the core was down, crashed and not yet restarted."""
    return [
        (float(e.t), min(float(e.t) + float(e.data["downtime"]), record.duration_s))
        for e in record.events
        if e.kind == "crash"
    ]


def shade_crashes(ax: Any, runs: ScenarioRuns, scale: float) -> None:
    for record in runs.records[:MAX_LINES]:
        for start, end in crash_windows(record):
            ax.axvspan(start / scale, end / scale, color=CRASH_COLOUR, lw=0, zorder=0, label="core down")


def mark_alerts(ax: Any, runs: ScenarioRuns, system: str, scale: float) -> None:
    """A dotted line where an alert rule paged about `system`."""
    for record in runs.records[:MAX_LINES]:
        for alert in record.alerts:
            if alert.system == system:
                ax.axvline(alert.fired_s / scale, color="#6a1b9a", ls=":", lw=1.2, label="alert paged")


def lines_caption(runs: ScenarioRuns) -> str:
    n = len(runs.records)
    if n == 1:
        return ""
    shown = min(n, MAX_LINES)
    return f" One line per replication ({shown} of {n} shown)." if n > shown else " One line per replication."
