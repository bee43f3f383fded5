"""The dashboard: a server-rendered page (Jinja2, no script, no asset from elsewhere) on the core's port.

Rules:
1. Only the operator sees it. The login form takes the operator token and sets a session cookie
   (HttpOnly, SameSite=Strict) holding an HMAC of the token, never the token; a request with the
   operator token as a bearer is let in too. Changing the token ends every session.
2. Every form that changes something carries a token derived from the session (CSRF), checked in
   constant time; with SameSite=Strict, another site can neither read nor forge it.
3. A fault is added from the form and removed with a button, through the partner's control API; what the
   partner refuses is shown on the page, escaped like everything else.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import flask

from caas_core.api.access import OPERATOR, bearer, level
from caas_core.config import CoreConfig
from caas_sandbox.console.dashboard import overview, waterfall
from caas_sandbox.console.partners import Partners, PartnerUnreachable
from caas_sandbox.console.traces import assemble
from httpkit.messages import HttpRequest

SESSION_COOKIE = "caas_operator"
ACTIONS = ("error", "hang", "reset", "latency")

ui = flask.Blueprint("ui", __name__, template_folder="templates")


def _console() -> Any:
    return flask.current_app.extensions["console"]


def _derived(config: CoreConfig, purpose: str) -> str:
    return hmac.new(config.operator_token.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def _signed_in(config: CoreConfig) -> bool:
    cookie = flask.request.cookies.get(SESSION_COOKIE, "")
    if cookie and hmac.compare_digest(cookie.encode(), _derived(config, "dashboard session").encode()):
        return True
    authorization = {"Authorization": flask.request.headers.get("Authorization", "")}
    return level(bearer(HttpRequest("GET", "/ui", headers=authorization)), config) == OPERATOR


def _checked_form(config: CoreConfig) -> flask.Response | None:
    """The refusal of a form post that is not the signed-in operator's own (rules 1 and 2), or None."""
    if not _signed_in(config):
        return flask.Response("sign in first", 401, mimetype="text/plain")
    sent = flask.request.form.get("csrf", "")
    if not hmac.compare_digest(sent.encode(), _derived(config, "dashboard form").encode()):
        return flask.Response(
            "this form is stale or not this dashboard's: reload the page", 403, mimetype="text/plain"
        )
    return None


@ui.get("/ui")
def dashboard() -> Any:
    console = _console()
    config = console.core.config
    if not _signed_in(config):
        return flask.render_template("login.html", error=None)
    page = overview(console.core, console.partners)
    return flask.render_template(
        "dashboard.html",
        page=page,
        csrf=_derived(config, "dashboard form"),
        error=flask.request.args.get("error"),
        actions=ACTIONS,
    )


@ui.post("/ui/login")
def login() -> Any:
    config = _console().core.config
    if level(flask.request.form.get("token", "").strip() or None, config) != OPERATOR:
        return flask.render_template("login.html", error="that is not the operator token"), 401
    answer = flask.redirect("/ui", 303)
    answer.set_cookie(
        SESSION_COOKIE, _derived(config, "dashboard session"), httponly=True, samesite="Strict", path="/"
    )
    return answer


@ui.post("/ui/logout")
def logout() -> Any:
    refused = _checked_form(_console().core.config)
    if refused is not None:
        return refused
    answer = flask.redirect("/ui", 303)
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer


@ui.get("/ui/traces/<trace_id>")
def trace_page(trace_id: str) -> Any:
    console = _console()
    if not _signed_in(console.core.config):
        return flask.render_template("login.html", error=None), 401
    trace = assemble(console.core, console.partners, trace_id)
    if trace is None:
        return flask.render_template("trace.html", trace=None, trace_id=trace_id, bars=[]), 404
    return flask.render_template("trace.html", trace=trace, trace_id=trace_id, bars=waterfall(trace))


@ui.post("/ui/faults")
def add_fault() -> Any:
    console = _console()
    refused = _checked_form(console.core.config)
    if refused is not None:
        return refused
    form = flask.request.form
    system = form.get("system", "")
    partners: Partners = console.partners
    if system not in partners.urls:
        return _back(f"no system {system!r}")
    try:
        fault = _fault_from(form)
    except ValueError as error:
        return _back(str(error))
    try:
        status, body = partners.add_fault(system, fault)
    except PartnerUnreachable as gone:
        return _back(str(gone))
    return _back(None if status < 400 else f"{system} refused the fault: {body.get('detail', status)}")


@ui.post("/ui/faults/<system>/<fault_id>/delete")
def remove_fault(system: str, fault_id: str) -> Any:
    console = _console()
    refused = _checked_form(console.core.config)
    if refused is not None:
        return refused
    if system not in console.partners.urls:
        return _back(f"no system {system!r}")
    try:
        console.partners.remove_fault(system, fault_id)
    except PartnerUnreachable as gone:
        return _back(str(gone))
    return _back(None)


def _fault_from(form: Any) -> dict[str, Any]:
    """The fault the form describes, as the partners' control API takes it (which checks it whole)."""
    action = form.get("action", "")
    if action not in ACTIONS:
        raise ValueError(f"choose one of {', '.join(ACTIONS)}")
    try:
        rate = float(form.get("rate") or 1)
        if action == "latency":
            fault: dict[str, Any] = {"latency": {"dist": "fixed", "ms": float(form.get("latency_ms") or 0)}}
        elif action == "error":
            fault = {"error": {"status": int(form.get("status") or 503), "rate": rate}}
        else:
            fault = {action: {"rate": rate}}
    except ValueError:
        raise ValueError("status, rate and latency must be numbers") from None
    route = form.get("route", "").strip()
    if route:
        fault["route"] = route
    return fault


def _back(error: str | None) -> Any:
    return flask.redirect("/ui" if error is None else flask.url_for("ui.dashboard", error=error), 303)
