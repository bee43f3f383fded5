"""`caas-sandbox serve` as a user starts it: a real process, real sockets, a clean stop on SIGTERM."""

from __future__ import annotations

import base64
import signal
import socket
import time

import httpx
import pytest

from caas_core.signing import iot_headers
from tests.helpers.cli import run_cli
from tests.helpers.serving import free_port_base, start_serve
from tests.helpers.world import OWNERS, SPEC

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def served():
    base = free_port_base()
    process, listing = start_serve("--port-base", str(base), "--seed", "7")
    yield process, base, listing
    if process.poll() is None:
        process.kill()


def test_the_json_line_lists_every_system_on_its_port(served):
    _, base, listing = served
    assert {name: entry["url"] for name, entry in listing.items()} == {
        name: f"http://127.0.0.1:{base + offset}"
        for offset, name in enumerate(["core", "factory", "vss", "iot", "payment", "admin"])
    }
    assert listing["vss"]["client_id"] == "caas-sandbox"
    assert listing["admin"]["tokens"]["ES"] == "admin-es-sandbox-token"
    assert set(listing["admin"]["countries"]) == {"ES", "FR", "DE", "IT", "PT"}


def test_every_system_answers_with_its_sandbox_credentials(served):
    _, _, s = served
    with httpx.Client(timeout=10) as http:
        basic = base64.b64encode(f"{s['vss']['client_id']}:{s['vss']['client_secret']}".encode()).decode()
        token = http.post(
            f"{s['vss']['url']}/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        ).json()["access_token"]
        vss = http.get(
            f"{s['vss']['url']}/api/v2/vehicles/SBXLAPSED00000001/maintenance",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert (vss.status_code, vss.json()["status"]) == (200, "OVERDUE")

        order = http.post(
            f"{s['factory']['url']}/api/v1/orders",
            json={"vehicleSpec": SPEC, "customerReference": "cust-1"},
            headers={"X-API-Key": s["factory"]["api_key"]},
        )
        assert (order.status_code, order.json()["status"]) == (201, "ACCEPTED")

        path = "/api/iot/vehicles/SBXHEALTHY0000001/status"
        signed = iot_headers(s["iot"]["key_id"], s["iot"]["psk"], int(time.time()), "GET", path, "")
        iot = http.get(f"{s['iot']['url']}{path}", headers=signed)
        assert (iot.status_code, iot.json()["online"]) == (200, True)

        body = {"amount": 1999, "currency": "EUR", "cardToken": "tok_declined", "purchaseId": "pur-1"}
        payment = http.post(
            f"{s['payment']['url']}/api/payments/authorize",
            json=body,
            headers={"Authorization": f"Bearer {s['payment']['api_key']}", "Idempotency-Key": "k1"},
        )
        assert (payment.status_code, payment.json()["status"]) == (200, "DECLINED")

        registration = http.post(
            f"{s['admin']['countries']['ES']}/api/registration/vehicles",
            json={
                "vin": "SBXHEALTHY0000001",
                "country": "ES",
                "orderId": "ord_000001",
                "owner": OWNERS["ES"],
            },
            headers={"Authorization": f"Bearer {s['admin']['tokens']['ES']}"},
        )
        assert (registration.status_code, registration.json()["country"]) == (201, "ES")


def test_sigterm_stops_it_cleanly_after_logging_what_it_refused(served):
    process, base, listing = served
    unsigned = httpx.post(f"{listing['core']['url']}/webhooks/payment/settlement", json={}, timeout=10)
    assert unsigned.status_code == 400
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    logged = process.stderr.read().strip()
    assert logged.endswith("stopped")
    # The operator sees each refusal at the chosen level (a simulated run's terminal shows none).
    assert "refused a payment webhook from 127.0.0.1: missing_headers (400)" in logged
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{base + 2}/openapi.json", timeout=2)


def test_ports_in_use_are_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # The port taken is the base, the first the sandbox binds (its core's): a base below it would
        # need the ports between to be free, which another test or process may have taken meanwhile.
        result = run_cli("serve", "--port-base", str(port), timeout=60)
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: cannot listen on port {port} (core): Address already in use; choose another --port-base "
        f"(the sandbox takes ports {port}-{port + 5})\n",
    )


def test_a_database_that_cannot_be_opened_is_one_clear_line(tmp_path):
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("hello")
    result = run_cli("serve", "--port-base", str(free_port_base()), "--database", str(not_sqlite), timeout=60)
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: cannot use {not_sqlite} as the core's database: file is not a database\n",
    )
