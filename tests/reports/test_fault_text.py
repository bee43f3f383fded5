"""A fault is written in the order its model declares its parts, whatever the order of the record's keys:
a record read back from JSON has them sorted."""

from __future__ import annotations

from typing import get_args

import pytest

from reports._runs import FAULT_PARTS, PART_FIELDS, fault_text
from scenarios.record import FaultWindow
from simulators.kit.capacity import CapacityChange
from simulators.kit.distributions import Latency
from simulators.kit.faults import ErrorSpec, Fault, RateSpec, WebhookFaults

SLOW_AUTHORIZE = {
    "route": "POST /api/payments/authorize",
    "latency": {"dist": "fixed", "ms": 35000},
    "first_n": 40,
}
WEBHOOK_CHAOS = {"webhook": {"duplicate": 0.3, "reorder": 0.3, "drop": 0.2}}


def json_form(fault: dict) -> dict:
    """The fault as a fresh record's JSON form has it: the model's own dump, in the model's order."""
    return {"system": "payment", **Fault.model_validate(fault).model_dump(mode="json", exclude_none=True)}


@pytest.mark.parametrize(
    ("fault", "text"),
    [
        (SLOW_AUTHORIZE, "route=POST /api/payments/authorize latency(dist=fixed, ms=35000) first_n=40"),
        (WEBHOOK_CHAOS, "webhook(drop=0.2, duplicate=0.3, reorder=0.3, delay_s=0, bad_signature=0)"),
    ],
)
def test_the_text_is_the_same_for_sorted_or_reversed_keys(fault, text):
    data = json_form(fault)
    assert fault_text(FaultWindow.from_dict(data)) == text
    for order in (sorted, reversed):
        shuffled = rekeyed(data, order)
        assert list(shuffled) != list(data)  # the keys really are in another order
        assert fault_text(FaultWindow.from_dict(shuffled)) == text


def rekeyed(mapping: dict, order) -> dict:
    """The same mapping, its keys (and those of the mappings in it) in `order(keys)`."""
    return {
        k: rekeyed(mapping[k], order) if isinstance(mapping[k], dict) else mapping[k]
        for k in order(list(mapping))
    }


def test_the_order_is_the_fault_models_own():
    assert list(FAULT_PARTS) == [f for f in Fault.model_fields if f not in ("id", "from_s", "until_s")]
    latencies = get_args(get_args(Latency)[0])
    for model in (ErrorSpec, RateSpec, WebhookFaults, CapacityChange, *latencies):
        assert [f for f in PART_FIELDS if f in model.model_fields] == list(model.model_fields), model
