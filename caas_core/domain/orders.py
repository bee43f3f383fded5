"""The order lifecycle, as the core tracks a vehicle from order to delivery.

Rules:
1. Placing asks Factory once: an accepted order is ACCEPTED, a failure ORDER_FAILED (an operations alert
   is raised; only a manual retry places it again).
2. Factory's status updates carry a per-order sequence number. An update is applied only if its sequence
   is higher than the last one applied, so duplicates and stale, out-of-order updates change nothing,
   and the order never moves backwards.
3. READY triggers the registration with the order's country; REGISTERED is deliverable, DELIVERY_BLOCKED
   (always with an operations alert) is not, until a manual retry registers it.
"""

from __future__ import annotations

from caas_core.domain.lifecycle import Lifecycle

PLACED, ORDER_FAILED = "PLACED", "ORDER_FAILED"
ACCEPTED, MANUFACTURING, DELAYED, READY = "ACCEPTED", "MANUFACTURING", "DELAYED", "READY"
REGISTERED, DELIVERY_BLOCKED = "REGISTERED", "DELIVERY_BLOCKED"

FACTORY_STATUSES = (ACCEPTED, MANUFACTURING, DELAYED, READY)

# Factory statuses are events too: "factory:MANUFACTURING" moves the order to MANUFACTURING. Any later
# factory status may follow any earlier one (updates can be missed), but never one from before.
_FACTORY_MOVES = {f"factory:{s}": s for s in FACTORY_STATUSES}

LIFECYCLE = Lifecycle(
    "order",
    {
        PLACED: {"accepted": ACCEPTED, "failed": ORDER_FAILED},
        ORDER_FAILED: {"accepted": ACCEPTED, "failed": ORDER_FAILED},
        ACCEPTED: {k: v for k, v in _FACTORY_MOVES.items() if v != ACCEPTED},
        MANUFACTURING: {k: v for k, v in _FACTORY_MOVES.items() if v in (DELAYED, READY)},
        DELAYED: {k: v for k, v in _FACTORY_MOVES.items() if v in (MANUFACTURING, READY)},
        READY: {"registered": REGISTERED, "registration_failed": DELIVERY_BLOCKED},
        DELIVERY_BLOCKED: {"registered": REGISTERED, "registration_failed": DELIVERY_BLOCKED},
        REGISTERED: {},
    },
)

# Orders in these still expect news from Factory: the silence poll looks at them.
IN_PRODUCTION = frozenset({ACCEPTED, MANUFACTURING, DELAYED})
