"""The payment gateway simulator: tokenised card payments, idempotency keys, signed settlement webhooks."""

from typing import TYPE_CHECKING

from simulators.kit.lazy import exports_from
from simulators.payment.model import TEST_CARDS, PaymentConfig, PaymentModel

if TYPE_CHECKING:
    from simulators.payment.app import create_app, create_simulator

__all__ = [
    "TEST_CARDS",
    "PaymentConfig",
    "PaymentModel",
    "create_app",
    "create_simulator",
]
# The app module imports Flask: loaded when one of its names is first used.
__getattr__ = exports_from(__name__, "simulators.payment.app", ["create_app", "create_simulator"])
