"""One adapter per external system: translate domain objects to its API, apply its policy, measure."""

from caas_core.adapters.calls import Trace, new_trace, send
from caas_core.adapters.vss import MaintenanceCheck, MaintenanceRecord, VssCredentials, VssMaintenanceAdapter

__all__ = [
    "MaintenanceCheck",
    "MaintenanceRecord",
    "Trace",
    "VssCredentials",
    "VssMaintenanceAdapter",
    "new_trace",
    "send",
]
