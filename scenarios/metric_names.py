"""The metric catalogue: every metric a run measures, by name, with what it means.

Apart from the collector (scenarios.metrics) so that reading a scenario file can check its probes'
metrics without loading the simulators.
"""

from __future__ import annotations

from caas_core.systems import SYSTEMS
from monitoring.rules import RULES


# Admin has one breaker per country: its circuit metrics add theirs up.
def _opened_text(system: str) -> str:
    if system == "admin":
        return "times the admin breakers opened, summed over countries"
    return f"times the {system} breaker opened"


def _open_s_text(system: str) -> str:
    if system == "admin":
        return "seconds the admin breakers were not closed, summed over countries"
    return f"seconds the {system} breaker was not closed"


CATALOGUE: dict[str, str] = {
    "orders.placed": "orders taken by the core",
    "orders.registered": "orders registered: deliverable",
    "orders.delivery_blocked": "orders whose registration failed",
    "orders.failed": "orders Factory did not take",
    "purchases.requested": "purchases taken by the core",
    "purchases.active": "purchases whose service is active",
    "purchases.activation_failed": "purchases whose activation failed every attempt",
    "purchases.blocked_maintenance": "purchases refused for overdue maintenance",
    "purchases.blocked_vss_unavailable": "purchases refused because VSS could not answer",
    "purchases.payment_declined": "purchases whose card was declined",
    "purchases.payment_failed": "purchases the gateway could not be reached for",
    "purchases.in_flight": "purchases still running at the end",
    "purchases.active_ratio": "ACTIVE / purchases not refused for the customer's own reasons",
    "activation.duration_s.p50": "request to active, median, seconds",
    "activation.duration_s.p95": "request to active, 95th percentile, seconds",
    "activation.duration_s.p99": "request to active, 99th percentile, seconds",
    "payments.authorized": "authorisations granted",
    "payments.captured": "authorisations captured",
    "payments.voided": "authorisations voided",
    "payments.captured_without_activation": "captures for purchases not ACTIVE (must be 0)",
    "payments.double_captures": "purchases captured more than once (must be 0)",
    "money.at_risk": "amount of failed settlements, minor units",
    "money.held": "amount the gateway still holds for purchases that will not be charged, minor units",
    "queue.iot.max_depth": "deepest IoT command queue",
    "queue.iot.final_depth": "IoT commands still queued at the end",
    "alerts.ops": "operations alerts raised",
    "tickets.tech_support": "tech-support tickets opened",
    "notifications.sent": "customer notifications (email and push)",
    "notifications.duplicates": "notifications sent more than once for one change (must be 0)",
    "webhooks.rejected": "webhooks refused: forged, stale, from elsewhere or over the rate",
    "core.crashes": "times the core's process crashed",
    "core.down_s": "seconds the core was down, crashed and not yet restarted",
    "requests.refused": "customers' requests refused because the core was down",
    "flows.failed": "flows that met an error no rule expects (must be 0: each is a bug, and an alert)",
    "alerts.fired": "alerts the Prometheus rules (monitoring/prometheus/alerts.yml) fired, all together",
    **{f"alerts.fired.{rule.name}": f"times {rule.name} fired: {rule.summary}" for rule in RULES},
    **{
        f"alerts.first_s.{rule.name}": f"seconds until {rule.name} first fired (the run's end: never)"
        for rule in RULES
    },
    **{f"circuit.{s}.opened_count": _opened_text(s) for s in SYSTEMS},
    **{f"circuit.{s}.open_s": _open_s_text(s) for s in SYSTEMS},
    **{
        f"calls.{s}.attempts": f"attempts at calls to {s}, refusals by its open breaker included"
        for s in SYSTEMS
    },
    **{f"calls.{s}.requests": f"HTTP requests to {s}" for s in SYSTEMS},
    **{f"calls.{s}.amplification": f"attempts per logical call to {s}" for s in SYSTEMS},
    **{
        f"latency.{s}.p{q}": f"{s} request latency, {q}th percentile, seconds"
        for s in SYSTEMS
        for q in (50, 95, 99)
    },
    **{
        f"utilisation.{s}.max": f"highest share of {s}'s workers busy in one interval (0 without capacity)"
        for s in SYSTEMS
    },
    **{f"overflow.{s}.refused": f"requests {s} refused at once because its queue was full" for s in SYSTEMS},
    **{
        f"recovery.{s}.s": f"seconds from the end of a fault on {s} until its goodput is back within 10 % of "
        "its level before the fault, or to the end of the run; the longest over its faults (0: none)"
        for s in SYSTEMS
    },
}
