"""A simulator: a behaviour model, its route table, faults, a journal, and the shared control API.

Every transport ends here: the fast transport calls `handle`, the Flask app calls `handle_route` after
its own routing. Behaviour models are plain Python: no Flask, no clock but the runtime's.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from caas_core.runtime import Runtime
from httpkit.exchange import HANG_HOLD_S, ConnectionDropped, Exchange, Outcome
from httpkit.messages import HttpRequest, HttpResponse
from httpkit.openapi import Webhook, build_document
from httpkit.problems import problem_for
from httpkit.routing import Route, Router, call_handler, dispatch
from simulators.kit.control import Model, control_routes
from simulators.kit.distributions import Latency
from simulators.kit.faults import ACTIONS, Fault, FaultPlan
from simulators.kit.journal import Journal
from simulators.kit.provider_states import ProviderStates


class Simulator:
    def __init__(
        self,
        name: str,
        runtime: Runtime,
        model: Model,
        routes: Sequence[Route],
        base_latency: Latency,
        *,
        title: str = "",
        description: str = "",
        security_schemes: dict[str, dict[str, Any]] | None = None,
        webhooks: Sequence[Webhook] = (),
        faults: FaultPlan | None = None,
        provider_states: ProviderStates | None = None,
    ) -> None:
        """`webhooks` are those the model pushes, for the document; `faults` is the simulator's plan when
        its model needed it first (to fault its webhooks); `provider_states` are the contracts' states the
        model can be put in (see kit.provider_states)."""
        self.name = name
        self.title = title or f"{name} simulator"
        self.description = description
        self.security_schemes = security_schemes or {}
        self.webhooks = tuple(webhooks)
        self.runtime = runtime
        self.model = model
        self.routes = [*routes, *control_routes([r.key for r in routes if not r.control])]
        self.router = Router(self.routes)
        self.faults = faults or FaultPlan.for_simulator(runtime, name, base_latency)
        self.provider_states: ProviderStates = provider_states or {}
        self.journal = Journal()
        self.mount = ""  # where its server serves it (an Admin registry under its country's prefix)
        self._answer_times: list[float] = []  # a heap: when each request in flight will be answered

    def handle(self, request: HttpRequest) -> Exchange:
        return dispatch(self.router, request, self.handle_route)

    def handle_route(self, route: Route, params: dict[str, str], request: HttpRequest) -> Exchange:
        if route.control:
            return Exchange(0.0, call_handler(route.handler, self, request, params))
        now = self.runtime.now()
        decision = self.faults.decide(route.key, now, self._inflight(now))
        response: HttpResponse | None = None
        outcome: Outcome = decision.action if decision.action in ("hang", "reset") else "answer"  # type: ignore[assignment]
        if decision.action == "error":
            response = problem_for(decision.status, f"injected fault {decision.fault_id}")
            if decision.status in (429, 503):
                response.headers["Retry-After"] = "1"
        elif outcome == "answer":
            try:
                response = call_handler(route.handler, self.model, request, params)
            except ConnectionDropped:
                outcome = "reset"
            else:
                if decision.action == "malformed":
                    response = _malformed(response)
        hold = HANG_HOLD_S if outcome == "hang" else decision.latency
        heapq.heappush(self._answer_times, now + hold)
        self.journal.add(now, request, route.key, response, outcome, decision.latency, decision.fault_id)
        return Exchange(decision.latency, response, outcome)

    def why_inert(self, fault: Fault) -> tuple[str, str] | None:
        """Why `fault` could never act here, as (the field at fault, the reason); None when it can act.
        A fault that never acts leaves a test passing without the failure it was meant to cause."""
        if fault.route is not None:
            served = [r.key for r in self.routes if not r.control]
            if fault.route not in served:
                return "route", f"{self.name} has no route {fault.route!r}; it serves: {'; '.join(served)}"
        if fault.webhook is not None and not self.webhooks:
            return "webhook", f"{self.name} sends no webhooks: a webhook fault has nothing to act on"
        if not fault.acts_on_requests and fault.webhook is None:
            kinds = ["latency", *ACTIONS, *(["webhook"] if self.webhooks else [])]
            return "body", f"the fault does nothing: give it one of {', '.join(kinds)}"
        return None

    def openapi(self) -> dict[str, Any]:
        return build_document(self.title, self.description, self.routes, self.security_schemes, self.webhooks)

    def reset(self) -> None:
        self.model.reset()
        self.faults.clear()
        self.journal.clear()
        self._answer_times.clear()

    def _inflight(self, now: float) -> int:
        times = self._answer_times
        while times and times[0] <= now:
            heapq.heappop(times)
        return len(times)


def _malformed(response: HttpResponse) -> HttpResponse:
    body = response.to_bytes()
    return HttpResponse(response.status, dict(response.headers), body=body[: max(1, len(body) // 2)])
