"""Provider states: what a contract assumes about a simulator before an interaction, made true on request.

Rules:
1. Each simulator's `states.py` holds a table STATES = {state name: handler}, which its factory hands to
   the `Simulator`; the names are the ones the contracts in `contracts/pacts/` use, parameters and all
   ("order {orderId} exists in status {status}").
2. A handler takes the model and the state's parameters and changes the model so the state holds.
   Handlers add to the model and never reset it, so an interaction may name several states; the
   state-change endpoint resets the model on teardown, which undoes every state of the interaction at once.
3. A parameter that is missing or of the wrong type raises ValueError naming it: the endpoint answers 422,
   which the verifier reports as a failed state setup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Params = Mapping[str, Any]
StateHandler = Callable[[Any, Params], None]  # (the simulator's model, the state's parameters)
ProviderStates = Mapping[str, StateHandler]


def text(params: Params, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"parameter {name!r} must be a non-empty string, got {value!r}")
    return value


def integer(params: Params, name: str) -> int:
    value = params.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"parameter {name!r} must be an integer, got {value!r}")
    return value


def number(params: Params, name: str) -> float:
    value = params.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"parameter {name!r} must be a number, got {value!r}")
    return float(value)


def optional_text(params: Params, name: str) -> str | None:
    return None if params.get(name) is None else text(params, name)


def expect(condition: bool, message: str) -> None:
    """Refuse a state the simulator cannot make true (a VIN outside the fleet, a trim it builds)."""
    if not condition:
        raise ValueError(message)
