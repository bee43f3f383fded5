"""The control API every simulator serves under /__sandbox/: faults, journal, state, reset."""

from __future__ import annotations

import math
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

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
    try:
        from_s = _optional_float(request.query.get("from_s"))
        until_s = _optional_float(request.query.get("until_s"))
    except ValueError:
        raise Problem(400, "from_s and until_s must be finite numbers of seconds") from None
    entries = sim.journal.select(request.query.get("route"), from_s, until_s)
    return json_response(200, {"entries": [e.as_dict() for e in entries]})


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
    QueryParam("route", "only this route, as 'GET /path/{param}'"),
    QueryParam("from_s", "only entries at or after this runtime second", "number"),
    QueryParam("until_s", "only entries before this runtime second", "number"),
)

CONTROL_ROUTES = [
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
        "the requests received, filtered by route and time",
        (Answer(200, "journal entries", JournalPage), Answer(400, "a bound is not a number")),
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
