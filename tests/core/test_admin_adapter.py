"""The Admin registration adapter end to end against the national registry simulators, in simulated time.

Every request takes exactly 500 ms; the policy's attempts follow each failure by 10 s, so every time
below is exact.
"""

from __future__ import annotations

import re

import pytest

from caas_core.adapters import AdminRegistrationAdapter, Integration, Owner, Registration
from caas_core.errors import (
    CallTimeout,
    CircuitOpen,
    ConfigError,
    RegistrationRejected,
    ServerError,
)
from caas_core.policies import load_policies
from caas_core.resilience import NO_BREAKER, breaker_for
from caas_core.systems import admin_system
from caas_core.telemetry import Telemetry
from runtimes.simulated import SimulatedRuntime
from scenarios.wiring import TRANSPORTS, attach
from simulators.admin import COUNTRIES, AdminConfig, Outage, country, create_simulator
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault
from tests.helpers.timed import run_at

ROUTE = "POST /api/registration/vehicles"
CONFIG = AdminConfig(latency=Fixed(s=0.5))
TOKENS = {code: country(code).token for code in COUNTRIES}  # each registry's sandbox credential
ANA = Owner(name="Ana García", nationalId="12345678Z")
JEAN = Owner(name="Jean Dupont", date_of_birth="1985-04-12", postal_code="75001")
VIN_1, VIN_2 = "SBXTEST0000000001", "SBXTEST0000000002"


def world(transport="fast", countries=("ES",), configs=None, overrides=None):
    runtime = SimulatedRuntime(7)
    configs = configs or {}
    simulators = {
        code: attach(
            runtime, lambda rt, code=code: create_simulator(rt, code, configs.get(code, CONFIG)), transport
        )
        for code in countries
    }
    policies = load_policies(overrides=overrides)
    telemetry = Telemetry()
    registries = {
        c: Integration(
            admin_system(c),
            policies.admin_registration,
            telemetry,
            breaker_for(admin_system(c), policies.breakers.admin, telemetry.circuit),
        )
        for c in countries
    }
    adapter = AdminRegistrationAdapter(registries, TOKENS)
    return runtime, simulators, adapter, telemetry


def journal(simulator):
    return [(e.t, e.status) for e in simulator.journal.select(ROUTE)]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_es_registration_returns_a_spanish_plate(transport):
    runtime, simulators, adapter, _ = world(transport)
    [(ended, registration)] = run_at(runtime, [(0, lambda: adapter.register("ES", VIN_1, "order-1", ANA))])
    assert ended == 0.5
    assert re.fullmatch(country("ES").plate_pattern, registration.plate)
    assert registration == Registration(
        registration_id="REG-ES-000001",
        plate=registration.plate,
        country="ES",
        registered_at="2026-01-01T00:00:00.000Z",
    )
    stored = simulators["ES"].model.registration(VIN_1)
    assert (stored.plate, stored.order_id, stored.owner) == (
        registration.plate,
        "order-1",
        {"name": "Ana García", "nationalId": "12345678Z"},
    )


def test_two_503s_then_success_on_the_third_attempt_10s_after_each_failure():
    runtime, simulators, adapter, telemetry = world()
    simulators["ES"].faults.add(Fault(route=ROUTE, error={"status": 503}, first_n=2))
    [(ended, registration)] = run_at(runtime, [(0, lambda: adapter.register("ES", VIN_1, "order-1", ANA))])
    assert journal(simulators["ES"]) == [(0, 503), (10.5, 503), (21, 201)]
    assert (ended, registration.registration_id) == (21.5, "REG-ES-000001")
    assert registration.registered_at == "2026-01-01T00:00:21.000Z"
    assert telemetry.metrics.retry_count[("admin-es", ROUTE)] == 2


def test_three_failures_give_up_and_raise():
    runtime, simulators, adapter, _ = world()
    simulators["ES"].faults.add(Fault(route=ROUTE, error={"status": 503}))
    [(ended, error)] = run_at(runtime, [(0, lambda: adapter.register("ES", VIN_1, "order-1", ANA))])
    assert (ended, type(error), error.status) == (21.5, ServerError, 503)
    assert journal(simulators["ES"]) == [(0, 503), (10.5, 503), (21, 503)]
    assert simulators["ES"].model.state()["registration_count"] == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_lost_answer_is_recovered_from_the_409_without_a_second_registration(transport):
    runtime, simulators, adapter, telemetry = world(transport)
    # The registry registers the VIN at t = 0, but its answer would take 75 s: the client gives up at 60 s.
    simulators["ES"].faults.add(Fault(route=ROUTE, latency=Fixed(s=75), first_n=1))
    [(ended, registration)] = run_at(runtime, [(0, lambda: adapter.register("ES", VIN_1, "order-1", ANA))])
    stored = simulators["ES"].model.registration(VIN_1)
    assert journal(simulators["ES"]) == [(0, 201), (70, 409)]
    assert (ended, registration) == (
        70.5,
        Registration(registration_id="REG-ES-000001", plate=stored.plate, country="ES", registered_at=None),
    )
    assert simulators["ES"].model.state()["registration_count"] == 1
    attempts = [dict(e.data)["outcome"] for e in telemetry.of_kind("attempt")]
    assert attempts == [CallTimeout.__name__, "ok"]
    assert [e.t for e in telemetry.of_kind("registration_recovered", "admin-es")] == [70.5]


@pytest.mark.parametrize(
    ("owner", "detail"),
    [
        (Owner(name="Ana García", nationalId="12345678A"), "owner.nationalId: the check letter should be Z"),
        (Owner(name="Ana García"), "owner.nationalId: Field required"),
    ],
)
def test_a_bad_owner_is_rejected_with_the_registry_detail_and_not_retried(owner, detail):
    runtime, simulators, adapter, _ = world()
    [(ended, error)] = run_at(runtime, [(0, lambda: adapter.register("ES", VIN_1, "order-1", owner))])
    assert isinstance(error, RegistrationRejected)
    assert (ended, error.status, error.detail) == (0.5, 422, detail)
    assert journal(simulators["ES"]) == [(0, 422)]


def test_a_vin_registered_for_another_order_is_rejected():
    runtime, simulators, adapter, _ = world()
    results = run_at(
        runtime,
        [
            (0, lambda: adapter.register("ES", VIN_1, "order-1", ANA)),
            (10, lambda: adapter.register("ES", VIN_1, "order-2", ANA)),
        ],
    )
    error = results[1][1]
    assert isinstance(error, RegistrationRejected)
    assert (error.status, error.detail) == (409, f"VIN {VIN_1} is already registered in ES for order order-1")
    assert journal(simulators["ES"]) == [(0, 201), (10, 409)]


def test_an_outage_in_france_leaves_spain_untouched():
    outage = AdminConfig(latency=Fixed(s=0.5), outages=(Outage(from_s=0, until_s=3_600),))
    enabled = {"breakers": {"admin": {"enabled": True, "failure_threshold": 3}}}
    runtime, simulators, adapter, telemetry = world(
        countries=("ES", "FR"), configs={"FR": outage}, overrides=enabled
    )
    results = run_at(
        runtime,
        [
            (0, lambda: adapter.register("FR", VIN_1, "order-1", JEAN)),
            (0, lambda: adapter.register("ES", VIN_2, "order-2", ANA)),
            (30, lambda: adapter.register("FR", VIN_1, "order-1", JEAN)),
            (30, lambda: adapter.register("ES", "SBXTEST0000000003", "order-3", ANA)),
        ],
    )
    assert [(ended, type(outcome)) for ended, outcome in results] == [
        (21.5, ServerError),
        (0.5, Registration),
        (30, CircuitOpen),  # FR's breaker opened on its third failure; ES's never saw one
        (30.5, Registration),
    ]
    assert journal(simulators["FR"]) == [(0, 503), (10.5, 503), (21, 503)]
    assert journal(simulators["ES"]) == [(0, 201), (30, 201)]
    assert [(e.t, e.subject, dict(e.data)["new"]) for e in telemetry.of_kind("circuit")] == [
        (21.5, "admin-fr", "open")
    ]
    assert (adapter.registries["ES"].gate.state, adapter.registries["FR"].gate.state) == ("closed", "open")


def test_the_shipped_policy_has_no_admin_breaker():
    _, _, adapter, _ = world(countries=COUNTRIES)
    assert [r.gate for r in adapter.registries.values()] == [NO_BREAKER] * len(COUNTRIES)
    assert sorted(adapter.registries) == sorted(COUNTRIES)


def test_a_country_without_a_credential_is_our_configuration_error():
    registry = Integration("admin-es", load_policies().admin_registration, Telemetry())
    adapter = AdminRegistrationAdapter({"ES": registry}, {"ES": "t"})
    with pytest.raises(ConfigError, match="no admin registry credential for country XX"):
        next(adapter.register("xx", VIN_1, "order-1", ANA))
