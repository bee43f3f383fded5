"""Who may call what on the core's API: bearer tokens, and the loopback exemption of /metrics.

Rules:
1. A route names the security scheme a caller must satisfy (`Route.security`): CLIENT (the API token,
   or the operator's) or OPERATOR (the operator token only). A route that names none is open: the OpenAPI
   document, and the webhooks, which prove themselves by their signatures.
2. No token, or a token that is neither, is 401 with `WWW-Authenticate: Bearer`; the client's token on
   an operator's route is 403. Tokens are compared in constant time and never echoed or logged.
3. /metrics is open to a caller on this machine, as Prometheus expects; from anywhere else it needs the
   operator token. A request that came in-process (no peer address) is on this machine.
"""

from __future__ import annotations

import hmac
import ipaddress

from caas_core.config import CoreConfig
from httpkit.messages import HttpRequest
from httpkit.problems import Problem

CLIENT, OPERATOR = "bearer", "operatorBearer"
SECURITY_SCHEMES = {
    CLIENT: {
        "type": "http",
        "scheme": "bearer",
        "description": "the API token `serve` prints (the operator token is accepted too)",
    },
    OPERATOR: {
        "type": "http",
        "scheme": "bearer",
        "description": "the operator token `serve` prints: alerts, notifications, retries, faults, clock",
    },
}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="caas-core"'}


def bearer(request: HttpRequest) -> str | None:
    scheme, _, token = (request.header("Authorization") or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def level(token: str | None, config: CoreConfig) -> str | None:
    """OPERATOR, CLIENT or None for a presented token."""
    if token is None:
        return None
    presented = token.encode()
    if hmac.compare_digest(presented, config.operator_token.encode()):
        return OPERATOR
    if hmac.compare_digest(presented, config.api_token.encode()):
        return CLIENT
    return None


def require(security: tuple[str, ...], request: HttpRequest, config: CoreConfig) -> None:
    """Raise the 401 or 403 of rules 1 and 2 when the request may not call a route of `security`."""
    if not security:
        return
    granted = level(bearer(request), config)
    if granted is None:
        raise Problem(401, "send 'Authorization: Bearer <token>' with a token `serve` printed", CHALLENGE)
    if OPERATOR in security and CLIENT not in security and granted != OPERATOR:
        raise Problem(403, "this needs the operator token, not the API token")


def on_this_machine(request: HttpRequest) -> bool:
    if request.remote_addr is None:
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def require_metrics_access(request: HttpRequest, config: CoreConfig) -> None:
    """Rule 3."""
    if not on_this_machine(request):
        require((OPERATOR,), request, config)
