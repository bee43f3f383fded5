"""One adapter per external system: translate domain objects to its API; its integration applies the
system's policy and gate, and measures."""

from caas_core.adapters.admin import AdminRegistrationAdapter, Owner, Registration
from caas_core.adapters.factory import FactoryOrder, FactoryOrderAdapter, FactoryStatus, VehicleSpec
from caas_core.adapters.integration import Endpoint, Integration, Trace, new_trace, read
from caas_core.adapters.iot import Activation, IotCredentials, IotGatewayAdapter
from caas_core.adapters.payment import Authorization, Capture, PaymentGatewayAdapter
from caas_core.adapters.vss import MaintenanceCheck, MaintenanceRecord, VssCredentials, VssMaintenanceAdapter

__all__ = [
    "Activation",
    "AdminRegistrationAdapter",
    "Authorization",
    "Capture",
    "Endpoint",
    "FactoryOrder",
    "FactoryOrderAdapter",
    "FactoryStatus",
    "Integration",
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
    "new_trace",
    "read",
]
