"""The IoT API simulator: signed requests, command timelines over the vehicle network, fast = wire."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from caas_core.signing import iot_headers, sign_iot_request
from httpkit.messages import HttpRequest, HttpResponse
from runtimes.simulated import SIMULATED_EPOCH, SimulatedRuntime
from scenarios.wiring import TRANSPORTS, attach
from simulators.iot import IotConfig, LinkConfig, create_simulator
from simulators.kit.distributions import Fixed, Lognormal, Pareto
from simulators.kit.service import Simulator

HEALTHY, LAPSED, ASLEEP, FAULTY = (
    "SBXHEALTHY0000001",
    "SBXLAPSED00000001",
    "SBXASLEEP00000001",
    "SBXFAULTY00000001",
)
EPOCH_ISO = "2026-01-01T00:00:"
ACTIVATION = {"serviceActivation": {"serviceId": "heated-seats", "config": {"level": 2}}}
# Every delay fixed: transit 2 s, processing 30 s.
FIXED = IotConfig(transit=Fixed(s=2), processing=Fixed(s=30))
# Fleet vehicles start offline for 600 s, then come online for 60 s, offline 600 s, and so on.
BLINKING = LinkConfig(
    online=Fixed(s=60),
    offline=Fixed(s=600),
    sleep_share=0.0,
    start_online=0.0,
)


class Client:
    """Signs and sends requests to the IoT simulator behind a simulated runtime."""

    def __init__(self, transport: str, config: IotConfig = FIXED, seed: int = 7) -> None:
        self.runtime = SimulatedRuntime(seed)
        self.config = config
        self.sim: Simulator = attach(self.runtime, lambda rt: create_simulator(rt, config), transport)  # type: ignore[arg-type]

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        skew: int = 0,
        headers: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A signed request; `headers` replace signed ones, and a None value removes one."""
        unsigned = HttpRequest(method, path, json=body)
        timestamp = int(self.runtime.epoch + self.runtime.now()) + skew
        sent = iot_headers(
            self.config.key_id, self.config.psk, timestamp, method, path, unsigned.body_bytes()
        )
        sent = {k: v for k, v in (sent | (headers or {})).items() if v is not None}
        exchange = self.runtime.transports["iot"].handle_request(
            HttpRequest(method, path, sent, json=body), None
        )
        assert exchange.response is not None
        return exchange.response

    def configure(self, vin: str, body: Any = ACTIVATION) -> HttpResponse:
        return self.call("POST", f"/api/iot/vehicles/{vin}/configure", body)

    def command(self, vin: str, command_id: str) -> dict[str, Any]:
        return self.call("GET", f"/api/iot/vehicles/{vin}/commands/{command_id}").json()

    def status(self, vin: str) -> dict[str, Any]:
        return self.call("GET", f"/api/iot/vehicles/{vin}/status").json()

    def at(self, t: float) -> Client:
        if t > self.runtime.now():  # SimPy refuses to run to the present
            self.runtime.run(until=t)
        return self

    def sandbox(self, method: str, path: str) -> HttpResponse:
        exchange = self.runtime.transports["iot"].handle_request(HttpRequest(method, path), None)
        assert exchange.response is not None
        return exchange.response

    def progress(self, vin: str, command_id: str, times: list[float]) -> list[tuple[str, str]]:
        seen = []
        for t in times:
            view = self.at(t).command(vin, command_id)
            seen.append((view["status"], view["updatedAt"]))
        return seen


def test_signature_matches_an_independent_hmac() -> None:
    # Computed with `openssl dgst -sha256 -hmac`, not with the code under test.
    path = f"/api/iot/vehicles/{HEALTHY}/status"
    assert sign_iot_request("iot-sandbox-psk-3f9a1c", 1767225600, "GET", path, b"") == (
        "1b73fb3fb57c7900a224b6e05c050f76e151ce9dc40d65252e1afb5d908227c7"
    )
    body = HttpRequest("POST", "/", json=ACTIVATION).body_bytes()
    assert body == b'{"serviceActivation":{"config":{"level":2},"serviceId":"heated-seats"}}'
    assert sign_iot_request(
        "iot-sandbox-psk-3f9a1c", "1767225600", "post", path.replace("status", "configure"), body
    ) == ("25c2dd6eaba1b5b54a508ce7287db4f004140bc5dec3fc8abe06dcdf46fa6770")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_signed_request_is_accepted(transport: str) -> None:
    client = Client(transport)
    answer = client.call("GET", f"/api/iot/vehicles/{HEALTHY}/status")
    assert answer.status == 200
    assert answer.json() == {
        "vin": HEALTHY,
        "online": True,
        "lastContact": EPOCH_ISO + "00.000Z",
        "telemetry": {
            "odometerKm": 5345.7,
            "batteryVoltage": 12.46,
            "firmwareVersion": "5.0.1",
            "connectivity": "ONLINE",
        },
        "activeServices": [],
    }
    assert client.call("GET", f"/api/iot/vehicles/{HEALTHY}/status", skew=300).status == 200
    assert client.call("GET", f"/api/iot/vehicles/{HEALTHY}/status", skew=-300).status == 200


UNSIGNED = {"X-IoT-Key-Id": None, "X-IoT-Timestamp": None, "X-IoT-Signature": None}
STALE = "X-IoT-Timestamp is {} s from the server clock; at most 300 s allowed"
REFUSALS = {
    "unsigned": (
        {"headers": UNSIGNED},
        "sign the request: X-IoT-Key-Id, X-IoT-Timestamp and X-IoT-Signature are required",
    ),
    "bad signature": ({"headers": {"X-IoT-Signature": "0" * 64}}, "the signature does not match the request"),
    "unknown key id": ({"headers": {"X-IoT-Key-Id": "someone-else"}}, "unknown key id 'someone-else'"),
    "stale": ({"skew": 301}, STALE.format("+301")),
    "from the past": ({"skew": -301}, STALE.format("-301")),
    "not seconds": (
        {"headers": {"X-IoT-Timestamp": "2026-01-01T00:00:00Z"}},
        "X-IoT-Timestamp must be Unix seconds",
    ),
}


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("case", REFUSALS)
def test_unauthentic_requests_are_refused(transport: str, case: str) -> None:
    options, detail = REFUSALS[case]
    client = Client(transport)
    answer = client.call("POST", f"/api/iot/vehicles/{HEALTHY}/configure", ACTIVATION, **options)
    assert (answer.status, answer.header("Content-Type")) == (401, "application/problem+json")
    assert answer.header("WWW-Authenticate") == 'IoT-HMAC realm="iot"'
    assert answer.json() == {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": detail}
    assert client.sim.model.state()["commands_total"] == 0
    assert client.sim.model.state()["auth_rejections"] == 1


def test_tampered_body_is_refused() -> None:
    client = Client("fast")
    path = f"/api/iot/vehicles/{HEALTHY}/configure"
    headers = iot_headers("caas-sandbox", FIXED.psk, int(client.runtime.epoch), "POST", path, b"{}")
    answer = client.runtime.transports["iot"].handle_request(
        HttpRequest("POST", path, headers, json=ACTIVATION), None
    )
    assert answer.response is not None and answer.response.status == 401


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_configure_answers_202_with_a_command(transport: str) -> None:
    client = Client(transport)
    answer = client.configure(HEALTHY)
    command_id = answer.json()["commandId"]
    assert answer.status == 202
    assert answer.json() == {
        "commandId": command_id,
        "status": "PENDING",
        "acceptedAt": EPOCH_ISO + "00.000Z",
    }
    assert answer.header("Location") == f"/api/iot/vehicles/{HEALTHY}/commands/{command_id}"
    assert command_id == "7049aa26-2b18-478b-bacd-73bb1812d066"  # drawn from the seed's id stream


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_healthy_command_goes_pending_in_progress_completed(transport: str) -> None:
    client = Client(transport)
    command_id = client.configure(HEALTHY).json()["commandId"]
    assert client.progress(HEALTHY, command_id, [1.9, 2.1, 31.9, 32.1]) == [
        ("PENDING", EPOCH_ISO + "00.000Z"),
        ("IN_PROGRESS", EPOCH_ISO + "02.000Z"),
        ("IN_PROGRESS", EPOCH_ISO + "02.000Z"),
        ("COMPLETED", EPOCH_ISO + "32.000Z"),
    ]
    assert client.command(HEALTHY, command_id) == {
        "commandId": command_id,
        "vin": HEALTHY,
        "serviceId": "heated-seats",
        "status": "COMPLETED",
        "createdAt": EPOCH_ISO + "00.000Z",
        "updatedAt": EPOCH_ISO + "32.000Z",
    }
    assert client.status(HEALTHY)["activeServices"] == [
        {
            "serviceId": "heated-seats",
            "config": {"level": 2},
            "activatedAt": EPOCH_ISO + "32.000Z",
            "commandId": command_id,
        }
    ]


@pytest.mark.parametrize(
    ("vin", "outcome", "services"),
    [(FAULTY, ("FAILED", "ECU_REJECTED"), 0), (LAPSED, ("COMPLETED", None), 1)],
)
def test_faulty_vehicle_fails_and_lapsed_vehicle_activates(
    vin: str, outcome: tuple[str, Any], services: int
) -> None:
    client = Client("fast")
    command_id = client.configure(vin).json()["commandId"]
    view = client.at(40).command(vin, command_id)
    assert (view["status"], view.get("failureReason"), view["updatedAt"]) == (*outcome, EPOCH_ISO + "32.000Z")
    assert len(client.status(vin)["activeServices"]) == services


def test_asleep_command_stays_pending_after_a_day() -> None:
    client = Client("fast")
    command_id = client.configure(ASLEEP).json()["commandId"]
    view = client.at(86_400 + 1).command(ASLEEP, command_id)
    assert (view["status"], view["updatedAt"]) == ("PENDING", EPOCH_ISO + "00.000Z")
    status = client.status(ASLEEP)
    assert (status["online"], status["lastContact"], status["telemetry"]["connectivity"]) == (
        False,
        "2025-12-29T00:00:00.000Z",
        "SLEEPING",
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_offline_vehicle_receives_the_command_when_it_comes_back(transport: str) -> None:
    client = Client(transport, FIXED.model_copy(update={"link": BLINKING}))
    vin = client.sim.model.fleet.vin(4)
    status = client.at(10).status(vin)
    assert (status["online"], status["lastContact"], status["telemetry"]["connectivity"]) == (
        False,
        EPOCH_ISO + "00.000Z",
        "OFFLINE",
    )
    command_id = client.configure(vin).json()["commandId"]
    assert client.progress(vin, command_id, [601, 603, 631, 633]) == [
        ("PENDING", EPOCH_ISO + "10.000Z"),
        ("IN_PROGRESS", "2026-01-01T00:10:02.000Z"),
        ("IN_PROGRESS", "2026-01-01T00:10:02.000Z"),
        ("COMPLETED", "2026-01-01T00:10:32.000Z"),
    ]
    assert client.at(665).status(vin)["lastContact"] == "2026-01-01T00:11:00.000Z"  # offline since 660


def test_message_lost_when_the_link_drops_is_resent_in_the_next_online_period() -> None:
    config = FIXED.model_copy(update={"link": BLINKING, "transit": Fixed(s=50)})
    client = Client("fast", config)
    vin = client.sim.model.fleet.vin(5)
    command_id = client.at(630).configure(vin).json()["commandId"]  # 630 + 50 > 660: lost
    assert client.progress(vin, command_id, [1309, 1311]) == [
        ("PENDING", "2026-01-01T00:10:30.000Z"),
        ("IN_PROGRESS", "2026-01-01T00:21:50.000Z"),  # resent at 1260, arrived at 1310
    ]


def test_command_that_never_fits_an_online_period_fails_unreachable() -> None:
    config = FIXED.model_copy(update={"link": BLINKING, "transit": Fixed(s=70), "max_delivery_attempts": 3})
    client = Client("fast", config)
    vin = client.sim.model.fleet.vin(6)
    command_id = client.configure(vin).json()["commandId"]
    view = client.at(2_000).command(vin, command_id)  # online 600-660, 1260-1320, 1920-1980
    assert (view["status"], view["updatedAt"], view["failureReason"]) == (
        "FAILED",
        "2026-01-01T00:33:00.000Z",
        "VEHICLE_UNREACHABLE",
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_not_found(transport: str) -> None:
    client = Client(transport)
    command_id = client.configure(HEALTHY).json()["commandId"]
    cases = {
        "/api/iot/vehicles/NOTAVEHICLE000000/status": "no vehicle with VIN NOTAVEHICLE000000",
        f"/api/iot/vehicles/{LAPSED}/commands/{command_id}": f"no command {command_id} for vehicle {LAPSED}",
        f"/api/iot/vehicles/{HEALTHY}/commands/nope": f"no command nope for vehicle {HEALTHY}",
    }
    for path, detail in cases.items():
        answer = client.call("GET", path)
        assert (answer.status, answer.json()["detail"]) == (404, detail)
    answer = client.configure("NOTAVEHICLE000000")
    assert (answer.status, answer.json()["detail"]) == (404, "no vehicle with VIN NOTAVEHICLE000000")


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"serviceActivation": {"config": {}}}, "serviceActivation.serviceId: Field required"),
        (
            {"serviceActivation": {"serviceId": "x", "config": 3}},
            "serviceActivation.config: Input should be an object",
        ),
        (
            {"serviceActivation": {"serviceId": "", "config": {}}},
            "serviceActivation.serviceId: String should have at least 1 character",
        ),
        ({"activation": {}}, "serviceActivation: Field required"),
    ],
)
def test_bad_body_is_422_naming_the_field(transport: str, body: Any, detail: str) -> None:
    answer = Client(transport).configure(HEALTHY, body)
    assert (answer.status, answer.header("Content-Type"), answer.json()["detail"]) == (
        422,
        "application/problem+json",
        detail,
    )


def _script(transport: str, seed: int) -> list[Any]:
    """A day of mixed traffic on fleet vehicles under the default, random network."""
    client = Client(transport, IotConfig(), seed)
    vins = [client.sim.model.fleet.vin(i) for i in range(4, 24)]
    ids = [(vin, client.at(60 * i).configure(vin).json()["commandId"]) for i, vin in enumerate(vins)]
    seen: list[Any] = []
    for t in (600, 3_600, 6 * 3_600, 86_400):
        client.at(t)
        seen += [client.command(vin, command_id) for vin, command_id in ids]
        seen += [client.status(vin) for vin in vins[:5]]
    return [*seen, client.sim.model.state()]


def test_fast_and_wire_give_the_same_timeline() -> None:
    assert _script("fast", 3) == _script("wire", 3)


def test_same_seed_same_timeline_and_another_seed_another() -> None:
    first = _script("fast", 3)
    assert first == _script("fast", 3)
    assert first != _script("fast", 4)
    # Seed 3's day: one fleet vehicle in twenty fails (failure_rate 0.03), every other command completes.
    assert first[-1] == {
        "fleet_size": 1_000,
        "commands": {"PENDING": 0, "IN_PROGRESS": 0, "COMPLETED": 19, "FAILED": 1},
        "commands_total": 20,
        "active_services": 19,
        "vehicles_tracked": 20,
        "auth_rejections": 0,
    }


def test_a_vehicles_link_does_not_depend_on_other_traffic() -> None:
    quiet, busy = Client("fast", IotConfig()), Client("fast", IotConfig())
    vin = quiet.sim.model.fleet.vin(9)
    for i in range(10, 30):
        busy.at(i * 100).status(busy.sim.model.fleet.vin(i))
    assert quiet.at(20_000).status(vin) == busy.at(20_000).status(vin)


def test_state_counts_commands_and_reset_clears_them() -> None:
    client = Client("fast")
    client.configure(HEALTHY)
    client.configure(FAULTY)
    client.configure(ASLEEP)
    client.at(10)
    assert client.sandbox("GET", "/__sandbox/state").json() == {
        "simulator": "iot",
        "time_s": 10,
        "epoch": SIMULATED_EPOCH,
        "fleet_size": 1_000,
        "commands": {"PENDING": 1, "IN_PROGRESS": 2, "COMPLETED": 0, "FAILED": 0},
        "commands_total": 3,
        "active_services": 0,
        "vehicles_tracked": 3,
        "auth_rejections": 0,
    }
    assert client.sandbox("POST", "/__sandbox/reset").status == 204
    client.at(100)  # the callbacks of forgotten commands change nothing
    state = client.sandbox("GET", "/__sandbox/state").json()
    assert (state["commands"], state["commands_total"], state["active_services"]) == (
        {"PENDING": 0, "IN_PROGRESS": 0, "COMPLETED": 0, "FAILED": 0},
        0,
        0,
    )


def test_a_large_fleet_costs_nothing_until_asked() -> None:
    client = Client("fast", IotConfig(fleet_size=100_000))
    assert client.sim.model.state()["vehicles_tracked"] == 0
    assert client.status(client.sim.model.fleet.vin(99_999))["vin"][11:] == "099999"
    assert client.sim.model.state()["vehicles_tracked"] == 1


def test_heavy_tailed_delays_are_drawn_and_bounded_below() -> None:
    pareto = Pareto(scale_s=1.5, alpha=1.2)
    # The inverse CDF, scale / (1 - u) ** (1 / alpha): u = 0 is the bound, never below it.
    uniforms = iter([0.0, 1 - 0.5**1.2, 1 - 2**-12])
    scripted = SimpleNamespace(random=lambda: next(uniforms))
    assert [pareto.sample(scripted) for _ in range(3)] == [1.5, pytest.approx(3.0), pytest.approx(1536.0)]
    rng = SimulatedRuntime(1).stream("test")
    draws = [pareto.sample(rng) for _ in range(1_000)]
    assert round(min(draws), 6) == 1.500261
    # P(X > x) = (1.5 / x) ** 1.2: about 435 of 1000 above 3 s and 63 above 15 s.
    assert (sum(d > 3 for d in draws), sum(d > 15 for d in draws)) == (431, 65)
    assert pareto.mean == pytest.approx(9.0)
    assert Lognormal(p50_s=2, p99_s=2).mean == 2
    with pytest.raises(ValueError, match="p99_s must be at least p50_s"):
        Lognormal(p50_s=5, p99_s=2)


def test_openapi_documents_every_route_with_its_security() -> None:
    client = Client("wire")
    document = client.sandbox("GET", "/openapi.json").json()
    assert {(path, m.upper()) for path, ops in document["paths"].items() for m in ops} == {
        (r.template, r.method) for r in client.sim.routes
    }
    signed = [{"iotKeyId": [], "iotTimestamp": [], "iotSignature": []}]
    expected = {
        ("/api/iot/vehicles/{vin}/configure", "post"): {"202", "400", "401", "404", "405", "422"},
        ("/api/iot/vehicles/{vin}/status", "get"): {"200", "401", "404", "405"},
        ("/api/iot/vehicles/{vin}/commands/{commandId}", "get"): {"200", "401", "404", "405"},
    }
    for (path, method), statuses in expected.items():
        operation = document["paths"][path][method]
        assert set(operation["responses"]) == statuses
        assert operation["security"] == signed
        assert operation["summary"]
    configure = document["paths"]["/api/iot/vehicles/{vin}/configure"]["post"]
    assert configure["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ConfigureRequest"
    }
    schemes = document["components"]["securitySchemes"]
    assert {name: s["name"] for name, s in schemes.items()} == {
        "iotKeyId": "X-IoT-Key-Id",
        "iotTimestamp": "X-IoT-Timestamp",
        "iotSignature": "X-IoT-Signature",
    }


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_configure_repeated_with_its_idempotency_key_is_the_same_command(transport):
    client = Client(transport)
    path = f"/api/iot/vehicles/{HEALTHY}/configure"
    keyed = {"Idempotency-Key": "pur_000001:activate:1"}
    first = client.call("POST", path, ACTIVATION, headers=keyed)
    again = client.at(5).call("POST", path, ACTIVATION, headers=keyed)
    assert (first.status, again.status) == (202, 202)
    assert again.json() == first.json()  # the command it already made, accepted when it was
    assert len(client.sim.model.commands) == 1
    other = client.call("POST", path, {"serviceActivation": {"serviceId": "x", "config": {}}}, headers=keyed)
    assert (other.status, other.json()["detail"]) == (
        422,
        "this Idempotency-Key was already used with a different command",
    )
    fresh = client.call("POST", path, ACTIVATION, headers={"Idempotency-Key": "pur_000001:activate:2"})
    assert fresh.json()["commandId"] != first.json()["commandId"]
    too_long = client.call("POST", path, ACTIVATION, headers={"Idempotency-Key": "k" * 256})
    assert (too_long.status, too_long.json()["detail"]) == (
        400,
        "an Idempotency-Key header has 1 to 255 characters",
    )
    assert len(client.sim.model.commands) == 2
