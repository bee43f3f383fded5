"""Circuit metrics: time not closed is counted per breaker, then summed per system."""

from __future__ import annotations

from caas_core.telemetry import Telemetry
from scenarios.metrics import _circuits

END = 1000.0


def circuit_metrics(*changes: tuple[float, str, str, str]) -> dict[str, float]:
    telemetry = Telemetry()
    for t, breaker, old, new in changes:
        telemetry.circuit(t, breaker, old, new)
    return _circuits(telemetry.of_kind("circuit"), END)


def test_overlapping_country_breakers_each_count_their_own_time():
    metrics = circuit_metrics(
        (10, "admin-es", "closed", "open"),
        (30, "admin-fr", "closed", "open"),
        (50, "admin-fr", "open", "closed"),  # France recovers while Spain is still open
        (70, "admin-es", "open", "half_open"),
        (70, "admin-es", "half_open", "closed"),  # the probe succeeds at the same instant
    )
    assert metrics["circuit.admin.open_s"] == (70 - 10) + (50 - 30)
    assert metrics["circuit.admin.opened_count"] == 2


def test_a_half_open_and_a_close_at_one_instant_end_the_window_there():
    metrics = circuit_metrics(
        (10, "iot", "closed", "open"),
        (70, "iot", "open", "half_open"),
        (70, "iot", "half_open", "closed"),
    )
    assert metrics["circuit.iot.open_s"] == 60
    assert metrics["circuit.iot.opened_count"] == 1


def test_a_breaker_still_open_at_the_end_counts_until_the_end():
    metrics = circuit_metrics(
        (100, "admin-de", "closed", "open"),
        (160, "admin-de", "open", "half_open"),
        (161, "admin-de", "half_open", "open"),  # a failed probe re-opens: a second opening
        (900, "payment", "closed", "open"),
    )
    assert metrics["circuit.admin.open_s"] == END - 100
    assert metrics["circuit.admin.opened_count"] == 2
    assert metrics["circuit.payment.open_s"] == END - 900
    assert metrics["circuit.factory.open_s"] == 0 and metrics["circuit.factory.opened_count"] == 0
