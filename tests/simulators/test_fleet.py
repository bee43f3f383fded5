"""The fleet's VINs: Faker's VIN draws, made without Faker's per-call machinery."""

from __future__ import annotations

import random

from faker import Faker

from simulators.kit.fleet import TEST_VEHICLES, Fleet, check_digit, faker_vin_prefix


def test_the_vin_prefix_is_fakers_own_for_the_same_generator() -> None:
    faker = Faker()
    for seed in (1, 2026):
        for index in range(4, 304):
            faker.seed_instance(f"{seed}:{index}")
            expected = faker.vin()[:11]
            drawn = faker_vin_prefix(random.Random(f"{seed}:{index}"))
            assert drawn[:8] + drawn[9:] == expected[:8] + expected[9:]


def test_a_vin_ends_in_its_index_and_carries_a_valid_check_digit() -> None:
    fleet = Fleet(7, 1_000)
    assert [fleet.vin(i) for i in range(4)] == list(TEST_VEHICLES)
    for index in (4, 5, 999):
        vin = fleet.vin(index)
        assert len(vin) == 17 and vin[11:] == f"{index:06d}"
        assert vin[8] == check_digit(vin)
        assert not set(vin) & set("IOQ")
    assert fleet.vin(4) == Fleet(7, 1_000).vin(4) != Fleet(8, 1_000).vin(4)
