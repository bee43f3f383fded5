"""VSS HTTP semantics: OAuth 2.0 client credentials (RFC 6749 section 4.4) and the maintenance query."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from pydantic import BaseModel

from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import Problem
from httpkit.routing import Answer, Route
from simulators.kit.credentials import authorization
from simulators.vss.model import VssModel


class TokenRequest(BaseModel):
    grant_type: Literal["client_credentials"]
    scope: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str


class MaintenanceRecord(BaseModel):
    vin: str
    status: Literal["CURRENT", "DUE_SOON", "OVERDUE"]
    percentage: float
    lastServiceDate: str
    nextServiceDue: str


SECURITY_SCHEMES = {
    "oauth2": {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {"maintenance:read": "read records"}}
        },
    },
    "clientBasic": {"type": "http", "scheme": "basic"},
}


def issue_token(model: VssModel, request: HttpRequest) -> HttpResponse:
    form = request.form
    if form is None:
        raise Problem(
            400, "send the token request as application/x-www-form-urlencoded", error="invalid_request"
        )
    if form.get("grant_type") != "client_credentials":
        raise Problem(400, "grant_type must be client_credentials", error="unsupported_grant_type")
    client_id, client_secret = _client_credentials(request)
    token = model.issue_token(client_id, client_secret)
    if token is None:
        raise Problem(
            401,
            "unknown client or wrong secret",
            {"WWW-Authenticate": 'Basic realm="vss"'},
            error="invalid_client",
        )
    body = {
        "access_token": token.value,
        "token_type": "Bearer",
        "expires_in": int(model.config.token_ttl_s),
        "scope": "maintenance:read",
    }
    return json_response(200, body, {"Cache-Control": "no-store"})


def get_maintenance(model: VssModel, request: HttpRequest, vin: str) -> HttpResponse:
    token = authorization(request, "bearer")
    if token is None or not model.token_valid(token):
        raise Problem(401, "a valid bearer token is required", {"WWW-Authenticate": 'Bearer realm="vss"'})
    record = model.maintenance(vin)
    if record is None:
        raise Problem(404, f"no vehicle with VIN {vin}")
    return json_response(200, record)


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """HTTP Basic first (RFC 6749 section 2.3.1), then the form's client_id and client_secret."""
    encoded = authorization(request, "basic")
    if encoded is not None:
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Problem(401, "malformed Basic credentials", error="invalid_client") from None
        return client_id, secret
    form = request.form or {}
    return form.get("client_id", ""), form.get("client_secret", "")


ROUTES = [
    Route(
        "POST",
        "/oauth/token",
        issue_token,
        summary="issue an access token (OAuth 2.0 client credentials)",
        answers=(
            Answer(200, "a bearer token", TokenResponse),
            Answer(400, "not a client-credentials request"),
            Answer(401, "unknown client or wrong secret"),
        ),
        form=TokenRequest,
        security=("clientBasic",),
    ),
    Route(
        "GET",
        "/api/v2/vehicles/{vin}/maintenance",
        get_maintenance,
        summary="a vehicle's maintenance status",
        answers=(
            Answer(200, "the maintenance record", MaintenanceRecord),
            Answer(401, "no valid bearer token"),
            Answer(404, "unknown VIN"),
        ),
        security=("oauth2",),
    ),
]
