"""The live sandbox as the `clock` and `faults` commands reach it: the core's URL and the operator token,
and every failure told in one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
import httpx

from caas_core.errors import ConfigError
from caas_sandbox.tokens import OPERATOR_TOKEN_VAR

F = TypeVar("F", bound=Callable[..., Any])


def sandbox_options(command: F) -> F:
    """--url, --port-base and --token, shared by the commands that talk to a running sandbox."""
    command = click.option(
        "--token",
        envvar=OPERATOR_TOKEN_VAR,
        show_envvar=True,
        help="The operator token `serve` printed.",
    )(command)
    command = click.option(
        "--port-base",
        default=8100,
        show_default=True,
        type=click.IntRange(1024, 65_000),
        help="The sandbox's port base; its core listens on it.",
    )(command)
    return click.option("--url", metavar="URL", help="The core's URL [default: http://127.0.0.1:PORT_BASE].")(
        command
    )


class Sandbox:
    """A running sandbox's core, called with the operator token."""

    def __init__(self, url: str | None, port_base: int, token: str | None) -> None:
        self.url = (url or f"http://127.0.0.1:{port_base}").rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=None)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """The answer's JSON body (None for an empty one), or a ConfigError telling what went wrong."""
        try:
            answer = self._http.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise ConfigError(
                f"no sandbox answers at {self.url} ({type(error).__name__}): start one with caas-sandbox "
                "serve, or give its --url or --port-base"
            ) from None
        if answer.status_code in (401, 403):
            raise ConfigError(
                f"the core at {self.url} refused the operator token: pass --token or set "
                f"{OPERATOR_TOKEN_VAR} (serve prints it)"
            )
        if answer.status_code >= 400:
            raise ConfigError(_detail(answer))
        return answer.json() if answer.content else None


def _detail(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return f"the sandbox answered {answer.status_code}"
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail) if detail else f"the sandbox answered {answer.status_code}"
