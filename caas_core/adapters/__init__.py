"""One adapter per external system: translate domain objects to its API, apply its policy, measure."""

from caas_core.adapters.admin import AdminRegistrationAdapter, Owner, Registration, country_breakers
from caas_core.adapters.calls import Trace, new_trace, send
from caas_core.adapters.factory import FactoryOrder, FactoryOrderAdapter, FactoryStatus, VehicleSpec
from caas_core.adapters.iot import Activation, IotCredentials, IotGatewayAdapter
from caas_core.adapters.payment import Authorization, Capture, PaymentGatewayAdapter
from caas_core.adapters.vss import MaintenanceCheck, MaintenanceRecord, VssCredentials, VssMaintenanceAdapter

__all__ = [
    "Activation",
    "AdminRegistrationAdapter",
    "Authorization",
    "Capture",
    "FactoryOrder",
    "FactoryOrderAdapter",
    "FactoryStatus",
    "IotCredentials",
    "IotGatewayAdapter",
    "MaintenanceCheck",
    "MaintenanceRecord",
    "Owner",
    "PaymentGatewayAdapter",
    "Registration",
    "Trace",
    "VehicleSpec",
    "VssCredentials",
    "VssMaintenanceAdapter",
    "country_breakers",
    "new_trace",
    "send",
]
