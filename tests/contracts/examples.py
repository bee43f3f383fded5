"""The contracts' matchers and example values, in one place so every interaction spells them alike.

Examples are fixed, never generated: the pact files must come out byte for byte the same on every run.
Dynamic values (ids, timestamps, signatures) are pinned by a matcher on their format; their example is
a real one, so a provider replaying it gets a request it can accept.
"""

from __future__ import annotations

from typing import Any

from pact import match

from caas_core.config import (
    SANDBOX_FACTORY_SECRET,
    SANDBOX_IOT_KEY_ID,
    SANDBOX_IOT_PSK,
    SANDBOX_PAYMENT_SECRET,
)
from caas_core.signing import iot_headers
from httpkit.messages import HttpRequest
from tests.helpers.webhooks import webhook_headers

JSON = "application/json"
PROBLEM = "application/problem+json"

VIN = r"^[A-HJ-NPR-Z0-9]{17}$"  # ISO 3779: digits and capitals but I, O and Q
ISO_8601 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
UNIX_SECONDS = r"^[0-9]{1,12}$"
NON_BLANK = r"^\S.*$"
WEBHOOK_SIGNATURE = r"^v1,[A-Za-z0-9+/]{43}=( v1,[A-Za-z0-9+/]{43}=)*$"  # Standard Webhooks, HMAC-SHA256
IOT_SIGNATURE = r"^[0-9a-f]{64}$"

# The Unix second examples are stamped with: the simulated runtime's epoch, 2026-01-01T00:00:00Z.
EXAMPLE_EPOCH = 1_767_225_600
EXAMPLE_TIME = "2026-01-01T00:00:00Z"

HEALTHY_VIN = "SBXHEALTHY0000001"  # a test vehicle every sandbox system knows
FACTORY_VIN = "VSXC1BFS5AM000001"
UNKNOWN_VIN = "SBXNEVERSEEN00001"


def vin(example: str = HEALTHY_VIN) -> Any:
    return match.regex(example, regex=VIN)


def timestamp(example: str = EXAMPLE_TIME) -> Any:
    return match.regex(example, regex=ISO_8601)


def identifier(example: str) -> Any:
    """An opaque id: any string will do, the core only hands it back."""
    return match.str(example)


def amount(example: int) -> Any:
    """Money in minor units: an integer, never a float (4900 with EUR is 49.00 EUR)."""
    return match.int(example)


def header(example: str, regex: str = NON_BLANK) -> Any:
    return match.regex(example, regex=regex)


def problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """An RFC 9457 problem document: the core reads `detail`; title and detail are matched by type."""
    return {"title": match.str(title), "status": status, "detail": match.str(detail), **extra}


def iot_signed(method: str, path: str, body: Any = None) -> dict[str, Any]:
    """The IoT signature headers, matched by format, with a real signature as the example: replayed
    at the example time, the request verifies."""
    raw = HttpRequest(method, path, json=body).body_bytes()
    signed = iot_headers(SANDBOX_IOT_KEY_ID, SANDBOX_IOT_PSK, EXAMPLE_EPOCH, method, path, raw)
    return {
        "X-IoT-Key-Id": header(signed["X-IoT-Key-Id"]),
        "X-IoT-Timestamp": header(signed["X-IoT-Timestamp"], UNIX_SECONDS),
        "X-IoT-Signature": header(signed["X-IoT-Signature"], IOT_SIGNATURE),
    }


def webhook_metadata(source: str, message_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Standard Webhooks headers as message metadata, matched by format. The example signature is the
    real one for the example payload at the example time, so the core's receiver accepts the example."""
    secret = SANDBOX_FACTORY_SECRET if source == "factory" else SANDBOX_PAYMENT_SECRET
    signed = webhook_headers(secret, message_id, payload, EXAMPLE_EPOCH)
    return {
        "webhook-id": header(signed["webhook-id"]),
        "webhook-timestamp": header(signed["webhook-timestamp"], UNIX_SECONDS),
        "webhook-signature": header(signed["webhook-signature"], WEBHOOK_SIGNATURE),
    }


def example(value: Any) -> Any:
    """The example a matcher structure stands for: what the mock answers and the provider is sent."""
    if isinstance(value, dict):
        return {key: example(item) for key, item in value.items()}
    if isinstance(value, list):
        return [example(item) for item in value]
    inner = getattr(value, "value", value)
    return example(inner) if inner is not value else value
