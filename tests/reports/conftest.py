"""Records from real, small runs: what the renderers get from `caas-sandbox scenario run`.

Two scenarios, a few simulated hours in all, so the whole folder runs in seconds:
- `calm`: a short quiet hour, one replication, every probe holds;
- `blackout`: an IoT outage with two replications; its breaker opens, commands queue, and one named probe
  is made to fail (purchases were requested, so `purchases.requested <= 0` cannot hold).
"""

from __future__ import annotations

from typing import Any

import pytest

from scenarios.model import Scenario
from scenarios.record import RunRecord
from scenarios.runner import run

FAILING_PROBE = "the outage stops every purchase"

CALM: dict[str, Any] = {
    "name": "calm",
    "title": "A calm hour",
    "seed": 11,
    "duration": "1h",
    "fleet": {"size": 100},
    "workload": {"orders_per_hour": 3, "purchases_per_hour": 40},
    "steady_state": [{"metric": "payments.double_captures", "max": 0}],
}
BLACKOUT: dict[str, Any] = {
    "name": "blackout",
    "title": "IoT goes dark",
    "seed": 5,
    "duration": "75m",
    "fleet": {"size": 100},
    "workload": {"purchases_per_hour": 90, "cards": {"tok_success": 0.8, "tok_settlement_fails": 0.2}},
    "faults": [{"at": "15m", "duration": "20m", "system": "iot", "fault": {"error": {"status": 503}}}],
    "steady_state": [
        {"metric": "circuit.iot.opened_count", "min": 1},
        {"metric": "purchases.requested", "max": 0, "name": FAILING_PROBE},
    ],
    "replications": 2,
}


def records_of(data: dict[str, Any], **overrides: Any) -> list[RunRecord]:
    scenario = Scenario.model_validate({**data, **overrides})
    return [run(scenario, replication=k) for k in range(scenario.replications)]


@pytest.fixture(scope="session")
def calm() -> list[RunRecord]:
    return records_of(CALM)


@pytest.fixture(scope="session")
def blackout() -> list[RunRecord]:
    records = records_of(BLACKOUT)
    # The fixture is only useful if the run did what the tests assume; say so plainly if it did not.
    assert all(r.metrics["circuit.iot.opened_count"] >= 1 for r in records)
    assert any(e.kind == "queue" for r in records for e in r.events)
    return records


@pytest.fixture(scope="session")
def records(calm, blackout) -> list[RunRecord]:
    return calm + blackout
