"""The console on the core's port: a trace across the five systems in time order, the partners' faults for
the operator, the port's index and one OpenAPI document for all of it."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.world import purchase_body

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def core(quick_sandbox):
    return quick_sandbox.servers["core"].url


def bought(api, trace):
    purchase_id = api.post(
        "/api/purchases", json=purchase_body("SBXHEALTHY0000001"), headers={"X-Trace-Id": trace}
    ).json()["purchaseId"]
    api.post("/__sandbox/clock/advance", json={"seconds": 60})  # its OTA polls, then the capture
    return purchase_id


def test_a_trace_holds_every_call_across_the_systems_and_the_cores_decisions_in_time_order(quick_api):
    purchase_id = bought(quick_api, "console-trace-1")
    trace = quick_api.get("/api/traces/console-trace-1").json()
    assert [(e["kind"], e["purchaseId"]) for e in trace["entities"]] == [("purchase", purchase_id)]
    assert trace["entities"][0]["payment"]["status"] == "CAPTURED"
    entries = trace["entries"]
    assert [e["t"] for e in entries] == sorted(e["t"] for e in entries)
    calls = [(e["peer"], e["what"]) for e in entries if e["kind"] == "call"]
    # VSS's token is fetched once, before the sandbox's first call to VSS, whichever test made that one.
    token = ("vss", "POST /oauth/token")
    fetched = int(calls[0] == token)
    assert calls.count(token) == fetched
    assert calls[fetched : fetched + 3] == [
        ("vss", "GET /api/v2/vehicles/{vin}/maintenance"),
        ("payment", "POST /api/payments/authorize"),
        ("iot", "POST /api/iot/vehicles/{vin}/configure"),
    ]
    assert calls[-1] == ("payment", "POST /api/payments/capture")
    # Each call the core sent is the one its partner received: the same span, seen from both ends.
    sent = {e["span_id"] for e in entries if e["kind"] == "call"}
    received = {e["span_id"]: e for e in entries if e["kind"] == "received"}
    assert sent == set(received)
    authorize = next(e for e in received.values() if e["what"] == "POST /api/payments/authorize")
    assert authorize["source"] == "payment"
    assert authorize["detail"]["request"]["headers"]["Authorization"] == "[redacted]"
    assert authorize["detail"]["request"]["body"]["cardToken"] == "tok_success"
    assert ("api", "POST /api/purchases") in [(e["kind"], e["what"]) for e in entries]
    statuses = [e["what"] for e in entries if e["kind"] == "status"]
    assert statuses == [f"purchase:{purchase_id} is {s}" for s in ("ACTIVATING", "ACTIVE")]


def test_a_trace_nobody_knows_is_a_404_and_the_client_token_reads_traces(quick_sandbox, core):
    client = {"Authorization": f"Bearer {quick_sandbox.tokens.api}"}
    assert httpx.get(f"{core}/api/traces/no-such-trace", headers=client).status_code == 404
    assert httpx.get(f"{core}/api/traces/no-such-trace").status_code == 401


def test_the_operator_adds_lists_and_removes_a_partners_faults_through_the_core(
    quick_sandbox, quick_api, core
):
    fault = {"route": "GET /api/v2/vehicles/{vin}/maintenance", "error": {"status": 503, "rate": 0.5}}
    client = {"Authorization": f"Bearer {quick_sandbox.tokens.api}"}
    assert httpx.post(f"{core}/api/faults/vss", json=fault, headers=client).status_code == 403
    added = quick_api.post("/api/faults/vss", json=fault)
    assert added.status_code == 201
    fault_id = added.json()["id"]
    listed = quick_api.get("/api/faults").json()["systems"]
    assert [f["id"] for f in listed["vss"]] == [fault_id] and listed["factory"] == []
    assert httpx.get(f"{quick_sandbox.servers['vss'].url}/__sandbox/faults").json()["faults"] == listed["vss"]
    assert quick_api.delete(f"/api/faults/vss/{fault_id}").status_code == 204
    assert quick_api.delete(f"/api/faults/vss/{fault_id}").status_code == 404
    assert quick_api.get("/api/faults").json()["systems"]["vss"] == []


@pytest.mark.parametrize(
    ("system", "fault", "status", "detail"),
    [
        ("nowhere", {"hang": {"rate": 1}}, 404, "no system 'nowhere'"),
        ("vss", {"route": "GET /bogus", "hang": {"rate": 1}}, 422, "vss has no route 'GET /bogus'"),
        ("vss", {"error": {"rate": 2}}, 422, "error.rate"),
    ],
)
def test_a_fault_a_partner_refuses_is_its_4xx_and_changes_nothing(quick_api, system, fault, status, detail):
    refused = quick_api.post(f"/api/faults/{system}", json=fault)
    assert (refused.status_code, refused.headers["content-type"]) == (status, "application/problem+json")
    assert detail in refused.json()["detail"]
    assert quick_api.get("/api/faults").json()["systems"]["vss"] == []


def test_the_port_lists_what_it_serves_in_its_index_and_one_document(core):
    index = httpx.get(f"{core}/").json()
    assert (index["openapi"], index["dashboard"]) == ("/openapi.json", "/ui")
    served = {(e["method"], e["path"]) for e in index["endpoints"]}
    assert {
        ("POST", "/api/orders"),
        ("GET", "/api/traces/{trace_id}"),
        ("POST", "/api/faults/{system}"),
    } <= served
    assert ("POST", "/__sandbox/clock/advance") in {(e["method"], e["path"]) for e in index["control"]}
    document = httpx.get(f"{core}/openapi.json").json()
    assert {"/api/orders", "/api/traces/{trace_id}", "/api/faults/{system}/{fault_id}"} <= set(
        document["paths"]
    )
    assert set(document["components"]["securitySchemes"]) == {"bearer", "operatorBearer"}
    browser = httpx.get(f"{core}/", headers={"Accept": "text/html"})
    assert (browser.status_code, browser.headers["location"]) == (303, "/ui")


def test_every_partner_server_lists_its_endpoints_at_its_root(quick_sandbox):
    for name, server in quick_sandbox.servers.items():
        if name == "core":
            continue
        index = httpx.get(f"{server.url}/").json()
        if name == "admin":
            assert set(index["countries"]) == {"ES", "FR", "DE", "IT", "PT"}
            index = httpx.get(f"{server.url}{index['countries']['ES']['index']}").json()
            assert index["openapi"] == "/es/openapi.json"
        assert index["endpoints"] and any(e["path"].endswith("/__sandbox/faults") for e in index["control"])
