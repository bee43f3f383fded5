"""The webhooks' signatures, checked apart from the contracts (which pin only their format): what the
simulators send verifies under the shared secret per Standard Webhooks, with the standardwebhooks
library and with the core's own receiver, and fails under any other key or with a changed body."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from caas_core.config import SANDBOX_FACTORY_SECRET, SANDBOX_PAYMENT_SECRET
from caas_core.http import HttpRequest
from caas_core.policies import load_policies
from caas_core.service import CaasCore
from runtimes.simulated import SimulatedRuntime
from simulators.kit.webhooks import WRONG_SECRET
from tests.contracts.provider.producers import HEADERS, HOUR, factory_status_change, payment_settlement

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


def headers_of(request: HttpRequest) -> dict[str, str]:
    return {name: request.header(name) or "" for name in HEADERS}


@pytest.mark.parametrize("source", sorted(SENT))
def test_the_signature_is_the_hmac_of_id_timestamp_and_body(source):
    produce, secret = SENT[source]
    request = produce(None)
    headers = headers_of(request)
    stamp = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    body = request.body_bytes().decode()
    assert headers["webhook-signature"] == Webhook(secret).sign(headers["webhook-id"], stamp, body)
    assert headers["webhook-signature"] != Webhook(WRONG_SECRET).sign(headers["webhook-id"], stamp, body)


@pytest.mark.parametrize("source", sorted(SENT))
def test_standardwebhooks_verifies_a_fresh_webhook_and_refuses_a_changed_one(source):
    produce, secret = SENT[source]
    # Runtime 0 an hour ago: the webhook, sent an hour in, is stamped now, inside the library's 5 minutes.
    request = produce(time.time() - HOUR)
    body = request.body_bytes().decode()
    assert Webhook(secret).verify(body, headers_of(request))["data"]
    with pytest.raises(WebhookVerificationError):
        Webhook(WRONG_SECRET).verify(body, headers_of(request))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(
            body.replace("4900", "4901").replace("MANUFACTURING", "READY"), headers_of(request)
        )


@pytest.mark.parametrize("source", sorted(SENT))
def test_the_core_receiver_accepts_what_the_simulator_signs(source):
    produce, _ = SENT[source]
    request = produce(None)
    core = CaasCore(SimulatedRuntime(3), load_policies())
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
