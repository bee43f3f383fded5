"""The spine holds: one VSS workload gives the same outcome per check live over sockets, in SimPy with
the fast transport and with the wire transport; and simulated runs are byte-identical per seed."""

from __future__ import annotations

import pytest

from scenarios import vss_demo

SEED = 42


@pytest.fixture(scope="module")
def checks():
    return vss_demo.plan(SEED)


@pytest.fixture(scope="module")
def fast(checks):
    return vss_demo.run_simulated(SEED, "fast", checks)


def test_the_workload_exercises_every_outcome(fast, checks):
    assert len(checks) == 258
    assert vss_demo.summary_rows(fast) == {
        "allowed, answered by VSS": 159,
        "allowed, from cache": 52,
        "blocked: maintenance overdue": 38,
        "blocked: VSS unavailable, no cache": 9,
        "breaker openings": 2,
        "requests to VSS": 195,
    }
    # Opened within the outage (150 s to 270 s), a probe refused inside it, one closing it after it.
    assert [(round(t, 6), old, new) for t, old, new in fast.transitions()] == [
        (175.863, "closed", "open"),
        (235.863, "open", "half_open"),  # open_duration_s later
        (238.669, "half_open", "open"),
        (298.669, "open", "half_open"),
        (303.015, "half_open", "closed"),
    ]
    assert (vss_demo.OUTAGE["from_s"], vss_demo.OUTAGE["until_s"]) == (150, 270)


def test_fast_and_wire_give_the_same_outcome_for_each_check(fast, checks):
    wire = vss_demo.run_simulated(SEED, "wire", checks)
    assert wire.outcomes() == fast.outcomes()
    assert wire.transitions() == fast.transitions()
    assert wire.journal_size == fast.journal_size


def test_two_simulated_runs_with_the_same_seed_are_byte_identical(fast, checks):
    again = vss_demo.run_simulated(SEED, "fast", checks)
    assert again.to_json().encode() == fast.to_json().encode()
    other = vss_demo.run_simulated(SEED + 1, "fast", checks)
    assert other.to_json() != fast.to_json()


@pytest.mark.long
@pytest.mark.live
def test_live_over_loopback_gives_the_same_outcome_for_each_check(fast, checks):
    live = vss_demo.run_live(SEED, speed=12, checks=checks)
    assert live.outcomes() == fast.outcomes()
    assert [(old, new) for _, old, new in live.transitions()] == [
        (old, new) for _, old, new in fast.transitions()
    ]
    for (live_t, _, _), (sim_t, _, _) in zip(live.transitions(), fast.transitions(), strict=True):
        assert live_t == pytest.approx(sim_t, abs=vss_demo.MARGIN_S)
    assert live.journal_size == fast.journal_size
