"""The control API every simulator serves under /__sandbox/: faults, journal, state, reset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from caas_core.http import HttpRequest, HttpResponse, json_response
from simulators.kit.faults import Fault
from simulators.kit.problems import Problem, parse_json
from simulators.kit.routing import Route

if TYPE_CHECKING:
    from simulators.kit.service import Simulator


def list_faults(sim: Simulator, request: HttpRequest) -> HttpResponse:
    return json_response(200, {"faults": [_dump(f) for f in sim.faults.faults]})


def add_fault(sim: Simulator, request: HttpRequest) -> HttpResponse:
    fault = sim.faults.add(parse_json(Fault, request))
    return json_response(201, _dump(fault))


def clear_faults(sim: Simulator, request: HttpRequest) -> HttpResponse:
    sim.faults.clear()
    return HttpResponse(204)


def remove_fault(sim: Simulator, request: HttpRequest, fault_id: str) -> HttpResponse:
    if not sim.faults.remove(fault_id):
        raise Problem(404, f"no fault with id {fault_id!r}")
    return HttpResponse(204)


def read_journal(sim: Simulator, request: HttpRequest) -> HttpResponse:
    try:
        from_s = _optional_float(request.query.get("from_s"))
        until_s = _optional_float(request.query.get("until_s"))
    except ValueError:
        raise Problem(400, "from_s and until_s must be numbers of seconds") from None
    entries = sim.journal.select(request.query.get("route"), from_s, until_s)
    return json_response(200, {"entries": [e.as_dict() for e in entries]})


def read_state(sim: Simulator, request: HttpRequest) -> HttpResponse:
    return json_response(200, {"simulator": sim.name, "time_s": sim.runtime.now(), **sim.model.state()})


def reset(sim: Simulator, request: HttpRequest) -> HttpResponse:
    sim.reset()
    return HttpResponse(204)


def _dump(fault: Fault) -> dict:
    return fault.model_dump(exclude_none=True)


def _optional_float(value: str | None) -> float | None:
    return None if value is None else float(value)


CONTROL_ROUTES = [
    Route("GET", "/__sandbox/faults", list_faults, control=True),
    Route("POST", "/__sandbox/faults", add_fault, control=True),
    Route("DELETE", "/__sandbox/faults", clear_faults, control=True),
    Route("DELETE", "/__sandbox/faults/{fault_id}", remove_fault, control=True),
    Route("GET", "/__sandbox/journal", read_journal, control=True),
    Route("GET", "/__sandbox/state", read_state, control=True),
    Route("POST", "/__sandbox/reset", reset, control=True),
]
