"""An Admin registry's provider states, as the contracts name them (see `contracts/states.py`)."""

from __future__ import annotations

from simulators.admin.model import AdminModel, Registration
from simulators.kit.provider_states import Params, ProviderStates, expect, optional_text, text
from simulators.kit.timestamps import rfc3339


def _here(model: AdminModel, params: Params) -> str:
    country = text(params, "country")
    expect(country == model.country.code, f"this is the {model.country.code} registry, not {country}'s")
    return text(params, "vin")


def _not_registered(model: AdminModel, params: Params) -> None:
    model.forget(_here(model, params))


def _registered(model: AdminModel, params: Params) -> None:
    vin = _here(model, params)
    now = model.runtime.now()
    model.hold(
        Registration(
            registration_id=optional_text(params, "registrationId") or f"REG-{model.country.code}-CONTRACT",
            vin=vin,
            plate=text(params, "plate"),
            country=model.country.code,
            order_id=text(params, "orderId"),
            registered_at=rfc3339(model.runtime, now, "milliseconds"),
            owner={},
        )
    )


STATES: ProviderStates = {
    "vehicle {vin} is not registered in {country}": _not_registered,
    "vehicle {vin} is already registered in {country}": _registered,
}
