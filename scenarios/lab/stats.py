"""Means with 95 % confidence intervals over replications, and paired differences between two policies.

Student's t with n - 1 degrees of freedom, from an exact quantile computed here rather than taken from
scipy: the lab needs one function of scipy's hundreds of megabytes of compiled code, and the closed form
below is exact for the integer degrees of freedom that replications give.

Paired differences use common random numbers: replication k of the base and of the candidate run with the
same seed, so they meet the same customers and the same faults. The difference candidate - base is taken
per replication and its own t interval computed; the noise shared by both runs cancels, which makes the
paired interval much narrower than the two separate intervals suggest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LEVEL = 0.95


def _two_sided_cdf(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer `df` (Abramowitz and Stegun 26.7.3 and 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 1:
        total, term = 0.0, math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= c2 * (2 * k) / (2 * k + 1)
        return 2 / math.pi * (theta + s * total) if df > 1 else 2 * theta / math.pi
    total, term = 0.0, 1.0
    for k in range(1, df // 2 + 1):
        total += term
        term *= c2 * (2 * k - 1) / (2 * k)
    return s * total


def t_quantile(df: int, level: float = LEVEL) -> float:
    """The t such that P(|T| <= t) = level: 12.706 for one degree of freedom, 2.262 for nine."""
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    if df == 1:
        return math.tan(math.pi * level / 2)  # the Cauchy case has a closed inverse
    low, high = 0.0, 1.0
    while _two_sided_cdf(high, df) < level:
        high *= 2
    # Bisection to the last bit: the CDF is monotone, and 200 halvings exhaust a double's precision.
    for _ in range(200):
        mid = (low + high) / 2
        if mid in (low, high):
            break
        low, high = (mid, high) if _two_sided_cdf(mid, df) < level else (low, mid)
    return (low + high) / 2


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean over replications with its 95 % interval; the half-width is None from one replication."""

    mean: float
    half_width: float | None
    n: int
    sd: float

    @property
    def low(self) -> float | None:
        return None if self.half_width is None else self.mean - self.half_width

    @property
    def high(self) -> float | None:
        return None if self.half_width is None else self.mean + self.half_width

    def contains(self, value: float) -> bool:
        if self.half_width is None:
            return value == self.mean
        return self.mean - self.half_width - 1e-12 <= value <= self.mean + self.half_width + 1e-12

    def as_dict(self) -> dict[str, float | int | None]:
        return {"mean": self.mean, "ci_low": self.low, "ci_high": self.high, "sd": self.sd, "n": self.n}


@dataclass(frozen=True, slots=True)
class Difference:
    """Candidate - base, paired by replication; significant when its interval leaves out zero."""

    estimate: Estimate

    @property
    def significant(self) -> bool:
        e = self.estimate
        if e.half_width is None:
            return False
        return abs(e.mean) > e.half_width

    def as_dict(self) -> dict[str, float | int | bool | None]:
        return {**self.estimate.as_dict(), "significant": self.significant}


def estimate(values: Sequence[float], level: float = LEVEL) -> Estimate:
    n = len(values)
    if n == 0:
        raise ValueError("no replications to estimate from")
    mean = math.fsum(values) / n
    if n == 1:
        return Estimate(mean, None, 1, 0.0)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    return Estimate(mean, t_quantile(n - 1, level) * sd / math.sqrt(n), n, sd)


def paired(base: Sequence[float], candidate: Sequence[float], level: float = LEVEL) -> Difference:
    if len(base) != len(candidate):
        raise ValueError("paired differences need the same replications on both sides")
    return Difference(estimate([c - b for b, c in zip(base, candidate, strict=True)], level))
