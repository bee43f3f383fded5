"""The request journal: span ids, headers and bodies with secrets redacted and card numbers masked, filters
by trace, refusals of filters and routes it does not know, a bounded capacity, and each server's index."""

from __future__ import annotations

import pytest

from httpkit.messages import HttpRequest
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import attach
from simulators.factory import create_simulator as factory
from simulators.kit.journal import Journal
from simulators.vss import create_simulator as vss
from tests.helpers.world import SPEC

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PAN = "4111 1111 1111 1111"
KEY = {"X-API-Key": "factory-sandbox-key"}


def factory_world(detail: bool = True, capacity: int | None = None):
    runtime = SimulatedRuntime(3)
    simulator = attach(runtime, factory, "wire")
    simulator.journal = Journal(detail=detail, capacity=capacity)
    return simulator, runtime.transports["factory"]


def call(transport, method, path, **kwargs):
    return transport.handle_request(HttpRequest(method, path, **kwargs), None).response


def place(transport, trace=TRACE, span="0000000a0000000b", reference="cust-1"):
    headers = {**KEY, "X-Trace-Id": trace, "X-Span-Id": span}
    body = {"vehicleSpec": SPEC, "customerReference": reference}
    return call(transport, "POST", "/api/v1/orders", headers=headers, json=body)


def journal(transport, **query):
    return call(transport, "GET", "/__sandbox/journal", query=query)


def test_an_entry_keeps_the_span_and_the_exchange_with_the_api_key_redacted():
    _, transport = factory_world()
    order = place(transport).json()
    [entry] = journal(transport).json()["entries"]
    assert (entry["trace_id"], entry["span_id"], entry["status"]) == (TRACE, "0000000a0000000b", 201)
    sent = {name.lower(): value for name, value in entry["request"]["headers"].items()}
    assert (sent["x-api-key"], sent["x-trace-id"]) == ("[redacted]", TRACE)
    assert entry["request"]["body"] == {"vehicleSpec": SPEC, "customerReference": "cust-1"}
    assert entry["response"]["body"] == order
    assert entry["response"]["headers"]["Content-Type"] == "application/json"


def test_a_card_number_sent_anywhere_is_masked_in_the_journal():
    simulator, transport = factory_world()
    place(transport, reference=f"card {PAN}")
    headers = {**KEY, "X-Note": PAN}
    call(transport, "GET", "/api/v1/orders/4111111111111111", headers=headers)
    text = str([e.as_dict() for e in simulator.journal.entries])
    assert "4111" not in text
    first, second = simulator.journal.entries
    assert first.request["body"]["customerReference"] == "card [card number removed]"
    assert second.path == "/api/v1/orders/[card number removed]"
    assert second.request["headers"]["X-Note"] == "[card number removed]"  # as Werkzeug names it


def test_the_trace_filter_keeps_only_that_trace():
    _, transport = factory_world()
    place(transport)
    place(transport, trace="other-trace")
    assert [e["trace_id"] for e in journal(transport, trace_id=TRACE).json()["entries"]] == [TRACE]
    assert journal(transport, trace_id="none-such").json()["entries"] == []


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"trace": TRACE}, "the journal has no filter 'trace'; it takes route, from_s, until_s, trace_id"),
        (
            {"route": "bogus"},
            "factory has no route 'bogus'; it serves: POST /api/v1/orders; GET /api/v1/orders/{orderId}",
        ),
        ({"from_s": "nan"}, "from_s and until_s must be finite numbers of seconds"),
    ],
)
def test_an_unknown_filter_or_route_is_a_400_not_every_entry(query, detail):
    _, transport = factory_world()
    place(transport)
    answer = journal(transport, **query)
    assert (answer.status, answer.header("Content-Type"), answer.json()["detail"]) == (
        400,
        "application/problem+json",
        detail,
    )


def test_a_journal_with_a_capacity_keeps_the_latest_entries_and_counts_on():
    _, transport = factory_world(capacity=2)
    for n in range(3):
        place(transport, reference=f"cust-{n}")
    assert [e["seq"] for e in journal(transport).json()["entries"]] == [2, 3]


def test_a_journal_of_capacity_zero_keeps_nothing_and_the_simulator_answers_as_before():
    answers = {}
    for capacity in (None, 0):
        simulator, transport = factory_world(capacity=capacity)
        placed = [place(transport, reference=f"cust-{n}") for n in range(3)]
        answers[capacity] = [(r.status, r.json()) for r in placed]
        assert len(simulator.journal.entries) == (3 if capacity is None else 0)
    assert [status for status, _ in answers[0]] == [201, 201, 201]
    assert answers[0] == answers[None]  # the same seed, the same orders, with or without a journal
    assert journal(transport).json()["entries"] == []


def test_without_detail_an_entry_keeps_no_headers_or_bodies():
    _, transport = factory_world(detail=False)
    place(transport)
    [entry] = journal(transport).json()["entries"]
    assert "request" not in entry and "response" not in entry
    assert entry["span_id"] == "0000000a0000000b"


def test_the_index_lists_the_api_the_document_and_the_control_api():
    runtime = SimulatedRuntime(1)
    simulator = attach(runtime, vss, "wire")
    index = call(runtime.transports["vss"], "GET", "/").json()
    assert index["openapi"] == "/openapi.json"
    assert [(e["method"], e["path"]) for e in index["endpoints"]] == [
        ("POST", "/oauth/token"),
        ("GET", "/api/v2/vehicles/{vin}/maintenance"),
    ]
    assert ("DELETE", "/__sandbox/faults/{fault_id}") in [(e["method"], e["path"]) for e in index["control"]]
    simulator.mount = "/es"  # served under a prefix, its paths say so
    assert call(runtime.transports["vss"], "GET", "/").json()["openapi"] == "/es/openapi.json"
