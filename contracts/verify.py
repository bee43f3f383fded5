"""Verify a provider against the contracts with the Pact verifier: HTTP APIs, and webhook producers.

Rules:
1. An HTTP provider is verified against the HTTP pact files that name it, from a folder (the committed
   pacts by default) or from a Pact Broker. Message pacts need a producer: see `verify_messages`.
2. Provider states are set through the provider's state-change URL (Pact's JSON body form, with
   tear-down after each interaction), when one is given. The URL is tried once before any interaction,
   with the set-up call Pact makes without a state: a wrong URL is one line, not a failure of every
   interaction. Without one, the report counts the interactions whose states were skipped.
3. Headers given replace the header of that name on every request, the way a partner sends their own
   credential. The interactions that deliberately send a wrong credential (`states.CREDENTIAL_REJECTED`)
   would then send the right one, so they are replayed once more without those headers, and that replay
   is their result.
4. The verifier's own console output is kept in `Report.log`, never printed; the outcome is read from
   its JSON results. A user's mistake (no such provider, nothing listening) is one ConfigError line.
5. The Pact FFI loads on first use, never at import, and Pact's usage tracking is switched off.
6. Pacts from a Pact Broker, and the results published back to it, go through contracts.broker, which
   reads the credentials from the environment and keeps them out of everything shown.
7. Results are published from one pass of the verifier holding every interaction's true result. With
   --header, a first pass learns whether any interaction needs the replay of rule 3; if none does, the
   pass is run again, published; if one does, no pass holds every true result, and nothing is published
   (`Report.unpublished` says why).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from caas_core.errors import ConfigError
from contracts.broker import Broker, shown
from contracts.catalogue import Contract, Interaction, for_provider, load_contracts
from contracts.results import InteractionResult, Report, read_results
from contracts.states import CREDENTIAL_REJECTED, WEBHOOK_CONSUMER

if TYPE_CHECKING:
    from pact import Verifier

REQUEST_TIMEOUT_MS = 30_000
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP header name (RFC 9110 token)
# The set-up call Pact makes without a state: every state-change endpoint answers it (contracts/README.md).
EMPTY_STATE = {"state": "", "params": {}, "action": "setup"}
MessageProducer = Callable[..., Mapping[str, Any]]  # (name, metadata) -> {contents, metadata, content_type}
StateHandlers = Mapping[str, Callable[..., None]]  # state name -> (action, parameters) -> None


def verify_provider(
    provider: str,
    base_url: str,
    *,
    state_url: str | None = None,
    headers: Mapping[str, str] | None = None,
    pact_dir: Path | None = None,
    broker_url: str | None = None,
    provider_version: str | None = None,
    provider_branch: str | None = None,
) -> Report:
    """Replay every HTTP interaction the contracts hold for `provider` against `base_url`. With
    `broker_url` the pacts come from that Pact Broker; with a `provider_version` (and optionally a
    `provider_branch`) the results are published back to it (rule 7)."""
    host = _host(base_url, "--base-url")
    if state_url is not None:
        _host(state_url, "--state-url")
    headers = dict(headers or {})
    _check_headers(headers)
    source = _source(provider, pact_dir, broker_url, provider_version, provider_branch)
    _reachable(base_url)
    if state_url is not None:
        _state_url_answers(state_url, headers)

    def run(
        custom: Mapping[str, str], state_filter: str | None = None, publish: bool = False
    ) -> tuple[list[InteractionResult], str]:
        verifier = _verifier(provider, host)
        verifier.add_transport(url=base_url.rstrip("/"))
        for path in source.files:
            verifier.add_source(path)
        if source.broker is not None:
            (source.broker if publish else source.broker.fetching_only()).add_to(verifier)
        if state_url is not None:
            verifier.state_handler(state_url, teardown=True, body=True)
        if custom:
            verifier.add_custom_headers(dict(custom))
        if state_filter is not None:
            verifier.filter(state=state_filter)
        return _execute(verifier)

    broker = source.broker
    publish = broker is not None and broker.publishes
    notes = list(source.notes)
    results, log = run(headers, publish=publish and not headers)
    replayed: list[InteractionResult] = []
    if headers and source.rejecting:
        pattern = "^(" + "|".join(re.escape(name) for name in CREDENTIAL_REJECTED) + ")$"
        replayed, replay_log = run({}, pattern)
        log = _joined(log, replay_log)
        if replayed:
            by_key = {(r.consumer, r.description): r for r in replayed}
            results = [by_key.get((r.consumer, r.description), r) for r in results]
            notes.append(
                f"{len(replayed)} interaction(s) sending a deliberately wrong credential were replayed "
                "without --header, which would have replaced that credential"
            )
    unpublished = None
    if publish and headers:
        if replayed:
            unpublished = (
                f"results not published: {len(replayed)} interaction(s) send a deliberately wrong credential "
                "that --header replaced, so no one pass of the verifier holds every true result; publish "
                "from a run without --header, your test deployment accepting the contracts' example "
                "credentials"
            )
        else:  # nothing needed a replay: the same pass again, published this time
            results, publish_log = run(headers, publish=True)
            log = _joined(log, publish_log)
    if broker is not None:
        log = broker.redact(log)
    if not results:
        raise ConfigError(f"nothing was verified for {provider}: {_reason(log)}")
    skipped = 0 if state_url is not None else sum(1 for r in results if r.states)
    if skipped:
        notes.append(
            f"no --state-url: the provider states of {skipped} of {len(results)} interactions were not "
            "set up, so a failure of theirs may only mean a missing state (Provider states in "
            "contracts/README.md)"
        )
    if publish and unpublished is None:
        failure = broker.publish_failure(log)  # type: ignore[union-attr]
        if failure:
            unpublished = f"results not published: {failure}"
        else:
            notes.append(broker.publication())  # type: ignore[union-attr]
    return Report(
        provider,
        base_url,
        source.labels,
        tuple(results),
        tuple(notes),
        log,
        source.interactions,
        states_skipped=skipped,
        unpublished=unpublished,
    )


@dataclass(frozen=True)
class _Source:
    """Where the pacts come from: committed files, or a broker (whose interactions are unknown until the
    verifier fetches them)."""

    files: tuple[Path, ...]
    broker: Broker | None
    labels: tuple[str, ...]
    interactions: tuple[Interaction, ...]
    rejecting: bool  # some interaction sends a deliberately wrong credential (rule 3)
    notes: tuple[str, ...]


def _source(
    provider: str,
    pact_dir: Path | None,
    broker_url: str | None,
    provider_version: str | None,
    provider_branch: str | None,
) -> _Source:
    if broker_url is not None:
        _host(broker_url, "--broker-url")
        broker = Broker.from_environment(
            broker_url, provider_version=provider_version, branch=provider_branch
        )
        # The broker's pacts are unknown until fetched: replay any interaction that rejects a credential.
        return _Source((), broker, (f"broker {shown(broker_url)}",), (), True, ())
    if provider_version is not None or provider_branch is not None:
        raise ConfigError("results are published only for pacts fetched from a broker: give --broker-url")
    contracts = for_provider(load_contracts(pact_dir), provider)
    http = [c for c in contracts if any(i.kind == "http" for i in c.interactions)]
    notes = tuple(
        f"{c.path.name} holds messages: verify them with a producer "
        "(Webhook contracts in contracts/README.md)"
        for c in contracts
        if c not in http
    )
    if not http:
        raise ConfigError(f"no HTTP contract names provider {provider!r}; its contracts are messages")
    return _Source(
        files=tuple(c.path for c in http),
        broker=None,
        labels=tuple(str(c.path) for c in http),
        interactions=tuple(i for c in http for i in c.interactions),
        rejecting=any(_rejects_credentials(c) for c in http),
        notes=notes,
    )


def verify_messages(
    provider: str,
    produce: MessageProducer,
    states: StateHandlers,
    *,
    pact_dir: Path | None = None,
    consumer: str = WEBHOOK_CONSUMER,
) -> Report:
    """Verify the message contracts `consumer` holds for `provider` against a producer function.

    `produce(name, metadata)` returns the message for the interaction described `name`, as a mapping
    with `contents` (bytes), `metadata` (the webhook headers) and `content_type`; `states` maps each
    provider state to `handler(action, parameters)`, called with "setup" and "teardown".
    """
    contracts = [c for c in for_provider(load_contracts(pact_dir), provider) if c.consumer == consumer]
    if not contracts:
        raise ConfigError(f"no {consumer} contract names provider {provider!r}")
    verifier = _verifier(provider, "127.0.0.1")
    verifier.message_handler(produce)
    verifier.state_handler(dict(states), teardown=True)
    for contract in contracts:
        verifier.add_source(contract.path)
    results, log = _execute(verifier)
    sources = tuple(str(c.path) for c in contracts)
    interactions = tuple(i for c in contracts for i in c.interactions)
    return Report(provider, "message producer", sources, tuple(results), (), log, interactions)


def _verifier(provider: str, host: str) -> Verifier:
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")  # the verifier would otherwise report usage online
    from pact import Verifier  # loads the Pact FFI: only when a verification runs

    verifier = Verifier(provider, host=host)
    verifier.set_coloured_output(enabled=False)
    verifier.set_request_timeout(REQUEST_TIMEOUT_MS)
    return verifier


def _execute(verifier: Verifier) -> tuple[list[InteractionResult], str]:
    # The FFI's own log arrives through `logging` (pact.logging re-emits it on "pact.ffi"): keep it too.
    records = _Records()
    ffi = logging.getLogger("pact.ffi")
    ffi.addHandler(records)
    try:
        # Any failed interaction makes the FFI raise RuntimeError; the results say which and why.
        with _captured() as printed, suppress(RuntimeError):
            verifier.verify()
    finally:
        ffi.removeHandler(records)
    log = _joined(printed[0], *records.lines)
    return read_results(verifier.results, log), log


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def _captured() -> Iterator[list[str]]:
    """Swallow what the Rust verifier and its helper threads print, at the file-descriptor level."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    captured: list[str] = [""]
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            sink.seek(0)
            captured[0] = sink.read().decode("utf-8", "replace")


def _host(url: str, option: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises on a port that is not a number from 0 to 65535
    except ValueError as error:  # "http://[::1", "http://host:abc"
        why = f": {error}"
    else:
        if parts.scheme in ("http", "https") and parts.hostname:
            return parts.hostname
        why = ""
    raise ConfigError(f"{option} must be an http(s) URL with a host, got {shown(url)!r}{why}")


def _check_headers(headers: Mapping[str, str]) -> None:
    # The Pact verifier refuses these per interaction, deep in each one's result: say it once, up front.
    for name, value in headers.items():
        if not _TOKEN.match(name):
            raise ConfigError(f"header name {name!r} is not valid: letters, digits and !#$%&'*+.^_`|~-")
        if not all(" " <= char <= "~" or char == "\t" for char in value):
            raise ConfigError(f"the value of header {name!r} must be printable ASCII")


def _reachable(url: str, what: str = "", headers: Mapping[str, str] | None = None) -> None:
    """Something answers HTTP at `url`, whatever its status: a wrong port is one line, not a failure
    of every interaction."""
    import httpx  # only the verify command needs it, and it is slow to import

    try:
        httpx.get(url, headers=dict(headers or {}), timeout=10)
    except httpx.HTTPError as error:
        raise ConfigError(f"cannot reach {what}{shown(url)}: {error or type(error).__name__}") from None


def _state_url_answers(url: str, headers: Mapping[str, str]) -> None:
    """The state-change URL accepts Pact's set-up call without a state (rule 2), before any interaction."""
    import httpx

    try:
        answer = httpx.post(url, json=EMPTY_STATE, headers=dict(headers), timeout=10)
    except httpx.HTTPError as error:
        raise ConfigError(
            f"cannot reach the state-change URL {shown(url)}: {error or type(error).__name__}"
        ) from None
    if not answer.is_success:
        raise ConfigError(
            f"the state-change URL {shown(url)} answered {answer.status_code} to a set-up call without a "
            f'state ({{"state": "", "action": "setup"}}), so no provider state could be set up: check '
            "--state-url (Provider states in contracts/README.md)"
        )


def _rejects_credentials(contract: Contract) -> bool:
    return any(s.name in CREDENTIAL_REJECTED for i in contract.interactions for s in i.states)


def _joined(*logs: str) -> str:
    """Logs one after the other, each starting on a line of its own."""
    return "\n".join(log.rstrip("\n") for log in logs if log)


def _reason(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if any(word in line.lower() for word in ("error", "failed", "could not")):
            return line[:300]
    return lines[-1][:300] if lines else "the verifier gave no reason"
