"""Distributions of the times a simulator draws: request latencies, queues, builds, links, settlements.

One class per kind, its times in seconds: `Lognormal(p50_s=2, p99_s=45)`. As JSON a distribution names
its kind: `{"dist": "lognormal", "p50_s": 2, "p99_s": 45}`. `sample(rng, inflight)` returns seconds (only
`Load` reads `inflight`, the requests in flight); `mean` is the expected value, which simulators use for
estimates. Rounding or capping a draw is the simulator's business, not the distribution's: a factory
counts whole seconds, a gateway settles within a week.

Rules:
1. Milliseconds, the spelling latencies were first given in, are accepted too: `fixed {ms}`,
   `uniform {min_ms, max_ms}`, `normal {mean_ms, sd_ms}`, `lognormal {p50_ms, p99_ms}`,
   `percentiles {table}` (`table_s` in seconds) and `load {base_ms, per_inflight_ms}`, each at most an
   hour. A distribution gives all its times in one unit, and dumps them as it was given.
2. A sample is computed in the unit the times were given in, then divided by 1000 for milliseconds, so
   each distribution draws exactly the floats it always has: `p50_ms: 250` and `p50_s: 0.25` agree only
   to rounding, and a seeded record must not change by a bit. The simulators' own latencies stay in
   milliseconds for that reason.
3. A time in seconds is at most a year. A `Latency` (a fault's, or a simulator's own) is at most an hour
   in each of its times: a live server holds a thread for as long as it samples.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails

from caas_core.runtime import RandomStream

Z99 = 2.3263478740408408  # the standard normal's 99th percentile
YEAR = 365 * 86_400.0
HOUR = 3_600
MAX_MS = 1_000 * HOUR


def lognormal_mu_sigma(p50: float, p99: float) -> tuple[float, float]:
    """The mean and standard deviation of the log of a lognormal whose median is `p50` and 99th
    percentile `p99`: the arguments `lognormvariate` takes."""
    return math.log(p50), (math.log(p99) - math.log(p50)) / Z99


def in_seconds(ms_field: str) -> Callable[[dict[str, Any]], Any]:
    """The default of a time in seconds: its millisecond spelling / 1000 when that was given, else None
    (which `_Dist` reports as a missing field)."""

    def default(data: dict[str, Any]) -> Any:
        ms = data.get(ms_field)
        if isinstance(ms, dict):
            return {key: value / 1000 for key, value in ms.items()}
        return None if ms is None else ms / 1000

    return default


class _Dist(BaseModel):
    # The millisecond fields come before those in seconds: a default in seconds reads them (in_seconds).
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Each time in seconds, and its millisecond spelling if it has one.
    TIMES: ClassVar[dict[str, str | None]] = {}

    @model_validator(mode="after")
    def _one_unit(self) -> Self:
        spelled = {s: ms for s, ms in self.TIMES.items() if ms is not None}
        in_ms = [ms for ms in spelled.values() if getattr(self, ms) is not None]
        in_s = [s for s in spelled if s in self.model_fields_set]
        if in_ms and in_s:
            given = f"{', '.join(in_s)} in seconds and {', '.join(in_ms)} in milliseconds"
            raise ValueError(f"{given}: give every time in one unit")
        if in_ms:
            missing = [ms for ms in spelled.values() if getattr(self, ms) is None]
        else:
            missing = [s for s in spelled if getattr(self, s) is None]
        if missing:  # pydantic's own error at the field: one line like any other missing key
            details = [
                InitErrorDetails(type="missing", loc=(name,), input=self.model_dump()) for name in missing
            ]
            raise ValidationError.from_exception_data(type(self).__name__, details)
        return self

    @model_serializer(mode="wrap")
    def _as_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        for s, ms in self.TIMES.items():
            if ms is not None:
                data.pop(s if self._in_ms else ms, None)
        return data

    @cached_property
    def _in_ms(self) -> bool:
        return any(getattr(self, ms) is not None for ms in self.TIMES.values() if ms is not None)

    @cached_property
    def _per_s(self) -> float:
        """How many of the unit given make a second: a sample is divided by it (rule 2)."""
        return 1000 if self._in_ms else 1

    def _given(self, field: str) -> Any:
        """The time `field` (named in seconds) in the unit it was given in."""
        ms = self.TIMES[field]
        return getattr(self, ms) if self._in_ms and ms is not None else getattr(self, field)

    def _check_at_least(self, low: str, high: str) -> None:
        """Refuse `high` below `low` (both named in seconds), naming them as they were given."""
        if self._given(high) < self._given(low):
            shown = (self.TIMES[low], self.TIMES[high]) if self._in_ms else (low, high)
            raise ValueError(f"{shown[1]} must be at least {shown[0]}")


class Fixed(_Dist):
    """Always `s` seconds."""

    TIMES = {"s": "ms"}

    dist: Literal["fixed"] = "fixed"
    ms: float | None = Field(default=None, ge=0, le=MAX_MS)
    s: float = Field(default_factory=in_seconds("ms"), ge=0, le=YEAR)

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        return self.s  # ms / 1000 when given so, divided once

    @property
    def mean(self) -> float:
        return self.s


class Uniform(_Dist):
    """Anywhere from `min_s` to `max_s`, all equally likely."""

    TIMES = {"min_s": "min_ms", "max_s": "max_ms"}

    dist: Literal["uniform"] = "uniform"
    min_ms: float | None = Field(default=None, ge=0, le=MAX_MS)
    max_ms: float | None = Field(default=None, ge=0, le=MAX_MS)
    min_s: float = Field(default_factory=in_seconds("min_ms"), ge=0, le=YEAR)
    max_s: float = Field(default_factory=in_seconds("max_ms"), ge=0, le=YEAR)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        self._check_at_least("min_s", "max_s")
        return self

    @cached_property
    def _bounds(self) -> tuple[float, float]:  # in the unit given; every request to a simulator samples
        return self._given("min_s"), self._given("max_s")

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        return rng.uniform(*self._bounds) / self._per_s

    @property
    def mean(self) -> float:
        low, high = self._bounds
        return (low + high) / 2 / self._per_s


class Normal(_Dist):
    """Mean `mean_s`, standard deviation `sd_s`, truncated at zero."""

    TIMES = {"mean_s": "mean_ms", "sd_s": "sd_ms"}

    dist: Literal["normal"] = "normal"
    mean_ms: float | None = Field(default=None, ge=0, le=MAX_MS)
    sd_ms: float | None = Field(default=None, ge=0, le=MAX_MS)
    mean_s: float = Field(default_factory=in_seconds("mean_ms"), ge=0, le=YEAR)
    sd_s: float = Field(default_factory=in_seconds("sd_ms"), ge=0, le=YEAR)

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        return max(0.0, rng.gauss(self._given("mean_s"), self._given("sd_s"))) / self._per_s


class Exponential(_Dist):
    """Memoryless, with mean `mean_s`: how long until the next of many independent events."""

    TIMES = {"mean_s": None}

    dist: Literal["exponential"] = "exponential"
    mean_s: float = Field(gt=0, le=YEAR)

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        return rng.expovariate(1 / self.mean_s)

    @property
    def mean(self) -> float:
        return self.mean_s


class Lognormal(_Dist):
    """Given by its median and 99th percentile, as latency budgets, lead times and delays usually are."""

    TIMES = {"p50_s": "p50_ms", "p99_s": "p99_ms"}

    dist: Literal["lognormal"] = "lognormal"
    p50_ms: float | None = Field(default=None, gt=0, le=MAX_MS)
    p99_ms: float | None = Field(default=None, gt=0, le=MAX_MS)
    p50_s: float = Field(default_factory=in_seconds("p50_ms"), gt=0, le=YEAR)
    p99_s: float = Field(default_factory=in_seconds("p99_ms"), gt=0, le=YEAR)

    @model_validator(mode="after")
    def _ordered(self) -> Lognormal:
        self._check_at_least("p50_s", "p99_s")
        return self

    @cached_property
    def _mu_sigma(self) -> tuple[float, float]:  # derived once, in the unit given: samples are frequent
        return lognormal_mu_sigma(self._given("p50_s"), self._given("p99_s"))

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        return rng.lognormvariate(*self._mu_sigma) / self._per_s

    @property
    def mean(self) -> float:
        return self._given("p50_s") * math.exp(self._mu_sigma[1] ** 2 / 2) / self._per_s


class Pareto(_Dist):
    """Heavy-tailed: never below `scale_s`, and P(X > x) = (scale_s / x) ** alpha above it."""

    TIMES = {"scale_s": None}

    dist: Literal["pareto"] = "pareto"
    scale_s: float = Field(gt=0, le=YEAR)
    alpha: float = Field(gt=1, le=20)  # a shape, not a time; above 1, so the mean is finite

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        return self.scale_s / (1.0 - rng.random()) ** (1 / self.alpha)  # 1 - random() is never 0

    @property
    def mean(self) -> float:
        return self.alpha * self.scale_s / (self.alpha - 1)


class Percentiles(_Dist):
    """Linear between the given percentiles, from 0 at p0, flat above the highest:
    `table_s: {"50": 0.2, "99": 2}` (or `table` in milliseconds)."""

    TIMES = {"table_s": "table"}

    dist: Literal["percentiles"] = "percentiles"
    table: dict[str, Annotated[float, Field(ge=0, le=MAX_MS)]] | None = None
    table_s: dict[str, Annotated[float, Field(ge=0, le=YEAR)]] = Field(default_factory=in_seconds("table"))

    @field_validator("table", "table_s")
    @classmethod
    def _monotone(cls, table: dict[str, float] | None) -> dict[str, float] | None:
        if table is None:
            return None
        try:
            points = sorted((float(p), t) for p, t in table.items())
        except ValueError:
            raise ValueError("table keys must be percentiles such as '50' or '99.9'") from None
        if not points or any(not 0 < p < 100 for p, _ in points):
            raise ValueError("table needs percentiles strictly between 0 and 100")
        values = [t for _, t in points]
        if any(t < 0 for t in values) or values != sorted(values):
            raise ValueError("table values must be non-negative and grow with the percentile")
        return table

    @cached_property
    def _points(self) -> tuple[tuple[float, ...], tuple[float, ...]]:  # parsed once: every request samples
        table: dict[str, float] = self._given("table_s")
        points = [(0.0, 0.0), *sorted((float(p) / 100, t) for p, t in table.items())]
        return tuple(p for p, _ in points), tuple(t for _, t in points)

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        shares, values = self._points
        u = rng.random()
        index = bisect.bisect_right(shares, u)
        if index >= len(shares):
            return values[-1] / self._per_s
        p0, p1, v0, v1 = shares[index - 1], shares[index], values[index - 1], values[index]
        return (v0 + (v1 - v0) * (u - p0) / (p1 - p0)) / self._per_s


class Load(_Dist):
    """Latency that grows linearly with the requests in flight, with no saturation point: for a partner
    that queues, saturates and refuses, give it a capacity instead (kit.capacity)."""

    TIMES = {"base_s": "base_ms", "per_inflight_s": "per_inflight_ms"}

    dist: Literal["load"] = "load"
    base_ms: float | None = Field(default=None, ge=0, le=MAX_MS)
    per_inflight_ms: float | None = Field(default=None, ge=0, le=MAX_MS)
    base_s: float = Field(default_factory=in_seconds("base_ms"), ge=0, le=YEAR)
    per_inflight_s: float = Field(default_factory=in_seconds("per_inflight_ms"), ge=0, le=YEAR)

    def sample(self, rng: RandomStream, inflight: int = 0) -> float:
        return (self._given("base_s") + self._given("per_inflight_s") * inflight) / self._per_s


LatencyKind = Fixed | Uniform | Normal | Lognormal | Percentiles | Load


def _within_an_hour(dist: LatencyKind) -> LatencyKind:
    """Rule 3 for a latency given in seconds; in milliseconds each field's own bound already holds it."""
    details = []
    for name in dist.TIMES:
        value = getattr(dist, name)
        for key, seconds in value.items() if isinstance(value, dict) else [(None, value)]:
            if seconds > HOUR:  # pydantic's own error at the field, as a bound on the field would give
                loc = (dist.dist, name) if key is None else (dist.dist, name, key)
                details.append(
                    InitErrorDetails(type="less_than_equal", loc=loc, input=seconds, ctx={"le": HOUR})
                )
    if details:
        raise ValidationError.from_exception_data("Latency", details)
    return dist


Latency = Annotated[LatencyKind, Field(discriminator="dist"), AfterValidator(_within_an_hour)]
Duration = Annotated[Fixed | Uniform | Exponential | Lognormal | Pareto, Field(discriminator="dist")]
