"""Incoming webhooks: who may send, whether a message is genuine, fresh and new, and how many a minute.

Rules, checked in this order; the first that fails decides the answer:
1. The source must be known (404) and the peer's address in its allowlist (403). An empty allowlist admits
   any address; otherwise a request whose address is missing or unparsable is refused.
2. The three Standard Webhooks headers must be present (400); the timestamp, Unix seconds, at most
   `max_age_s` before or after `epoch + now` (400, stale); one `v1` signature in the header must equal the
   HMAC of "{id}.{timestamp}.{body}" under the source's secret, compared in constant time (401); the body
   must be a JSON object (400). The body is `HttpRequest.body_bytes()`: the bytes as sent when the request
   came over the wire, else the compact sorted-key JSON that our own senders sign.
3. A webhook id processed before is a duplicate: accepted, 200, and never applied again.
4. Only then is the source's quota taken: at most `rate_limit_per_minute` new, genuine webhooks per source
   in any rolling minute (429, `Retry-After` in whole seconds, at least 1, until the oldest counted one
   leaves the window). Limiting after the signature is checked means a forger, who cannot sign, can never
   use up the genuine sender's quota; checking a signature first costs one HMAC over a body the server
   has already bounded (1 MB), which is cheaper than the flood it answers. Replays of a genuine message
   are duplicates and take no slot either.
5. `check` only reads the store. The caller applies an accepted payload and calls `remember` in ONE
   transaction, and discards its changes when `remember` answers False (a concurrent delivery won).
6. A rejected webhook changes nothing and never reaches the payload handler; rejections and duplicates
   are counted in `rejected[(source, reason)]`, and rejections are logged (source, peer, reason, never
   a header's value), at most LOGGED_PER_MINUTE a minute for each source and reason so a flood cannot
   flood the log: the rest are counted only.

The receiver is not thread-safe, like the store it reads: the core runs on one thread at a time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from pyrate_limiter import Duration, InMemoryBucket, Rate, RateItem
from standardwebhooks import Webhook

from caas_core.errors import ConfigError
from caas_core.policies.models import WebhookReceiptPolicy
from caas_core.store.sqlite import Store
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import Problem

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
HEADERS = (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)

# The reasons counted in `WebhookReceiver.rejected`.
UNKNOWN_SOURCE = "unknown_source"
IP_NOT_ALLOWED = "ip_not_allowed"
RATE_LIMITED = "rate_limited"
MISSING_HEADERS = "missing_headers"
BAD_TIMESTAMP = "bad_timestamp"
STALE = "stale"
BAD_SIGNATURE = "bad_signature"
NOT_AN_OBJECT = "not_an_object"
DUPLICATE = "duplicate"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOGGED_PER_MINUTE = 10
log = logging.getLogger("caas_core.webhooks")


@dataclass(frozen=True, slots=True)
class WebhookSource:
    name: str
    secret: str  # "whsec_" + base64, the Standard Webhooks form
    allowed_ips: tuple[str, ...] = ()  # addresses or CIDR networks; empty means any address


@dataclass(frozen=True, slots=True)
class Verdict:
    accepted: bool
    duplicate: bool
    status: int
    problem: str | None = None  # the problem+json detail of a rejection
    retry_after: int | None = None
    payload: dict[str, Any] | None = None  # only on a new accepted webhook: a duplicate is never applied
    webhook_id: str | None = None

    def response(self) -> HttpResponse:
        """The answer to send: a small JSON acknowledgement, or a problem document."""
        if self.accepted:
            return json_response(self.status, {"webhookId": self.webhook_id, "duplicate": self.duplicate})
        headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
        return Problem(self.status, self.problem or "rejected", headers=headers).response()


@dataclass(frozen=True, slots=True)
class _Refusal:
    """The first rule a delivery broke: what `check` answers, counts and logs."""

    status: int
    reason: str
    detail: str
    retry_after: int | None = None


class WebhookReceiver:
    def __init__(
        self,
        sources: dict[str, WebhookSource],
        policy: WebhookReceiptPolicy,
        store: Store,
        epoch: float,
        rejected: Counter[tuple[str, str]] | None = None,
    ) -> None:
        """`rejected` counts refusals by (source, reason): a counter of the core's telemetry, which may
        outlive this receiver (a restarted core gets a new one)."""
        self.sources = dict(sources)
        self.policy = policy
        self.store = store
        self.epoch = epoch
        self.rejected: Counter[tuple[str, str]] = Counter() if rejected is None else rejected
        # Parsed once, so a bad secret or address in the configuration fails at start-up, not per request.
        self._signers = {name: _signer(source) for name, source in self.sources.items()}
        self._networks = {name: _networks(source) for name, source in self.sources.items()}
        # One pyrate-limiter sliding-window log per source, used directly rather than through its Limiter:
        # a Limiter stamps items with a wall clock (the core must take `now` from its runtime: in simulated
        # time a minute passes in microseconds) and adds locking and async plumbing a synchronous,
        # non-blocking check on one thread does not need.
        self._rate = Rate(policy.rate_limit_per_minute, Duration.MINUTE)
        self._buckets: dict[str, InMemoryBucket] = {}
        self._logged: dict[tuple[str, str], tuple[int, int]] = {}  # (source, reason) -> (minute, count)

    def check(self, source: str, request: HttpRequest, now: float) -> Verdict:
        """The verdict on one delivery. Writes nothing to the store; see `remember`."""
        judged = self._judge(source, request, now)
        if isinstance(judged, Verdict):
            return judged
        peer = request.remote_addr or "an unknown address"
        self.rejected[(source, judged.reason)] += 1
        self._log(source, judged.reason, judged.status, peer, now)
        return Verdict(
            accepted=False,
            duplicate=False,
            status=judged.status,
            problem=judged.detail,
            retry_after=judged.retry_after,
        )

    def _judge(self, source: str, request: HttpRequest, now: float) -> Verdict | _Refusal:
        """Rules 1 to 4 in order: the accepted verdict, or the first rule the delivery breaks."""
        if source not in self.sources:
            return _Refusal(404, UNKNOWN_SOURCE, f"there is no webhook source {source!r}")
        if not self._address_allowed(source, request.remote_addr):
            who = request.remote_addr or "an unknown address"
            return _Refusal(403, IP_NOT_ALLOWED, f"{who} may not send {source} webhooks")
        msg_id, stamp, signatures = (request.header(name) or "" for name in HEADERS)
        missing = [
            name for name, value in zip(HEADERS, (msg_id, stamp, signatures), strict=True) if not value
        ]
        if missing:
            detail = f"missing webhook header(s): {', '.join(missing)}"
            return _Refusal(400, MISSING_HEADERS, detail)
        # Bounded length: int() of thousands of digits raises, and no honest clock needs more than 12.
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 15):
            return _Refusal(400, BAD_TIMESTAMP, f"{TIMESTAMP_HEADER} must be Unix seconds")
        age = self.epoch + now - int(stamp)
        if abs(age) > self.policy.max_age_s:
            when = f"{age:g} s old" if age > 0 else f"{-age:g} s in the future"
            # The clock is named: in a sandbox running at N x speed it is not the wall clock.
            detail = (
                f"stale webhook: its timestamp is {when}, at most {self.policy.max_age_s:g} s allowed; "
                f"the receiver's clock reads {int(self.epoch + now)}"
            )
            return _Refusal(400, STALE, detail)
        body = request.body_bytes().decode()
        if not self._signature_ok(source, msg_id, int(stamp), body, signatures):
            return _Refusal(401, BAD_SIGNATURE, "no webhook signature matches")
        if request.form is not None or not isinstance(request.json, dict):
            return _Refusal(400, NOT_AN_OBJECT, "the webhook body must be a JSON object")

        if self.store.webhook_seen(msg_id):
            self.rejected[(source, DUPLICATE)] += 1
            return Verdict(accepted=True, duplicate=True, status=200, webhook_id=msg_id)
        wait_s = self._take_slot(source, now)
        if wait_s is not None:
            limit = self.policy.rate_limit_per_minute
            detail = f"more than {limit} {source} webhooks in a minute; retry in {wait_s} s"
            return _Refusal(429, RATE_LIMITED, detail, retry_after=wait_s)
        return Verdict(accepted=True, duplicate=False, status=200, payload=request.json, webhook_id=msg_id)

    def remember(self, verdict: Verdict, source: str, now: float) -> bool:
        """Record an accepted webhook's id; call it in the transaction that applies the payload.

        False when the id was processed before: the caller must then apply nothing (roll back).
        """
        if not verdict.accepted or verdict.webhook_id is None:
            raise ValueError("only an accepted webhook can be remembered")
        if verdict.duplicate:
            return False  # counted by check already
        if self.store.remember_webhook(verdict.webhook_id, source, now):
            return True
        # Another delivery of the same id was remembered between our check and this call.
        self.rejected[(source, DUPLICATE)] += 1
        return False

    def _log(self, source: str, reason: str, status: int, peer: str, now: float) -> None:
        """Rule 6: each refusal logged, at most LOGGED_PER_MINUTE a minute per source and reason."""
        minute = int(now // 60)
        key = (source, reason)
        seen_minute, count = self._logged.get(key, (minute, 0))
        count = count + 1 if seen_minute == minute else 1
        self._logged[key] = (minute, count)
        if count <= LOGGED_PER_MINUTE:
            more = " (more this minute are counted, not logged)" if count == LOGGED_PER_MINUTE else ""
            log.warning("refused a %s webhook from %s: %s (%d)%s", source, peer, reason, status, more)

    # -- the rules --------------------------------------------------------------------------------
    def _address_allowed(self, source: str, remote_addr: str | None) -> bool:
        networks = self._networks[source]
        if not networks:
            return True
        address = None if remote_addr is None else _peer_address(remote_addr)
        return address is not None and any(address in network for network in networks)

    def _take_slot(self, source: str, now: float) -> int | None:
        """None when the webhook fits in the source's window (and now counts in it); else the seconds
        to wait for a free slot."""
        bucket = self._buckets.get(source)
        if bucket is None:
            bucket = self._buckets[source] = InMemoryBucket([self._rate])
        item = RateItem(source, round(now * 1000))
        # The library leaks buckets from a background thread on a wall-clock schedule; we never start it.
        # Dropping the entries that left the window on each arrival keeps the log one window long instead.
        bucket.leak(item.timestamp)
        if bucket.put(item):
            return None
        # The refused put recorded its wait on the bucket: the entry `limit` places back from the newest,
        # the oldest one still counted, leaves the window at its timestamp + 60,000 ms + 1 ms (the window's
        # lower bound is inclusive). waiting() reads that back; whole seconds round up, so a retry after
        # Retry-After seconds always finds the slot free.
        wait_ms = bucket.waiting(item)
        assert isinstance(wait_ms, int)  # an in-memory bucket answers synchronously
        return max(1, math.ceil(wait_ms / 1000))

    def _signature_ok(self, source: str, msg_id: str, stamp: int, body: str, signatures: str) -> bool:
        expected = self._signers[source].sign(msg_id, datetime.fromtimestamp(stamp, UTC), body)
        expected_sig = expected.partition(",")[2].encode()
        # Every candidate is compared, so the time taken does not tell which one came close.
        matched = False
        for candidate in signatures.split():
            version, _, signature = candidate.partition(",")
            if version == "v1":
                # Bytes, so a header with non-ASCII characters is a mismatch rather than a TypeError.
                matched |= hmac.compare_digest(expected_sig, signature.encode("utf-8", "replace"))
        return matched


@lru_cache(maxsize=256)  # a handful of peers send every webhook; parsing an address is not free
def _peer_address(remote_addr: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return None
    # A dual-stack server reports an IPv4 peer as ::ffff:a.b.c.d; match it against IPv4 networks.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _signer(source: WebhookSource) -> Webhook:
    # Checked here because the library decodes leniently: it drops stray characters and pads, so a
    # mangled secret would quietly become a different key.
    prefix, _, encoded = source.secret.partition("_")
    try:
        key = base64.b64decode(encoded, validate=True) if prefix == "whsec" else b""
    except binascii.Error:
        key = b""
    if not key:
        raise ConfigError(f"webhook source {source.name!r}: the secret must be 'whsec_' and base64")
    return Webhook(key)


def _networks(source: WebhookSource) -> tuple[Network, ...]:
    networks = []
    for spec in source.allowed_ips:
        try:
            # strict: "10.0.0.5/24" (host bits set) is more likely a typo than a network.
            networks.append(ipaddress.ip_network(spec, strict=True))
        except ValueError as error:
            raise ConfigError(f"webhook source {source.name!r}: allowed_ips: {error}") from None
    return tuple(networks)
