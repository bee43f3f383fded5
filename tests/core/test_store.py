"""The SQLite store: atomic units of work, idempotent webhook ids, the outbox and alerts."""

from __future__ import annotations

import pytest

from caas_core.domain.records import Order
from caas_core.store import Store


def order(**changes) -> Order:
    base = Order("ord_1", "ana@example.com", "ES", "{}", "{}", "PLACED", "trace", 0.0, 0.0)
    return Order(**{**base.as_dict(), **changes})


def test_a_failed_unit_of_work_leaves_nothing_behind():
    store = Store()
    with store.transaction():
        store.insert(order())
    with pytest.raises(RuntimeError), store.transaction():
        store.update(Order, "ord_1", status="ACCEPTED", factory_sequence=1)
        store.notify("email", "ana@example.com", "accepted", "order:ord_1", "ACCEPTED", 1.0)
        store.remember_webhook("msg_1", "factory", 1.0)
        raise RuntimeError("crash between the change and its commit")
    assert store.get(Order, "ord_1").status == "PLACED"
    assert store.notifications() == []
    assert store.remember_webhook("msg_1", "factory", 2.0)  # never recorded: still new


def test_webhook_ids_are_remembered_once():
    store = Store()
    assert store.remember_webhook("msg_1", "factory", 1.0)
    assert not store.remember_webhook("msg_1", "factory", 2.0)


def test_records_round_trip_and_filter():
    store = Store()
    with store.transaction():
        store.insert(order())
        store.insert(order(id="ord_2", status="ACCEPTED"))
    revised = store.revise(store.get(Order, "ord_2"), vin="SBXHEALTHY0000001")
    assert revised == store.get(Order, "ord_2") and revised.vin == "SBXHEALTHY0000001"
    with pytest.raises(KeyError):
        store.update(Order, "nope", status="READY")
    assert [o.id for o in store.all(Order, status="ACCEPTED")] == ["ord_2"]
    assert store.get(Order, "nope") is None


def test_reads_for_a_finished_run_count_what_the_rows_say():
    store = Store()
    with store.transaction():
        for i, status in enumerate(["PLACED", "ACCEPTED", "PLACED", "READY"], start=1):
            store.insert(order(id=f"ord_{i}", status=status))
        store.notify("email", "ana@example.com", "s", "order:ord_1", "PLACED", 1.0)
        store.notify("push", "ana@example.com", "s", "order:ord_1", "PLACED", 1.0)
        store.notify("email", "ana@example.com", "s", "order:ord_2", "ACCEPTED", 2.0)
        store.notify("email", "ana@example.com", "s", "order:ord_2", "ACCEPTED", 3.0)  # told twice
        store.notify("email", "bo@example.com", "s", "purchase:pur_1", "ACTIVE", 4.0)
    assert [o.id for o in store.all(Order, status=("PLACED", "READY"))] == ["ord_1", "ord_3", "ord_4"]
    assert store.count_by(Order, "status") == {"PLACED": 2, "ACCEPTED": 1, "READY": 1}
    with pytest.raises(ValueError, match="no column 'status; DROP TABLE orders'"):
        store.count_by(Order, "status; DROP TABLE orders")
    assert store.notification_count() == 5
    assert store.repeated_notifications() == [("order:ord_2", "ACCEPTED", "email", 2)]
    assert store.notified("email", "order:") == {("order:ord_1", "PLACED"), ("order:ord_2", "ACCEPTED")}


def test_alerts_open_and_resolve(tmp_path):
    store = Store(str(tmp_path / "core.db"))
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.alert("ops", "order:ord_1", "factory unreachable", 5.0)
    store.alert("tech_support", "purchase:pur_1", "activation failed", 6.0)
    store.resolve_alerts("order:ord_1", 9.0)
    assert [(a.kind, a.resolved_at) for a in store.alerts()] == [("ops", 9.0), ("tech_support", None)]
    assert [a.entity for a in store.alerts("tech_support")] == ["purchase:pur_1"]
