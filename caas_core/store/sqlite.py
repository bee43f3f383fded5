"""Durable state in SQLite: a state change, its webhook id and its notifications commit together.

Rules:
1. Every change happens inside `transaction()`; an exception rolls the whole of it back, so a crash
   between a status change and its notification loses or duplicates neither.
2. A file database runs in WAL mode; simulated runs use an in-memory one.
3. Reads hand out frozen records; writes name the columns they change.
4. A database written by an older core gains the columns added since, empty, when it is opened.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import fields
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

from caas_core.domain.records import Alert, Notification, Order, Payment, Purchase

R = TypeVar("R")
_TABLES = {
    Order: "orders",
    Purchase: "purchases",
    Payment: "payments",
    Notification: "notifications",
    Alert: "alerts",
}
# The records written whole by `insert` and changed by key; notifications and alerts have their own writes.
_KEYS = {Order: "id", Purchase: "id", Payment: "authorization_id"}
# Each record's columns in its fields' order, so a row builds its record positionally.
_FIELDS = {kind: [f.name for f in fields(kind)] for kind in _TABLES}
_COLUMNS = {kind: ", ".join(names) for kind, names in _FIELDS.items()}
# Columns added since the first schema: an older database gains them when opened.
_ADDED_COLUMNS = {
    "orders": ("step TEXT",),
    "purchases": ("step TEXT",),
    "payments": ("authorized_at REAL", "captured_at REAL", "voided_at REAL"),
}
_INSERTS = {
    kind: f"INSERT INTO {_TABLES[kind]} ({_COLUMNS[kind]}) VALUES ({', '.join('?' for _ in _FIELDS[kind])})"
    for kind in _KEYS
}


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        # The core runs on one thread at a time (the runtime's), but the live runtime's thread is not the
        # one that opened the database: hence check_same_thread=False.
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self._add_missing_columns()
        self.db.executescript(resources.files("caas_core.store").joinpath("schema.sql").read_text())

    def _add_missing_columns(self) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            for column in columns:
                if present and column.split()[0] not in present:  # no columns at all: a new database
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")

    def transaction(self) -> _Transaction:
        """One atomic unit of work; nested calls join the outer one."""
        return _Transaction(self)

    # -- orders, purchases, payments -------------------------------------------------------------
    def insert(self, record: Order | Purchase | Payment) -> None:
        kind = type(record)
        self.db.execute(_INSERTS[kind], [getattr(record, name) for name in _FIELDS[kind]])

    def update(self, kind: type[Any], key: str, **changes: Any) -> None:
        cursor = self.db.execute(_update_statement(kind, tuple(changes)), [*changes.values(), key])
        if cursor.rowcount != 1:
            raise KeyError(f"no {_TABLES[kind]} row {key!r}")

    def revise(self, record: R, **changes: Any) -> R:
        """Write `changes` to the record's row and hand back the record as it now is, without reading it."""
        kind = type(record)
        self.update(kind, getattr(record, _KEYS[kind]), **changes)  # type: ignore[index]
        # Not dataclasses.replace, which costs several times as much: every state change passes here.
        return kind(*[changes[n] if n in changes else getattr(record, n) for n in _FIELDS[kind]])

    def get(self, kind: type[R], key: str) -> R | None:
        table, column = _TABLES[kind], _KEYS[kind]  # type: ignore[index]
        row = self.db.execute(f"SELECT {_COLUMNS[kind]} FROM {table} WHERE {column} = ?", (key,)).fetchone()
        return None if row is None else kind(*row)

    def require(self, kind: type[R], key: str) -> R:
        """The record, which must exist: its absence is the core's own bug."""
        found = self.get(kind, key)
        if found is None:
            raise KeyError(f"no {_TABLES[kind]} row {key!r}")  # type: ignore[index]
        return found

    def all(self, kind: type[R], /, **where: Any) -> list[R]:
        """The records whose columns equal `where`'s values (a tuple: any of its values), oldest first.
        `kind` is positional-only, so an alert's `kind` column can be a filter too."""
        table = _TABLES[kind]  # type: ignore[index]
        tests, args = [], []
        for name, value in where.items():
            values = value if isinstance(value, tuple) else (value,)
            tests.append(f"{name} IN ({', '.join('?' for _ in values)})")
            args.extend(values)
        clause = " AND ".join(tests) or "1"
        rows = self.db.execute(f"SELECT {_COLUMNS[kind]} FROM {table} WHERE {clause} ORDER BY rowid", args)
        return [kind(*row) for row in rows]

    def page(self, kind: type[R], after: int, limit: int, /, **where: Any) -> list[R]:
        """Up to `limit` records of `kind` stored after row `after`, oldest first, whose columns equal
        `where`'s values (None: any). Rows are never deleted, so a row number is a stable cursor."""
        table = _TABLES[kind]  # type: ignore[index]
        tests, args = ["rowid > ?"], [after]
        for name, value in where.items():
            if value is not None:
                tests.append(f"{name} = ?")
                args.append(value)
        rows = self.db.execute(
            f"SELECT rowid, {_COLUMNS[kind]} FROM {table} WHERE {' AND '.join(tests)} ORDER BY rowid LIMIT ?",
            [*args, limit],
        )
        return [kind(*row[1:]) for row in rows]

    def latest(self, kind: type[R], n: int) -> list[R]:
        """The `n` records of `kind` stored last, newest first."""
        table = _TABLES[kind]  # type: ignore[index]
        rows = self.db.execute(f"SELECT {_COLUMNS[kind]} FROM {table} ORDER BY rowid DESC LIMIT ?", (n,))
        return [kind(*row) for row in rows]

    # -- webhooks, notifications, alerts ---------------------------------------------------------
    def remember_webhook(self, webhook_id: str, source: str, now: float) -> bool:
        """Record a webhook id; False when it had been processed before."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO processed_webhooks (webhook_id, source, received_at) VALUES (?, ?, ?)",
            (webhook_id, source, now),
        )
        return cursor.rowcount == 1

    def webhook_seen(self, webhook_id: str) -> bool:
        """Whether a webhook id has been processed; a read only, so a receiver can check before it commits."""
        row = self.db.execute(
            "SELECT 1 FROM processed_webhooks WHERE webhook_id = ?", (webhook_id,)
        ).fetchone()
        return row is not None

    def notify(self, channel: str, recipient: str, subject: str, entity: str, event: str, now: float) -> None:
        self.db.execute(
            "INSERT INTO notifications (channel, recipient, subject, entity, event, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (channel, recipient, subject, entity, event, now),
        )

    def notifications(self, entity: str | None = None) -> list[Notification]:
        """Every notification, or those about `entity`, oldest first."""
        return self.all(Notification) if entity is None else self.all(Notification, entity=entity)

    def notification_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM notifications").fetchone()[0])

    def repeated_notifications(self) -> list[tuple[str, str, str, int]]:
        """(entity, event, channel, times) of every change notified more than once on one channel."""
        rows = self.db.execute(
            "SELECT entity, event, channel, COUNT(*) FROM notifications GROUP BY entity, event, channel"
            " HAVING COUNT(*) > 1 ORDER BY MIN(id)"
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def notified(self, channel: str, entity_prefix: str) -> set[tuple[str, str]]:
        """(entity, event) of the notifications sent on `channel` about entities named `entity_prefix`..."""
        rows = self.db.execute(
            "SELECT entity, event FROM notifications WHERE channel = ? AND substr(entity, 1, ?) = ?",
            (channel, len(entity_prefix), entity_prefix),
        )
        return {(entity, event) for entity, event in rows}

    def alert(self, kind: str, entity: str, reason: str, now: float) -> None:
        self.db.execute(
            "INSERT INTO alerts (kind, entity, reason, created_at) VALUES (?, ?, ?, ?)",
            (kind, entity, reason, now),
        )

    def resolve_alerts(self, entity: str, now: float, kind: str | None = None) -> None:
        """Resolve the open alerts about `entity` (only those of `kind`, when given)."""
        self.db.execute(
            "UPDATE alerts SET resolved_at = ? WHERE entity = ? AND resolved_at IS NULL"
            " AND kind = COALESCE(?, kind)",
            (now, entity, kind),
        )

    def alert_open(self, kind: str, entity: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM alerts WHERE entity = ? AND kind = ? AND resolved_at IS NULL", (entity, kind)
        ).fetchone()
        return row is not None

    def alerts(self, kind: str | None = None) -> list[Alert]:
        """Every alert, or those of `kind`, oldest first."""
        return self.all(Alert) if kind is None else self.all(Alert, kind=kind)

    def owing(self, kind: type[R]) -> list[R]:
        """The orders or purchases whose flow owes a step, oldest first: what a restarted core resumes."""
        table = _TABLES[kind]  # type: ignore[index]
        rows = self.db.execute(f"SELECT {_COLUMNS[kind]} FROM {table} WHERE step IS NOT NULL ORDER BY rowid")
        return [kind(*row) for row in rows]

    def order_by_factory_id(self, factory_order_id: str) -> Order | None:
        found = self.all(Order, factory_order_id=factory_order_id)
        return found[0] if found else None

    def silent_orders(self, statuses: tuple[str, ...], news_before: float) -> list[Order]:
        """Orders in one of `statuses` that Factory has said nothing about since `news_before`."""
        marks = ", ".join("?" for _ in statuses)
        rows = self.db.execute(
            f"SELECT {_COLUMNS[Order]} FROM orders WHERE status IN ({marks}) AND factory_news_at <= ?"
            " ORDER BY rowid",
            (*statuses, news_before),
        )
        return [Order(*row) for row in rows]

    def count_by(self, kind: type[Any], column: str) -> Counter[Any]:
        """How many records of `kind` have each value of `column`."""
        if column not in _FIELDS[kind]:
            raise ValueError(f"{kind.__name__} has no column {column!r}")
        rows = self.db.execute(f"SELECT {column}, COUNT(*) FROM {_TABLES[kind]} GROUP BY {column}")
        return Counter(dict(rows.fetchall()))

    def activation_durations(self) -> list[float]:
        """Request to activation of every active purchase, in seconds, shortest first."""
        rows = self.db.execute(
            "SELECT activated_at - created_at AS d FROM purchases WHERE activated_at IS NOT NULL ORDER BY d"
        )
        return [d for (d,) in rows]

    def purchase_statuses(self) -> dict[str, str]:
        """Every purchase's status by id, in one read (what a finished run's checks look up)."""
        return dict(self.db.execute("SELECT id, status FROM purchases").fetchall())

    def next_number(self, kind: type[Any]) -> int:
        """The number the next row of `kind` gets: one past the last rowid, read from the index end
        (COUNT(*) would walk the whole table for every new order and purchase)."""
        return int(self.db.execute(f"SELECT COALESCE(MAX(rowid), 0) + 1 FROM {_TABLES[kind]}").fetchone()[0])


@lru_cache(maxsize=256)  # a few dozen distinct updates, each made thousands of times in a run
def _update_statement(kind: type[Any], columns: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{name} = ?" for name in columns)
    return f"UPDATE {_TABLES[kind]} SET {assignments} WHERE {_KEYS[kind]} = ?"


class _Transaction:
    """`Store.transaction()`: a class, not a generator context manager, because every state change of
    every simulated purchase enters one and contextlib's machinery costs several times as much."""

    __slots__ = ("began", "db")

    def __init__(self, store: Store) -> None:
        self.db = store.db
        self.began = False

    def __enter__(self) -> None:
        # In autocommit mode (isolation_level=None) only our own BEGIN opens a transaction.
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.began = True

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.began:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
