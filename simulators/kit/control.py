"""The control API every simulator serves under /__sandbox/: faults, journal, state, reset."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from caas_core.cards import redact_card_numbers
from caas_core.runtime import Runtime
from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import Problem, parse_json
from httpkit.routing import Answer, QueryParam, Route
from simulators.kit.faults import Fault, FaultPlan
from simulators.kit.journal import Journal
from simulators.kit.provider_states import ProviderStates
from simulators.kit.queueing import Queues


class Model(Protocol):
    """A simulator's behaviour model, as its control API sees it."""

    def state(self) -> dict[str, Any]: ...
    def reset(self) -> None: ...


class Controlled(Protocol):
    """What the control API needs of a simulator."""

    name: str
    title: str
    description: str
    mount: str  # the prefix its server serves it under, or ""
    routes: list[Route]
    runtime: Runtime
    model: Model
    faults: FaultPlan
    journal: Journal
    provider_states: ProviderStates
    queues: Queues

    def why_inert(self, fault: Fault) -> tuple[str, str] | None: ...
    def openapi(self) -> dict[str, Any]: ...
    def reset(self) -> None: ...


def list_faults(sim: Controlled, request: HttpRequest) -> HttpResponse:
    return json_response(200, {"faults": [_dump(f) for f in sim.faults.faults]})


def add_fault(sim: Controlled, request: HttpRequest) -> HttpResponse:
    fault = parse_json(Fault, request)
    inert = sim.why_inert(fault)
    if inert is not None:
        field, detail = inert
        raise Problem(422, detail, field=field)
    return json_response(201, _dump(sim.faults.add(fault)))


def clear_faults(sim: Controlled, request: HttpRequest) -> HttpResponse:
    sim.faults.clear()
    return HttpResponse(204)


def remove_fault(sim: Controlled, request: HttpRequest, fault_id: str) -> HttpResponse:
    if not sim.faults.remove(fault_id):
        raise Problem(404, f"no fault with id {fault_id!r}")
    return HttpResponse(204)


def read_journal(sim: Controlled, request: HttpRequest) -> HttpResponse:
    unknown = sorted(set(request.query) - JOURNAL_FILTERS)
    if unknown:
        raise Problem(
            400, f"the journal has no filter {unknown[0]!r}; it takes {', '.join(JOURNAL_FILTERS_SHOWN)}"
        )
    try:
        from_s = _optional_float(request.query.get("from_s"))
        until_s = _optional_float(request.query.get("until_s"))
    except ValueError:
        raise Problem(400, "from_s and until_s must be finite numbers of seconds") from None
    route = request.query.get("route")
    served = [r.key for r in sim.routes if not r.control]
    if route is not None and route not in served:
        named = redact_card_numbers(route)
        raise Problem(400, f"{sim.name} has no route {named!r}; it serves: {'; '.join(served)}")
    entries = sim.journal.select(route, from_s, until_s, request.query.get("trace_id"))
    return json_response(200, {"entries": [e.as_dict() for e in entries]})


def index(sim: Controlled, request: HttpRequest) -> HttpResponse:
    """What this server serves: its API, its OpenAPI document, and its control API."""

    def listed(control: bool) -> list[dict[str, str]]:
        return [
            {"method": r.method, "path": sim.mount + r.template, "summary": r.summary}
            for r in sim.routes
            if r.control == control and r.template != "/"
        ]

    return json_response(
        200,
        {
            "service": sim.title,
            "description": sim.description,
            "openapi": f"{sim.mount}/openapi.json",
            "endpoints": listed(False),
            "control": listed(True),
        },
    )


def read_state(sim: Controlled, request: HttpRequest) -> HttpResponse:
    now = sim.runtime.now()
    clock = {"time_s": now, "epoch": sim.runtime.epoch}
    pools = {"capacity": sim.queues.state(now)} if sim.queues.pools else {}
    return json_response(200, {"simulator": sim.name, **clock, **sim.model.state(), **pools})


def reset(sim: Controlled, request: HttpRequest) -> HttpResponse:
    sim.reset()
    return HttpResponse(204)


def openapi(sim: Controlled, request: HttpRequest) -> HttpResponse:
    return json_response(200, sim.openapi())


def change_provider_state(sim: Controlled, request: HttpRequest) -> HttpResponse:
    """Pact's state-change call: set a contract's provider state up, or tear every state down."""
    change = parse_json(ProviderStateChange, request)
    if change.action == "teardown":
        sim.model.reset()  # handlers only add (see kit.provider_states), so a reset undoes them all
        return json_response(200, {})
    if not change.state:
        return json_response(200, {})  # Pact's generic set-up call, made without a state: nothing to do
    states = sim.provider_states
    handler = states.get(change.state)
    if handler is None:
        known = "; ".join(sorted(states)) or "none"
        raise Problem(404, f"{sim.name} has no provider state {change.state!r}; it knows: {known}")
    try:
        handler(sim.model, change.params)
    except ValueError as error:  # pydantic's ValidationError included
        raise Problem(422, f"provider state {change.state!r}: {error}") from None
    return json_response(200, {})


def _dump(fault: Fault) -> dict[str, Any]:
    return fault.model_dump(exclude_none=True)


def _optional_float(value: str | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):  # float() reads "nan" and "inf"; a NaN bound would match nothing
        raise ValueError(value)
    return number


class FaultList(BaseModel):
    faults: list[Fault]


class JournalPage(BaseModel):
    entries: list[dict[str, Any]]


class SimulatorState(BaseModel):
    model_config = ConfigDict(extra="allow")

    simulator: str
    time_s: float  # the sandbox's clock: runtime seconds since its start
    epoch: float  # the Unix time of runtime second 0


class OpenApiDocument(BaseModel):
    model_config = ConfigDict(extra="allow")

    openapi: str


class ProviderStateChange(BaseModel):
    """The body a Pact verifier posts to a state-change URL."""

    model_config = ConfigDict(extra="ignore")  # other verifiers may send more; these three are the call

    state: str = Field(default="", max_length=1_000)
    params: dict[str, Any] = Field(default_factory=dict)
    action: Literal["setup", "teardown"] = "setup"


class ProviderStateValues(BaseModel):
    """Values for Pact's provider-state generators; the simulators offer none."""

    model_config = ConfigDict(extra="allow")


_JOURNAL_QUERY = (
    QueryParam("route", "only this route, as 'GET /path/{param}'; one it does not serve is a 400"),
    QueryParam("from_s", "only entries at or after this runtime second", "number"),
    QueryParam("until_s", "only entries before this runtime second", "number"),
    QueryParam("trace_id", "only entries of this trace (their X-Trace-Id)"),
)
JOURNAL_FILTERS_SHOWN = tuple(q.name for q in _JOURNAL_QUERY)
JOURNAL_FILTERS = frozenset(JOURNAL_FILTERS_SHOWN)


class Index(BaseModel):
    model_config = ConfigDict(extra="allow")

    service: str
    openapi: str
    endpoints: list[dict[str, str]]
    control: list[dict[str, str]]


def control_routes(served: Sequence[str]) -> list[Route]:
    """The control API of a simulator that serves the routes named `served` ('GET /path/{param}')."""
    journal_query = (
        dataclasses.replace(_JOURNAL_QUERY[0], values=tuple(served)),
        *_JOURNAL_QUERY[1:],
    )
    return [
        *CONTROL_ROUTES[:_JOURNAL],
        dataclasses.replace(CONTROL_ROUTES[_JOURNAL], query=journal_query),
        *CONTROL_ROUTES[_JOURNAL + 1 :],
    ]


CONTROL_ROUTES = [
    Route(
        "GET",
        "/",
        index,
        True,
        "what this server serves: its API, its OpenAPI document, its control API",
        (Answer(200, "the index", Index),),
    ),
    Route(
        "GET",
        "/__sandbox/faults",
        list_faults,
        True,
        "list the faults in force",
        (Answer(200, "the faults", FaultList),),
    ),
    Route(
        "POST",
        "/__sandbox/faults",
        add_fault,
        True,
        "inject a fault",
        (
            Answer(201, "the fault, with its id", Fault),
            Answer(
                422, "the fault is not valid, names a route this simulator does not serve, or does nothing"
            ),
        ),
        body=Fault,
    ),
    Route("DELETE", "/__sandbox/faults", clear_faults, True, "remove every fault", (Answer(204, "removed"),)),
    Route(
        "DELETE",
        "/__sandbox/faults/{fault_id}",
        remove_fault,
        True,
        "remove one fault",
        (Answer(204, "removed"), Answer(404, "no such fault")),
    ),
    Route(
        "GET",
        "/__sandbox/journal",
        read_journal,
        True,
        "the requests received, filtered by route, time and trace",
        (
            Answer(200, "journal entries", JournalPage),
            Answer(400, "an unknown filter, a route not served here, or a bound that is not a number"),
        ),
        query=_JOURNAL_QUERY,
    ),
    Route(
        "GET",
        "/__sandbox/state",
        read_state,
        True,
        "the model's state",
        (Answer(200, "state", SimulatorState),),
    ),
    Route(
        "POST", "/__sandbox/reset", reset, True, "reset state, faults and journal", (Answer(204, "reset"),)
    ),
    Route(
        "POST",
        "/__sandbox/provider-states",
        change_provider_state,
        True,
        "set up a contract's provider state, or tear the states down (Pact state-change call)",
        (
            Answer(200, "done", ProviderStateValues),
            Answer(404, "this simulator has no such provider state"),
            Answer(422, "the call, or a parameter of the state, is not valid"),
        ),
        body=ProviderStateChange,
    ),
    Route(
        "GET", "/openapi.json", openapi, True, "this document", (Answer(200, "OpenAPI 3.1", OpenApiDocument),)
    ),
]
_JOURNAL = next(i for i, r in enumerate(CONTROL_ROUTES) if r.template == "/__sandbox/journal")
