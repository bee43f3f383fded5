"""The Factory API's provider states, as the contracts name them (see `contracts/states.py`).

A seeded order has no production timeline: it stays in the status the state names, so the interaction
sees exactly that status however long verification takes.
"""

from __future__ import annotations

from simulators.factory.catalogue import TRIMS, VehicleSpec, vin_for
from simulators.factory.model import ACCEPTED, DELAYED, MANUFACTURING, READY, FactoryModel, Order
from simulators.kit.provider_states import Params, ProviderStates, expect, optional_text, text

# The statuses an order passed through to reach each one: its history, and so its sequence number.
PATHS = {
    ACCEPTED: (ACCEPTED,),
    MANUFACTURING: (ACCEPTED, MANUFACTURING),
    DELAYED: (ACCEPTED, MANUFACTURING, DELAYED),
    READY: (ACCEPTED, MANUFACTURING, READY),
}
SEEDED_SPEC = VehicleSpec(model="CITY", trim="BASE", colour="WHITE", options=[], country="ES")


def _builds(model: FactoryModel, params: Params) -> None:
    fields = ("model", "trim", "colour", "options", "country")
    VehicleSpec.model_validate({name: params.get(name) for name in fields if name in params})


def _does_not_build(model: FactoryModel, params: Params) -> None:
    name, trim = text(params, "model"), text(params, "trim")
    expect(name in TRIMS, f"the sandbox Factory has no model {name!r}")
    expect(trim not in TRIMS[name], f"the sandbox Factory does build a {name} in trim {trim}")


def _order_exists(model: FactoryModel, params: Params) -> None:
    order_id, status = text(params, "orderId"), text(params, "status")
    expect(status in PATHS, f"status must be one of {', '.join(PATHS)}, got {status!r}")
    now = model.runtime.now()
    number = len(model.orders) + 1
    vin = optional_text(params, "vin")
    if status == READY and vin is None:
        vin = vin_for(SEEDED_SPEC, number, model.runtime.epoch + now)
    model.orders[order_id] = Order(
        order_id,
        number,
        SEEDED_SPEC,
        optional_text(params, "customerReference") or "contract",
        model.estimate(now),
        status,
        [(step, now) for step in PATHS[status]],
        vin if status == READY else None,
    )


def _order_missing(model: FactoryModel, params: Params) -> None:
    model.orders.pop(text(params, "orderId"), None)


def _key_invalid(model: FactoryModel, params: Params) -> None:
    expect(not model.authorised(text(params, "apiKey")), "that API key is the simulator's own")


STATES: ProviderStates = {
    "the Factory builds vehicle spec {model} {trim}": _builds,
    "the Factory does not build a {model} in trim {trim}": _does_not_build,
    "order {orderId} exists in status {status}": _order_exists,
    "order {orderId} does not exist": _order_missing,
    "API key {apiKey} is not valid": _key_invalid,
}
