"""The Admin registration simulators: one per country, each with its plates, credential and owner rules."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from caas_core.systems import admin_system
from httpkit.exchange import Exchange
from httpkit.messages import HttpRequest, HttpResponse
from runtimes.simulated import SIMULATED_EPOCH, SimulatedRuntime
from scenarios.wiring import attach
from simulators.admin import (
    COUNTRIES,
    AdminConfig,
    Outage,
    create_app,
    create_simulator,
    create_simulators,
)
from simulators.admin.plates import draw_plate
from simulators.kit.faults import ErrorSpec, Fault
from simulators.kit.service import Simulator

PATH = "/api/registration/vehicles"
SEED = 7

# Each country's current format, written out here rather than read from the package, so a change of format
# there fails these tests: Spain's with no provincial code, France's SIV, Italy's with its spaces,
# Portugal's of 2020, Germany's district code, letters and number.
PLATES = {
    "ES": r"[0-9]{4} [BCDFGHJKLMNPRSTVWXYZ]{3}",
    "FR": r"[A-HJ-NP-TV-Z]{2}-[0-9]{3}-[A-HJ-NP-TV-Z]{2}",
    "DE": r"[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [1-9][0-9]{0,3}",
    "IT": r"[A-HJ-NPR-TV-Z]{2} [0-9]{3} [A-HJ-NPR-TV-Z]{2}",
    "PT": r"[A-Z]{2}-[0-9]{2}-[A-Z]{2}",
}
OWNERS: dict[str, dict[str, Any]] = {
    "ES": {"name": "Ana García", "nationalId": "12345678Z"},
    "FR": {"name": "Jean Dupont", "dateOfBirth": "1985-04-12", "postalCode": "75001"},
    "DE": {"name": "Max Mustermann", "postalCode": "10115", "city": "Berlin"},
    "IT": {"name": "Mario Rossi", "codiceFiscale": "RSSMRA85T10A562S"},
    "PT": {"name": "Rui Costa", "nif": "123456789"},
}


def vin(n: int) -> str:
    return f"SBXTEST{n:010d}"


def body(country: str, n: int = 1, **changes: Any) -> dict[str, Any]:
    return {"vin": vin(n), "country": country, "orderId": f"order-{n}", "owner": OWNERS[country], **changes}


def auth(country: str) -> dict[str, str]:
    return {"Authorization": f"Bearer admin-{country.lower()}-sandbox-token"}


def register(runtime: SimulatedRuntime, country: str, payload: Any, headers: dict[str, str] | None = None):
    request = HttpRequest("POST", PATH, headers=auth(country) if headers is None else headers, json=payload)
    return send(runtime, country, request)


def send(runtime: SimulatedRuntime, country: str, request: HttpRequest) -> HttpResponse:
    exchange = runtime.transports[admin_system(country)].handle_request(request, None)
    assert exchange.response is not None
    return exchange.response


def attached(country: str, transport: str = "fast", seed: int = SEED, **config: Any) -> SimulatedRuntime:
    runtime = SimulatedRuntime(seed)
    attach(runtime, lambda rt: create_simulator(rt, country, AdminConfig(**config)), transport)  # type: ignore[arg-type]
    return runtime


def ruled_plate(country: str, seed: int, n: int) -> str:
    """Plate n as the documented seeding rule gives it, drawn here apart from the simulator's own draws."""
    return draw_plate(country, random.Random(f"{seed}:admin-{country.lower()}:{n}"))


@pytest.mark.parametrize("country", COUNTRIES)
def test_registration_issues_the_country_plate(country: str) -> None:
    runtime = attached(country)
    runtime.run(until=90.5)
    answers = [register(runtime, country, body(country, n)) for n in range(1, 13)]
    assert [a.status for a in answers] == [201] * 12
    assert answers[0].json() == {
        "registrationId": f"REG-{country}-000001",
        "plate": ruled_plate(country, SEED, 0),
        "country": country,
        "registeredAt": "2026-01-01T00:01:30.500Z",
    }
    plates = [a.json()["plate"] for a in answers]
    assert [p for p in plates if not re.fullmatch(PLATES[country], p)] == []
    assert len(set(plates)) == 12
    assert answers[11].json()["registrationId"] == f"REG-{country}-000012"


def test_the_same_seed_gives_the_same_plates_and_another_seed_others() -> None:
    def plates(seed: int) -> list[str]:
        runtime = attached("ES", seed=seed)
        return [register(runtime, "ES", body("ES", n)).json()["plate"] for n in range(1, 4)]

    assert plates(7) == plates(7) == [ruled_plate("ES", 7, n) for n in range(3)]
    assert plates(8) == [ruled_plate("ES", 8, n) for n in range(3)]
    assert plates(8)[0] == "4955 LGV" and plates(7)[0] == "5661 HKZ"


def test_plates_leave_the_global_random_untouched() -> None:
    random.seed(1234)
    before = random.getstate()
    register(attached("IT"), "IT", body("IT"))
    assert random.getstate() == before


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_plate_drawn_is_in_the_current_format(country: str) -> None:
    plates = [ruled_plate(country, SEED, n) for n in range(500)]
    assert [p for p in plates if not re.fullmatch(PLATES[country], p)] == []
    if country == "DE":  # eight letters and digits at most, and none of the banned combinations
        assert all(len(re.sub(r"[- ]", "", p)) <= 8 for p in plates)
        assert not {p.split("-")[1].split(" ")[0] for p in plates} & {"HJ", "KZ", "NS", "SA", "SS"}
    if country == "FR":
        assert not any(p.startswith(("SS", "WW")) or "-000-" in p for p in plates)


def test_a_plate_already_issued_is_skipped_by_drawing_the_next(monkeypatch) -> None:
    seeds: list[str] = []
    plates = iter(["AB 123 CD", "AB 123 CD", "EF 456 GH"])

    def scripted(country: str, stream: random.Random) -> str:
        seeds.append(f"{country}:{stream.random():.6f}")
        return next(plates)

    monkeypatch.setattr("simulators.admin.model.draw_plate", scripted)
    simulator = create_simulator(SimulatedRuntime(SEED), "IT")
    first = simulator.model.register(vin(1), "order-1", OWNERS["IT"])  # type: ignore[attr-defined]
    second = simulator.model.register(vin(2), "order-2", OWNERS["IT"])  # type: ignore[attr-defined]
    assert (first.plate, second.plate) == ("AB 123 CD", "EF 456 GH")
    # Plates 0, 1 and 2 of the rule, each from its own stream.
    assert seeds == [f"IT:{random.Random(f'7:admin-it:{n}').random():.6f}" for n in range(3)]


@pytest.mark.parametrize("transport", ["fast", "wire"])
def test_a_second_registration_of_a_vin_is_a_conflict(transport: str) -> None:
    runtime = attached("ES", transport)
    first = register(runtime, "ES", body("ES", 1))
    again = register(runtime, "ES", body("ES", 1, orderId="order-other"))
    assert again.status == 409
    assert again.header("Content-Type") == "application/problem+json"
    assert again.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": f"VIN {vin(1)} is already registered in ES",
        "registrationId": "REG-ES-000001",
        "plate": first.json()["plate"],
        "orderId": "order-1",
    }


def test_a_vin_is_registered_once_per_country_not_once_overall() -> None:
    runtime = SimulatedRuntime(SEED)
    for country in ("ES", "FR"):
        attach(runtime, lambda rt, c=country: create_simulator(rt, c), "fast")
    assert register(runtime, "ES", body("ES", 1)).status == 201
    assert register(runtime, "FR", body("FR", 1)).status == 201


PATTERN = "String should match pattern"
OWNER_RULES = [
    ("ES", {"nationalId": "12345678A"}, "owner.nationalId: the check letter should be Z"),
    ("ES", {"nationalId": "X1234567T"}, "owner.nationalId: the check letter should be L"),
    ("ES", {"nationalId": "1234567Z"}, f"owner.nationalId: {PATTERN} '^([0-9]{{8}}|[XYZ][0-9]{{7}})[A-Z]$'"),
    ("ES", {"nationalId": None}, "owner.nationalId: Field required"),
    ("FR", {"dateOfBirth": None}, "owner.dateOfBirth: Field required"),
    ("FR", {"dateOfBirth": "1985-02-30"}, "owner.dateOfBirth: 1985-02-30 is not a calendar date"),
    (
        "FR",
        {"dateOfBirth": "12/04/1985"},
        f"owner.dateOfBirth: {PATTERN} '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'",
    ),
    ("FR", {"postalCode": "7500"}, f"owner.postalCode: {PATTERN} '^[0-9]{{5}}$'"),
    ("DE", {"postalCode": "1011A"}, f"owner.postalCode: {PATTERN} '^[0-9]{{5}}$'"),
    ("DE", {"city": "   "}, "owner.city: String should have at least 1 character"),
    ("DE", {"city": None}, "owner.city: Field required"),
    (
        "IT",
        {"codiceFiscale": "rssmra85t10a562s"},
        f"owner.codiceFiscale: {PATTERN} '^[A-Z]{{6}}[0-9]{{2}}[ABCDEHLMPRST][0-9]{{2}}[A-Z][0-9]{{3}}[A-Z]$'",
    ),
    (
        "IT",
        {"codiceFiscale": "RSSMRA85T10A562"},
        f"owner.codiceFiscale: {PATTERN} '^[A-Z]{{6}}[0-9]{{2}}[ABCDEHLMPRST][0-9]{{2}}[A-Z][0-9]{{3}}[A-Z]$'",
    ),
    ("PT", {"nif": "123456780"}, "owner.nif: the check digit should be 9"),
    ("PT", {"nif": "12345678"}, f"owner.nif: {PATTERN} '^[0-9]{{9}}$'"),
    ("PT", {"name": ""}, "owner.name: String should have at least 1 character"),
]


@pytest.mark.parametrize(("country", "changes", "detail"), OWNER_RULES)
def test_each_country_checks_its_owner_data(country: str, changes: dict[str, Any], detail: str) -> None:
    runtime = attached(country)
    owner = {k: v for k, v in {**OWNERS[country], **changes}.items() if v is not None}
    answer = register(runtime, country, body(country, owner=owner))
    assert (answer.status, answer.json()["detail"]) == (422, detail)
    state = send(runtime, country, HttpRequest("GET", "/__sandbox/state")).json()
    assert state["registration_count"] == 0


@pytest.mark.parametrize(
    ("country", "owner"),
    [
        ("ES", {"name": "Li Wei", "nationalId": "X1234567L"}),
        ("PT", {"name": "Ana Sousa", "nif": "500000000"}),
    ],
)
def test_other_valid_owner_forms_are_accepted(country: str, owner: dict[str, str]) -> None:
    assert register(attached(country), country, body(country, owner=owner)).status == 201


VIN_RULE = "vin: a VIN is 17 characters: digits and capitals other than I, O and Q"


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"vin": "SBXTEST000000000I"}, VIN_RULE),
        ({"vin": "SBXTESTO00000001"}, VIN_RULE),
        ({"vin": "SBXTEST00000000001"}, VIN_RULE),
        ({"vin": "sbxtest0000000001"}, VIN_RULE),
        ({"vin": "SBXTEST0000000001\n"}, VIN_RULE),
        ({"country": "FR"}, "country: Input should be 'ES'"),
        ({"orderId": " "}, "orderId: String should have at least 1 character"),
        ({"owner": None}, "owner: Field required"),
    ],
)
def test_vin_country_and_order_are_checked(changes: dict[str, Any], detail: str) -> None:
    payload = {k: v for k, v in {**body("ES"), **changes}.items() if v is not None}
    answer = register(attached("ES"), "ES", payload)
    assert (answer.status, answer.json()["detail"]) == (422, detail)


@pytest.mark.parametrize(
    ("headers", "detail", "challenge"),
    [
        ({}, "a bearer credential for the ES registry is required", 'Bearer realm="admin-es"'),
        (
            {"Authorization": "Basic YWRtaW4tZXM6eA=="},
            "a bearer credential for the ES registry is required",
            'Bearer realm="admin-es"',
        ),
        (
            auth("FR"),
            "the credential is not valid for the ES registry",
            'Bearer realm="admin-es", error="invalid_token"',
        ),
    ],
)
@pytest.mark.parametrize("transport", ["fast", "wire"])
def test_only_the_registry_own_credential_is_accepted(
    transport: str, headers: dict[str, str], detail: str, challenge: str
) -> None:
    runtime = attached("ES", transport)
    answer = register(runtime, "ES", body("ES"), headers)
    assert (answer.status, answer.json()["detail"]) == (401, detail)
    assert answer.header("WWW-Authenticate") == challenge


def test_a_configured_credential_replaces_the_sandbox_one() -> None:
    runtime = attached("DE", token="de-partner-secret")
    assert register(runtime, "DE", body("DE", 1)).status == 401
    assert register(runtime, "DE", body("DE", 2), {"Authorization": "Bearer de-partner-secret"}).status == 201


def test_an_outage_on_admin_fr_leaves_admin_es_unaffected() -> None:
    runtime = SimulatedRuntime(SEED)
    sims = {c: attach(runtime, lambda rt, c=c: create_simulator(rt, c), "wire") for c in ("ES", "FR")}
    fault = {"id": "fr-down", "error": {"status": 503}, "until_s": 60}
    added = send(runtime, "FR", HttpRequest("POST", "/__sandbox/faults", json=fault))
    assert (added.status, added.json()) == (
        201,
        {"id": "fr-down", "error": {"rate": 1.0, "status": 503}, "from_s": 0, "until_s": 60.0},
    )
    down = register(runtime, "FR", body("FR", 1))
    assert (down.status, down.json()["detail"], down.header("Retry-After")) == (
        503,
        "injected fault fr-down",
        "1",
    )
    assert register(runtime, "ES", body("ES", 1)).status == 201
    assert send(runtime, "ES", HttpRequest("GET", "/__sandbox/faults")).json() == {"faults": []}
    assert [(e.status, e.fault) for e in sims["FR"].journal.entries] == [(503, "fr-down")]
    assert [(e.status, e.fault) for e in sims["ES"].journal.entries] == [(201, None)]
    runtime.run(until=60)
    assert register(runtime, "FR", body("FR", 1)).status == 201


def test_a_fault_added_in_code_stays_with_its_registry() -> None:
    runtime = SimulatedRuntime(SEED)
    sims = create_simulators(runtime)
    sims["admin-pt"].faults.add(Fault(id="pt-down", error=ErrorSpec(status=502)))
    codes = {
        name: sim.handle(HttpRequest("POST", PATH, auth(name[-2:].upper()), json=body(name[-2:].upper())))
        for name, sim in sims.items()
    }
    assert {name: e.response.status for name, e in codes.items() if e.response} == {
        "admin-es": 201,
        "admin-fr": 201,
        "admin-de": 201,
        "admin-it": 201,
        "admin-pt": 502,
    }


def test_a_scheduled_outage_answers_503_until_it_ends_and_survives_reset() -> None:
    runtime = attached("ES", outages=[Outage(from_s=10, until_s=70)])
    assert register(runtime, "ES", body("ES", 1)).status == 201
    runtime.run(until=25)
    down = register(runtime, "ES", body("ES", 2))
    assert (down.status, down.json()["detail"], down.header("Retry-After")) == (
        503,
        "the ES registry is down for maintenance",
        "45",
    )
    assert send(runtime, "ES", HttpRequest("POST", "/__sandbox/reset")).status == 204
    assert register(runtime, "ES", body("ES", 2)).status == 503
    runtime.run(until=70)
    assert register(runtime, "ES", body("ES", 2)).status == 201


def test_state_lists_registrations_and_reset_replays_the_same_plates() -> None:
    runtime = attached("FR")
    first = register(runtime, "FR", body("FR", 1)).json()
    second = register(runtime, "FR", body("FR", 2)).json()
    state = send(runtime, "FR", HttpRequest("GET", "/__sandbox/state"))
    assert state.json() == {
        "simulator": "admin-fr",
        "time_s": 0,
        "epoch": SIMULATED_EPOCH,
        "country": "FR",
        "registration_count": 2,
        "registrations": [
            {"vin": vin(1), "plate": first["plate"], "registrationId": "REG-FR-000001", "orderId": "order-1"},
            {
                "vin": vin(2),
                "plate": second["plate"],
                "registrationId": "REG-FR-000002",
                "orderId": "order-2",
            },
        ],
    }
    assert send(runtime, "FR", HttpRequest("POST", "/__sandbox/reset")).status == 204
    cleared = send(runtime, "FR", HttpRequest("GET", "/__sandbox/state")).json()
    assert (cleared["registration_count"], cleared["registrations"]) == (0, [])
    assert register(runtime, "FR", body("FR", 1)).json() == first


def _script(transport: str) -> list[tuple[Any, ...]]:
    runtime = attached("ES", transport)
    requests = [
        HttpRequest("POST", PATH, auth("ES"), json=body("ES", 1)),
        HttpRequest("POST", PATH, auth("ES"), json=body("ES", 2)),
        HttpRequest("POST", PATH, auth("ES"), json=body("ES", 1)),
        HttpRequest("POST", PATH, auth("ES"), json=body("ES", 3, vin="SBXTEST000000000Q")),
        HttpRequest(
            "POST", PATH, auth("ES"), json=body("ES", 3, owner={"name": "x", "nationalId": "00000000A"})
        ),
        HttpRequest("POST", PATH, auth("ES"), json=[body("ES", 3)]),
        HttpRequest("POST", PATH, auth("FR"), json=body("ES", 3)),
        HttpRequest("POST", PATH, {}, json=body("ES", 3)),
        HttpRequest("POST", PATH, auth("ES")),
        HttpRequest("POST", "/__sandbox/faults", json={"route": f"POST {PATH}", "hang": {}, "first_n": 1}),
        HttpRequest("POST", PATH, auth("ES"), json=body("ES", 4)),
        HttpRequest("POST", PATH, auth("ES"), json=body("ES", 5)),
        HttpRequest("GET", "/__sandbox/state"),
        HttpRequest("GET", "/__sandbox/journal"),
    ]
    seen: list[tuple[Any, ...]] = []
    for request in requests:
        exchange: Exchange = runtime.transports["admin-es"].handle_request(request, None)
        answer = exchange.response
        seen.append(
            (
                exchange.outcome,
                exchange.latency,
                answer and answer.status,
                answer and answer.json(),
                answer and answer.header("WWW-Authenticate"),
            )
        )
    return seen


def test_fast_and_wire_give_identical_exchanges() -> None:
    fast, wire = _script("fast"), _script("wire")
    assert [s[2] for s in fast] == [201, 201, 409, 422, 422, 422, 401, 401, 400, 201, None, 201, 200, 200]
    assert fast[10][0] == "hang"
    assert fast == wire


OPENAPI_PATHS = {
    "/": ["get"],
    PATH: ["post"],
    "/__sandbox/faults": ["get", "post", "delete"],
    "/__sandbox/faults/{fault_id}": ["delete"],
    "/__sandbox/journal": ["get"],
    "/__sandbox/state": ["get"],
    "/__sandbox/reset": ["post"],
    "/__sandbox/provider-states": ["post"],
    "/openapi.json": ["get"],
}
OWNER_FIELDS = {
    "ES": ["name", "nationalId"],
    "FR": ["name", "dateOfBirth", "postalCode"],
    "DE": ["name", "postalCode", "city"],
    "IT": ["name", "codiceFiscale"],
    "PT": ["name", "nif"],
}
TITLES = {
    "ES": "Admin registration simulator: Spain (DGT)",
    "FR": "Admin registration simulator: France (ANTS)",
    "DE": "Admin registration simulator: Germany (KBA)",
    "IT": "Admin registration simulator: Italy (ACI-PRA)",
    "PT": "Admin registration simulator: Portugal (IMT)",
}


@pytest.mark.parametrize("country", COUNTRIES)
def test_openapi_documents_every_route(country: str) -> None:
    runtime = SimulatedRuntime(SEED)
    simulator = attach(runtime, lambda rt: create_simulator(rt, country), "wire")
    document = send(runtime, country, HttpRequest("GET", "/openapi.json")).json()
    assert document["info"]["title"] == TITLES[country]
    assert {path: list(ops) for path, ops in document["paths"].items()} == OPENAPI_PATHS
    register_op = document["paths"][PATH]["post"]
    assert register_op["security"] == [{"bearer": []}]
    assert sorted(register_op["responses"]) == ["201", "400", "401", "405", "409", "422", "503"]
    request_name = f"{country.title()}RegistrationRequest"
    schema = register_op["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": f"#/components/schemas/{request_name}"}
    schemas = document["components"]["schemas"]
    assert schemas[request_name]["properties"]["country"]["const"] == country
    assert schemas[request_name]["properties"]["vin"]["pattern"] == "^[A-HJ-NPR-Z0-9]{17}$"
    assert schemas[f"{country.title()}Owner"]["required"] == OWNER_FIELDS[country]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert [r.key for r in simulator.routes if not (r.summary and r.answers)] == []


def test_create_simulators_builds_one_registry_per_country() -> None:
    runtime = SimulatedRuntime(SEED)
    sims = create_simulators(runtime, {"DE": AdminConfig(token="de-partner-secret")})
    assert list(sims) == ["admin-es", "admin-fr", "admin-de", "admin-it", "admin-pt"]
    assert [sim.name for sim in sims.values()] == list(sims)
    assert [sim.model.token for sim in sims.values()] == [  # type: ignore[attr-defined]
        "admin-es-sandbox-token",
        "admin-fr-sandbox-token",
        "de-partner-secret",
        "admin-it-sandbox-token",
        "admin-pt-sandbox-token",
    ]
    assert len({id(sim.faults) for sim in sims.values()}) == 5
    with pytest.raises(ValueError, match=r"^no admin registry for country 'NL'; known: ES, FR, DE, IT, PT$"):
        create_simulator(runtime, "NL")


def test_create_app_serves_the_country_simulator() -> None:
    app = create_app(SimulatedRuntime(SEED), "it")
    simulator: Simulator = app.extensions["simulator"]
    assert (simulator.name, simulator.title) == ("admin-it", TITLES["IT"])
    answer = app.test_client().post(PATH, json=body("IT"), headers=auth("IT"))
    assert (answer.status_code, answer.get_json()["registrationId"]) == (201, "REG-IT-000001")
