"""The scenario file: what a QA engineer writes. YAML, validated here; a bad file is one clear line.

Vocabulary borrowed from Chaos Toolkit where it fits: a *steady state* of *probes* that must hold, and a
*method* here called `faults`, a timeline of actions on the systems. The invariants of the business
always hold and are never listed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from caas_core.config import CoreConfig
from caas_core.errors import ConfigError
from caas_core.systems import ADDRESSABLE, CORE, COUNTRIES, SYSTEMS, Country
from caas_core.validation import first_error_line, validated_under
from scenarios.metric_names import CATALOGUE
from simulators.kit.faults import Fault
from simulators.kit.fleet import MAX_FLEET, TEST_VEHICLES
from simulators.payment.model import TEST_CARDS

# The services on sale: a purchase of any other is refused by the core and never counted.
SERVICES = tuple(CoreConfig().services)
VIN_LENGTH = 17
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, None: 1}


def parse_duration(value: Any) -> float:
    """'24h', '90m', '30s', '1.5d' or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string such as '90m'")
    if isinstance(value, int | float):
        return float(value)
    match = _DURATION.match(str(value))
    if match is None:
        raise ValueError(f"{value!r} is not a duration: use seconds or '30s', '90m', '24h', '2d'")
    return float(match.group(1)) * _UNITS[match.group(2)]


Seconds = Annotated[float, BeforeValidator(parse_duration), Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fleet(_Strict):
    size: int = Field(default=1_000, ge=len(TEST_VEHICLES), le=MAX_FLEET)
    countries: tuple[Country, ...] = COUNTRIES


class RateStep(_Strict):
    at: Seconds
    rate: float = Field(ge=0, le=1_000_000)


def _steps(value: Any) -> Any:
    """A plain number is one step from time 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [{"at": 0, "rate": value}]
    return value


Rate = Annotated[tuple[RateStep, ...], BeforeValidator(_steps)]


class Workload(_Strict):
    """Arrivals are Poisson at the rate in force; a rate is per hour and changes at each step's `at`."""

    orders_per_hour: Rate = ()
    purchases_per_hour: Rate = ()
    # What purchases draw, by weight: card tokens, vehicles ("fleet" means any fleet vehicle) and services.
    cards: dict[str, float] = Field(default_factory=lambda: {"tok_success": 1.0})
    vehicles: dict[str, float] = Field(default_factory=lambda: {"fleet": 1.0})
    services: dict[str, float] = Field(default_factory=lambda: {"enhanced-power": 1.0})

    @field_validator("orders_per_hour", "purchases_per_hour")
    @classmethod
    def _ordered(cls, steps: tuple[RateStep, ...]) -> tuple[RateStep, ...]:
        if [s.at for s in steps] != sorted(s.at for s in steps):
            raise ValueError("rate steps must be in time order")
        return steps

    @field_validator("cards")
    @classmethod
    def _known_cards(cls, cards: dict[str, float]) -> dict[str, float]:
        return _weights(_known(cards, TEST_CARDS, "card token", "test cards"))

    @field_validator("vehicles")
    @classmethod
    def _vins(cls, vehicles: dict[str, float]) -> dict[str, float]:
        # A mistyped test VIN would silently become a vehicle VSS does not know.
        bad = sorted(v for v in vehicles if v != "fleet" and len(v) != VIN_LENGTH)
        if bad:
            raise ValueError(
                f"{bad[0]!r} is neither 'fleet' nor a {VIN_LENGTH}-character VIN; "
                f"test vehicles: {', '.join(TEST_VEHICLES)}"
            )
        return _weights(vehicles)

    @field_validator("services")
    @classmethod
    def _known_services(cls, services: dict[str, float]) -> dict[str, float]:
        return _weights(_known(services, SERVICES, "service", "on sale"))


def _known(weights: dict[str, float], names: Collection[str], what: str, listed: str) -> dict[str, float]:
    unknown = sorted(set(weights) - set(names))
    if unknown:
        hint = _did_you_mean(unknown[0], names)
        raise ValueError(f"unknown {what} {unknown[0]}{hint}; {listed}: {', '.join(names)}")
    return weights


def _did_you_mean(name: str, names: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _weights(weights: dict[str, float]) -> dict[str, float]:
    if not weights or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return weights


class Crash(_Strict):
    """The core's process dies, losing all it holds in memory, and is back `downtime` later. Without
    `rate_per_hour` it crashes once, at the step's `at`; with it, at seeded random moments during the step
    (Poisson), each between two effects of whatever flows are running then."""

    downtime: Annotated[float, BeforeValidator(parse_duration), Field(gt=0, le=86_400)] = 30.0
    rate_per_hour: float | None = Field(default=None, gt=0, le=60)


class CoreFault(_Strict):
    crash: Crash


class FaultStep(_Strict):
    at: Seconds = 0.0
    duration: Seconds | None = None  # None: until the end
    system: str
    fault: Fault | CoreFault  # CoreFault on system core, Fault on the others

    @model_validator(mode="before")
    @classmethod
    def _fault_of_its_system(cls, data: Any) -> Any:
        """Read the fault as its system's kind, so a mistake in it is named as that kind's."""
        if isinstance(data, dict) and isinstance(data.get("fault"), dict):
            kind = CoreFault if data.get("system") == CORE else Fault
            return {**data, "fault": validated_under("fault", kind, data["fault"])}
        return data

    @field_validator("system")
    @classmethod
    def _known_system(cls, system: str) -> str:
        known = (*SYSTEMS, *(s for s in ADDRESSABLE if s not in SYSTEMS), CORE)
        if system not in known:
            hint = _did_you_mean(system, known)
            raise ValueError(f"unknown system {system!r}{hint}; one of {', '.join(known)}")
        return system

    @model_validator(mode="after")
    def _window_in_step(self) -> FaultStep:
        if isinstance(self.fault, Fault) and (self.fault.from_s or self.fault.until_s is not None):
            raise ValueError("give the window with at/duration, not inside the fault")
        return self

    @property
    def until(self) -> float | None:
        return None if self.duration is None else self.at + self.duration

    def windowed(self) -> Fault:
        """The partner's fault, in force from `at` for `duration`."""
        if not isinstance(self.fault, Fault):
            raise TypeError(f"a fault on {self.system} is not a partner's fault")
        return self.fault.model_copy(update={"from_s": self.at, "until_s": self.until})


class Probe(_Strict):
    metric: str
    min: float | None = None
    max: float | None = None
    name: str | None = None

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        if metric not in CATALOGUE:
            close = difflib.get_close_matches(metric, CATALOGUE, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(f"unknown metric; {hint}`caas-sandbox scenario metrics` lists them")
        return metric

    @model_validator(mode="after")
    def _bounded(self) -> Probe:
        if self.min is None and self.max is None:
            raise ValueError("a probe needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}: the probe can never hold")
        return self

    @property
    def label(self) -> str:
        bounds = [
            f">= {self.min:g}" if self.min is not None else "",
            f"<= {self.max:g}" if self.max is not None else "",
        ]
        return self.name or f"{self.metric} {' and '.join(b for b in bounds if b)}"


class Scenario(_Strict):
    title: str
    description: str = ""
    seed: int = 0
    duration: Seconds
    fleet: Fleet = Fleet()
    workload: Workload = Workload()
    faults: tuple[FaultStep, ...] = ()
    policies: dict[str, Any] = Field(default_factory=dict)
    # Settings of the simulators themselves (their configs), e.g. a faster factory timeline.
    simulators: dict[str, dict[str, Any]] = Field(default_factory=dict)
    steady_state: tuple[Probe, ...] = ()
    replications: int = Field(default=1, ge=1, le=1_000)
    name: str = ""  # filled from the file name
    _file: str | None = PrivateAttr(default=None)  # the file it was read from: errors start with it

    @property
    def source(self) -> str:
        """What an error about this scenario starts with: its file, or its name when it has none."""
        return self._file or f"scenario {self.name}"

    @field_validator("faults")
    @classmethod
    def _faults_start_in_time(
        cls, faults: tuple[FaultStep, ...], info: ValidationInfo
    ) -> tuple[FaultStep, ...]:
        end = info.data.get("duration")  # absent when the duration itself was wrong
        for index, step in enumerate(faults):
            if end is not None and step.at >= end:
                raise ValueError(
                    f"step {index} starts at {step.at:g} s, not before the end ({end:g} s): "
                    "it would never happen"
                )
        return faults

    @field_validator("simulators")
    @classmethod
    def _known_simulators(cls, configs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        unknown = sorted(set(configs) - set(SYSTEMS))
        if unknown:
            hint = _did_you_mean(unknown[0], SYSTEMS)
            raise ValueError(f"unknown simulator {unknown[0]!r}{hint}; one of {', '.join(SYSTEMS)}")
        return configs


def load_scenario(path: Path) -> Scenario:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the scenario ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file in UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a scenario is a mapping of keys such as title, duration, workload")
    try:
        scenario = Scenario.model_validate({**data, "name": data.get("name") or path.stem})
    except ValidationError as exc:
        raise ConfigError(first_error_line(exc, str(path), Scenario)) from None
    scenario._file = str(path)
    return scenario
