"""The outcomes an architect weighs a policy by: names from the metric catalogue, with labels and a sense."""

from __future__ import annotations

from dataclasses import dataclass

from caas_core.systems import SYSTEMS


@dataclass(frozen=True, slots=True)
class Outcome:
    metric: str
    label: str
    higher_is_better: bool
    unit: str = ""
    short: str = ""  # a narrow table's column header

    @property
    def titled(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


SUCCESS = "purchases.active_ratio"
TIME_TO_ACTIVATE = "activation.duration_s.p95"  # the trade-off plot's time axis: the tail a customer feels

OUTCOMES: tuple[Outcome, ...] = (
    Outcome(SUCCESS, "purchase success ratio", True, short="success"),
    Outcome("activation.duration_s.p50", "time to activate p50", False, "s", "p50 s"),
    Outcome("activation.duration_s.p95", "time to activate p95", False, "s", "p95 s"),
    Outcome("activation.duration_s.p99", "time to activate p99", False, "s", "p99 s"),
    *(
        Outcome(f"calls.{s}.amplification", f"attempts per call: {s}", False, short=f"{s} att/call")
        for s in SYSTEMS
    ),
    *(Outcome(f"circuit.{s}.open_s", f"breaker open: {s}", False, "s", f"{s} open s") for s in SYSTEMS),
    # How long a partner took to be itself again after a fault: what a retry storm drags out.
    *(
        Outcome(f"recovery.{s}.s", f"recovery after a fault: {s}", False, "s", f"{s} recovery s")
        for s in SYSTEMS
    ),
    Outcome("tickets.tech_support", "escalations (tech support)", False, short="escalations"),
    Outcome("alerts.ops", "operations alerts", False, short="ops alerts"),
    Outcome("money.at_risk", "money at risk", False, "cents", "at risk"),
)

BY_METRIC = {o.metric: o for o in OUTCOMES}
