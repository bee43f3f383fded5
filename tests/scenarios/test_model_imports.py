"""A scenario file's card tokens are checked against the payment simulator's own list, and reading the
file still loads no Flask."""

from __future__ import annotations

from tests.helpers.light_import import loaded_after


def test_reading_a_scenario_file_loads_no_flask():
    assert loaded_after("import scenarios.model", ["flask"]) == []
