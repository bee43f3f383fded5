"""Reports name the partner systems without importing the core; their list stays the core's."""

from __future__ import annotations

from caas_core.config import SYSTEMS
from reports._runs import SYSTEMS as REPORTED_SYSTEMS


def test_reports_name_the_cores_systems_in_its_order():
    assert REPORTED_SYSTEMS == SYSTEMS
