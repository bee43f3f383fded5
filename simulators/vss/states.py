"""VSS's provider states, as the contracts name them (see `contracts/states.py`)."""

from __future__ import annotations

from simulators.kit.provider_states import Params, ProviderStates, expect, number, text
from simulators.vss.model import Token, VssModel

STATUSES = ("CURRENT", "DUE_SOON", "OVERDUE")


def _client(model: VssModel, params: Params) -> None:
    client_id = text(params, "clientId")
    expect(client_id == model.config.client_id, f"the simulator's client is {model.config.client_id!r}")


def _token(model: VssModel, params: Params) -> None:
    value = text(params, "accessToken")
    model.tokens[value] = Token(value, model.runtime.now() + model.config.token_ttl_s)


def _maintenance(model: VssModel, params: Params) -> None:
    status = text(params, "status")
    expect(status in STATUSES, f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    model.pinned[text(params, "vin")] = (status, number(params, "percentage"))


def _unknown(model: VssModel, params: Params) -> None:
    vin = text(params, "vin")
    expect(vin not in model.fleet, f"{vin} is in the sandbox fleet; name a VIN outside it")
    model.pinned.pop(vin, None)


STATES: ProviderStates = {
    "client {clientId} has client credentials": _client,
    "access token {accessToken} is valid": _token,
    "vehicle {vin} has maintenance status {status}": _maintenance,
    "vehicle {vin} is unknown to VSS": _unknown,
}
