"""The VSS simulator: OAuth client credentials, maintenance records, problems, and the control API."""

from __future__ import annotations

import base64

import pytest

from httpkit.messages import HttpRequest
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TRANSPORTS, attach
from simulators.vss import VssConfig, create_simulator
from tests.helpers.openapi import CONTROL_OPERATIONS

BASIC = "Basic " + base64.b64encode(b"caas-sandbox:vss-sandbox-secret").decode()
MAINTENANCE = "GET /api/v2/vehicles/{vin}/maintenance"


def setup(transport: str, config: VssConfig | None = None):
    runtime = SimulatedRuntime(5)
    simulator = attach(runtime, lambda rt: create_simulator(rt, config), transport)  # type: ignore[arg-type]
    return runtime, simulator, runtime.transports["vss"]


def call(t, method, path, **kwargs):
    exchange = t.handle_request(HttpRequest(method, path, **kwargs), None)
    return exchange.response


def token(t) -> str:
    response = call(
        t, "POST", "/oauth/token", headers={"Authorization": BASIC}, form={"grant_type": "client_credentials"}
    )
    assert response.status == 200
    return response.json()["access_token"]


@pytest.fixture(params=TRANSPORTS)
def vss(request):
    return setup(request.param)


def test_token_then_maintenance_of_the_test_vehicles(vss):
    _, _, t = vss
    bearer = {"Authorization": f"Bearer {token(t)}"}
    records = {
        vin: call(t, "GET", f"/api/v2/vehicles/{vin}/maintenance", headers=bearer).json()
        for vin in ("SBXHEALTHY0000001", "SBXLAPSED00000001", "SBXASLEEP00000001", "SBXFAULTY00000001")
    }
    assert {vin: (r["status"], r["percentage"]) for vin, r in records.items()} == {
        "SBXHEALTHY0000001": ("CURRENT", 95.0),
        "SBXLAPSED00000001": ("OVERDUE", 12.0),
        "SBXASLEEP00000001": ("CURRENT", 88.0),
        "SBXFAULTY00000001": ("CURRENT", 91.0),
    }


def test_token_request_errors_follow_rfc_6749(vss):
    _, _, t = vss
    wrong = "Basic " + base64.b64encode(b"caas-sandbox:nope").decode()
    bad_client = call(
        t, "POST", "/oauth/token", headers={"Authorization": wrong}, form={"grant_type": "client_credentials"}
    )
    assert (bad_client.status, bad_client.json()["error"]) == (401, "invalid_client")
    assert bad_client.header("WWW-Authenticate") == 'Basic realm="vss"'
    bad_grant = call(
        t, "POST", "/oauth/token", headers={"Authorization": BASIC}, form={"grant_type": "password"}
    )
    assert (bad_grant.status, bad_grant.json()["error"]) == (400, "unsupported_grant_type")
    in_form = call(
        t,
        "POST",
        "/oauth/token",
        form={
            "grant_type": "client_credentials",
            "client_id": "caas-sandbox",
            "client_secret": "vss-sandbox-secret",
        },
    )
    assert in_form.status == 200 and in_form.json()["expires_in"] == 3600


def test_maintenance_needs_a_live_token_and_a_known_vin(vss):
    runtime, _, t = vss
    missing = call(t, "GET", "/api/v2/vehicles/SBXHEALTHY0000001/maintenance")
    assert (missing.status, missing.header("Content-Type")) == (401, "application/problem+json")
    bearer = {"Authorization": f"Bearer {token(t)}"}
    unknown = call(t, "GET", "/api/v2/vehicles/WVWZZZ1JZXW000001/maintenance", headers=bearer)
    assert (unknown.status, unknown.json()["detail"]) == (404, "no vehicle with VIN WVWZZZ1JZXW000001")
    runtime.run(until=3600)  # the token's lifetime
    expired = call(t, "GET", "/api/v2/vehicles/SBXHEALTHY0000001/maintenance", headers=bearer)
    assert expired.status == 401


def test_unknown_paths_and_methods_are_problems(vss):
    _, _, t = vss
    lost = call(t, "GET", "/nowhere")
    assert (lost.status, lost.header("Content-Type")) == (404, "application/problem+json")
    wrong_method = call(t, "DELETE", "/oauth/token")
    assert (wrong_method.status, wrong_method.header("Content-Type")) == (405, "application/problem+json")


@pytest.mark.parametrize("bound", ["abc", "nan", "inf", "-inf", "1e999"])
def test_journal_bounds_must_be_finite_numbers(vss, bound):
    _, _, t = vss
    response = call(t, "GET", "/__sandbox/journal", query={"from_s": bound})
    assert (response.status, response.json()["detail"]) == (
        400,
        "from_s and until_s must be finite numbers of seconds",
    )


def test_fault_lifecycle_and_journal_through_the_control_api(vss):
    runtime, simulator, t = vss
    fault = {"route": MAINTENANCE, "error": {"status": 503, "rate": 1.0}, "from_s": 10, "until_s": 20}
    created = call(t, "POST", "/__sandbox/faults", json=fault)
    assert created.status == 201
    assert created.json() == {**fault, "id": "f1", "error": {"status": 503, "rate": 1.0}}
    bearer = {"Authorization": f"Bearer {token(t)}"}
    path = "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"
    statuses = []
    for until in (5, 15, 25):
        runtime.run(until=until)
        statuses.append(call(t, "GET", path, headers=bearer).status)
    assert statuses == [200, 503, 200]
    entries = call(t, "GET", "/__sandbox/journal", query={"route": MAINTENANCE, "from_s": "10"}).json()[
        "entries"
    ]
    assert [(e["t"], e["status"], e["fault"]) for e in entries] == [(15, 503, "f1"), (25, 200, None)]
    assert call(t, "GET", "/__sandbox/faults").json() == {"faults": [created.json()]}
    assert call(t, "DELETE", "/__sandbox/faults/f1").status == 204
    assert call(t, "DELETE", "/__sandbox/faults/f1").status == 404
    state = call(t, "GET", "/__sandbox/state").json()
    assert (state["simulator"], state["tokens_issued"], state["queries"]) == ("vss", 1, 2)
    assert call(t, "POST", "/__sandbox/reset").status == 204
    assert simulator.journal.entries == [] and simulator.model.tokens_issued == 0


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        (
            {"route": "maintenance"},
            "route: route must look like 'GET /api/v2/vehicles/{vin}/maintenance'",
        ),
        ({"error": {"status": 200}}, "error.status: Input should be greater than or equal to 400"),
        (
            {"latency": {"dist": "pareto"}},
            "latency: Input tag 'pareto' found using 'dist' does not match any of the expected tags: 'fixed', 'uniform', 'normal', 'lognormal', 'percentiles', 'load'",
        ),
        ({"hang": {"rate": 2}}, "hang.rate: Input should be less than or equal to 1"),
        ({"from_s": 10, "until_s": 5}, "body: until_s must be later than from_s"),
        (
            {"route": "GET /api/v2/vehicle/{vin}/maintenance", "error": {}},
            "vss has no route 'GET /api/v2/vehicle/{vin}/maintenance'; it serves: POST /oauth/token; "
            "GET /api/v2/vehicles/{vin}/maintenance",
        ),
        (
            {"route": "GET /__sandbox/faults", "hang": {}},
            "vss has no route 'GET /__sandbox/faults'; it serves: POST /oauth/token; "
            "GET /api/v2/vehicles/{vin}/maintenance",
        ),
        ({"webhook": {"drop": 1}}, "vss sends no webhooks: a webhook fault has nothing to act on"),
        ({"id": "a/b", "hang": {}}, "id: String should match pattern '^[A-Za-z0-9_.-]{1,64}$'"),
        ({"until_s": 60}, "the fault does nothing: give it one of latency, reset, hang, error, malformed"),
        (
            {"latency": {"dist": "percentiles", "table": {"50": 1e300}}},
            "latency.percentiles.table.50: Input should be less than or equal to 3600000",
        ),
    ],
)
def test_bad_faults_are_422_naming_the_field(vss, fault, detail):
    _, simulator, t = vss
    response = call(t, "POST", "/__sandbox/faults", json=fault)
    assert (response.status, response.json()["detail"]) == (422, detail)
    assert simulator.faults.faults == []


def test_every_fault_kind_decides_the_outcome(vss):
    _runtime, _simulator, t = vss
    bearer = {"Authorization": f"Bearer {token(t)}"}
    path = "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"
    outcomes = []
    for kind in ("hang", "reset", "malformed"):
        call(t, "DELETE", "/__sandbox/faults")
        call(t, "POST", "/__sandbox/faults", json={"route": MAINTENANCE, kind: {"rate": 1}})
        exchange = t.handle_request(HttpRequest("GET", path, headers=bearer), None)
        outcomes.append(exchange.outcome)
    assert outcomes == ["hang", "reset", "answer"]
    with pytest.raises(ValueError):
        exchange.response.json()  # the malformed body is cut in half


def test_count_selectors_pick_requests(vss):
    _, _, t = vss
    bearer = {"Authorization": f"Bearer {token(t)}"}
    path = "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"
    call(t, "POST", "/__sandbox/faults", json={"route": MAINTENANCE, "error": {"status": 500}, "first_n": 2})
    call(
        t, "POST", "/__sandbox/faults", json={"route": MAINTENANCE, "error": {"status": 502}, "every_nth": 3}
    )
    assert [call(t, "GET", path, headers=bearer).status for _ in range(7)] == [
        500,
        500,
        502,
        200,
        200,
        502,
        200,
    ]


def test_fixed_latency_fault_is_spent_and_reported(vss):
    _, _, t = vss
    call(t, "POST", "/__sandbox/faults", json={"latency": {"dist": "fixed", "ms": 1500}})
    exchange = t.handle_request(
        HttpRequest(
            "POST",
            "/oauth/token",
            headers={"Authorization": BASIC},
            form={"grant_type": "client_credentials"},
        ),
        None,
    )
    assert exchange.latency == 1.5


def test_the_fleet_is_seeded_and_lazy():
    first, second = setup("fast")[1].model.fleet, setup("fast")[1].model.fleet
    assert [first.vin(i) for i in range(4, 10)] == [second.vin(i) for i in range(4, 10)]
    assert first.vin(4) != first.vin(5)
    assert first.index_of(first.vin(999)) == 999
    assert "SBXHEALTHY0000001" in first and "WVWZZZ1JZXW000001" not in first


def test_openapi_document_lists_every_route():
    document = setup("fast")[2].handle_request(HttpRequest("GET", "/openapi.json"), None).response.json()
    assert document["openapi"] == "3.1.0"
    operations = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert operations == {
        ("POST", "/oauth/token"),
        ("GET", "/api/v2/vehicles/{vin}/maintenance"),
        *CONTROL_OPERATIONS,
    }
    assert set(document["paths"]["/api/v2/vehicles/{vin}/maintenance"]["get"]["responses"]) == {
        "200",
        "401",
        "404",
        "405",
    }
