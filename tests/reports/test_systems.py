"""Reports name the partner systems by the core's own list, without loading what the core's models need."""

from __future__ import annotations

from tests.helpers.light_import import loaded_after


def test_reading_the_system_names_loads_no_model_library():
    assert loaded_after("import reports.markdown, reports.plots", ["pydantic", "flask"]) == []
