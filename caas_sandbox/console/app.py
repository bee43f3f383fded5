"""The core's port in the live sandbox: the console's paths to the console, every other to the core."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import flask

from caas_core.service import CaasCore
from caas_sandbox.console.api import Console
from caas_sandbox.console.partners import Partners
from caas_sandbox.console.ui import ui
from httpkit.flask_edge import create_app

WsgiApp = Callable[..., Iterable[bytes]]
_EXACT = ("/", "/openapi.json", "/ui", "/api/faults")
_UNDER = ("/ui/", "/api/traces/", "/api/faults/")


def create_console(core: CaasCore, partners: Partners) -> flask.Flask:
    app = create_app(Console(core, partners))
    app.extensions["console"] = app.extensions["simulator"]
    app.register_blueprint(ui)
    return app


def core_port(core_app: WsgiApp, console_app: WsgiApp) -> WsgiApp:
    """One WSGI app for the core's port: the console's paths to it, every other to the core's API."""

    def served(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        console = path in _EXACT or path.startswith(_UNDER)
        return (console_app if console else core_app)(environ, start_response)

    return served
