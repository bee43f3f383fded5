"""The CaaS integration core: the system under test. Pure: no clocks, threads, sockets or randomness of
its own; it yields effects to whichever runtime drives it (see `caas_core.runtime`)."""

from caas_core.effects import NOW, Draw, Effect, Flow, Now, Send, Sleep
from caas_core.errors import (
    ActivationFailed,
    AttemptTimeout,
    CallTimeout,
    CircuitOpen,
    ClientError,
    ConfigError,
    ConnectionFailed,
    IllegalTransition,
    IntegrationError,
    MalformedResponse,
    OrderRejected,
    PaymentUnavailable,
    RegistrationRejected,
    RemoteError,
    SandboxError,
    ServerError,
    TransportError,
)
from caas_core.runtime import Runtime
from caas_core.telemetry import Event, Telemetry

__all__ = [
    "NOW",
    "ActivationFailed",
    "AttemptTimeout",
    "CallTimeout",
    "CircuitOpen",
    "ClientError",
    "ConfigError",
    "ConnectionFailed",
    "Draw",
    "Effect",
    "Event",
    "Flow",
    "IllegalTransition",
    "IntegrationError",
    "MalformedResponse",
    "Now",
    "OrderRejected",
    "PaymentUnavailable",
    "RegistrationRejected",
    "RemoteError",
    "Runtime",
    "SandboxError",
    "Send",
    "ServerError",
    "Sleep",
    "Telemetry",
    "TransportError",
]
