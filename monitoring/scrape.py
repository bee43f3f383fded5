"""A simulated run's Prometheus: it scrapes the core's integration metrics once a simulated minute, then
evaluates the alert rules over those scrapes, as a Prometheus watching the core would have."""

from __future__ import annotations

from collections.abc import Callable

from caas_core.api.metrics import integration_samples
from caas_core.effects import NOW, Flow, Sleep
from caas_core.telemetry import Telemetry
from monitoring.alerts import SCRAPE_INTERVAL_S, FiredAlert, evaluate
from monitoring.promql import Samples


class Scraper:
    def __init__(self, telemetry: Callable[[], Telemetry], interval_s: float = SCRAPE_INTERVAL_S) -> None:
        """`telemetry` reads the telemetry to scrape now: the core's, whichever life of it is running."""
        self._telemetry = telemetry
        self.interval_s = interval_s
        self.samples = Samples()
        self.times: list[float] = []

    def scraping(self, until: float) -> Flow[None]:
        """A flow for the runtime: a scrape at 0 and every interval until `until`."""
        now = yield NOW
        while now <= until:
            self.samples.add(now, integration_samples(self._telemetry()))
            self.times.append(now)
            yield Sleep(self.interval_s)
            now = yield NOW

    def alerts(self) -> list[FiredAlert]:
        return evaluate(self.samples, self.times)
