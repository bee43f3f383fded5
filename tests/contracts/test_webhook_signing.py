"""The webhooks' signatures, checked apart from the contracts (which pin only their format): what the
simulators send verifies under the shared secret per Standard Webhooks, with the standardwebhooks
library and with the core's own receiver, and fails under any other key or with a changed body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from caas_core.config import SANDBOX_FACTORY_SECRET, SANDBOX_PAYMENT_SECRET
from caas_core.policies import load_policies
from caas_core.wiring import build_core
from httpkit.messages import HttpRequest
from runtimes.simulated import SimulatedRuntime
from simulators.kit.webhooks import WRONG_SECRET
from tests.contracts.provider.producers import HOUR, factory_status_change, message, payment_settlement

SENT = {
    "factory": (
        lambda epoch: factory_status_change({"status": "MANUFACTURING"}, epoch),
        SANDBOX_FACTORY_SECRET,
    ),
    "payment": (
        lambda epoch: payment_settlement(
            {"status": "SETTLED", "amount": 4900, "currency": "EUR", "purchaseId": "pur_000042"}, epoch
        ),
        SANDBOX_PAYMENT_SECRET,
    ),
}


def standard_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """Standard Webhooks' v1 signature worked out from its definition, not by the senders' library."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@pytest.mark.parametrize("source", sorted(SENT))
def test_the_signature_is_the_hmac_of_id_timestamp_and_body(source):
    produce, secret = SENT[source]
    request = produce(None)
    headers = message(request)["metadata"]
    expected = standard_signature(
        secret, headers["webhook-id"], headers["webhook-timestamp"], request.body_bytes()
    )
    assert headers["webhook-signature"] == expected


@pytest.mark.parametrize("source", sorted(SENT))
def test_standardwebhooks_verifies_a_fresh_webhook_and_refuses_a_changed_one(source):
    produce, secret = SENT[source]
    # Runtime 0 an hour ago: the webhook, sent an hour in, is stamped now, inside the library's 5 minutes.
    request = produce(time.time() - HOUR)
    body, headers = request.body_bytes().decode(), message(request)["metadata"]
    assert Webhook(secret).verify(body, headers)["data"]
    with pytest.raises(WebhookVerificationError):
        Webhook(WRONG_SECRET).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("4900", "4901").replace("MANUFACTURING", "READY"), headers)


@pytest.mark.parametrize("source", sorted(SENT))
def test_the_core_receiver_accepts_what_the_simulator_signs(source):
    produce, _ = SENT[source]
    request = produce(None)
    core = build_core(SimulatedRuntime(3), load_policies())
    arrived = HttpRequest("POST", request.path, request.headers, json=request.json, remote_addr="127.0.0.1")
    # The webhook left an hour into its sender's run: the receiver reads it on the same calendar.
    verdict = core.receiver.check(source, arrived, HOUR)
    assert verdict.accepted and not verdict.duplicate, verdict.problem
    forged = HttpRequest(
        "POST",
        request.path,
        {**request.headers, "webhook-signature": "v1," + "A" * 43 + "="},
        json=request.json,
        remote_addr="127.0.0.1",
    )
    assert core.receiver.check(source, forged, HOUR).status == 401
