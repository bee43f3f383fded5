"""A lifecycle is a table {state: {event: next state}}; anything not in it is an IllegalTransition.

Every entity with a status (the core's orders and purchases, its breakers, the simulators' orders,
commands, authorisations and settlements) declares one `Lifecycle` and changes status only by `move`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from caas_core.errors import IllegalTransition

Table = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """`name` says whose lifecycle it is in an IllegalTransition ("order", "breaker vss")."""

    name: str
    table: Table

    def __post_init__(self) -> None:
        # A move to a state the table does not list would strand the entity: refuse the table instead.
        for state, moves in self.table.items():
            for event, target in moves.items():
                if target not in self.table:
                    raise ValueError(f"{self.name}: {state} --{event}--> {target}, a state not in the table")

    def move(self, state: str, event: str) -> str:
        """The state `event` leads to from `state`, or IllegalTransition."""
        try:
            return self.table[state][event]
        except KeyError:
            raise IllegalTransition(self.name, state, event) from None

    def can(self, state: str, event: str) -> bool:
        return event in self.table.get(state, {})

    @property
    def states(self) -> tuple[str, ...]:
        """Every state, in the table's order."""
        return tuple(self.table)

    @property
    def terminal(self) -> frozenset[str]:
        """The states no event leaves."""
        return frozenset(state for state, moves in self.table.items() if not moves)
