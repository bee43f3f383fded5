"""Latency distributions, as the control API and scenario files spell them. Samples are in seconds."""

from __future__ import annotations

import bisect
import math
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from caas_core.runtime import RandomStream

Z99 = 2.3263478740408408  # the standard normal's 99th percentile
MAX_MS = 3_600_000  # an hour: a live server holds a thread for the latency it samples


def lognormal_mu_sigma(p50: float, p99: float) -> tuple[float, float]:
    """The mean and standard deviation of the log of a lognormal whose median is `p50` and 99th
    percentile `p99`: the arguments `lognormvariate` takes."""
    return math.log(p50), (math.log(p99) - math.log(p50)) / Z99


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fixed(_Dist):
    dist: Literal["fixed"]
    ms: float = Field(ge=0, le=MAX_MS)

    def sample(self, rng: RandomStream, inflight: int) -> float:
        return self.ms / 1000


class Uniform(_Dist):
    dist: Literal["uniform"]
    min_ms: float = Field(ge=0, le=MAX_MS)
    max_ms: float = Field(ge=0, le=MAX_MS)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.max_ms < self.min_ms:
            raise ValueError("max_ms must be at least min_ms")
        return self

    def sample(self, rng: RandomStream, inflight: int) -> float:
        return rng.uniform(self.min_ms, self.max_ms) / 1000


class Normal(_Dist):
    """Truncated at zero."""

    dist: Literal["normal"]
    mean_ms: float = Field(ge=0, le=MAX_MS)
    sd_ms: float = Field(ge=0, le=MAX_MS)

    def sample(self, rng: RandomStream, inflight: int) -> float:
        return max(0.0, rng.gauss(self.mean_ms, self.sd_ms)) / 1000


class Lognormal(_Dist):
    """Given by its median and 99th percentile, as latency budgets usually are."""

    dist: Literal["lognormal"]
    p50_ms: float = Field(gt=0, le=MAX_MS)
    p99_ms: float = Field(gt=0, le=MAX_MS)

    @model_validator(mode="after")
    def _ordered(self) -> Lognormal:
        if self.p99_ms < self.p50_ms:
            raise ValueError("p99_ms must be at least p50_ms")
        return self

    @cached_property
    def _mu_sigma(self) -> tuple[float, float]:  # derived once: every request to a simulator samples
        return lognormal_mu_sigma(self.p50_ms, self.p99_ms)

    def sample(self, rng: RandomStream, inflight: int) -> float:
        return rng.lognormvariate(*self._mu_sigma) / 1000


class Percentiles(_Dist):
    """Linear between the given percentiles, from 0 ms at p0, flat above the highest."""

    dist: Literal["percentiles"]
    table: dict[str, Annotated[float, Field(ge=0, le=MAX_MS)]]

    @field_validator("table")
    @classmethod
    def _monotone(cls, table: dict[str, float]) -> dict[str, float]:
        try:
            points = sorted((float(p), ms) for p, ms in table.items())
        except ValueError:
            raise ValueError("table keys must be percentiles such as '50' or '99.9'") from None
        if not points or any(not 0 < p < 100 for p, _ in points):
            raise ValueError("table needs percentiles strictly between 0 and 100")
        values = [ms for _, ms in points]
        if any(ms < 0 for ms in values) or values != sorted(values):
            raise ValueError("table values must be non-negative and grow with the percentile")
        return table

    @cached_property
    def _points(self) -> tuple[tuple[float, ...], tuple[float, ...]]:  # parsed once: every request samples
        points = [(0.0, 0.0), *sorted((float(p) / 100, ms) for p, ms in self.table.items())]
        return tuple(p for p, _ in points), tuple(ms for _, ms in points)

    def sample(self, rng: RandomStream, inflight: int) -> float:
        shares, values = self._points
        u = rng.random()
        index = bisect.bisect_right(shares, u)
        if index >= len(shares):
            return values[-1] / 1000
        p0, p1, v0, v1 = shares[index - 1], shares[index], values[index - 1], values[index]
        return (v0 + (v1 - v0) * (u - p0) / (p1 - p0)) / 1000


class Load(_Dist):
    """Latency that grows with the requests in flight: how retry storms turn metastable."""

    dist: Literal["load"]
    base_ms: float = Field(ge=0, le=MAX_MS)
    per_inflight_ms: float = Field(ge=0, le=MAX_MS)

    def sample(self, rng: RandomStream, inflight: int) -> float:
        return (self.base_ms + self.per_inflight_ms * inflight) / 1000


Latency = Annotated[Fixed | Uniform | Normal | Lognormal | Percentiles | Load, Field(discriminator="dist")]
