"""IoT API HTTP semantics: HMAC-signed requests, the configure command, vehicle and command status.

Every route checks the signature first (401), then the VIN (404), then the body (400/422). The body is
verified as `HttpRequest.body_bytes()`: over the wire, the bytes the client sent; in the fast transport,
the compact sorted-key JSON our own client signs and sends. A configure may carry an Idempotency-Key: the
same key with the same body gets the first answer again, the same command (422 with another body).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from caas_core.signing import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import Problem, parse_json
from httpkit.routing import Answer, HeaderParam, Route
from simulators.iot.model import IotModel
from simulators.kit.idempotency import KeyReused, fingerprint

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class ServiceActivation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    serviceId: str = Field(min_length=1, max_length=100)
    config: dict[str, Any]


class ConfigureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    serviceActivation: ServiceActivation


class AcceptedCommand(BaseModel):
    commandId: str
    status: Literal["PENDING"]
    acceptedAt: str


class Telemetry(BaseModel):
    """The vehicle's last report, taken at `lastContact`."""

    odometerKm: float
    batteryVoltage: float
    firmwareVersion: str
    connectivity: Literal["ONLINE", "OFFLINE", "SLEEPING"]


class ActiveService(BaseModel):
    serviceId: str
    config: dict[str, Any]
    activatedAt: str
    commandId: str


class VehicleStatus(BaseModel):
    vin: str
    online: bool
    lastContact: str
    telemetry: Telemetry
    activeServices: list[ActiveService]


class CommandStatus(BaseModel):
    commandId: str
    vin: str
    serviceId: str
    status: Literal["PENDING", "IN_PROGRESS", "COMPLETED", "FAILED"]
    createdAt: str
    updatedAt: str
    failureReason: str | None = Field(default=None, description="only when FAILED")


SECURITY_SCHEMES = {
    "iotKeyId": {
        "type": "apiKey",
        "in": "header",
        "name": KEY_ID_HEADER,
        "description": "the id of the pre-shared key (sandbox: caas-sandbox)",
    },
    "iotTimestamp": {
        "type": "apiKey",
        "in": "header",
        "name": TIMESTAMP_HEADER,
        "description": "Unix seconds; at most 300 s away from the server's clock",
    },
    "iotSignature": {
        "type": "apiKey",
        "in": "header",
        "name": SIGNATURE_HEADER,
        "description": "lowercase hex HMAC-SHA256, keyed with the pre-shared key, of "
        "'{timestamp}.{METHOD}.{path}.{body}'; body is the compact sorted-key JSON sent, '' without one",
    },
}
SIGNED = tuple(SECURITY_SCHEMES)  # a signed request carries all three headers


def configure(model: IotModel, request: HttpRequest, vin: str) -> HttpResponse:
    _authenticate(model, request)
    _known(model, vin)
    key = request.header(IDEMPOTENCY_HEADER)
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        raise Problem(400, f"an {IDEMPOTENCY_HEADER} header has 1 to {MAX_KEY_LENGTH} characters")
    digest = fingerprint({"vin": vin, "body": request.json}, request.query)
    if key is not None:
        try:
            earlier = model.idempotency.recall("configure", key, digest)
        except KeyReused:
            raise Problem(
                422, f"this {IDEMPOTENCY_HEADER} was already used with a different command"
            ) from None
        if earlier is not None:
            return HttpResponse(earlier.status, {"Content-Type": earlier.content_type}, body=earlier.body)
    activation = parse_json(ConfigureRequest, request).serviceActivation
    command = model.configure(vin, activation.serviceId, activation.config)
    body = {"commandId": command.id, "status": command.status, "acceptedAt": model.iso(command.created_at)}
    answer = json_response(202, body, {"Location": f"/api/iot/vehicles/{vin}/commands/{command.id}"})
    if key is not None:
        model.idempotency.remember("configure", key, digest, 202, answer.to_bytes(), "application/json")
    return answer


def vehicle_status(model: IotModel, request: HttpRequest, vin: str) -> HttpResponse:
    _authenticate(model, request)
    _known(model, vin)
    return json_response(200, model.status(vin))


def command_status(model: IotModel, request: HttpRequest, vin: str, commandId: str) -> HttpResponse:
    _authenticate(model, request)
    command = model.command(vin, commandId)
    if command is None:
        raise Problem(404, f"no command {commandId} for vehicle {vin}")
    return json_response(200, model.command_view(command))


def _authenticate(model: IotModel, request: HttpRequest) -> None:
    failure = model.authenticate(
        request.header(KEY_ID_HEADER),
        request.header(TIMESTAMP_HEADER),
        request.header(SIGNATURE_HEADER),
        request.method,
        request.path,
        request.body_bytes(),
    )
    if failure is not None:
        raise Problem(401, failure, {"WWW-Authenticate": 'IoT-HMAC realm="iot"'})


def _known(model: IotModel, vin: str) -> None:
    if not model.knows(vin):
        raise Problem(404, f"no vehicle with VIN {vin}")


_UNSIGNED = Answer(401, "unsigned, unknown key id, stale timestamp or bad signature")

ROUTES = [
    Route(
        "POST",
        "/api/iot/vehicles/{vin}/configure",
        configure,
        summary="send a service activation to a vehicle (asynchronous)",
        answers=(
            Answer(202, "accepted; poll the command for its progress", AcceptedCommand),
            Answer(400, "the body is not JSON"),
            _UNSIGNED,
            Answer(404, "unknown VIN"),
            Answer(
                422, "the body is not a valid service activation, or the Idempotency-Key was used for another"
            ),
        ),
        body=ConfigureRequest,
        security=SIGNED,
        headers=(
            HeaderParam(
                IDEMPOTENCY_HEADER,
                "optional; a repeat with the same key and body gets the first answer: the same command",
                min_length=1,
                max_length=MAX_KEY_LENGTH,
            ),
        ),
    ),
    Route(
        "GET",
        "/api/iot/vehicles/{vin}/status",
        vehicle_status,
        summary="a vehicle's connectivity, last telemetry and active services",
        answers=(Answer(200, "the vehicle's status", VehicleStatus), _UNSIGNED, Answer(404, "unknown VIN")),
        security=SIGNED,
    ),
    Route(
        "GET",
        "/api/iot/vehicles/{vin}/commands/{commandId}",
        command_status,
        summary="a command's progress",
        answers=(
            Answer(200, "the command", CommandStatus),
            _UNSIGNED,
            Answer(404, "no such command for this VIN"),
        ),
        security=SIGNED,
    ),
]
