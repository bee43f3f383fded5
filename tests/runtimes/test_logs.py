"""The live sandbox's JSON log lines: one per integration call with its trace context, one per failed
flow, card numbers masked wherever they appear."""

from __future__ import annotations

import json
import logging

import pytest

from caas_core.flows import purchases
from httpkit.tracing import span_id
from runtimes.logs import configure
from scenarios.world import build_world
from tests.helpers.world import CONFIGS, HOUR, call, purchase_body


@pytest.fixture
def log_lines(tmp_path):
    path = tmp_path / "sandbox.log"
    handler = configure("info", path)
    yield lambda: [json.loads(line) for line in path.read_text().splitlines()]
    for name in ("caas_core", "simulators", "runtimes"):
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
    handler.close()


def test_every_integration_call_is_one_line_with_its_trace_context(log_lines):
    w = build_world(5, configs=CONFIGS)
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    w.run(until=HOUR)
    lines = log_lines()
    trace = w.core.store.all(purchases.Purchase)[0].trace_id
    assert {line["trace_id"] for line in lines} == {trace}
    assert [(line["system"], line["route"], line["status"], line["attempt"]) for line in lines[:4]] == [
        ("vss", "POST /oauth/token", 200, 1),
        ("vss", "GET /api/v2/vehicles/{vin}/maintenance", 200, 1),
        ("payment", "POST /api/payments/authorize", 200, 1),
        ("iot", "POST /api/iot/vehicles/{vin}/configure", 202, 1),
    ]
    assert [line["span_id"] for line in lines[:3]] == [span_id(1), span_id(2), span_id(3)]
    assert lines[-1]["route"] == "POST /api/payments/capture"
    assert {line["latency_s"] for line in lines} == {0.05}
    assert set(lines[0]) == {
        "time",
        "level",
        "logger",
        "message",
        "trace_id",
        "span_id",
        "system",
        "route",
        "status",
        "error",
        "latency_s",
        "attempt",
    }


def test_a_failed_flow_is_a_line_naming_its_entity_and_a_card_number_is_masked(log_lines, monkeypatch):
    def broken(deps, record, trace):
        raise ValueError("card 4111 1111 1111 1111 seen")
        yield

    monkeypatch.setattr(purchases, "_authorize", broken)
    w = build_world(5, configs=CONFIGS)
    call(w, "POST", "/api/purchases", purchase_body("SBXHEALTHY0000001"))
    w.run(until=HOUR)
    [failure] = [line for line in log_lines() if line["level"] == "error"]
    assert (failure["entity"], failure["error"]) == (
        "purchase:pur_000001",
        "ValueError: card <card number> seen",
    )
    assert "4111" not in json.dumps(log_lines())
