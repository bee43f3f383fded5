"""Which metrics a report leads with: the ones that explain the verdict, then a fixed core set.

Rules:
1. A metric a failed probe measured comes first: it is the verdict itself.
2. Then, for each system a fault was injected into (or whose breaker opened), how its calls fared: attempts
   per call, breaker openings, latency. A crash of the core brings its crashes, downtime and refusals.
3. Then every outcome of the flows that moved off zero: a failed payment, a blocked delivery, money held.
   On a quiet day each stays at zero, so one that moved tells what the faults did to customers.
4. Last the core set every report shows (KEY_METRICS), so two reports can be read side by side.
Each metric appears once, with the first reason that chose it.
"""

from __future__ import annotations

from dataclasses import dataclass

from caas_core.systems import CORE, SYSTEMS, family
from reports._runs import KEY_METRICS, ScenarioRuns
from scenarios.record import PROBE

# The outcomes of orders and purchases other than success, worst first: each is zero when nothing goes wrong.
MOVED_OUTCOMES = (
    "flows.failed",
    "payments.captured_without_activation",
    "payments.double_captures",
    "notifications.duplicates",
    "purchases.payment_failed",
    "purchases.activation_failed",
    "purchases.blocked_vss_unavailable",
    "purchases.in_flight",
    "orders.failed",
    "orders.delivery_blocked",
    "money.held",
    "money.at_risk",
    "requests.refused",
    "webhooks.rejected",
    "purchases.payment_declined",
    "purchases.blocked_maintenance",
)
CORE_FAULT_METRICS = ("core.crashes", "core.down_s", "requests.refused")
FAILED_CHECK, MOVED, CORE_SET = "failed check", "outcome moved", "core set"


@dataclass(frozen=True, slots=True)
class KeyMetric:
    name: str
    reason: str  # "failed check", "fault on payment", "breaker opened", "outcome moved" or "core set"


def key_metrics(runs: ScenarioRuns) -> list[KeyMetric]:
    """The metrics to show first for `runs`, each with why it was chosen (rules 1 to 4)."""
    chosen: dict[str, str] = {}

    def add(name: str, reason: str) -> None:
        if name not in chosen and runs.stat(name) is not None:
            chosen[name] = reason

    for record in runs.records:
        for check in record.checks:
            if check.kind == PROBE and not check.holds and check.metric:
                add(check.metric, FAILED_CHECK)
    for system in dict.fromkeys(family(f.system) for f in runs.faults):
        for name in _system_metrics(system):
            add(name, f"fault on {system}")
    for system in SYSTEMS:
        if runs.mean(f"circuit.{system}.opened_count") > 0:
            add(f"circuit.{system}.opened_count", "breaker opened")
    for name in MOVED_OUTCOMES:
        if runs.mean(name) > 0:
            add(name, MOVED)
    for name in KEY_METRICS:
        add(name, CORE_SET)
    return [KeyMetric(name, reason) for name, reason in chosen.items()]


def _system_metrics(system: str) -> tuple[str, ...]:
    if system == CORE:
        return CORE_FAULT_METRICS
    return (f"calls.{system}.amplification", f"circuit.{system}.opened_count", f"latency.{system}.p95")
