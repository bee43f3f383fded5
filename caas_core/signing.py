"""Request signing for the IoT API: a pre-shared key and HMAC-SHA256, shared by the simulator and the core.

Rules:
1. A request carries `X-IoT-Key-Id`, `X-IoT-Timestamp` (Unix seconds, as decimal digits) and
   `X-IoT-Signature`: the lowercase hex HMAC-SHA256, keyed with the pre-shared key, of
   "{timestamp}.{METHOD}.{path}.{body}". The path has no query string; the body is the request's body
   bytes as UTF-8 text, the empty string when there is none.
2. The body is signed as sent: our clients sign and send `HttpRequest.body_bytes()` (compact, sorted-key
   JSON), and the simulator verifies the bytes it received, however the client serialised them.
3. Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

KEY_ID_HEADER = "X-IoT-Key-Id"
TIMESTAMP_HEADER = "X-IoT-Timestamp"
SIGNATURE_HEADER = "X-IoT-Signature"


@lru_cache(maxsize=16)
def _keyed(psk: str) -> hmac.HMAC:
    return hmac.new(psk.encode("utf-8"), digestmod=hashlib.sha256)


def iot_signing_string(timestamp: int | str, method: str, path: str, body: bytes | str) -> str:
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    return f"{timestamp}.{method.upper()}.{path}.{text}"


def sign_iot_request(psk: str, timestamp: int | str, method: str, path: str, body: bytes | str) -> str:
    """The hex signature of one request."""
    return _signature(psk, str(timestamp), method, path, body)


# NOTE: memoised: the simulator verifies a request by signing it again, with the same arguments, at once.
@lru_cache(maxsize=1024)
def _signature(psk: str, timestamp: str, method: str, path: str, body: bytes | str) -> str:
    mac = _keyed(psk).copy()  # the key's pads are computed once, not for every request
    mac.update(iot_signing_string(timestamp, method, path, body).encode("utf-8"))
    return mac.hexdigest()


def iot_headers(
    key_id: str, psk: str, timestamp: int, method: str, path: str, body: bytes | str
) -> dict[str, str]:
    """The three authentication headers for one request."""
    return {
        KEY_ID_HEADER: key_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign_iot_request(psk, timestamp, method, path, body),
    }


def iot_signature_valid(
    psk: str, timestamp: str, method: str, path: str, body: bytes | str, signature: str
) -> bool:
    expected = sign_iot_request(psk, timestamp, method, path, body)
    # Bytes, so a header with non-ASCII characters is a mismatch rather than a TypeError.
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode("utf-8", "replace"))
