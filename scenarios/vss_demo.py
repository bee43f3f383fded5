"""The spine's proof: maintenance checks against VSS while it answers, fails for two minutes, recovers.

A few hundred checks at seeded times ask the real VSS adapter (policy, breaker, fallback cache) about a
pool of vehicles. The same plan runs in simulated time (fast or wire transport) or live over loopback
sockets at a speed factor, and each check's outcome (allowed / blocked, and from VSS, from the cache or
from nowhere) must be the same everywhere.

Live timing jitters by milliseconds, so a check that started at the very instant the breaker changed
state could take either branch. The plan therefore leaves out any check whose attempts would start
within `MARGIN_S` of a breaker transition or of the outage's edges; what remains is decided the same
way however the clock wobbles.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from caas_core.adapters.integration import Integration, Trace
from caas_core.adapters.vss import MAINTENANCE, MaintenanceCheck, VssCredentials, VssMaintenanceAdapter
from caas_core.effects import NOW, Flow, Sleep
from caas_core.policies import Policies, load_policies
from caas_core.resilience.breaker import OPEN, breaker_for
from caas_core.runtime import Runtime
from caas_core.telemetry import Telemetry
from httpkit.flask_edge import create_app
from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer
from runtimes.simulated import SimulatedRuntime
from runtimes.streams import Streams
from runtimes.transports import live_transport
from scenarios.wiring import TransportName, attach
from simulators.kit.distributions import Fixed
from simulators.kit.faults import Fault
from simulators.kit.fleet import TEST_VEHICLES, shared_fleet
from simulators.kit.service import Simulator
from simulators.vss import VssConfig, create_simulator

DURATION_S = 380.0
OUTAGE = {"route": MAINTENANCE.key, "error": {"status": 503, "rate": 1.0}, "from_s": 150, "until_s": 270}
CHECKS = 300
POOL = 60
MARGIN_S = 1.0  # runtime seconds: 83 ms of wall time in the live test (12x), room for a loaded machine
# A fixed latency keeps the live run's timing close to the simulated one (its draws come in another order).
CONFIG = VssConfig(latency=Fixed(s=0.05))
CREDENTIALS = VssCredentials(CONFIG.client_id, CONFIG.client_secret)


@dataclass(frozen=True, slots=True)
class PlannedCheck:
    at: float
    vin: str


@dataclass(frozen=True)
class DemoResult:
    seed: int
    runtime: str
    plan: tuple[PlannedCheck, ...]
    checks: tuple[MaintenanceCheck, ...]
    telemetry: Telemetry
    journal_size: int

    def outcomes(self) -> list[tuple[str, str, str]]:
        return [(c.vin, c.verdict, c.source) for c in self.checks]

    def transitions(self) -> list[tuple[float, str, str]]:
        return [
            (e.t, dict(e.data)["old"], dict(e.data)["new"]) for e in self.telemetry.of_kind("circuit", "vss")
        ]

    def record(self) -> dict[str, Any]:
        """Everything the run decided, as plain data (the byte-identity check reads its JSON)."""
        return {
            "seed": self.seed,
            "runtime": self.runtime,
            "checks": [{"at": p.at, **asdict(c)} for p, c in zip(self.plan, self.checks, strict=True)],
            "events": [e.as_dict() for e in self.telemetry.events],
            "vss_requests": self.journal_size,
        }

    def to_json(self) -> str:
        return json.dumps(self.record(), sort_keys=True, separators=(",", ":"))


def plan(seed: int, policies: Policies | None = None) -> tuple[PlannedCheck, ...]:
    """Seeded check times and vehicles, with the checks that would race a state change left out."""
    policies = policies or load_policies()
    candidates = _candidates(seed)
    for _ in range(50):
        result = run_simulated(seed, "fast", candidates, policies)
        racing = _racing_checks(result)
        if not racing:
            return candidates
        candidates = tuple(c for i, c in enumerate(candidates) if i not in racing)
    raise RuntimeError("could not find a plan clear of breaker transitions")


def run_simulated(
    seed: int,
    transport: TransportName,
    checks: tuple[PlannedCheck, ...] | None = None,
    policies: Policies | None = None,
) -> DemoResult:
    policies = policies or load_policies()
    checks = checks if checks is not None else plan(seed, policies)
    runtime = SimulatedRuntime(seed)
    simulator = attach(runtime, _build_vss, transport)
    _install_outage(simulator)
    telemetry, adapter = _adapter(policies)
    handles = [runtime.spawn(_check_at(adapter, i, c)) for i, c in enumerate(checks)]
    runtime.run()
    results = tuple(h.result() for h in handles)
    return DemoResult(
        seed, f"simulated/{transport}", checks, results, telemetry, len(simulator.journal.entries)
    )


def run_live(
    seed: int, speed: float, checks: tuple[PlannedCheck, ...], policies: Policies | None = None
) -> DemoResult:
    """The same plan over loopback sockets: VSS under waitress, the live runtime at `speed`."""
    policies = policies or load_policies()
    with LiveRuntime(seed, speed=speed) as runtime:
        app = Delivery(create_app(_build_vss(runtime)), runtime)
        with BackgroundServer(app, threads=32) as server:
            runtime.mount("vss", live_transport(server.url))
            httpx.post(f"{server.url}/__sandbox/faults", json=OUTAGE).raise_for_status()
            telemetry, adapter = _adapter(policies)
            futures = [runtime.spawn(_check_at(adapter, i, c)) for i, c in enumerate(checks)]
            results = tuple(f.result(timeout=DURATION_S / speed + 120) for f in futures)
            journal = httpx.get(f"{server.url}/__sandbox/journal").json()["entries"]
    return DemoResult(seed, f"live/x{speed:g}", checks, results, telemetry, len(journal))


def summary_rows(result: DemoResult) -> dict[str, int]:
    """Counts of check outcomes, breaker openings and VSS requests."""
    rows = {
        "allowed, answered by VSS": 0,
        "allowed, from cache": 0,
        "blocked: maintenance overdue": 0,
        "blocked: VSS unavailable, no cache": 0,
    }
    for check in result.checks:
        if check.verdict == "allowed":
            rows["allowed, answered by VSS" if check.source == "vss" else "allowed, from cache"] += 1
        elif check.verdict == "blocked_maintenance":
            rows["blocked: maintenance overdue"] += 1
        else:
            rows["blocked: VSS unavailable, no cache"] += 1
    rows["breaker openings"] = sum(1 for _, _, new in result.transitions() if new == OPEN)
    rows["requests to VSS"] = result.journal_size
    return rows


def _candidates(seed: int) -> tuple[PlannedCheck, ...]:
    fleet = shared_fleet(seed, CONFIG.fleet_size)
    pool = list(TEST_VEHICLES[:2]) + [
        fleet.vin(i) for i in range(len(TEST_VEHICLES), len(TEST_VEHICLES) + POOL - 2)
    ]
    rng = Streams(seed).get("demo.plan")
    times = sorted(round(rng.uniform(0, DURATION_S - 20), 3) for _ in range(CHECKS))
    return tuple(PlannedCheck(t, pool[rng.randrange(len(pool))]) for t in times)


def _racing_checks(result: DemoResult) -> set[int]:
    """Checks with an attempt that started within MARGIN_S of a breaker change (other than the one its own
    result caused) or of an outage edge: the only decisions a few milliseconds of jitter could flip."""
    edges = [t for t, _, _ in result.transitions()] + [OUTAGE["from_s"], OUTAGE["until_s"]]
    racing = set()
    for event in result.telemetry.of_kind("attempt"):
        data = dict(event.data)
        check = _check_index(data["trace"])
        if check is not None and any(abs(data["started"] - x) < MARGIN_S and x != event.t for x in edges):
            racing.add(check)
    return racing


def _check_index(trace_id: str | None) -> int | None:
    return int(trace_id.removeprefix("check-")) if trace_id and trace_id.startswith("check-") else None


def _check_at(adapter: VssMaintenanceAdapter, index: int, check: PlannedCheck) -> Flow[MaintenanceCheck]:
    now = yield NOW
    if check.at > now:
        yield Sleep(check.at - now)
    return (yield from adapter.check(check.vin, Trace(f"check-{index}")))


def _adapter(policies: Policies) -> tuple[Telemetry, VssMaintenanceAdapter]:
    telemetry = Telemetry()
    breaker = breaker_for("vss", policies.breakers.vss, telemetry.circuit)
    return telemetry, VssMaintenanceAdapter(
        Integration("vss", policies.vss_query, telemetry, breaker), CREDENTIALS
    )


def _build_vss(runtime: Runtime) -> Simulator:
    return create_simulator(runtime, CONFIG)


def _install_outage(simulator: Simulator) -> None:
    simulator.faults.add(Fault.model_validate(OUTAGE))
