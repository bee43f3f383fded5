"""One error tree for the whole sandbox.

    SandboxError
    ├── ConfigError             a user's file or option is wrong (policies, scenarios): one clear line
    ├── CommandRefused          a command does not apply to its entity's state (retrying an active order)
    ├── IllegalTransition       a state table refused a move: our own bug, never a partner's
    └── IntegrationError        a call to an external system did not give a usable answer
        ├── TransportError      nothing usable came back over the wire (the runtime throws these)
        │   ├── CallTimeout         the client gave up waiting
        │   └── ConnectionFailed    refused, reset, or the connection dropped
        ├── CircuitOpen         the breaker refused the call before it was sent
        ├── AttemptTimeout      one retry attempt ran past its deadline
        ├── ActivationFailed    the vehicle reported the OTA command FAILED: the vehicle's no, not the API's
        ├── PaymentUnavailable  the payment gateway gave no answer, even to the retry
        └── RemoteError         the system answered, but not with what we needed
            ├── ServerError         5xx or 429: the system's fault, worth a retry
            ├── ClientError         other 4xx: our request was refused, not worth a retry
            │   ├── OrderRejected           the Factory refused the vehicle spec (422)
            │   └── RegistrationRejected    an Admin registry refused the registration (409, 422)
            └── MalformedResponse   a body we could not read

Our misuse raises; a partner's misbehaviour is an `IntegrationError` that the core records as an outcome.
"""

from __future__ import annotations


class SandboxError(Exception):
    """Base of every error the sandbox raises on purpose."""


class ConfigError(SandboxError):
    """A user-supplied file or option is invalid; the message is one line naming the key."""


class CommandRefused(SandboxError):
    """A command that does not apply to the entity's current state (e.g. retrying an active order)."""


class IllegalTransition(SandboxError):
    def __init__(self, machine: str, state: str, event: str) -> None:
        super().__init__(machine, state, event)  # args mirror the signature, so copies rebuild the error
        self.machine, self.state, self.event = machine, state, event

    def __str__(self) -> str:
        return f"{self.machine}: event {self.event!r} is not allowed in state {self.state!r}"


class IntegrationError(SandboxError):
    retryable = False


class TransportError(IntegrationError):
    retryable = True


class CallTimeout(TransportError):
    """The client's timeout elapsed first. The server may still have received and acted on the request."""


class ConnectionFailed(TransportError):
    """The connection was refused, reset or dropped before a response arrived."""


class CircuitOpen(IntegrationError):
    """The breaker rejected the call without sending it. Not retried: failing fast is the breaker's point."""


class AttemptTimeout(IntegrationError):
    """One attempt ran out of its time budget (for OTA: send plus polling)."""

    retryable = True


class ActivationFailed(IntegrationError):
    """The IoT API reports the activation command FAILED on the vehicle. Another command may succeed."""

    retryable = True

    def __init__(self, command_id: str, reason: str) -> None:
        super().__init__(command_id, reason)  # args mirror the signature, so copies rebuild the error
        self.command_id, self.reason = command_id, reason

    def __str__(self) -> str:
        return f"command {self.command_id} FAILED: {self.reason}"


class PaymentUnavailable(IntegrationError):
    """No attempt reached the payment gateway or got a usable answer; the retry is already spent."""


class RemoteError(IntegrationError):
    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(status, detail)  # args mirror the signature, so copies rebuild the error
        self.status, self.detail = status, detail

    def __str__(self) -> str:
        return f"HTTP {self.status}{': ' + self.detail if self.detail else ''}"


class ServerError(RemoteError):
    retryable = True


class ClientError(RemoteError):
    pass


class OrderRejected(ClientError):
    """The Factory will not build this order (spec not in its catalogue, or a reused Idempotency-Key);
    `detail` says why. Placing it again unchanged cannot succeed."""


class RegistrationRejected(ClientError):
    """An Admin registry refused the registration: bad owner or vehicle data (422), or the VIN is
    already registered for another order (409). Delivery stays blocked until someone fixes the data."""


class MalformedResponse(RemoteError):
    retryable = True
