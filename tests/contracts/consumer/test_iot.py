"""Consumer contract caas-core -> iot-api: a signed configure command, then its status, as
IotGatewayAdapter sends and polls them."""

from __future__ import annotations

import pytest
from pact import Pact, match

from caas_core.adapters import IotCredentials, IotGatewayAdapter
from caas_core.adapters.integration import Integration
from caas_core.config import SANDBOX_IOT_KEY_ID, SANDBOX_IOT_PSK
from caas_core.policies import load_policies
from caas_core.telemetry import Telemetry
from contracts import states
from tests.contracts.examples import HEALTHY_VIN, JSON, iot_signed

pytestmark = pytest.mark.live

SERVICE = "enhanced-power"
COMMAND = "5f0c7a3e-9b1d-4c2a-8e6f-1a2b3c4d5e6f"
CONFIGURE = f"/api/iot/vehicles/{HEALTHY_VIN}/configure"
COMMAND_PATH = f"/api/iot/vehicles/{HEALTHY_VIN}/commands/{COMMAND}"
BODY = {"serviceActivation": {"serviceId": SERVICE, "config": {}}}


def adapter(runtime) -> IotGatewayAdapter:
    # One attempt, polled at once: the contract is the calls, not the waiting between them.
    policy = load_policies(overrides={"ota_activation": {"poll_interval_s": 0.05, "max_retries": 0}})
    credentials = IotCredentials(SANDBOX_IOT_KEY_ID, SANDBOX_IOT_PSK)
    return IotGatewayAdapter(
        Integration("iot", policy.ota_activation, Telemetry()), credentials, epoch=runtime.epoch
    )


def configure(pact: Pact) -> None:
    (
        pact.upon_receiving("a signed service activation for a vehicle")
        .given(states.IOT_VEHICLE_KNOWN, vin=HEALTHY_VIN)
        .with_request("POST", CONFIGURE)
        .with_headers(iot_signed("POST", CONFIGURE, BODY))
        .with_body(BODY, JSON)
        .will_respond_with(202)
        .with_body({"commandId": match.uuid(COMMAND), "status": "PENDING"}, JSON)
    )


def command(pact: Pact, description: str, status: str, body: dict[str, object]) -> None:
    params = {"commandId": COMMAND, "vin": HEALTHY_VIN, "serviceId": SERVICE, "status": status}
    if status == "FAILED":
        params["failureReason"] = "ECU_REJECTED"
    (
        pact.upon_receiving(description)
        .given(states.IOT_COMMAND, params)
        .with_request("GET", COMMAND_PATH)
        .with_headers(iot_signed("GET", COMMAND_PATH))
        .will_respond_with(200)
        .with_body({"status": status, **body}, JSON)
    )


def test_an_activation_is_accepted_and_completes(runtime, serve):
    pact = Pact(states.CONSUMER, states.IOT)
    configure(pact)
    command(pact, "a signed status request for a completed command", "COMPLETED", {})
    with serve(pact, "iot"):
        done = runtime.spawn(adapter(runtime).activate(HEALTHY_VIN, SERVICE, {})).result(timeout=30)
    assert (done.completed, done.command_id, done.attempts, done.failure) == (True, COMMAND, 1, None)


def test_a_failed_command_is_a_failed_activation_with_its_reason(runtime, serve):
    pact = Pact(states.CONSUMER, states.IOT)
    configure(pact)
    command(
        pact,
        "a signed status request for a failed command",
        "FAILED",
        {"failureReason": match.str("ECU_REJECTED")},
    )
    with serve(pact, "iot"):
        done = runtime.spawn(adapter(runtime).activate(HEALTHY_VIN, SERVICE, {})).result(timeout=30)
    assert (done.completed, done.command_id, done.attempts) == (False, COMMAND, 1)
    assert done.failure == f"ActivationFailed: command {COMMAND} FAILED: ECU_REJECTED"
