"""Run a scenario in simulated time and keep what happened as one frozen record (scenarios.record).

Replication k of a scenario runs with seed + k whatever the policies, so two policy files meet the same
arrivals, the same vehicles and the same faults: common random numbers. The record is plain data; the
reports render it and nothing else. Only its `run` section holds wall-clock facts.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from caas_core.errors import ConfigError
from caas_core.policies import Policies, load_policies, merge
from caas_core.systems import CORE, members
from caas_core.validation import first_error_line
from runtimes.simulated import SimulatedRuntime, few_collections
from runtimes.streams import Streams
from scenarios import workload
from scenarios.alerting import run_alerts
from scenarios.crashes import CRASH_STREAM, crash_points, set_crashes
from scenarios.invariants import check_all
from scenarios.metrics import collect
from scenarios.model import CoreFault, Crash, FaultStep, Probe, Scenario
from scenarios.record import (
    PROBE,
    TIMELINE_KINDS,
    Check,
    FaultWindow,
    RunFacts,
    RunRecord,
    TimelineEvent,
    frozen_data,
)
from scenarios.series import collect_series
from scenarios.wiring import TransportName
from scenarios.world import build_world
from simulators.admin import AdminConfig
from simulators.factory import FactoryConfig
from simulators.iot import IotConfig
from simulators.kit.faults import Fault
from simulators.kit.journal import Journal
from simulators.payment import PaymentConfig
from simulators.registry import build_simulators
from simulators.vss import VssConfig

DEFAULT_DOWNTIME_S = 30.0
CONFIG_TYPES = {
    "factory": FactoryConfig,
    "vss": VssConfig,
    "iot": IotConfig,
    "payment": PaymentConfig,
    "admin": AdminConfig,
}


def run(
    scenario: Scenario,
    *,
    replication: int = 0,
    seed: int | None = None,
    transport: TransportName = "fast",
    policies_file: Path | None = None,
    crashes_per_hour: float | None = None,
    downtime_s: float = DEFAULT_DOWNTIME_S,
) -> RunRecord:
    """`crashes_per_hour` adds crashes of the core at seeded random moments over the whole run, each down
    for `downtime_s`, to whatever the scenario's own timeline holds."""
    if crashes_per_hour is not None:
        scenario = with_crashes(scenario, crashes_per_hour, downtime_s)
    with few_collections():  # the run and the reading of its results alike
        return _run(scenario, replication, seed, transport, policies_file)


def with_crashes(scenario: Scenario, per_hour: float, downtime_s: float = DEFAULT_DOWNTIME_S) -> Scenario:
    """The scenario with random crashes of the core added to its timeline."""
    step = FaultStep(system=CORE, fault=CoreFault(crash=Crash(rate_per_hour=per_hour, downtime=downtime_s)))
    return scenario.model_copy(update={"faults": (*scenario.faults, step)})


def _run(
    scenario: Scenario,
    replication: int,
    seed: int | None,
    transport: TransportName,
    policies_file: Path | None,
) -> RunRecord:
    started = time.perf_counter()
    policies = scenario_policies(scenario, policies_file)
    run_seed = (scenario.seed if seed is None else seed) + replication
    crashes = crash_points(scenario.faults, scenario.duration, Streams(run_seed).get(CRASH_STREAM))
    world = build_world(run_seed, transport, policies, simulator_configs(scenario), crashes=bool(crashes))
    for simulator in world.simulators.values():
        simulator.journal = Journal(capacity=0)  # the record reads no journal: none is built
    for step in scenario.faults:
        if step.system != CORE:
            for system in members(step.system):
                world.simulators[system].faults.add(step.windowed())
    set_crashes(world, crashes)
    fleet = world.simulators["vss"].model.fleet  # type: ignore[attr-defined]
    workload.start(world.runtime, scenario, fleet, world.refused_requests)
    world.run(until=scenario.duration)
    faults = tuple(_fault_window(step) for step in scenario.faults)
    series = collect_series(world, scenario.duration)
    alerts = run_alerts(series)
    metrics = collect(world, scenario.duration, series, faults, alerts)
    checks = [_probe(p, metrics) for p in scenario.steady_state]
    results = check_all(world, scenario.duration)
    checks += [Check.invariant(r.name, r.statement, r.violations) for r in results]
    return RunRecord(
        scenario=scenario.name,
        title=scenario.title,
        seed=run_seed,
        replication=replication,
        transport=transport,
        duration_s=scenario.duration,
        policies=frozen_data(policies.model_dump(mode="json")),
        faults=faults,
        metrics=MappingProxyType(metrics),
        checks=tuple(checks),
        events=tuple(
            TimelineEvent(e.t, e.kind, e.subject, frozen_data(dict(e.data)))
            for e in world.core.telemetry.events
            if e.kind in TIMELINE_KINDS
        ),
        alerts=tuple(alerts),
        run=RunFacts(
            wall_s=round(time.perf_counter() - started, 3),
            events_processed=len(world.core.telemetry.events),
        ),
        series=series,
    )


def check(scenario: Scenario, *policies_files: Path | None) -> None:
    """What the file alone cannot tell: its policies (over each of `policies_files`, or the defaults) and
    simulator settings are valid, and each fault can act on the simulators it names. A mistake raises
    ConfigError before anything runs."""
    for policies_file in policies_files or (None,):
        scenario_policies(scenario, policies_file)
    simulators = build_simulators(SimulatedRuntime(scenario.seed), simulator_configs(scenario))
    for index, step in enumerate(scenario.faults):
        if not isinstance(step.fault, Fault):
            continue  # a crash of the core: nothing it could fail to act on
        # Inert only where it can act on none of its targets ("admin" names every country's registry).
        reasons = [simulators[t].why_inert(step.fault) for t in members(step.system)]
        if all(reasons):
            field, reason = reasons[0]  # type: ignore[misc]
            where = f"faults.{index}.fault" + ("" if field == "body" else f".{field}")
            raise ConfigError(f"{scenario.source}: {where}: {reason}")


def scenario_policies(scenario: Scenario, policies_file: Path | None) -> Policies:
    """The policy file (the defaults without one) under the scenario's own `policies:`; a mistake names
    the file it is in: the policy file's own, or the scenario's under its `policies` key."""
    base = load_policies(policies_file)
    if not scenario.policies:
        return base
    try:
        return Policies.model_validate(merge(base.model_dump(mode="json"), scenario.policies))
    except ValidationError as exc:
        raise ConfigError(first_error_line(exc, scenario.source, Policies, under="policies")) from None


def simulator_configs(scenario: Scenario) -> dict[str, Any]:
    configs: dict[str, Any] = {}
    for system, config_type in CONFIG_TYPES.items():
        data = dict(scenario.simulators.get(system, {}))
        if system in ("vss", "iot"):
            data.setdefault("fleet_size", scenario.fleet.size)
        try:
            configs[system] = config_type.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(
                first_error_line(exc, scenario.source, config_type, under=f"simulators.{system}")
            ) from None
        if isinstance(configs[system].capacity, dict):
            _route_map_checked(scenario, system, configs[system])
    return configs


def _route_map_checked(scenario: Scenario, system: str, config: Any) -> None:
    """A capacity's route map names routes only the simulator itself knows: build it to ask, so a
    mistake is one line before anything runs (a worker of the policy lab would meet it mid-run)."""
    try:
        build_simulators(SimulatedRuntime(scenario.seed), {system: config})
    except ConfigError as error:
        raise ConfigError(f"scenario {scenario.name}: simulators.{system}.{error}") from None


def _fault_window(step: FaultStep) -> FaultWindow:
    parts = step.fault.model_dump(mode="json", exclude_none=True, exclude={"from_s", "until_s"})
    return FaultWindow(step.system, step.at, step.until, frozen_data(parts))


def _probe(probe: Probe, metrics: dict[str, float]) -> Check:
    if probe.metric not in metrics:
        detail = f"no metric {probe.metric!r} in the catalogue"
        return Check(PROBE, probe.label, False, detail, probe.metric, None, probe.min, probe.max)
    value = metrics[probe.metric]
    return Check.probe(probe.label, probe.metric, value, probe.min, probe.max, title=probe.name)
