"""Providers that break their contracts on purpose: the simulators with one route handler swapped."""

from __future__ import annotations

import dataclasses

from httpkit.messages import HttpRequest, HttpResponse, json_response
from httpkit.problems import Problem
from httpkit.routing import Handler
from runtimes.live import LiveRuntime
from simulators.admin import AdminConfig, AdminModel
from simulators.admin import create_simulator as admin_simulator
from simulators.admin.routes import register_vehicle
from simulators.factory import FactoryConfig
from simulators.factory import create_simulator as factory_simulator
from simulators.factory.model import FactoryModel
from simulators.factory.routes import get_order
from simulators.kit.service import Simulator
from tests.contracts.provider.servers import NO_LATENCY


def lax_sequence(model: FactoryModel, request: HttpRequest, orderId: str) -> HttpResponse:
    """The order view, with the sequence number as a string and no VIN: two breaches of the contract."""
    answer = get_order(model, request, orderId).json()
    answer["sequence"] = str(answer["sequence"])
    del answer["vin"]
    return json_response(200, answer)


def lax_owner_rules(model: AdminModel, request: HttpRequest) -> HttpResponse:
    """Registers whatever the owner data: the pending invalid-owner interaction fails, nothing else."""
    try:
        return register_vehicle(model, request)
    except Problem as problem:
        if problem.status != 422:
            raise
        body = request.json
        return json_response(201, model.register(body["vin"], body["orderId"], body["owner"]).as_body())


def with_handler(simulator: Simulator, key: str, handler: Handler) -> Simulator:
    routes = [dataclasses.replace(r, handler=handler) if r.key == key else r for r in simulator.routes]
    simulator.routes = routes
    simulator.router.routes = routes
    return simulator


def broken_factory(runtime: LiveRuntime) -> Simulator:
    simulator = factory_simulator(runtime, FactoryConfig(latency=NO_LATENCY))
    return with_handler(simulator, "GET /api/v1/orders/{orderId}", lax_sequence)


def lax_admin(runtime: LiveRuntime) -> Simulator:
    simulator = admin_simulator(runtime, "ES", AdminConfig(latency=NO_LATENCY))
    return with_handler(simulator, "POST /api/registration/vehicles", lax_owner_rules)
