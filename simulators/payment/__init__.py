"""The payment gateway simulator: tokenised card payments, idempotency keys, signed settlement webhooks."""

from simulators.payment.app import PaymentSimulator, create_app, create_simulator
from simulators.payment.model import TEST_CARDS, PaymentConfig, PaymentModel

__all__ = [
    "TEST_CARDS",
    "PaymentConfig",
    "PaymentModel",
    "PaymentSimulator",
    "create_app",
    "create_simulator",
]
