"""The payment gateway (third party): build the simulator, or its Flask app."""

from __future__ import annotations

import flask

from caas_core.runtime import Runtime
from httpkit.flask_edge import create_app as _flask_app
from simulators.kit.faults import FaultPlan
from simulators.kit.service import Simulator
from simulators.payment.model import PaymentConfig, PaymentModel
from simulators.payment.routes import ROUTES, SECURITY_SCHEMES, SETTLEMENT_WEBHOOK
from simulators.payment.states import STATES


def create_simulator(runtime: Runtime, config: PaymentConfig | None = None) -> Simulator:
    config = config or PaymentConfig()
    faults = FaultPlan.for_simulator(runtime, "payment", config.latency)
    model = PaymentModel(runtime, config, faults)
    simulator = Simulator(
        "payment",
        runtime,
        model,
        ROUTES,
        config.latency,
        title="Payment gateway simulator",
        description=(
            "Third-party card payments: authorise, capture and void with tokenised cards only, "
            "an Idempotency-Key on every call, and a signed settlement webhook minutes to hours after "
            "each capture. Amounts are integers in minor units. Test card tokens: "
            "tok_success (authorised), tok_declined (card_declined), tok_insufficient_funds "
            "(insufficient_funds), tok_network_error (the connection is reset), tok_settlement_fails "
            "(authorised and captured, then the settlement FAILED)."
        ),
        security_schemes=SECURITY_SCHEMES,
        webhooks=(SETTLEMENT_WEBHOOK,),
        provider_states=STATES,
        capacity=config.capacity,
        faults=faults,
    )
    return simulator


def create_app(runtime: Runtime, config: PaymentConfig | None = None) -> flask.Flask:
    """The simulator behind a Flask app; the simulator itself is `app.extensions["simulator"]`."""
    return _flask_app(create_simulator(runtime, config))
