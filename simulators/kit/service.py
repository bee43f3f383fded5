"""A simulator: a behaviour model, its route table, faults, a journal, queues, and the shared control API.

Every transport ends here: the fast transport calls `handle`, the Flask app calls `handle_route` after
its own routing. Behaviour models are plain Python: no Flask, no clock but the runtime's.

Without a capacity a simulator acts on a request as it arrives. With one (kit.capacity) it acts when the
request's service starts: a request that must wait first gets a `queued` exchange, and acts when its
carrier hands it back with the ticket (kit.queueing); one refused by a full queue is answered at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from caas_core.errors import ConfigError
from caas_core.runtime import Runtime
from httpkit.exchange import HANG_HOLD_S, TICKET_HEADER, ConnectionDropped, Exchange, Outcome
from httpkit.messages import HttpRequest, HttpResponse
from httpkit.openapi import Webhook, build_document
from httpkit.problems import problem_for
from httpkit.routing import Route, Router, call_handler, dispatch
from simulators.kit.capacity import Capacity
from simulators.kit.control import Model, control_routes
from simulators.kit.distributions import Latency
from simulators.kit.faults import ACTIONS, Fault, FaultPlan
from simulators.kit.journal import Journal
from simulators.kit.provider_states import ProviderStates
from simulators.kit.queueing import Admitted, Queues, Refused


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
        capacity: Capacity | dict[str, Capacity] | None = None,
    ) -> None:
        """`webhooks` are those the model pushes, for the document; `faults` is the simulator's plan when
        its model needed it first (to fault its webhooks); `provider_states` are the contracts' states the
        model can be put in (see kit.provider_states); `capacity` is its setting (kit.capacity)."""
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
        for route_key in capacity if isinstance(capacity, dict) else ():
            if route_key not in self._served():
                served = "; ".join(self._served())
                raise ConfigError(f"capacity: {name} has no route {route_key!r}; it serves: {served}")
        self.queues = Queues(capacity, self.faults, runtime.stream(f"{name}.service"))

    def handle(self, request: HttpRequest) -> Exchange:
        return dispatch(self.router, request, self.handle_route)

    def handle_route(self, route: Route, params: dict[str, str], request: HttpRequest) -> Exchange:
        if route.control:
            return Exchange(0.0, call_handler(route.handler, self, request, params))
        now = self.runtime.now()
        admitted = None
        if self.queues.limited:
            admitted = self.queues.claim(request.header(TICKET_HEADER))
            if admitted is None:
                verdict = self.queues.admit(route.key, now)
                if isinstance(verdict, Refused):
                    return self._overflow(route, request, verdict, now)
                if verdict is not None and verdict.start > now:
                    return Exchange(verdict.start - now, None, "queued", verdict.ticket)
                admitted = verdict
        return self._act(route, params, request, now, admitted)

    def _act(
        self,
        route: Route,
        params: dict[str, str],
        request: HttpRequest,
        now: float,
        admitted: Admitted | None,
    ) -> Exchange:
        """Decide the request's faults and let the model answer it, now: as it arrived, or as its service
        starts. The answer is due after its service and the network's latency."""
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
        service = 0.0 if admitted is None else admitted.service
        latency = service + decision.latency
        hold = HANG_HOLD_S if outcome == "hang" else latency
        heapq.heappush(self._answer_times, now + hold)
        arrival = now if admitted is None else admitted.arrival
        self.journal.add(
            arrival,
            request,
            route.key,
            response,
            outcome,
            now - arrival + latency,
            decision.fault_id,
            queued_s=now - arrival,
            service_s=service,
        )
        return Exchange(latency, response, outcome)

    def _overflow(self, route: Route, request: HttpRequest, refused: Refused, now: float) -> Exchange:
        """A full queue answers at once, before the model or any fault's action sees the request."""
        latency = self.faults.latency(route.key, now, self._inflight(now))
        detail = f"{self.name} is at capacity: its queue is full; retry after {refused.retry_after_s} s"
        response = problem_for(refused.status, detail)
        response.headers["Retry-After"] = str(refused.retry_after_s)
        heapq.heappush(self._answer_times, now + latency)
        self.journal.add(now, request, route.key, response, "answer", latency, None, overflow=True)
        return Exchange(latency, response)

    def why_inert(self, fault: Fault) -> tuple[str, str] | None:
        """Why `fault` could never act here, as (the field at fault, the reason); None when it can act.
        A fault that never acts leaves a test passing without the failure it was meant to cause."""
        if fault.route is not None:
            served = self._served()
            if fault.route not in served:
                return "route", f"{self.name} has no route {fault.route!r}; it serves: {'; '.join(served)}"
        if fault.capacity is not None:
            inert = self._why_capacity_inert(fault)
            if inert is not None:
                return "capacity", inert
        if fault.webhook is not None and not self.webhooks:
            return "webhook", f"{self.name} sends no webhooks: a webhook fault has nothing to act on"
        if not fault.acts_on_requests and fault.webhook is None:
            kinds = ["latency", *ACTIONS, *(["webhook"] if self.webhooks else [])]
            return "body", f"the fault does nothing: give it one of {', '.join(kinds)}"
        return None

    def _why_capacity_inert(self, fault: Fault) -> str | None:
        queues, change = self.queues, fault.capacity
        assert change is not None
        if queues.shared is not None and fault.route is not None:
            return (
                f"{self.name}'s capacity is one pool that every route shares: a fault cannot change it "
                "for one route; leave out route"
            )
        base = queues.shared if fault.route is None else queues.by_route.get(fault.route)
        if fault.route is None and queues.by_route:
            return None  # it changes every route's pool
        if base is None and (change.workers is None or change.service is None):
            where = f"route {fault.route}" if fault.route else "its routes"
            return f"{self.name} has no capacity set for {where}: give workers and service to set one up"
        return None

    def _served(self) -> list[str]:
        return [r.key for r in self.routes if not r.control]

    def openapi(self) -> dict[str, Any]:
        return build_document(self.title, self.description, self.routes, self.security_schemes, self.webhooks)

    def reset(self) -> None:
        self.model.reset()
        self.faults.clear()
        self.journal.clear()
        self._answer_times.clear()
        self.queues.reset()

    def _inflight(self, now: float) -> int:
        times = self._answer_times
        while times and times[0] <= now:
            heapq.heappop(times)
        return len(times)


def _malformed(response: HttpResponse) -> HttpResponse:
    body = response.to_bytes()
    return HttpResponse(response.status, dict(response.headers), body=body[: max(1, len(body) // 2)])
