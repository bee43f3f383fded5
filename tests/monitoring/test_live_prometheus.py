"""A real Prometheus scrapes a running `caas-sandbox serve` and fires the open-circuit alert when the IoT
API is broken on purpose: the rules work where operators run them, not only in simulated time."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers.serving import free_port_base, start_serve

PROMETHEUS = Path(__file__).resolve().parents[2] / "monitoring" / "prometheus"
pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        shutil.which("prometheus") is None, reason="prometheus not found: apt-get install prometheus"
    ),
]
TOKENS = {
    "CAAS_SANDBOX_TOKEN": "prometheus-test-api",
    "CAAS_SANDBOX_OPERATOR_TOKEN": "prometheus-test-operator",
}
PURCHASE = {"vin": "SBXHEALTHY0000001", "serviceId": "enhanced-power", "cardToken": "tok_success"}


def firing(prometheus: str) -> list[tuple[str, str]]:
    alerts = httpx.get(f"{prometheus}/api/v1/alerts", timeout=5).json()["data"]["alerts"]
    return sorted((a["labels"]["alertname"], a["labels"]["system"]) for a in alerts if a["state"] == "firing")


@pytest.mark.long
def test_prometheus_fires_the_circuit_alert_when_the_iot_api_breaks(tmp_path):
    base = free_port_base()
    serve, listing = start_serve("--speed", "20", "--port-base", str(base), env=TOKENS)
    config = tmp_path / "prometheus.yml"
    config.write_text(
        (PROMETHEUS / "prometheus.yml")
        .read_text()
        .replace("15s", "1s")
        .replace("alerts.yml", str(PROMETHEUS / "alerts.yml"))
        .replace("127.0.0.1:8100", f"127.0.0.1:{base}")
    )
    port = free_port_base()  # the sandbox is up: its ports are taken
    prometheus = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}"
    try:
        fault = {"route": "POST /api/iot/vehicles/{vin}/configure", "error": {"status": 503, "rate": 1.0}}
        assert (
            httpx.post(f"{listing['iot']['url']}/__sandbox/faults", json=fault, timeout=5).status_code == 201
        )
        deadline = time.monotonic() + 60
        seen: list[tuple[str, str]] = []
        while time.monotonic() < deadline and ("IntegrationCircuitOpen", "iot") not in seen:
            bought = httpx.post(
                f"{listing['core']['url']}/api/purchases",
                json=PURCHASE,
                headers={"Authorization": f"Bearer {TOKENS['CAAS_SANDBOX_TOKEN']}"},
                timeout=5,
            )
            assert bought.status_code == 202, bought.text
            time.sleep(0.5)
            try:
                seen = firing(api)
            except httpx.HTTPError:
                continue  # Prometheus still starting
        assert ("IntegrationCircuitOpen", "iot") in seen
        targets = httpx.get(f"{api}/api/v1/targets", timeout=5).json()["data"]["activeTargets"]
        assert [(t["labels"]["job"], t["health"]) for t in targets] == [("caas-core", "up")]
    finally:
        for process in (prometheus, serve):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
