"""Customer notifications and operations alerts, written in the caller's transaction: a status change
commits with its notifications and alerts, or none of them does."""

from __future__ import annotations

from caas_core.store.sqlite import Store

CHANNELS = ("email", "push")


class Customers:
    def __init__(self, store: Store) -> None:
        self._store = store

    def tell(self, recipient: str, entity: str, event: str, subject: str, now: float) -> None:
        for channel in CHANNELS:
            self._store.notify(channel, recipient, subject, entity, event, now)


class Operations:
    def __init__(self, store: Store) -> None:
        self._store = store

    def alert(self, kind: str, entity: str, reason: str, now: float) -> None:
        self._store.alert(kind, entity, reason, now)

    def alert_once(self, kind: str, entity: str, reason: str, now: float) -> None:
        if not self._store.alert_open(kind, entity):
            self._store.alert(kind, entity, reason, now)

    def resolve(self, entity: str, now: float, kind: str | None = None) -> None:
        self._store.resolve_alerts(entity, now, kind)
