"""Reports name the partner systems by the core's own list and read frozen run records, without loading
what the core's models or the simulated world need."""

from __future__ import annotations

from tests.helpers.light_import import loaded_after


def test_reading_the_system_names_loads_no_model_library():
    heavy = ["pydantic", "flask", "simpy", "scenarios.runner"]
    assert loaded_after("import reports, reports.markdown, reports.plots", heavy) == []
