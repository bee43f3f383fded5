"""The sandbox's vehicles, derived lazily and deterministically from the seed.

Vehicle i's VIN is Faker's automotive VIN drawn from a generator seeded with (seed, i), its last six
characters replaced by i (so membership needs no table) and its check digit recomputed; the first few
indices are the documented test vehicles. Nothing is generated until asked for, so a 100,000-vehicle
fleet costs nothing up front.
"""

from __future__ import annotations

import hashlib
import random
from functools import lru_cache

# The documented test vehicles, always present, in this order at indices 0..3.
TEST_VEHICLES = ("SBXHEALTHY0000001", "SBXLAPSED00000001", "SBXASLEEP00000001", "SBXFAULTY00000001")

_TRANSLIT = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True))}
_TRANSLIT |= dict(zip("JKLMN", range(1, 6), strict=True)) | {"P": 7, "R": 9}
_TRANSLIT |= dict(zip("STUVWXYZ", range(2, 10), strict=True))
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_CHARACTERS = "1234567890ABCDEFGHJKLMNPRSTUVWXYZ"  # Faker's, with I, O and Q left out as the standard says
MAX_FLEET = 1_000_000


def unit_hash(seed: int, key: str) -> float:
    """A number in [0, 1) fixed by (seed, key): per-vehicle traits without a stream per vehicle."""
    digest = hashlib.blake2b(f"{seed}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def check_digit(vin: str) -> str:
    total = sum(_TRANSLIT[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def faker_vin_prefix(rng: random.Random) -> str:
    """The first 11 characters of `Faker.vin()` from a Faker whose generator is `rng`, in Faker's order of
    draws: the front part's 8 characters; then the rear part's 4 digits, drawn before its letters, of which
    the first 2 are kept. Character 9, Faker's check digit, takes no draw and is recomputed by the caller.
    Through Faker's providers a VIN cost 24 us, most of the workload's cost per purchase in a
    100,000-vehicle fleet day; drawn here, 9 us. tests/simulators/test_fleet.py pins the two together."""
    front = "".join([rng.choice(VIN_CHARACTERS) for _ in range(8)])
    for _ in range(4):
        rng.randint(0, 9)
    return f"{front}0{rng.choice(VIN_CHARACTERS)}{rng.choice(VIN_CHARACTERS)}"


class Fleet:
    def __init__(self, seed: int, size: int) -> None:
        if not len(TEST_VEHICLES) <= size <= MAX_FLEET:
            raise ValueError(f"fleet size must be between {len(TEST_VEHICLES)} and {MAX_FLEET}")
        self.seed, self.size = seed, size
        self.vin = lru_cache(maxsize=None)(self._make_vin)

    def _make_vin(self, index: int) -> str:
        if not 0 <= index < self.size:
            raise IndexError(f"vehicle {index} is outside a fleet of {self.size}")
        if index < len(TEST_VEHICLES):
            return TEST_VEHICLES[index]
        body = faker_vin_prefix(random.Random(f"{self.seed}:{index}")) + f"{index:06d}"
        return body[:8] + check_digit(body) + body[9:]

    def index_of(self, vin: str) -> int | None:
        if vin in TEST_VEHICLES:
            return TEST_VEHICLES.index(vin)
        if len(vin) != 17 or not vin[11:].isdigit():
            return None
        index = int(vin[11:])
        if index >= self.size or index < len(TEST_VEHICLES) or self.vin(index) != vin:
            return None
        return index

    def __contains__(self, vin: object) -> bool:
        return isinstance(vin, str) and self.index_of(vin) is not None


@lru_cache(maxsize=8)
def shared_fleet(seed: int, size: int) -> Fleet:
    """One fleet per (seed, size): VSS, IoT and the workload then derive each VIN once, not once each.
    A fleet is a pure function of its seed and size, so sharing it shares nothing mutable that matters."""
    return Fleet(seed, size)
