"""IotGatewayAdapter: send a service activation to a vehicle over the IoT API and see it through.

Rules:
1. One attempt = POST the configure command (its acknowledgement within `ack_timeout_s`), then poll the
   command every `poll_interval_s` until it is COMPLETED or FAILED. `timeout_s` bounds the whole attempt,
   time spent queued included. FAILED is `ActivationFailed`, running out of time is `AttemptTimeout`;
   both are retried per the `ota_activation` policy (fixed 30 s, 5 retries: 6 attempts).
2. The IoT breaker guards each HTTP call (configure and poll), never the whole attempt: a vehicle that
   rejects the command or stays asleep is the vehicle's doing, not the API failing.
3. A poll without a usable answer (timeout, 5xx, unreadable, open breaker) is skipped: the command is
   already accepted and a later poll may still see it finish, whereas a new attempt would resend it.
4. While the breaker refuses calls, configure commands wait in one FIFO queue of `queue_capacity`. A
   command joins the tail whenever the queue is not empty, so none overtakes another. Queued commands
   wake on a grid of QUEUE_TICK_S; at each tick only the head tries, and it leaves the queue when its
   call is let through. A command that runs out of time leaves too. Every change of depth is recorded.
5. A full queue refuses the command at once with CircuitOpen, which is not retried: failing fast is the
   breaker's point, and the caller learns at once that the activation did not happen.
6. Every request is signed (`signing.iot_headers`) at the moment it is sent, with timestamp
   int(epoch + now), so a command that waited in the queue carries a fresh signature.
7. When every attempt has failed, `activate` returns `Activation(completed=False)` naming the last
   failure instead of raising: the purchase flow decides (tech support, and never charge).
8. Given a `key`, attempt n sends `Idempotency-Key: {key}:{n}` with its configure: the IoT API answers a
   repeated key with the command it already made, so activating again after a crash configures no
   vehicle twice for one attempt.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from caas_core.adapters.integration import Endpoint, Integration, Trace, new_trace, read
from caas_core.effects import NOW, Flow
from caas_core.errors import (
    ActivationFailed,
    CircuitOpen,
    ClientError,
    IntegrationError,
)
from caas_core.policies.models import OtaActivationPolicy
from caas_core.resilience.breaker import guarded
from caas_core.resilience.deadline import Deadline
from caas_core.signing import iot_headers
from httpkit.messages import HttpRequest, HttpResponse, canonical_json

CONFIGURE = Endpoint("POST", "/api/iot/vehicles/{vin}/configure")
COMMAND = Endpoint("GET", "/api/iot/vehicles/{vin}/commands/{commandId}")
ENDPOINTS = (CONFIGURE, COMMAND)  # its route table
IDEMPOTENCY_HEADER = "Idempotency-Key"
QUEUE_TICK_S = 1.0

# Given whether to pass the breaker itself and, if not, the breaker's cap on its duration.
Call = Callable[[bool, float], Flow[HttpResponse]]


@dataclass(frozen=True, slots=True)
class IotCredentials:
    key_id: str
    psk: str = field(repr=False)  # a secret: kept out of every repr


@dataclass(frozen=True, slots=True)
class Activation:
    """How an activation ended. `command_id` is the last command the IoT API accepted, if any."""

    vin: str
    service_id: str
    completed: bool
    command_id: str | None
    attempts: int
    failure: str | None  # "ErrorType: detail" of the last attempt, when not completed


class _Accepted(BaseModel):
    commandId: str = Field(min_length=1)


class _CommandStatus(BaseModel):
    status: Literal["PENDING", "IN_PROGRESS", "COMPLETED", "FAILED"]
    failureReason: str | None = None


@dataclass(slots=True)
class _Progress:
    """What the attempts have done so far, for the Activation that reports them."""

    attempts: int = 0
    command_id: str | None = None


class IotGatewayAdapter:
    def __init__(
        self,
        iot: Integration[OtaActivationPolicy],
        credentials: IotCredentials,
        queue_capacity: int = 1000,
        *,
        epoch: float,  # the runtime's Unix time at runtime 0; signatures need wall-clock seconds
    ) -> None:
        if queue_capacity < 0:
            raise ValueError(f"queue_capacity must be 0 or more, got {queue_capacity}")
        self.iot = iot
        self.policy = iot.policy
        self.credentials = credentials
        self.queue_capacity = queue_capacity
        self.epoch = epoch
        self._queue: deque[object] = deque()
        iot.telemetry.metrics.queue_depth[iot.system] = 0  # a gauge from the first scrape on

    def activate(
        self,
        vin: str,
        service_id: str,
        config: dict[str, Any],
        trace: Trace | None = None,
        key: str | None = None,
    ) -> Flow[Activation]:
        trace = trace or (yield from new_trace())
        progress = _Progress()
        try:
            command_id = yield from self.iot.call(
                CONFIGURE,
                lambda deadline: self._attempt(vin, service_id, config, deadline, trace, progress, key),
                trace,
                gated=False,  # the breaker guards each HTTP call instead (rule 2)
            )
        except IntegrationError as error:
            failure = f"{type(error).__name__}: {error}"
            return Activation(vin, service_id, False, progress.command_id, progress.attempts, failure)
        return Activation(vin, service_id, True, command_id, progress.attempts, None)

    # -- one attempt ----------------------------------------------------------------------------
    def _attempt(
        self,
        vin: str,
        service_id: str,
        config: dict[str, Any],
        deadline: Deadline,
        trace: Trace,
        progress: _Progress,
        key: str | None,
    ) -> Flow[str]:
        progress.attempts += 1
        path = CONFIGURE.path(vin=vin)
        body = {"serviceActivation": {"serviceId": service_id, "config": config}}
        extra = {} if key is None else {IDEMPOTENCY_HEADER: f"{key}:{progress.attempts}"}
        response = yield from self._queued(
            deadline,
            lambda guard, cap: self._signed(CONFIGURE, path, body, deadline, trace, extra, guard, cap),
        )
        command_id = read(response, _Accepted, "unreadable command acknowledgement").commandId
        progress.command_id = command_id
        status_path = COMMAND.path(vin=vin, commandId=command_id)
        while True:
            yield from deadline.sleep(self.policy.poll_interval_s)
            # The poll is written out here, not in a method of its own: a generator fewer to resume at
            # each of its effects, for the commonest call of all.
            try:
                response = yield from self._signed(COMMAND, status_path, None, deadline, trace, {}, True)
                status = read(response, _CommandStatus, "unreadable command status")
            except ClientError:
                raise  # refused (unknown command, bad signature): polling again cannot help
            except IntegrationError:
                continue  # no usable answer: skipped (rule 3)
            if status.status in ("PENDING", "IN_PROGRESS"):
                continue
            if status.status == "FAILED":
                raise ActivationFailed(command_id, status.failureReason or "no reason given")
            return command_id

    def _signed(
        self,
        endpoint: Endpoint,
        path: str,
        body: dict[str, Any] | None,
        deadline: Deadline,
        trace: Trace,
        extra: dict[str, str],
        guard: bool,
        cap: float = math.inf,
    ) -> Flow[HttpResponse]:
        """One signed request (rule 6). With `guard` it passes the breaker itself (rule 2), in the same
        step as it is sent; without, its caller holds the breaker's permit and passes its `cap`."""
        now = yield NOW
        permit = None
        if guard:
            permit = self.iot.gate.acquire(now)  # CircuitOpen, before anything is sent
            cap = self.iot.gate.cap(permit)
        key_id, psk = self.credentials.key_id, self.credentials.psk
        signed = b"" if body is None else canonical_json(body)  # what HttpRequest.body_bytes() sends
        headers = iot_headers(key_id, psk, int(self.epoch + now), endpoint.method, path, signed) | extra
        request = HttpRequest(endpoint.method, path, headers, json=body)
        timeout = min(self.policy.ack_timeout_s, cap)
        return (
            yield from self.iot.send(endpoint, request, deadline, trace, timeout, start=now, permit=permit)
        )

    # -- the queue (rules 4 and 5) --------------------------------------------------------------
    def _queued(self, deadline: Deadline, call: Call) -> Flow[HttpResponse]:
        """`call` through the breaker; while the breaker refuses, wait in the queue for a turn."""
        if not self._queue:
            try:
                return (yield from call(True, math.inf))
            except CircuitOpen:
                pass  # refused before anything was sent: queue up
        ticket = object()
        yield from self._join(ticket)
        try:
            while True:
                now = yield NOW
                yield from deadline.sleep(_next_tick(now) - now)
                if self._queue[0] is not ticket:
                    continue
                try:
                    return (yield from guarded(self.iot.gate, self._leaving(ticket, call)))
                except CircuitOpen:
                    continue  # raised by the breaker before the call started: still at the head
        except IntegrationError:
            self._leave(ticket, (yield NOW))  # out of time in the queue; a no-op once let through
            raise

    def _leaving(self, ticket: object, call: Call) -> Callable[[float], Flow[HttpResponse]]:
        def let_through(cap: float) -> Flow[HttpResponse]:
            self._leave(ticket, (yield NOW))
            return (yield from call(False, cap))

        return let_through

    def _join(self, ticket: object) -> Flow[None]:
        now = yield NOW
        if len(self._queue) >= self.queue_capacity:
            raise CircuitOpen(
                f"{self.iot.system} circuit is {self.iot.gate.state_at(now)} and its command queue is full "
                f"({self.queue_capacity})"
            )
        self._queue.append(ticket)
        self._depth_changed(now)

    def _leave(self, ticket: object, now: float) -> None:
        if ticket in self._queue:
            self._queue.remove(ticket)
            self._depth_changed(now)

    def _depth_changed(self, now: float) -> None:
        depth = len(self._queue)
        self.iot.telemetry.metrics.queue_depth[self.iot.system] = depth
        self.iot.telemetry.record(now, "queue", self.iot.system, depth=depth)


def _next_tick(now: float) -> float:
    """The first grid point strictly after `now`: queued commands wake together, in queue order."""
    return (math.floor(now / QUEUE_TICK_S) + 1) * QUEUE_TICK_S
