"""The webhook receiver: allowlist, rate limit, Standard Webhooks signature and freshness, idempotency."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from caas_core.errors import ConfigError
from caas_core.policies import WebhookReceiptPolicy
from caas_core.store import Store
from caas_core.webhooks import Verdict, WebhookReceiver, WebhookSource
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest
from runtimes.simulated import SimulatedRuntime
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault, FaultPlan, WebhookFaults
from simulators.kit.webhooks import DeliveryPolicy, WebhookSender
from tests.helpers.webhooks import webhook_headers

EPOCH = 1_767_225_600.0
NOW = 1_000.0
SECRET = "whsec_" + base64.b64encode(b"factory-shared-secret-32-bytes!!").decode()
PAYMENT_SECRET = "whsec_" + base64.b64encode(b"payment-shared-secret-32-bytes!!").decode()
FACTORY_IP = "10.0.0.7"
PAYMENT_IP = "192.0.2.10"
PATH = "/webhooks/factory/status"
PAYLOAD = {"type": "order.status", "data": {"orderId": "ord_1", "status": "IN_PRODUCTION", "sequence": 2}}


def make_receiver(store: Store | None = None, **policy: Any) -> WebhookReceiver:
    sources = {
        "factory": WebhookSource("factory", SECRET, ("10.0.0.0/24",)),
        "payment": WebhookSource("payment", PAYMENT_SECRET, (PAYMENT_IP, "2001:db8::/32")),
        "anyone": WebhookSource("anyone", SECRET),
    }
    return WebhookReceiver(sources, WebhookReceiptPolicy(**policy), store or Store(), EPOCH)


def delivery(
    payload: Any = PAYLOAD,
    *,
    msg_id: str = "msg_1",
    now: float = NOW,
    age_s: float = 0,
    secret: str = SECRET,
    remote_addr: str | None = FACTORY_IP,
) -> HttpRequest:
    """A delivery signed the way `simulators.kit.webhooks.WebhookSender` signs one, `age_s` ago."""
    headers = webhook_headers(secret, msg_id, payload, EPOCH + now - age_s)
    return HttpRequest("POST", PATH, headers=headers, json=payload, remote_addr=remote_addr)


def rejected(verdict: Verdict, status: int) -> bool:
    return not verdict.accepted and verdict.status == status and verdict.payload is None


# -- signature and freshness ----------------------------------------------------------------------
def test_a_signed_fresh_webhook_is_accepted_with_its_payload():
    receiver = make_receiver()
    verdict = receiver.check("factory", delivery(), NOW)
    assert verdict == Verdict(True, False, 200, payload=PAYLOAD, webhook_id="msg_1")
    assert verdict.response().status == 200
    assert not receiver.rejected


def test_the_simulators_own_sender_is_accepted_and_its_forgeries_and_duplicates_are_not_applied():
    runtime = SimulatedRuntime(seed=7)
    store = Store()
    receiver = WebhookReceiver(
        {"factory": WebhookSource("factory", SECRET, (FACTORY_IP,))},
        WebhookReceiptPolicy(),
        store,
        runtime.epoch,
    )
    core = CoreStub(runtime, receiver, store)
    runtime.transports["core"] = core
    faults = FaultPlan(runtime.stream("faults"), runtime.stream("latency"), Fixed(s=0))
    sender = WebhookSender(runtime, "factory", PATH, SECRET, faults, DeliveryPolicy(max_attempts=2))

    genuine = sender.emit("order.status", {"orderId": "ord_1", "status": "ACCEPTED"})
    runtime.env.run(until=10)
    faults.add(Fault(webhook=WebhookFaults(duplicate=1), until_s=20))
    twice = sender.emit("order.status", {"orderId": "ord_1", "status": "IN_PRODUCTION"})
    runtime.env.run(until=30)
    faults.add(Fault(webhook=WebhookFaults(bad_signature=1), from_s=30))
    sender.emit("order.status", {"orderId": "ord_1", "status": "CANCELLED"})
    runtime.env.run(until=100)

    assert [(message_id, payload["data"]["status"]) for message_id, payload in core.applied] == [
        (genuine, "ACCEPTED"),
        (twice, "IN_PRODUCTION"),
    ]
    assert core.statuses == [200, 200, 200, 401, 401]  # the forgery is retried, then given up
    assert receiver.rejected == {("factory", "duplicate"): 1, ("factory", "bad_signature"): 2}


@dataclass
class CoreStub:
    """The caller's side of the contract: apply and remember in one transaction, answer the verdict."""

    runtime: SimulatedRuntime
    receiver: WebhookReceiver
    store: Store
    applied: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def handle_request(self, request: HttpRequest, timeout: float | None) -> Exchange:
        now = self.runtime.now()
        verdict = self.receiver.check("factory", replace(request, remote_addr=FACTORY_IP), now)
        if verdict.accepted and not verdict.duplicate:
            assert verdict.payload is not None and verdict.webhook_id is not None
            with self.store.transaction():
                if self.receiver.remember(verdict, "factory", now):
                    self.applied.append((verdict.webhook_id, verdict.payload))
        self.statuses.append(verdict.status)
        return Exchange(0.0, verdict.response())


def test_a_tampered_body_is_refused_with_401():
    receiver = make_receiver()
    request = delivery()
    tampered = replace(request, json={**PAYLOAD, "data": {**PAYLOAD["data"], "status": "DELIVERED"}})
    verdict = receiver.check("factory", tampered, NOW)
    assert rejected(verdict, 401)
    answer = verdict.response()
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.json()["detail"] == "no webhook signature matches"
    assert receiver.rejected == {("factory", "bad_signature"): 1}


def test_a_webhook_signed_with_another_secret_is_refused_with_401():
    assert rejected(make_receiver().check("factory", delivery(secret=PAYMENT_SECRET), NOW), 401)


def test_any_one_of_several_signatures_may_match():
    request = delivery()
    forged = delivery(secret=PAYMENT_SECRET).headers["webhook-signature"]
    headers = {
        **request.headers,
        "webhook-signature": f"v2,abc {forged}  {request.headers['webhook-signature']}",
    }
    assert make_receiver().check("factory", replace(request, headers=headers), NOW).accepted
    only_forged = {**request.headers, "webhook-signature": f"{forged} garbage ünïcode"}
    assert rejected(make_receiver().check("factory", replace(request, headers=only_forged), NOW), 401)
    # The right digest under another version label is not a v1 signature.
    relabelled = request.headers["webhook-signature"].replace("v1,", "v2,")
    wrong_version = {**request.headers, "webhook-signature": relabelled}
    assert rejected(make_receiver().check("factory", replace(request, headers=wrong_version), NOW), 401)


@pytest.mark.parametrize(
    ("age_s", "accepted"),
    [(301, False), (300, True), (299, True), (-299, True), (-300, True), (-301, False)],
)
def test_the_timestamp_must_be_within_five_minutes_either_way(age_s, accepted):
    receiver = make_receiver()
    verdict = receiver.check("factory", delivery(age_s=age_s), NOW)
    assert verdict.accepted is accepted
    if not accepted:
        assert rejected(verdict, 400)
        when = "old" if age_s > 0 else "in the future"
        assert verdict.problem == (
            f"stale webhook: its timestamp is 301 s {when}, at most 300 s allowed; "
            f"the receiver's clock reads {EPOCH + NOW:.0f}"
        )
        assert receiver.rejected == {("factory", "stale"): 1}


def test_staleness_is_judged_from_the_runtime_clock_not_the_wall_clock():
    late = delivery(now=NOW)  # signed at runtime second 1000, received ten minutes later
    assert rejected(make_receiver().check("factory", late, NOW + 600), 400)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_refused_with_400_naming_it(header):
    request = delivery()
    headers = {name: value for name, value in request.headers.items() if name != header}
    receiver = make_receiver()
    verdict = receiver.check("factory", replace(request, headers=headers), NOW)
    assert rejected(verdict, 400)
    assert verdict.problem == f"missing webhook header(s): {header}"
    assert receiver.rejected == {("factory", "missing_headers"): 1}


@pytest.mark.parametrize("stamp", ["soon", "1767226600.5", "-5", "1" * 5000])
def test_a_timestamp_that_is_not_unix_seconds_is_refused_with_400(stamp):
    request = delivery()
    headers = {**request.headers, "webhook-timestamp": stamp}
    assert rejected(make_receiver().check("factory", replace(request, headers=headers), NOW), 400)


def test_headers_are_matched_whatever_their_case():
    request = delivery()
    headers = {name.title(): value for name, value in request.headers.items()}
    assert make_receiver().check("factory", replace(request, headers=headers), NOW).accepted


@pytest.mark.parametrize("body", [[1, 2], "text", 42])
def test_a_genuine_body_that_is_not_a_json_object_is_refused_with_400(body):
    receiver = make_receiver()
    assert rejected(receiver.check("factory", delivery(body), NOW), 400)
    assert receiver.rejected == {("factory", "not_an_object"): 1}


# -- idempotency -------------------------------------------------------------------------------
def test_a_duplicate_id_is_acknowledged_but_never_applied_again():
    store = Store()
    receiver = make_receiver(store)
    first = receiver.check("factory", delivery(), NOW)
    with store.transaction():
        assert receiver.remember(first, "factory", NOW)
    again = receiver.check("factory", delivery(now=NOW + 5), NOW + 5)
    assert again == Verdict(True, True, 200, webhook_id="msg_1")
    assert again.payload is None  # nothing to apply
    assert receiver.remember(again, "factory", NOW + 5) is False
    assert again.response().json() == {"webhookId": "msg_1", "duplicate": True}
    assert store.db.execute("SELECT COUNT(*) FROM processed_webhooks").fetchone()[0] == 1
    assert receiver.rejected == {("factory", "duplicate"): 1}


def test_of_two_concurrent_deliveries_only_the_first_remembered_is_applied():
    store = Store()
    receiver = make_receiver(store)
    one, two = (receiver.check("factory", delivery(), NOW) for _ in range(2))
    assert not one.duplicate and not two.duplicate  # neither is remembered yet
    assert receiver.remember(one, "factory", NOW)
    assert not receiver.remember(two, "factory", NOW)
    assert receiver.rejected == {("factory", "duplicate"): 1}


def test_a_rejected_verdict_cannot_be_remembered():
    receiver = make_receiver()
    with pytest.raises(ValueError, match="only an accepted webhook"):
        receiver.remember(receiver.check("nowhere", delivery(), NOW), "nowhere", NOW)


def test_check_writes_nothing_to_the_store():
    store = Store()
    receiver = make_receiver(store)
    with store.transaction():
        assert receiver.remember(receiver.check("factory", delivery(msg_id="msg_0"), NOW), "factory", NOW)
    before = store.db.total_changes
    requests = [
        delivery(),
        delivery(msg_id="msg_0"),
        delivery(secret=PAYMENT_SECRET),
        delivery(age_s=900),
        delivery(remote_addr="203.0.113.9"),
    ]
    verdicts = [receiver.check("factory", request, NOW) for request in requests]
    assert [(v.accepted, v.duplicate, v.status) for v in verdicts] == [
        (True, False, 200),
        (True, True, 200),
        (False, False, 401),
        (False, False, 400),
        (False, False, 403),
    ]
    assert store.db.total_changes == before
    assert store.db.execute("SELECT COUNT(*) FROM processed_webhooks").fetchone()[0] == 1


# -- rate limit -------------------------------------------------------------------------------
def send(
    receiver: WebhookReceiver, n: int, now: float, source: str = "factory", tag: str = ""
) -> list[Verdict]:
    ip = PAYMENT_IP if source == "payment" else FACTORY_IP
    secret = PAYMENT_SECRET if source == "payment" else SECRET
    return [
        receiver.check(
            source,
            delivery(msg_id=f"msg_{source}_{now}_{tag}{i}", now=now, secret=secret, remote_addr=ip),
            now,
        )
        for i in range(n)
    ]


def test_a_hundred_webhooks_a_minute_pass_and_the_next_waits_exactly_for_a_free_slot():
    receiver = make_receiver()
    # 50 at second 0 and 50 at second 10: the window is full.
    assert all(v.accepted for v in send(receiver, 50, 0.0) + send(receiver, 50, 10.0))
    # The oldest counted webhook (second 0) leaves the rolling minute just after second 60.
    [refused] = send(receiver, 1, 30.5)
    assert rejected(refused, 429)
    assert refused.retry_after == 30
    assert refused.response().header("Retry-After") == "30"
    assert refused.response().json()["status"] == 429
    # Refusals take no slot: hammering meanwhile does not push the free slot later.
    assert [v.retry_after for v in send(receiver, 3, 45.0, tag="x")] == [16, 16, 16]
    # At second 60 the webhooks of second 0 still count (the window includes its lower bound).
    assert [v.retry_after for v in send(receiver, 1, 60.0)] == [1]
    # After Retry-After, the 50 slots of second 0 are free again, and only those.
    later = send(receiver, 51, 30.5 + 30)
    assert all(v.accepted for v in later[:50])
    assert rejected(later[50], 429)
    assert later[50].retry_after == 10  # the webhooks of second 10 leave at 70.001: 9.501 s, rounded up
    assert send(receiver, 1, 70.5)[0].accepted
    assert receiver.rejected == {("factory", "rate_limited"): 6}


def test_the_limiter_runs_on_the_callers_thread_only():
    # The library would otherwise leak its buckets from a background thread on the wall clock.
    before = threading.active_count()
    receiver = make_receiver()
    send(receiver, 3, 0.0)
    send(receiver, 3, 0.0, source="payment")
    assert threading.active_count() == before


def test_each_source_has_its_own_limit():
    receiver = make_receiver()
    assert all(v.accepted for v in send(receiver, 100, 0.0))
    assert rejected(send(receiver, 1, 1.0)[0], 429)
    assert all(v.accepted for v in send(receiver, 100, 1.0, source="payment"))
    assert send(receiver, 1, 2.0, source="payment")[0].retry_after == 60  # 59.001 s, rounded up


def test_forgeries_cannot_use_up_the_genuine_senders_quota():
    receiver = make_receiver(rate_limit_per_minute=3)
    forged = [
        receiver.check("factory", delivery(msg_id=f"f{i}", secret=PAYMENT_SECRET), NOW) for i in range(50)
    ]
    assert all(rejected(v, 401) for v in forged)
    # The quota is taken only once the signature holds: the genuine sender's three are all let through.
    genuine = [receiver.check("factory", delivery(msg_id=f"g{i}"), NOW) for i in range(4)]
    assert [v.accepted for v in genuine] == [True, True, True, False]
    assert rejected(genuine[3], 429)
    assert receiver.rejected == {("factory", "bad_signature"): 50, ("factory", "rate_limited"): 1}


def test_replays_and_stale_copies_take_no_slot_either():
    receiver = make_receiver(rate_limit_per_minute=1)
    stale = receiver.check("factory", delivery(msg_id="old", now=NOW - 3600), NOW)
    assert rejected(stale, 400)
    first = receiver.check("factory", delivery(msg_id="m1"), NOW)
    receiver.remember(first, "factory", NOW)
    replays = [receiver.check("factory", delivery(msg_id="m1"), NOW) for _ in range(5)]
    assert all(v.accepted and v.duplicate for v in replays)
    assert rejected(receiver.check("factory", delivery(msg_id="m2"), NOW), 429)  # the one slot: m1's


def test_refusals_are_logged_without_a_header_and_a_flood_only_counted(caplog):
    receiver = make_receiver()
    with caplog.at_level("WARNING", logger="caas_core.webhooks"):
        for i in range(25):
            receiver.check("factory", delivery(msg_id=f"forged-{i}", secret=PAYMENT_SECRET), NOW)
        receiver.check("factory", delivery(msg_id="forged-later", secret=PAYMENT_SECRET), NOW + 60)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 11  # ten in the first minute, one in the next
    assert lines[0] == f"refused a factory webhook from {FACTORY_IP}: bad_signature (401)"
    assert lines[9].endswith("(more this minute are counted, not logged)")
    assert not [line for line in lines if "forged-" in line or "v1," in line]
    assert receiver.rejected[("factory", "bad_signature")] == 26


def test_requests_refused_before_the_limit_take_no_slot():
    receiver = make_receiver(rate_limit_per_minute=1)
    assert rejected(receiver.check("factory", delivery(remote_addr="203.0.113.9"), NOW), 403)
    assert receiver.check("factory", delivery(), NOW).accepted


# -- who may send -----------------------------------------------------------------------------
def test_an_unknown_source_is_refused_with_404():
    receiver = make_receiver()
    verdict = receiver.check("nowhere", delivery(), NOW)
    assert rejected(verdict, 404)
    assert verdict.response().json()["title"] == "Not Found"
    assert receiver.rejected == {("nowhere", "unknown_source"): 1}


@pytest.mark.parametrize(
    ("source", "address", "allowed"),
    [
        ("factory", "10.0.0.7", True),
        ("factory", "10.0.0.255", True),  # anywhere in 10.0.0.0/24
        ("factory", "::ffff:10.0.0.9", True),  # an IPv4 peer seen by a dual-stack server
        ("factory", "10.0.1.7", False),
        ("factory", "192.0.2.10", False),
        ("factory", None, False),
        ("factory", "not-an-address", False),
        ("payment", "192.0.2.10", True),
        ("payment", "192.0.2.11", False),
        ("payment", "2001:db8::7", True),
        ("payment", "2001:db9::7", False),
        ("anyone", None, True),  # an empty allowlist admits any address
        ("anyone", "203.0.113.9", True),
    ],
)
def test_the_source_address_must_be_in_the_allowlist(source, address, allowed):
    receiver = make_receiver()
    secret = PAYMENT_SECRET if source == "payment" else SECRET
    verdict = receiver.check(source, delivery(secret=secret, remote_addr=address), NOW)
    assert verdict.accepted is allowed
    if not allowed:
        assert rejected(verdict, 403)
        assert receiver.rejected == {(source, "ip_not_allowed"): 1}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (WebhookSource("factory", "whsec_", ()), "the secret must be"),
        (WebhookSource("factory", "not-a-secret", ()), "the secret must be"),
        (WebhookSource("factory", "whsec_!!!not base64", ()), "the secret must be"),
        (WebhookSource("factory", SECRET, ("10.0.0.5/24",)), "has host bits set"),
        (WebhookSource("factory", SECRET, ("ten.zero.zero.one",)), "does not appear to be"),
    ],
)
def test_a_bad_source_configuration_fails_at_construction(source, message):
    with pytest.raises(ConfigError, match=message):
        WebhookReceiver({"factory": source}, WebhookReceiptPolicy(), Store(), EPOCH)
