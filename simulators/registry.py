"""The five external systems as one set: how to build each simulator, and the sandbox credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caas_core.runtime import Runtime
from simulators import admin, factory, iot, payment, vss
from simulators.kit.service import Simulator


def build_simulators(runtime: Runtime, configs: Mapping[str, Any] | None = None) -> dict[str, Simulator]:
    """Every simulator on `runtime`, keyed by the system name the core sends to (admin per country).
    `configs` may hold a config per system ("factory", "vss", "iot", "payment", "admin")."""
    configs = configs or {}
    simulators = {
        "factory": factory.create_simulator(runtime, configs.get("factory")),
        "vss": vss.create_simulator(runtime, configs.get("vss")),
        "iot": iot.create_simulator(runtime, configs.get("iot")),
        "payment": payment.create_simulator(runtime, configs.get("payment")),
    }
    simulators.update(admin.create_simulators(runtime, configs.get("admin")))
    return simulators


def credentials() -> dict[str, dict[str, Any]]:
    """The sandbox credentials of each system, as the defaults of their configs give them."""
    factory_config, vss_config = factory.FactoryConfig(), vss.VssConfig()
    iot_config, payment_config = iot.IotConfig(), payment.PaymentConfig()
    return {
        "factory": {"api_key": factory_config.api_key, "webhook_secret": factory_config.webhook_secret},
        "vss": {"client_id": vss_config.client_id, "client_secret": vss_config.client_secret},
        "iot": {"key_id": iot_config.key_id, "psk": iot_config.psk},
        "payment": {"api_key": payment_config.api_key, "webhook_secret": payment_config.webhook_secret},
        "admin": {"tokens": {code: admin.country(code).token for code in admin.COUNTRIES}},
    }
