"""Duration distributions for the times a simulator draws: queues, builds, links, transits, settlements.

Every time is in seconds and at most a year (Pareto's `alpha` is a shape); `sample(rng)` returns
seconds and `mean` is the expected value, which simulators use for estimates. Rounding or capping a draw
is the simulator's business, not the distribution's: a factory counts whole seconds, a gateway settles
within a week. As JSON a duration names its kind: `{"dist": "lognormal", "p50_s": 2, "p99_s": 45}`;
built in Python the kind is implied: `Lognormal(p50_s=2, p99_s=45)`.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from caas_core.runtime import RandomStream
from simulators.kit.latency import lognormal_mu_sigma

YEAR = 365 * 86_400.0


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fixed(_Dist):
    """Always `s` seconds."""

    dist: Literal["fixed"] = "fixed"
    s: float = Field(ge=0, le=YEAR)

    def sample(self, rng: RandomStream) -> float:
        return self.s

    @property
    def mean(self) -> float:
        return self.s


class Uniform(_Dist):
    """Anywhere from `min_s` to `max_s`, all equally likely."""

    dist: Literal["uniform"] = "uniform"
    min_s: float = Field(ge=0, le=YEAR)
    max_s: float = Field(ge=0, le=YEAR)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.max_s < self.min_s:
            raise ValueError("max_s must be at least min_s")
        return self

    def sample(self, rng: RandomStream) -> float:
        return rng.uniform(self.min_s, self.max_s)

    @property
    def mean(self) -> float:
        return (self.min_s + self.max_s) / 2


class Exponential(_Dist):
    """Memoryless, with mean `mean_s`: how long until the next of many independent events."""

    dist: Literal["exponential"] = "exponential"
    mean_s: float = Field(gt=0, le=YEAR)

    def sample(self, rng: RandomStream) -> float:
        return rng.expovariate(1 / self.mean_s)

    @property
    def mean(self) -> float:
        return self.mean_s


class Lognormal(_Dist):
    """Given by its median and 99th percentile, as lead times and delays usually are."""

    dist: Literal["lognormal"] = "lognormal"
    p50_s: float = Field(gt=0, le=YEAR)
    p99_s: float = Field(gt=0, le=YEAR)

    @model_validator(mode="after")
    def _ordered(self) -> Lognormal:
        if self.p99_s < self.p50_s:
            raise ValueError("p99_s must be at least p50_s")
        return self

    @cached_property
    def _mu_sigma(self) -> tuple[float, float]:  # derived once: links and timelines sample often
        return lognormal_mu_sigma(self.p50_s, self.p99_s)

    def sample(self, rng: RandomStream) -> float:
        return rng.lognormvariate(*self._mu_sigma)

    @property
    def mean(self) -> float:
        return self.p50_s * math.exp(self._mu_sigma[1] ** 2 / 2)


class Pareto(_Dist):
    """Heavy-tailed: never below `scale_s`, and P(X > x) = (scale_s / x) ** alpha above it."""

    dist: Literal["pareto"] = "pareto"
    scale_s: float = Field(gt=0, le=YEAR)
    alpha: float = Field(gt=1, le=20)  # above 1, so the mean is finite

    def sample(self, rng: RandomStream) -> float:
        return self.scale_s / (1.0 - rng.random()) ** (1 / self.alpha)  # 1 - random() is never 0

    @property
    def mean(self) -> float:
        return self.alpha * self.scale_s / (self.alpha - 1)


Duration = Annotated[Fixed | Uniform | Exponential | Lognormal | Pareto, Field(discriminator="dist")]
