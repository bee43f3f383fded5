"""The service-purchase lifecycle: maintenance check, payment authorisation, OTA activation, capture.

Rules:
1. A purchase is blocked, before any payment call, when maintenance is overdue or when VSS cannot answer
   and no cached answer younger than the cache TTL exists.
2. A declined card ends it (PAYMENT_DECLINED); a gateway that cannot be reached after its retry ends it
   (PAYMENT_FAILED). Neither is retried further.
3. ACTIVATING lasts for the whole OTA policy. COMPLETED makes it ACTIVE, and only then is it captured;
   when every attempt has failed the authorisation is voided, a tech-support ticket is opened, and it is
   ACTIVATION_FAILED. A purchase is never captured unless it is ACTIVE.
"""

from __future__ import annotations

from caas_core.domain.lifecycle import Lifecycle

REQUESTED = "REQUESTED"
BLOCKED_MAINTENANCE, BLOCKED_VSS_UNAVAILABLE = "BLOCKED_MAINTENANCE", "BLOCKED_VSS_UNAVAILABLE"
PAYMENT_DECLINED, PAYMENT_FAILED = "PAYMENT_DECLINED", "PAYMENT_FAILED"
ACTIVATING, ACTIVE, ACTIVATION_FAILED = "ACTIVATING", "ACTIVE", "ACTIVATION_FAILED"

LIFECYCLE = Lifecycle(
    "purchase",
    {
        REQUESTED: {
            "maintenance_overdue": BLOCKED_MAINTENANCE,
            "vss_unavailable": BLOCKED_VSS_UNAVAILABLE,
            "unknown_vehicle": BLOCKED_VSS_UNAVAILABLE,
            "declined": PAYMENT_DECLINED,
            "payment_unreachable": PAYMENT_FAILED,
            "authorized": ACTIVATING,
        },
        ACTIVATING: {"activated": ACTIVE, "activation_failed": ACTIVATION_FAILED},
        BLOCKED_MAINTENANCE: {},
        BLOCKED_VSS_UNAVAILABLE: {},
        PAYMENT_DECLINED: {},
        PAYMENT_FAILED: {},
        ACTIVE: {},
        ACTIVATION_FAILED: {},
    },
)
