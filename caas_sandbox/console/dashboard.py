"""What the dashboard shows, read from the core (under its lock) and from the partners (outside it).

Rules:
1. Each partner system: its breaker's state now (open time elapsed included), the core's calls to it in
   flight and queued, its latest calls and how many of them failed, and the faults in force at it.
2. The open alerts, the latest orders and purchases, each with a link to its trace.
3. A trace's waterfall: each entry a bar placed by its time within the trace and as long as it lasted
   (at least a sliver, so a quick call still shows).
"""

from __future__ import annotations

from typing import Any

from caas_core.api.views import timestamp
from caas_core.domain.records import Alert, Order, Purchase
from caas_core.service import CaasCore
from caas_sandbox.console.partners import Partners, PartnerUnreachable

RECENT_SHOWN = 5
LATEST = 10
SLIVER_PCT = 0.5


def overview(core: CaasCore, partners: Partners) -> dict[str, Any]:
    with core.runtime.exclusive():
        now = core.runtime.now()
        systems = [_system(core, name, now) for name in partners.systems]
        store = core.store
        alerts = [a for a in store.latest(Alert, 200) if a.resolved_at is None][:LATEST]
        orders, purchases = store.latest(Order, LATEST), store.latest(Purchase, LATEST)
        epoch = core.runtime.epoch
    for system in systems:
        try:
            system["faults"] = partners.faults(system["name"])
        except PartnerUnreachable as gone:
            system["faults"], system["unreachable"] = [], str(gone)
    return {
        "now": timestamp(epoch, now),
        "systems": systems,
        "alerts": [{**a.as_dict(), "at": timestamp(epoch, a.created_at)} for a in alerts],
        "orders": [
            {"id": o.id, "status": o.status, "trace_id": o.trace_id, "country": o.country} for o in orders
        ],
        "purchases": [
            {"id": p.id, "status": p.status, "trace_id": p.trace_id, "service": p.service_id}
            for p in purchases
        ],
    }


def _system(core: CaasCore, name: str, now: float) -> dict[str, Any]:
    breaker = core.breakers.get(name)
    traces = core.telemetry.traces
    recent = list(traces.recent.get(name, ())) if traces is not None else []
    return {
        "name": name,
        "breaker": breaker.state_at(now).replace("_", "-") if breaker is not None else "none",
        "in_flight": traces.inflight[name] if traces is not None else 0,
        "queued": core.telemetry.metrics.queue_depth.get(name, 0),
        "errors": sum(1 for call in recent if call.failed),
        "calls": len(recent),
        "recent": [
            {
                "what": call.what,
                "outcome": call.outcome,
                "failed": call.failed,
                "ms": round((call.duration_s or 0) * 1000),
                "at": timestamp(core.runtime.epoch, call.t),
            }
            for call in reversed(recent[-RECENT_SHOWN:])
        ],
    }


def waterfall(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """Rule 3: each entry with `left` and `width`, in percent of the trace's span."""
    start, end = trace["start_s"], trace["end_s"]
    span = max(end - start, 1e-9)
    bars = []
    for entry in trace["entries"]:
        duration = entry["duration_s"] or 0.0
        left = min(100.0, (entry["t"] - start) / span * 100)
        width = max(SLIVER_PCT, min(100.0 - left, duration / span * 100))
        bars.append({**entry, "left": round(left, 3), "width": round(width, 3), "ms": round(duration * 1000)})
    return bars
