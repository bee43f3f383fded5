"""Nothing dies silently: a flow that meets an error no rule expects is logged, alerted and counted, and
keeps the step it owes so that a restart tries it again."""

from __future__ import annotations

import logging

from caas_core.domain.records import Purchase
from caas_core.flows import purchases
from scenarios.world import build_world
from tests.helpers.world import CONFIGS, HOUR, call, purchase_body


def test_an_unexpected_error_in_a_flow_is_logged_and_becomes_an_alert(monkeypatch, caplog):
    def broken(deps, record, trace):
        raise KeyError("vss")
        yield  # a generator, as the real step is

    monkeypatch.setattr(purchases, "_authorize", broken)
    w = build_world(5, configs=CONFIGS)
    with caplog.at_level(logging.ERROR, logger="caas_core.flows"):
        call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
        w.run(until=HOUR)
    purchase = w.core.store.get(Purchase, "pur_000001")
    assert (purchase.status, purchase.step) == ("REQUESTED", "authorize")  # a restart would try it again
    assert [(a.kind, a.entity, a.reason, a.resolved_at) for a in w.core.store.alerts()] == [
        ("ops", "purchase:pur_000001", "its flow failed unexpectedly: KeyError: 'vss'", None)
    ]
    assert [(e.subject, dict(e.data)) for e in w.core.telemetry.of_kind("flow_failed")] == [
        ("purchase:pur_000001", {"error": "KeyError: 'vss'"})
    ]
    assert [r.getMessage() for r in caplog.records] == [
        "the flow of purchase:pur_000001 failed: KeyError: 'vss'"
    ]


def test_the_api_refuses_work_until_the_core_has_recovered():
    w = build_world(5, configs=CONFIGS)
    w.core.ready = False
    refused = call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    assert (refused.status, refused.header("Retry-After"), refused.json()["detail"]) == (
        503,
        "1",
        "the core is starting: it takes requests once it has recovered",
    )
    assert w.core.store.all(Purchase) == []
    assert call(w, "GET", "/openapi.json").status == 200
