"""A short scenario with what makes a run record hard to read back: faults of several parts, one lasting
to the end of the run, breaker and queue events, and a check that fails."""

from __future__ import annotations

from scenarios.model import Scenario

EVENTFUL = Scenario.model_validate(
    {
        "name": "eventful",
        "title": "A little of everything",
        "seed": 3,
        "duration": "1h",
        "fleet": {"size": 100},
        "workload": {"orders_per_hour": 6, "purchases_per_hour": 80},
        "faults": [
            {"at": "10m", "duration": "15m", "system": "iot", "fault": {"error": {"status": 503}}},
            {
                "at": "5m",
                "duration": "30m",
                "system": "payment",
                "fault": {
                    "route": "POST /api/payments/authorize",
                    "latency": {"dist": "fixed", "ms": 35000},
                    "first_n": 3,
                },
            },
            {"at": 0, "system": "factory", "fault": {"webhook": {"duplicate": 0.3, "drop": 0.1}}},
        ],
        "steady_state": [{"metric": "alerts.ops", "max": -1, "name": "impossible"}],
        "replications": 2,
    }
)
