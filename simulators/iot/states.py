"""The IoT API's provider states, as the contracts name them (see `contracts/states.py`).

A seeded command never travels to the vehicle: it keeps the status the state names.
"""

from __future__ import annotations

from simulators.iot.model import FAILED, LIFECYCLE, Command, IotModel
from simulators.kit.provider_states import Params, ProviderStates, expect, optional_text, text


def _known(model: IotModel, params: Params) -> None:
    vin = text(params, "vin")
    expect(model.knows(vin), f"{vin} is not in the sandbox fleet")


def _command(model: IotModel, params: Params) -> None:
    _known(model, params)
    status = text(params, "status")
    statuses = LIFECYCLE.states
    expect(status in statuses, f"status must be one of {', '.join(statuses)}, got {status!r}")
    now = model.runtime.now()
    command = Command(
        text(params, "commandId"),
        text(params, "vin"),
        optional_text(params, "serviceId") or "contract-service",
        {},
        now,
        now,
        status,
        optional_text(params, "failureReason") if status == FAILED else None,
    )
    model.commands[command.id] = command


STATES: ProviderStates = {
    "vehicle {vin} is known to the IoT platform": _known,
    "command {commandId} for vehicle {vin} is {status}": _command,
}
