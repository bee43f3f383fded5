"""What every test folder shares: the order the tests run in."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` first, the rest in their own order. Under pytest-xdist each worker then takes
    the long ones while there is plenty left to share, and neither is still in one at the end while the
    other idles: the suite ends when its work does."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
