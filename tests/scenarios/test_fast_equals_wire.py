"""The fast transport's licence (bench/README.md): it may skip work whose only effect is on bytes, never
an outcome. For every built-in scenario at seeds 1 and 2, its record is the wire transport's, field for
field, the transport's own name aside."""

from __future__ import annotations

import pytest

from scenarios.catalog import builtin_paths, resolve
from scenarios.runner import run


@pytest.mark.long
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", list(builtin_paths()))
def test_the_fast_transport_gives_the_wire_record(name, seed):
    scenario = resolve(name)
    fast = run(scenario, seed=seed, transport="fast").as_dict(wall_clock=False)
    wire = run(scenario, seed=seed, transport="wire").as_dict(wall_clock=False)
    assert (fast.pop("transport"), wire.pop("transport")) == ("fast", "wire")
    assert fast == wire
