"""Build the core from its policies and configuration: one integration per external system, its adapter,
the store, telemetry, the webhook receiver, and the dependencies the flows declare. The one place where
the core's parts meet."""

from __future__ import annotations

from typing import TypeVar

from caas_core.adapters import admin as admin_routes
from caas_core.adapters import factory as factory_routes
from caas_core.adapters import iot as iot_routes
from caas_core.adapters import payment as payment_routes
from caas_core.adapters import vss as vss_routes
from caas_core.adapters.admin import AdminRegistrationAdapter
from caas_core.adapters.factory import FactoryOrderAdapter
from caas_core.adapters.integration import Endpoint, Integration
from caas_core.adapters.iot import IotCredentials, IotGatewayAdapter
from caas_core.adapters.payment import PaymentGatewayAdapter
from caas_core.adapters.vss import VssCredentials, VssMaintenanceAdapter
from caas_core.config import CoreConfig
from caas_core.flows.dependencies import Dependencies
from caas_core.policies.models import Policies, RetryPolicy
from caas_core.resilience.breaker import NO_BREAKER, CircuitBreaker, Gate
from caas_core.runtime import Runtime
from caas_core.service import CaasCore
from caas_core.store import Store
from caas_core.store.outbox import Customers, Operations
from caas_core.systems import admin_system
from caas_core.telemetry import CIRCUIT_STATE_VALUE, Telemetry
from caas_core.tracelog import TraceLog
from caas_core.webhooks import WebhookReceiver, WebhookSource

P = TypeVar("P", bound=RetryPolicy)


def build_core(
    runtime: Runtime,
    policies: Policies,
    config: CoreConfig | None = None,
    *,
    store: Store | None = None,
    telemetry: Telemetry | None = None,
) -> CaasCore:
    """The core on `runtime`. A core restarted after a crash is given the `store` its predecessor left (what
    survives a crash), and in a simulated run the `telemetry` that observes every life of the core."""
    config = config or CoreConfig()
    store = store or Store(config.database)
    telemetry = telemetry or Telemetry()
    if config.traces_kept and telemetry.traces is None:
        telemetry.traces = TraceLog(config.traces_kept)
    breakers: dict[str, CircuitBreaker] = {}

    def gate(system: str, family: str) -> Gate:
        policy = dict(policies.breakers)[family]
        if not policy.enabled:
            return NO_BREAKER
        breaker = breakers[system] = CircuitBreaker(system, policy, telemetry.circuit)
        return breaker

    def integration(
        system: str, policy: P, endpoints: tuple[Endpoint, ...], family: str | None = None
    ) -> Integration[P]:
        return Integration(system, policy, telemetry, gate(system, family or system), endpoints)

    vss = VssMaintenanceAdapter(
        integration("vss", policies.vss_query, vss_routes.ENDPOINTS),
        VssCredentials(config.vss_client_id, config.vss_client_secret),
    )
    factory = FactoryOrderAdapter(
        integration("factory", policies.factory_order, factory_routes.ENDPOINTS), config.factory_api_key
    )
    iot = IotGatewayAdapter(
        integration("iot", policies.ota_activation, iot_routes.ENDPOINTS),
        IotCredentials(config.iot_key_id, config.iot_psk),
        epoch=runtime.epoch,
    )
    payment = PaymentGatewayAdapter(
        integration("payment", policies.payment, payment_routes.ENDPOINTS), config.payment_api_key
    )
    registries = {
        country.upper(): integration(
            admin_system(country), policies.admin_registration, admin_routes.ENDPOINTS, "admin"
        )
        for country in config.admin_tokens
    }
    admin = AdminRegistrationAdapter(registries, config.admin_tokens)
    # Each breaker is a gauge from the first scrape on, not only once it has changed state.
    for name, breaker in breakers.items():
        telemetry.metrics.circuit_state[name] = CIRCUIT_STATE_VALUE[breaker.state]
    receiver = WebhookReceiver(
        {
            "factory": WebhookSource(
                "factory", config.factory_webhook_secret, config.webhook_allowlist["factory"]
            ),
            "payment": WebhookSource(
                "payment", config.payment_webhook_secret, config.webhook_allowlist["payment"]
            ),
        },
        policies.webhook_receipt,
        store,
        runtime.epoch,
        telemetry.webhooks_rejected,
    )
    deps = Dependencies(
        records=store,
        customers=Customers(store),
        operations=Operations(store),
        maintenance=vss,
        payments=payment,
        vehicles=iot,
        factory=factory,
        registries=admin,
        spawn=runtime.spawn,
        telemetry=telemetry,
        silence_poll_after_s=policies.webhook_receipt.silence_poll_after_s,
        silence_sweep_s=config.silence_sweep_s,
    )
    return CaasCore(runtime, policies, config, store, telemetry, receiver, deps, breakers)
