"""A lifecycle is a table {state: {event: next state}}; anything not in it is an IllegalTransition."""

from __future__ import annotations

from collections.abc import Mapping

from caas_core.errors import IllegalTransition

Table = Mapping[str, Mapping[str, str]]


def next_state(machine: str, table: Table, state: str, event: str) -> str:
    try:
        return table[state][event]
    except KeyError:
        raise IllegalTransition(machine, state, event) from None
