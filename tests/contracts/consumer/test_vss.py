"""Consumer contract caas-core -> vss-api: what VssMaintenanceAdapter relies on (token, maintenance)."""

from __future__ import annotations

import base64

import pytest
from pact import Pact, match

from caas_core.adapters import VssCredentials, VssMaintenanceAdapter
from caas_core.adapters.integration import Integration
from caas_core.config import SANDBOX_VSS_CLIENT_ID, SANDBOX_VSS_CLIENT_SECRET
from caas_core.policies import load_policies
from caas_core.telemetry import Telemetry
from contracts import states
from tests.contracts.examples import (
    HEALTHY_VIN,
    JSON,
    PROBLEM,
    UNKNOWN_VIN,
    header,
    problem,
    vin,
)

pytestmark = pytest.mark.live

TOKEN = "vss_0123456789abcdef0123456789abcdef"
STATUSES = r"^(CURRENT|DUE_SOON|OVERDUE)$"
FORM = "application/x-www-form-urlencoded"


def adapter() -> VssMaintenanceAdapter:
    credentials = VssCredentials(SANDBOX_VSS_CLIENT_ID, SANDBOX_VSS_CLIENT_SECRET)
    return VssMaintenanceAdapter(Integration("vss", load_policies().vss_query, Telemetry()), credentials)


def token(pact: Pact) -> None:
    pair = f"{SANDBOX_VSS_CLIENT_ID}:{SANDBOX_VSS_CLIENT_SECRET}"
    basic = "Basic " + base64.b64encode(pair.encode()).decode()
    (
        pact.upon_receiving("a client-credentials token request")
        .given(states.VSS_CLIENT, clientId=SANDBOX_VSS_CLIENT_ID)
        .with_request("POST", "/oauth/token")
        .with_header("Authorization", header(basic, r"^Basic [A-Za-z0-9+/]+=*$"))
        .with_body("grant_type=client_credentials", FORM)
        .will_respond_with(200)
        .with_body({"access_token": match.str(TOKEN), "expires_in": match.int(3600)}, JSON)
    )


def maintenance(pact: Pact, description: str, vehicle: str):
    return (
        pact.upon_receiving(description)
        .given(states.VSS_TOKEN_VALID, accessToken=TOKEN)
        .with_request("GET", f"/api/v2/vehicles/{vehicle}/maintenance")
        .with_header("Authorization", header(f"Bearer {TOKEN}", r"^Bearer \S+$"))
    )


def test_a_vehicle_with_current_maintenance_may_buy_a_service(runtime, serve):
    pact = Pact(states.CONSUMER, states.VSS)
    token(pact)
    maintenance(pact, "a maintenance query for a known vehicle", HEALTHY_VIN).given(
        states.VSS_MAINTENANCE, vin=HEALTHY_VIN, status="CURRENT", percentage=95.0
    ).will_respond_with(200).with_body(
        {"vin": vin(HEALTHY_VIN), "status": header("CURRENT", STATUSES), "percentage": match.number(95.0)},
        JSON,
    )
    with serve(pact, "vss"):
        check = runtime.spawn(adapter().check(HEALTHY_VIN)).result(timeout=30)
    assert (check.verdict, check.source, check.status) == ("allowed", "vss", "CURRENT")


def test_an_unknown_vehicle_is_refused(runtime, serve):
    pact = Pact(states.CONSUMER, states.VSS)
    token(pact)
    maintenance(pact, "a maintenance query for an unknown vehicle", UNKNOWN_VIN).given(
        states.VSS_UNKNOWN_VEHICLE, vin=UNKNOWN_VIN
    ).will_respond_with(404).with_body(
        problem(404, "Not Found", f"no vehicle with VIN {UNKNOWN_VIN}"), PROBLEM
    )
    with serve(pact, "vss"):
        check = runtime.spawn(adapter().check(UNKNOWN_VIN)).result(timeout=30)
    assert (check.verdict, check.source) == ("unknown_vehicle", "vss")
