"""The simulators' webhook producers, driven to emit one message each, for message verification.

A provider state runs the simulator in simulated time until the event it names happens; the webhook
its WebhookSender then delivers is captured on its way to CaaS and handed to the verifier as the
message: the body bytes as sent, and the three Standard Webhooks headers as metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from caas_core.webhooks.receiver import HEADERS
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse
from runtimes.simulated import SimulatedRuntime
from simulators.factory import FactoryConfig
from simulators.factory import create_simulator as factory_simulator
from simulators.factory.catalogue import VehicleSpec
from simulators.kit.distributions import Fixed
from simulators.payment import PaymentConfig
from simulators.payment import create_simulator as payment_simulator
from tests.contracts.provider.servers import NO_LATENCY

HOUR = 3_600.0
CARDS = {"SETTLED": "tok_success", "FAILED": "tok_settlement_fails"}


@dataclass
class Capture:
    """Stands where CaaS would: takes every webhook with a 200 and keeps it."""

    received: list[HttpRequest] = field(default_factory=list)

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        self.received.append(request)
        return Exchange(0.0, HttpResponse(200))


def message(request: HttpRequest) -> dict[str, Any]:
    return {
        "contents": request.body_bytes(),
        "metadata": {name: request.header(name) for name in HEADERS},
        "content_type": "application/json",
    }


def factory_status_change(params: dict[str, Any], epoch: float | None = None) -> HttpRequest:
    """The webhook the Factory simulator sends when an order first reaches `params["status"]`, an hour
    after runtime 0 for MANUFACTURING; `epoch` moves runtime 0 in calendar time."""
    runtime, capture = _runtime(epoch)
    config = FactoryConfig(
        latency=NO_LATENCY,
        queue_time=Fixed(s=HOUR),
        build_time=Fixed(s=2 * HOUR),
        delay_probability=0.0,
    )
    simulator = factory_simulator(runtime, config)
    spec = VehicleSpec(model="CITY", trim="BASE", colour="WHITE", options=[], country="ES")
    simulator.model.place(spec, "ord_000042", "ord_000042")  # type: ignore[attr-defined]
    runtime.run(until=4 * HOUR)
    return _first(capture, lambda data: data["status"] == params["status"])


def payment_settlement(params: dict[str, Any], epoch: float | None = None) -> HttpRequest:
    """The webhook the payment simulator sends when a capture for `params` settles as `status`, an hour
    after runtime 0; `epoch` moves runtime 0 in calendar time."""
    runtime, capture = _runtime(epoch)
    simulator = payment_simulator(runtime, PaymentConfig(latency=NO_LATENCY, settlement_delay=Fixed(s=HOUR)))
    model = simulator.model
    authorization = model.authorize(  # type: ignore[attr-defined]
        params["amount"], params["currency"], CARDS[params["status"]], params["purchaseId"]
    )
    model.capture(authorization.id)  # type: ignore[attr-defined]
    runtime.run(until=2 * HOUR)
    return _first(capture, lambda data: data["status"] == params["status"])


def _runtime(epoch: float | None) -> tuple[SimulatedRuntime, Capture]:
    runtime = SimulatedRuntime(1)
    if epoch is not None:
        runtime.epoch = epoch
    capture = Capture()
    runtime.transports["core"] = capture
    return runtime, capture


def _first(capture: Capture, wanted: Any) -> HttpRequest:
    for request in capture.received:
        if wanted(json.loads(request.body_bytes())["data"]):
            return request
    raise LookupError(f"the simulator sent no such webhook; it sent {len(capture.received)}")
