"""Simulator throughput and latency fidelity under `caas-sandbox serve` (figures in bench/README.md).

    .venv/bin/python bench/bench_simulators.py

1. overhead: a VSS maintenance route under serve against a bare Flask route under the same waitress
   settings, same load generator, same run (target: at least 70 %);
2. injected latency: a fixed 50 ms on that route, 100 concurrent clients (target: at least 50 % of
   100 / 0.05 s = 2,000 requests/s);
3. fidelity: a lognormal with p50 200 ms and p99 2 s, 2,000 requests from 50 clients; the measured p50 and
   p99 against the configuration and against the draws the simulator made (target: within 5 % + 2 ms).
"""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import percentile, run_load

ROUTE = "GET /api/v2/vehicles/{vin}/maintenance"
PATH = "/api/v2/vehicles/SBXHEALTHY0000001/maintenance"


def free_base() -> int:
    for base in range(30_000, 60_000, 101):
        try:
            for port in range(base, base + 7):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def vss_token(vss: dict[str, str]) -> dict[str, str]:
    """A bearer header from the VSS sandbox's OAuth client credentials, as `serve --json` lists them."""
    token = httpx.post(
        f"{vss['url']}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(vss["client_id"], vss["client_secret"]),
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def main() -> None:
    base = free_base()
    serve = subprocess.Popen(
        [sys.executable, "-m", "caas_sandbox", "serve", "--json", "--port-base", str(base), "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    bare_port = base + 6
    bare = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_app.py")), str(bare_port)])
    try:
        listing = json.loads(serve.stdout.readline())
        vss = listing["vss"]["url"]
        vss_port = int(vss.rsplit(":", 1)[1])
        wait_for(f"http://127.0.0.1:{bare_port}{PATH}")
        auth = vss_token(listing["vss"])
        # The route's own latency model would dominate; measure the server itself with zero latency.
        httpx.post(f"{vss}/__sandbox/faults", json={"route": ROUTE, "latency": {"dist": "fixed", "ms": 0}})
        results: dict[str, object] = {}

        run_load(bare_port, PATH, concurrency=20, requests=2_000)  # warm both up
        run_load(vss_port, PATH, headers=auth, concurrency=20, requests=2_000)
        bare_run = run_load(bare_port, PATH, concurrency=20, requests=30_000, max_seconds=10)
        sim_run = run_load(vss_port, PATH, headers=auth, concurrency=20, requests=30_000, max_seconds=10)
        results["overhead"] = {
            "bare_rps": round(bare_run.throughput),
            "simulator_rps": round(sim_run.throughput),
            "ratio": round(sim_run.throughput / bare_run.throughput, 3),
            "statuses": {"bare": bare_run.statuses, "simulator": sim_run.statuses},
            "target": ">= 0.70",
        }

        httpx.delete(f"{vss}/__sandbox/faults")
        httpx.post(f"{vss}/__sandbox/faults", json={"route": ROUTE, "latency": {"dist": "fixed", "ms": 50}})
        fixed = run_load(vss_port, PATH, headers=auth, concurrency=100, requests=20_000, max_seconds=10)
        results["fixed_50ms_100_clients"] = {
            "rps": round(fixed.throughput),
            "ideal_rps": 2000,
            "ratio": round(fixed.throughput / 2000, 3),
            "p50_ms": round(fixed.percentile(50) * 1000, 1),
            "statuses": fixed.statuses,
            "target": ">= 0.50",
        }

        # A reset clears the faults, the journal (so it holds only this run's draws) and the tokens.
        httpx.post(f"{vss}/__sandbox/reset")
        httpx.post(
            f"{vss}/__sandbox/faults",
            json={"route": ROUTE, "latency": {"dist": "lognormal", "p50_ms": 200, "p99_ms": 2000}},
        )
        auth = vss_token(listing["vss"])
        logn = run_load(vss_port, PATH, headers=auth, concurrency=50, requests=2_000, max_seconds=120)
        drawn = [
            e["latency_s"]
            for e in httpx.get(f"{vss}/__sandbox/journal", params={"route": ROUTE}).json()["entries"]
        ]
        measured = {p: logn.percentile(p) * 1000 for p in (50, 99)}
        sampled = {p: percentile(drawn, p) * 1000 for p in (50, 99)}
        configured = {50: 200.0, 99: 2000.0}
        results["lognormal_fidelity"] = {
            "requests": logn.requests,
            "measured_ms": {f"p{p}": round(v, 1) for p, v in measured.items()},
            "drawn_ms": {f"p{p}": round(v, 1) for p, v in sampled.items()},
            "configured_ms": {"p50": 200, "p99": 2000},
            "measured_vs_configured": {
                f"p{p}": abs(measured[p] - configured[p]) <= 0.05 * configured[p] + 2 for p in (50, 99)
            },
            "measured_vs_drawn": {
                f"p{p}": abs(measured[p] - sampled[p]) <= 0.05 * sampled[p] + 2 for p in (50, 99)
            },
            "p99_sampling_se_pct": round(100 * p99_relative_se(len(drawn)), 1),
        }
        print(json.dumps(results, indent=2))
    finally:
        serve.terminate()
        bare.terminate()
        serve.wait(30)
        bare.wait(30)


def p99_relative_se(n: int) -> float:
    """Standard error of an empirical lognormal p99 from n draws, relative (delta method)."""
    sigma = (math.log(2000) - math.log(200)) / 2.3263478740408408
    z = 2.3263478740408408
    density = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    # d(quantile)/dp = q * sigma / phi(z); se(p_hat) = sqrt(p(1-p)/n)
    return sigma / density * math.sqrt(0.99 * 0.01 / n)


if __name__ == "__main__":
    main()
