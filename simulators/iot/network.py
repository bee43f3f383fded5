"""The IoT network: when each vehicle can be reached, and when a message sent to it arrives.

Rules:
1. A vehicle's link alternates ONLINE periods with gaps; each gap is OFFLINE (lost coverage) or SLEEPING
   (parked, modem asleep). Durations are drawn from the vehicle's own stream `iot.link.{vin}`, so its
   timeline depends only on (seed, VIN), never on other vehicles or on when it was asked about.
2. Timelines are generated lazily and forward only, as far as a question needs: a 100,000-vehicle fleet
   costs nothing until a vehicle is asked about.
3. The first period starts at runtime 0; it is ONLINE with probability `start_online` (default: the
   long-run share of time online).
4. The test vehicles have fixed links: HEALTHY, LAPSED and FAULTY always ONLINE, ASLEEP always SLEEPING.
5. Nobody asks about a time before the runtime's current time, so periods that ended before it are dropped.
6. A message travels for a drawn transit time, starting when the vehicle is next online. If that online
   period ends before the message arrives, the message is lost and resent in the next online period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from caas_core.runtime import RandomStream, Runtime
from simulators.kit.distributions import Duration, Exponential
from simulators.kit.fleet import TEST_VEHICLES

INF = math.inf
ONLINE, OFFLINE, SLEEPING = "ONLINE", "OFFLINE", "SLEEPING"
ASLEEP_SINCE_S = 3 * 86_400.0  # the ASLEEP test vehicle was last seen three days before runtime 0


class LinkConfig(BaseModel):
    """How fleet vehicles come and go; the test vehicles ignore it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    online: Duration = Exponential(mean_s=4 * 3_600)
    offline: Duration = Exponential(mean_s=10 * 60)
    sleeping: Duration = Exponential(mean_s=60 * 60)
    sleep_share: float = Field(default=0.5, ge=0, le=1)  # of gaps; the rest are coverage losses
    start_online: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _progress(self) -> LinkConfig:
        # Zero-length periods only: the timeline would never move forward.
        if self.online.mean <= 0 or self.offline.mean <= 0 or self.sleeping.mean <= 0:
            raise ValueError("online, offline and sleeping periods need a positive mean")
        return self

    def online_share(self) -> float:
        if self.start_online is not None:
            return self.start_online
        gap = self.sleep_share * self.sleeping.mean + (1 - self.sleep_share) * self.offline.mean
        return self.online.mean / (self.online.mean + gap)


@dataclass(frozen=True, slots=True)
class Period:
    state: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Delivery:
    at: float  # arrival, or when the last attempt was lost
    attempts: int
    arrived: bool


class Link:
    """One vehicle's connectivity timeline: a list of periods from the current one onwards."""

    __slots__ = ("_config", "_periods", "_rng")

    def __init__(self, first: Period, rng: RandomStream | None = None, config: LinkConfig | None = None):
        self._periods = [first]
        self._rng, self._config = rng, config

    def at(self, t: float) -> Period:
        return self._periods[self._index(t)]

    def next_online(self, t: float) -> Period | None:
        """The online period in force at `t`, or the next one; None when the vehicle never comes online."""
        i = self._index(t)
        while self._periods[i].state != ONLINE:
            if self._periods[i].end == INF:
                return None
            i = self._index(self._periods[i].end)
        return self._periods[i]

    def forget_before(self, t: float) -> None:
        keep = self._index(t)
        if keep:
            del self._periods[:keep]

    def _index(self, t: float) -> int:
        periods = self._periods
        while periods[-1].end <= t:
            periods.append(self._following(periods[-1]))
        return next(i for i, p in enumerate(periods) if p.end > t)

    def _following(self, last: Period) -> Period:
        rng, config = self._rng, self._config
        assert rng is not None and config is not None  # fixed links end at infinity
        state, dist = _gap(rng, config) if last.state == ONLINE else (ONLINE, config.online)
        return Period(state, last.end, last.end + dist.sample(rng))


class Network:
    def __init__(self, runtime: Runtime, config: LinkConfig) -> None:
        self.runtime = runtime
        self.config = config
        self._links: dict[str, Link] = {}

    def link(self, vin: str) -> Link:
        link = self._links.get(vin)
        if link is None:
            link = self._links[vin] = self._new_link(vin)
        link.forget_before(self.runtime.now())
        return link

    def deliver(
        self, vin: str, sent_at: float, transit: Duration, rng: RandomStream, attempts: int
    ) -> Delivery | None:
        """When a message sent at `sent_at` reaches the vehicle; None if the vehicle is never reachable."""
        link, t = self.link(vin), sent_at
        for attempt in range(1, attempts + 1):
            period = link.next_online(t)
            if period is None:
                return None
            arrival = max(t, period.start) + transit.sample(rng)
            if arrival <= period.end:
                return Delivery(arrival, attempt, True)
            t = period.end  # the link dropped with the message in flight
        return Delivery(t, attempts, False)

    def tracked(self) -> int:
        return len(self._links)

    def _new_link(self, vin: str) -> Link:
        if vin == "SBXASLEEP00000001":
            return Link(Period(SLEEPING, -ASLEEP_SINCE_S, INF))
        if vin in TEST_VEHICLES:
            return Link(Period(ONLINE, 0.0, INF))
        rng, config = self.runtime.stream(f"iot.link.{vin}"), self.config
        if rng.random() < config.online_share():
            return Link(Period(ONLINE, 0.0, config.online.sample(rng)), rng, config)
        state, dist = _gap(rng, config)
        return Link(Period(state, 0.0, dist.sample(rng)), rng, config)


def _gap(rng: RandomStream, config: LinkConfig) -> tuple[str, Duration]:
    if rng.random() < config.sleep_share:
        return SLEEPING, config.sleeping
    return OFFLINE, config.offline
