"""The sandbox's one clock over HTTP: `/__sandbox/clock` on every server of the live sandbox.

Rules:
1. `GET /__sandbox/clock` reads the clock. `POST /__sandbox/clock/advance {"seconds": s}` (or
   `{"to": unix_time}`) advances it (`runtimes.testclock`), on whichever server it is sent to: the clock
   is the sandbox's, not a server's. On the core's server it needs the operator token.
2. One process owns the clock: the partners' (or the only one, when `serve` runs everything). A core
   served on its own joins the partners' clock when it starts and registers with them as a follower,
   giving a secret of its own; an advance sent to the core is forwarded to the owner, which steps itself
   and every follower, reaching them with that secret. A follower that does not answer is dropped: a core
   that restarts joins the clock anew, advanced or not.
3. One advance at a time: another, while one runs, is a 409. A body that is not one of the two forms,
   a time before the clock's own, or more than ten years, is a 422; nothing is changed.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from httpkit.messages import HttpResponse, json_response
from httpkit.problems import Problem, validation_detail
from runtimes.live import ClockState, LiveRuntime
from runtimes.testclock import Advanced, LocalClock, advance
from simulators.kit.timestamps import rfc3339

PREFIX = "/__sandbox/clock"
TEN_YEARS_S = 10 * 365 * 86_400
FOLLOWER_TIMEOUT_S = 150.0  # a step waits for its process to settle, calls in flight included

Guard = Callable[[dict[str, Any]], None]  # raises Problem when the caller may not advance the clock


class AdvanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seconds: float | None = Field(default=None, gt=0, le=TEN_YEARS_S)
    to: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_form(self) -> AdvanceRequest:
        if (self.seconds is None) == (self.to is None):
            raise ValueError("give either seconds (how far) or to (a Unix time), not both and not neither")
        return self


class RemoteClock:
    """A follower's clock, as the owner steps it over HTTP."""

    def __init__(self, url: str, secret: str) -> None:
        self.name = url
        self.url = url
        self._auth = {"Authorization": f"Bearer {secret}"}
        self._http = httpx.Client(timeout=FOLLOWER_TIMEOUT_S)

    def state(self) -> ClockState:
        return _state_of(self._call("GET", ""))

    def hold(self, lease_s: float) -> None:
        self._call("POST", "/hold", {"lease_s": lease_s})

    def step_to(self, t: float) -> int:
        return int(self._call("POST", "/step", {"to": t})["fired"])

    def release(self) -> None:
        with contextlib.suppress(httpx.HTTPError):  # its lease lets go of the clock anyway
            self._call("POST", "/release")

    def wait_idle(self, timeout: float) -> None:
        time.sleep(min(timeout, 0.002))

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self._http.request(method, f"{self.url}{PREFIX}{path}", json=body, headers=self._auth)
        answer.raise_for_status()
        return answer.json()


class ClockService:
    """The clock endpoints of one process, served on each of its servers (`wrap`)."""

    def __init__(self, runtime: LiveRuntime, owner_url: str | None = None) -> None:
        """`owner_url`: the URL of a server of the process that owns the clock, when this one follows."""
        self.runtime = runtime
        self.local = LocalClock(runtime)
        self.owner_url = owner_url
        self.secret = secrets.token_urlsafe(24)  # what the owner steps this process with, as a follower
        self.followers: dict[str, str] = {}  # url -> secret
        self._advancing = threading.Lock()

    def join(self, own_url: str) -> None:
        """Register with the owner as a follower (rule 2)."""
        assert self.owner_url is not None
        body = {"url": own_url, "secret": self.secret}
        httpx.post(f"{self.owner_url}{PREFIX}/followers", json=body, timeout=10).raise_for_status()

    def wrap(
        self, app: Callable[..., Iterable[bytes]], guard: Guard | None = None
    ) -> Callable[..., Iterable[bytes]]:
        """`app` with the clock's endpoints in front; `guard` checks who may advance the clock."""

        def served(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if path != PREFIX and not path.startswith(PREFIX + "/"):
                return app(environ, start_response)
            try:
                answer = self._route(environ, path[len(PREFIX) :], guard)
            except Problem as refused:
                answer = refused.response()
            start_response(
                f"{answer.status} {HTTPStatus(answer.status).phrase}", list(answer.headers.items())
            )
            return [answer.to_bytes()]

        return served

    # -- the endpoints ----------------------------------------------------------------------------
    def _route(self, environ: dict[str, Any], action: str, guard: Guard | None) -> HttpResponse:
        method = environ["REQUEST_METHOD"]
        allowed = {"": "GET", "/advance": "POST", "/followers": "POST", "/hold": "POST"}
        allowed |= {"/step": "POST", "/release": "POST"}
        if action not in allowed:
            raise Problem(404, f"no clock endpoint {PREFIX}{action}")
        if method != allowed[action]:
            raise Problem(
                405, f"{method} is not allowed here; use {allowed[action]}", {"Allow": allowed[action]}
            )
        if action == "":
            return json_response(200, self._shown(self.local.state()))
        body = _body(environ)
        if action == "/advance":
            if guard is not None:
                guard(environ)
            return self._advance(body)
        if action == "/followers":
            return self._register(body)
        self._check_owner(environ)
        if action == "/hold":
            self.runtime.hold(_number(body, "lease_s", 1, 600))
            return json_response(200, {})
        if action == "/step":
            fired = self.runtime.step_to(_number(body, "to", 0, float("inf")))
            return json_response(200, {"fired": fired})
        self.runtime.release()
        return json_response(200, {})

    def _advance(self, body: dict[str, Any]) -> HttpResponse:
        try:
            asked = AdvanceRequest.model_validate(body, strict=False)
        except ValidationError as error:
            raise Problem(422, validation_detail(error)) from None
        if self.owner_url is not None:
            return self._forward(body)
        if not self._advancing.acquire(blocking=False):
            raise Problem(409, "the clock is being advanced already; try again once that advance has ended")
        try:
            now = self.runtime.now()
            seconds = (
                asked.seconds if asked.seconds is not None else (asked.to or 0) - self.runtime.epoch - now
            )
            if seconds <= 0:
                raise Problem(422, f"to is not after the sandbox's clock, which reads {self._iso(now)}")
            if seconds > TEN_YEARS_S:
                raise Problem(422, "an advance goes at most ten years ahead")
            done = advance([self.local, *self._reachable_followers()], seconds)
        finally:
            self._advancing.release()
        return json_response(200, self._report(done))

    def _forward(self, body: dict[str, Any]) -> HttpResponse:
        try:
            answer = httpx.post(f"{self.owner_url}{PREFIX}/advance", json=body, timeout=None)
        except httpx.HTTPError:
            raise Problem(
                503, f"the partners that keep the clock do not answer at {self.owner_url}"
            ) from None
        headers = {"Content-Type": answer.headers.get("content-type", "application/json")}
        return HttpResponse(answer.status_code, headers, body=answer.content)

    def _register(self, body: dict[str, Any]) -> HttpResponse:
        if self.owner_url is not None:
            raise Problem(409, "this process follows another's clock: register with that one")
        url, secret = body.get("url"), body.get("secret")
        split = urlsplit(url) if isinstance(url, str) else None
        if split is None or split.scheme != "http" or split.hostname not in ("127.0.0.1", "localhost"):
            raise Problem(422, "url must be an http URL on this machine (127.0.0.1 or localhost)")
        if not isinstance(secret, str) or not 16 <= len(secret) <= 256:
            raise Problem(422, "secret must be 16 to 256 characters")
        self.followers[url.rstrip("/")] = secret
        return json_response(201, {"followers": len(self.followers)})

    def _reachable_followers(self) -> list[RemoteClock]:
        reachable = []
        for url, secret in list(self.followers.items()):
            follower = RemoteClock(url, secret)
            try:
                follower.state()
            except httpx.HTTPError:
                del self.followers[url]  # gone: when it comes back it joins the clock anew (rule 2)
                continue
            reachable.append(follower)
        return reachable

    def _check_owner(self, environ: dict[str, Any]) -> None:
        """The follower endpoints answer only the owner, who was given this process's secret."""
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if self.owner_url is None or scheme.lower() != "bearer":
            raise Problem(403, "only the process that owns the clock steps it")
        if not hmac.compare_digest(token.encode(), self.secret.encode()):
            raise Problem(403, "only the process that owns the clock steps it")

    # -- what is shown ----------------------------------------------------------------------------
    def _shown(self, state: ClockState) -> dict[str, Any]:
        return {
            "time_s": state.time_s,
            "epoch": self.runtime.epoch,
            "now": self._iso(state.time_s),
            "speed": self.runtime.speed,
            "next_due_s": state.next_due_s,
            "active": state.active,
            "wakes": state.wakes,
            "advancing": self._advancing.locked(),
        }

    def _report(self, done: Advanced) -> dict[str, Any]:
        return {
            "from": self._iso(done.started_s),
            "now": self._iso(done.time_s),
            "time_s": done.time_s,
            "advanced_s": done.time_s - done.started_s,
            "steps": done.steps,
            "timers_fired": done.timers_fired,
            "unsettled_steps": done.unsettled_steps,
            "processes": len(done.participants),
        }

    def _iso(self, t: float) -> str:
        return rfc3339(self.runtime, t, "milliseconds")


def _state_of(shown: dict[str, Any]) -> ClockState:
    return ClockState(float(shown["time_s"]), shown["next_due_s"], int(shown["active"]), int(shown["wakes"]))


def _body(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise Problem(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Problem(400, "the body must be a JSON object")
    return body


def _number(body: dict[str, Any], name: str, low: float, high: float) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise Problem(422, f"{name} must be a number from {low:g} to {high:g}")
    return float(value)
