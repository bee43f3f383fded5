"""What a finished run measured, by the names of the catalogue (scenarios.metric_names). Probes and
reports read only these.

Counts are plain numbers; durations are seconds; money is in minor units of the core's currency.
`purchases.active_ratio` is ACTIVE over the purchases that could have activated: every purchase except
those refused for the customer's own reasons (overdue maintenance, a declined card).
`calls.<system>.attempts` counts retry-loop attempts (an OTA attempt is one, however many polls; one an
open breaker refused counts too, with no request);
`calls.<system>.requests` counts HTTP requests; `calls.<system>.amplification` is attempts per logical call.
`utilisation.*`, `overflow.*` and `recovery.*` are read from the run's time series (scenarios.recovery).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from caas_core.domain import orders, purchases
from caas_core.domain.records import Order, Payment, Purchase
from caas_core.resilience.breaker import CLOSED, OPEN
from caas_core.systems import SYSTEMS, family
from monitoring.alerts import FiredAlert
from monitoring.rules import RULES
from scenarios.invariants import captured_without_activation, captures_by_purchase, held_for_nothing
from scenarios.metric_names import CATALOGUE
from scenarios.record import FaultWindow
from scenarios.recovery import recoveries
from scenarios.timeseries import TimeSeries

if TYPE_CHECKING:
    from scenarios.world import World


def collect(
    world: World,
    end: float,
    series: TimeSeries,
    faults: Iterable[FaultWindow],
    alerts: Sequence[FiredAlert] = (),
) -> dict[str, float]:
    store, telemetry = world.core.store, world.core.telemetry
    by_order = store.count_by(Order, "status")
    by_purchase = store.count_by(Purchase, "status")
    requested = sum(by_purchase.values())
    payments = store.all(Payment)
    metrics: dict[str, float] = {
        "orders.placed": sum(by_order.values()),
        "orders.registered": by_order[orders.REGISTERED],
        "orders.delivery_blocked": by_order[orders.DELIVERY_BLOCKED],
        "orders.failed": by_order[orders.ORDER_FAILED],
        "purchases.requested": requested,
        "purchases.active": by_purchase[purchases.ACTIVE],
        "purchases.activation_failed": by_purchase[purchases.ACTIVATION_FAILED],
        "purchases.blocked_maintenance": by_purchase[purchases.BLOCKED_MAINTENANCE],
        "purchases.blocked_vss_unavailable": by_purchase[purchases.BLOCKED_VSS_UNAVAILABLE],
        "purchases.payment_declined": by_purchase[purchases.PAYMENT_DECLINED],
        "purchases.payment_failed": by_purchase[purchases.PAYMENT_FAILED],
        "purchases.in_flight": by_purchase[purchases.REQUESTED] + by_purchase[purchases.ACTIVATING],
    }
    refused = by_purchase[purchases.BLOCKED_MAINTENANCE] + by_purchase[purchases.PAYMENT_DECLINED]
    eligible = requested - refused  # see active_ratio above
    metrics["purchases.active_ratio"] = by_purchase[purchases.ACTIVE] / eligible if eligible else 1.0
    durations = store.activation_durations()
    for q in (50, 95, 99):
        metrics[f"activation.duration_s.p{q}"] = _quantile(durations, q)
    metrics.update(_payments(world, payments, end))
    metrics.update(_circuits(telemetry.of_kind("circuit"), end))
    metrics.update(_calls(telemetry))
    depths = [dict(e.data).get("depth", 0) for e in telemetry.of_kind("queue", "iot")]
    metrics["queue.iot.max_depth"] = max(depths, default=0)
    metrics["queue.iot.final_depth"] = depths[-1] if depths else 0
    raised = Counter(a.kind for a in store.alerts())
    metrics["alerts.ops"] = raised["ops"]
    metrics["tickets.tech_support"] = raised["tech_support"]
    metrics["notifications.sent"] = store.notification_count()
    metrics["notifications.duplicates"] = sum(n - 1 for *_, n in store.repeated_notifications())
    crashes = telemetry.of_kind("crash")
    metrics["core.crashes"] = len(crashes)
    metrics["core.down_s"] = sum(min(dict(e.data)["downtime"], end - e.t) for e in crashes)
    metrics["requests.refused"] = len(world.refused_requests)
    metrics["flows.failed"] = len(telemetry.of_kind("flow_failed"))
    rejected = world.core.receiver.rejected
    metrics["webhooks.rejected"] = sum(n for (_, reason), n in rejected.items() if reason != "duplicate")
    metrics.update(_over_time(series, faults))
    metrics.update(alert_metrics(alerts, end))
    return {name: float(metrics[name]) for name in CATALOGUE}


def _over_time(series: TimeSeries, faults: Iterable[FaultWindow]) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for system in SYSTEMS:
        own = series.systems.get(system)
        metrics[f"utilisation.{system}.max"] = max(own.utilisation or (0.0,)) if own else 0.0
        metrics[f"overflow.{system}.refused"] = sum(own.refused or ()) if own else 0
    for system, seconds in recoveries(series, faults, SYSTEMS).items():
        metrics[f"recovery.{system}.s"] = seconds
    return metrics


def alert_metrics(alerts: Sequence[FiredAlert], end: float) -> dict[str, float]:
    """How often each alert rule fired, and when it first did (the run's end when it never did)."""
    metrics: dict[str, float] = {"alerts.fired": float(len(alerts))}
    for rule in RULES:
        fired = [a.fired_s for a in alerts if a.alert == rule.name]
        metrics[f"alerts.fired.{rule.name}"] = float(len(fired))
        metrics[f"alerts.first_s.{rule.name}"] = min(fired, default=end)
    return metrics


def _payments(world: World, payments: list[Payment], end: float) -> dict[str, float]:
    captured = captures_by_purchase(world)
    return {
        "payments.authorized": len(payments),
        "payments.captured": sum(1 for p in payments if p.status == "CAPTURED"),
        "payments.voided": sum(1 for p in payments if p.status == "VOIDED"),
        "payments.captured_without_activation": len(captured_without_activation(world)),
        "payments.double_captures": sum(1 for n in captured.values() if n > 1),
        "money.at_risk": sum(p.amount for p in payments if p.settlement == "FAILED"),
        "money.held": sum(amount for *_, amount in held_for_nothing(world, end)),
    }


def _circuits(circuit_events: list, end: float) -> dict[str, float]:
    """Per system, summed over its breakers: one per country for admin. Events come in time order."""
    opened = dict.fromkeys(SYSTEMS, 0)
    open_s = dict.fromkeys(SYSTEMS, 0.0)
    left_closed_at: dict[str, float] = {}  # by breaker
    for event in circuit_events:
        breaker, new, system = event.subject, dict(event.data)["new"], family(event.subject)
        if system not in open_s:
            continue
        if new == OPEN:
            opened[system] += 1
        if new != CLOSED:
            left_closed_at.setdefault(breaker, event.t)
        elif breaker in left_closed_at:
            open_s[system] += event.t - left_closed_at.pop(breaker)
    for breaker, since in left_closed_at.items():
        open_s[family(breaker)] += end - since
    metrics: dict[str, float] = {}
    for system in SYSTEMS:
        metrics[f"circuit.{system}.opened_count"] = opened[system]
        metrics[f"circuit.{system}.open_s"] = open_s[system]
    return metrics


def _calls(telemetry) -> dict[str, float]:
    attempts: Counter[str] = Counter()
    for subject, n in Counter(e.subject for e in telemetry.of_kind("attempt")).items():
        attempts[family(subject.split(" ", 1)[0])] += n
    retries: Counter[str] = Counter()
    for (system, _), n in telemetry.metrics.retry_count.items():
        retries[family(system)] += n
    requests: Counter[str] = Counter()
    for (system, _), n in telemetry.metrics.request_count.items():
        requests[family(system)] += n
    metrics: dict[str, float] = {}
    durations: dict[str, list[float]] = {s: [] for s in SYSTEMS}
    for (system, _), samples in telemetry.metrics.request_duration.items():
        durations[family(system)].extend(samples)
    for system in SYSTEMS:
        ordered = sorted(durations[system])
        for q in (50, 95, 99):
            metrics[f"latency.{system}.p{q}"] = _quantile(ordered, q)
        logical = attempts[system] - retries[system]
        metrics[f"calls.{system}.attempts"] = attempts[system]
        metrics[f"calls.{system}.requests"] = requests[system]
        metrics[f"calls.{system}.amplification"] = attempts[system] / logical if logical > 0 else 0.0
    return metrics


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(q / 100 * len(values)))]
