"""A trace across the sandbox: every call of it in the five systems and the core's own decisions, in
time order.

Rules:
1. The core tells what it did (`caas_core.tracelog`: the calls it sent, the webhooks it received, the API
   requests it answered) and what its store holds of the trace's orders and purchases: each status they
   took, and the alerts raised about them.
2. Each partner tells what it received with the trace's id (its journal: the request and the answer, as
   its journal keeps them, credentials redacted and card numbers masked), and Factory and Payment the
   webhooks they sent about it, attempt by attempt.
3. Every entry is dated on the sandbox's one clock; entries are sorted by that time, the core's before a
   partner's at the same instant. A partner that does not answer is named in `unreachable`.
"""

from __future__ import annotations

from typing import Any

from caas_core.api.views import order_view, purchase_view, timestamp
from caas_core.domain.records import Alert, Notification, Order, Payment, Purchase
from caas_core.service import CaasCore
from caas_sandbox.console.partners import WEBHOOK_SENDERS, Partners, PartnerUnreachable


def assemble(core: CaasCore, partners: Partners, trace_id: str) -> dict[str, Any] | None:
    """The trace's entities and entries, or None when nothing in the sandbox knows the trace."""
    with core.runtime.exclusive():  # the store and the telemetry are the runtime thread's too
        entities, entries = _core_side(core, trace_id)
    unreachable = []
    for system in partners.systems:
        try:
            entries += [_received(system, e) for e in partners.journal(system, trace_id)]
            if system in WEBHOOK_SENDERS:
                entries += [_sent(system, d) for d in partners.deliveries(system, trace_id)]
        except PartnerUnreachable:
            unreachable.append(system)
    if not entities and not entries:
        return None
    entries.sort(key=lambda e: (e["t"], e["source"] != "core"))
    epoch = core.runtime.epoch
    for entry in entries:
        entry["at"] = timestamp(epoch, entry["t"])
    start = entries[0]["t"] if entries else 0.0
    end = max((e["t"] + (e["duration_s"] or 0.0) for e in entries), default=start)
    return {
        "traceId": trace_id,
        "entities": entities,
        "start_s": start,
        "end_s": end,
        "entries": entries,
        "unreachable": unreachable,
    }


def _core_side(core: CaasCore, trace_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    store, entities, entries = core.store, [], []
    for order in store.all(Order, trace_id=trace_id):
        entities.append({"kind": "order", **order_view(order)})
        entries += _history(store, f"order:{order.id}")
    for purchase in store.all(Purchase, trace_id=trace_id):
        payment = None if purchase.authorization_id is None else store.get(Payment, purchase.authorization_id)
        entities.append({"kind": "purchase", **purchase_view(purchase, payment, core.runtime.epoch)})
        entries += _history(store, f"purchase:{purchase.id}")
    traces = core.telemetry.traces
    for done in traces.of(trace_id) if traces is not None else ():
        entries.append(_entry(done.t, "core", done.kind, done.system, done.what, **_outcome(done)))
    return entities, entries


def _history(store: Any, entity: str) -> list[dict[str, Any]]:
    """Each status the entity took (told on the email channel once per change) and each alert about it."""
    told: list[Notification] = [n for n in store.notifications(entity) if n.channel == "email"]
    entries = [_entry(n.created_at, "core", "status", "core", f"{entity} is {n.event}") for n in told]
    alerts: list[Alert] = store.all(Alert, entity=entity)
    entries += [_entry(a.created_at, "core", "alert", "core", f"{a.kind} alert: {a.reason}") for a in alerts]
    return entries


def _outcome(done: Any) -> dict[str, Any]:
    return {
        "duration_s": done.duration_s,
        "status": done.status,
        "outcome": done.outcome,
        "span_id": done.span_id,
    }


def _received(system: str, entry: dict[str, Any]) -> dict[str, Any]:
    detail = {k: entry[k] for k in ("request", "response") if k in entry}
    return _entry(
        entry["t"],
        system,
        "received",
        "core",
        f"{entry['method']} {entry['path']}",
        duration_s=entry["latency_s"],
        status=entry["status"],
        outcome=entry["outcome"] + (f" (fault {entry['fault']})" if entry.get("fault") else ""),
        span_id=entry.get("span_id"),
        detail=detail,
    )


def _sent(system: str, delivery: dict[str, Any]) -> dict[str, Any]:
    what = f"webhook {delivery['event_type']}, attempt {delivery['attempt']}"
    return _entry(
        delivery["t"],
        system,
        "webhook sent",
        "core",
        what,
        outcome=delivery["outcome"],
        span_id=delivery["span_id"],
    )


def _entry(t: float, source: str, kind: str, peer: str, what: str, **more: Any) -> dict[str, Any]:
    return {
        "t": t,
        "source": source,
        "kind": kind,
        "peer": peer,
        "what": what,
        "duration_s": more.get("duration_s"),
        "status": more.get("status"),
        "outcome": more.get("outcome", ""),
        "span_id": more.get("span_id"),
        "detail": more.get("detail"),
    }
