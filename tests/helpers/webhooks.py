"""Standard Webhooks headers as a sender computes them, for hand-made deliveries in tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook

from httpkit.messages import canonical_json


def webhook_headers(secret: str, msg_id: str, payload: Any, sent_at: float) -> dict[str, str]:
    """The `webhook-id`, `-timestamp` and `-signature` headers for `payload` sent at Unix time `sent_at`.

    The signature covers the canonical JSON body, which is what `HttpRequest(json=payload)` sends; the
    timestamp is whole Unix seconds, as Standard Webhooks signs it."""
    stamp = datetime.fromtimestamp(sent_at, UTC)
    body = canonical_json(payload).decode()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(sent_at)),
        "webhook-signature": Webhook(secret).sign(msg_id, stamp, body),
    }
