"""Named seeded random streams: each stream's draws depend only on (seed, name).

Adding a stream never shifts the draws of the others, so a new feature or fault does not perturb
an existing scenario's randomness (common random numbers across policies rely on this).
"""

from __future__ import annotations

import hashlib
import random


def stream_seed(seed: int, name: str) -> int:
    digest = hashlib.blake2b(f"{seed}\x00{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Streams:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def get(self, name: str) -> random.Random:
        stream = self._streams.get(name)
        if stream is None:
            stream = self._streams[name] = random.Random(stream_seed(self.seed, name))
        return stream
