"""Consumer contract caas-core -> factory-api, written by the core's FactoryOrderAdapter."""

from __future__ import annotations

import pytest
from pact import Pact, match

from caas_core.adapters import FactoryOrderAdapter, VehicleSpec
from caas_core.adapters.integration import Integration
from caas_core.config import SANDBOX_FACTORY_API_KEY
from caas_core.errors import ClientError, OrderRejected
from caas_core.policies import load_policies
from caas_core.telemetry import Telemetry
from contracts import states
from tests.contracts.examples import (
    FACTORY_VIN,
    JSON,
    PROBLEM,
    header,
    identifier,
    problem,
    timestamp,
    vin,
)

pytestmark = pytest.mark.live

SPEC = VehicleSpec(model="TOURER", trim="LUXURY", colour="BLUE", options=["SUNROOF"], country="FR")
UNBUILDABLE = VehicleSpec(model="CITY", trim="LUXURY", colour="RED", options=[], country="ES")
CORE_ORDER = "ord_000042"  # the core's order id: the customer reference and the idempotency key
FACTORY_ORDER = "ord_000001"
STATUSES = r"^(ACCEPTED|MANUFACTURING|DELAYED|READY)$"


def adapter(api_key: str = SANDBOX_FACTORY_API_KEY) -> FactoryOrderAdapter:
    return FactoryOrderAdapter(Integration("factory", load_policies().factory_order, Telemetry()), api_key)


def factory_pact() -> Pact:
    return Pact(states.CONSUMER, states.FACTORY)


def authenticated(key: str = SANDBOX_FACTORY_API_KEY) -> dict[str, object]:
    return {"X-API-Key": header(key)}


def place(pact: Pact, spec: VehicleSpec, description: str):
    return (
        pact.upon_receiving(description)
        .with_request("POST", "/api/v1/orders")
        .with_headers({**authenticated(), "Idempotency-Key": header(CORE_ORDER)})
        .with_body({"vehicleSpec": spec.model_dump(), "customerReference": identifier(CORE_ORDER)}, JSON)
    )


def test_place_order_is_accepted(runtime, serve):
    pact = factory_pact()
    place(pact, SPEC, "a request to place an order").given(
        states.FACTORY_BUILDS, SPEC.model_dump()
    ).will_respond_with(201).with_body(
        {
            "orderId": identifier(FACTORY_ORDER),
            "status": "ACCEPTED",
            "estimatedCompletionDate": timestamp("2026-01-14T00:00:00Z"),
        },
        JSON,
    )
    with serve(pact, "factory"):
        order = runtime.spawn(adapter().place(SPEC, CORE_ORDER, CORE_ORDER)).result(timeout=30)
    assert (order.order_id, order.status) == (FACTORY_ORDER, "ACCEPTED")
    assert order.estimated_completion == "2026-01-14T00:00:00Z"


def test_an_unbuildable_spec_is_rejected_with_the_factory_reason(runtime, serve):
    pact = factory_pact()
    detail = "vehicleSpec.trim: LUXURY is not offered on CITY; choose one of BASE, STYLE"
    place(pact, UNBUILDABLE, "a request to place an order the Factory does not build").given(
        states.FACTORY_DOES_NOT_BUILD, model="CITY", trim="LUXURY"
    ).will_respond_with(422).with_body(problem(422, "Unprocessable Content", detail), PROBLEM)
    with serve(pact, "factory"), pytest.raises(OrderRejected) as rejected:
        runtime.spawn(adapter().place(UNBUILDABLE, CORE_ORDER, CORE_ORDER)).result(timeout=30)
    assert rejected.value.status == 422 and rejected.value.detail == detail


def test_the_status_of_a_ready_order_carries_its_vin(runtime, serve):
    pact = factory_pact()
    (
        pact.upon_receiving("a request for the status of a ready order")
        .given(states.ORDER_EXISTS, orderId=FACTORY_ORDER, status="READY", sequence=3, vin=FACTORY_VIN)
        .with_request("GET", f"/api/v1/orders/{FACTORY_ORDER}")
        .with_headers(authenticated())
        .will_respond_with(200)
        .with_body(
            {
                "orderId": FACTORY_ORDER,
                "status": header("READY", STATUSES),
                "sequence": match.int(3),
                "vin": vin(FACTORY_VIN),
            },
            JSON,
        )
    )
    with serve(pact, "factory"):
        status = runtime.spawn(adapter().status(FACTORY_ORDER)).result(timeout=30)
    assert (status.order_id, status.status, status.sequence, status.vin) == (
        FACTORY_ORDER,
        "READY",
        3,
        FACTORY_VIN,
    )


def test_an_unknown_order_is_not_found(runtime, serve):
    pact = factory_pact()
    (
        pact.upon_receiving("a request for the status of an unknown order")
        .given(states.ORDER_MISSING, orderId="ord_999999")
        .with_request("GET", "/api/v1/orders/ord_999999")
        .with_headers(authenticated())
        .will_respond_with(404)
        .with_body(problem(404, "Not Found", "no order with id ord_999999"), PROBLEM)
    )
    with serve(pact, "factory"), pytest.raises(ClientError) as refused:
        runtime.spawn(adapter().status("ord_999999")).result(timeout=30)
    assert (refused.value.status, refused.value.detail) == (404, "no order with id ord_999999")


def test_a_wrong_api_key_is_refused(runtime, serve):
    pact = factory_pact()
    (
        pact.upon_receiving("a request for an order's status with a wrong API key")
        .given(states.API_KEY_INVALID, apiKey="not-a-valid-key")
        .with_request("GET", f"/api/v1/orders/{FACTORY_ORDER}")
        .with_headers(authenticated("not-a-valid-key"))
        .will_respond_with(401)
        .with_body(problem(401, "Unauthorized", "a valid X-API-Key header is required"), PROBLEM)
    )
    with serve(pact, "factory"), pytest.raises(ClientError) as refused:
        runtime.spawn(adapter("not-a-valid-key").status(FACTORY_ORDER)).result(timeout=30)
    assert (refused.value.status, refused.value.detail) == (401, "a valid X-API-Key header is required")
