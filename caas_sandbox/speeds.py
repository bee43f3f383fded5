"""Which speeds the live sandbox runs at.

Rules:
1. A speed is a finite number of at least MIN_SPEED: below it a runtime second lasts minutes of wall time
   and the sandbox's clock all but stops.
2. Every timeout scales with the speed. A speed at which the shortest timeout of the policies in force
   would last less than WALL_FLOOR_S of wall time is refused: an answer over loopback on a busy machine
   takes that long, so every call would time out. Long timelines are seen by advancing the clock instead.
"""

from __future__ import annotations

import math

from caas_core.errors import ConfigError
from caas_core.policies import Policies, shortest_timeout

MIN_SPEED = 0.01
WALL_FLOOR_S = 0.1


def highest_safe_speed(policies: Policies) -> float:
    return shortest_timeout(policies)[1] / WALL_FLOOR_S


def check_speed(speed: float, policies: Policies) -> None:
    """Refuse, in one line naming what is wrong, a speed the sandbox cannot run at."""
    if not math.isfinite(speed) or speed < MIN_SPEED:
        raise ConfigError(f"--speed {speed:g}: give a finite number of at least {MIN_SPEED:g}")
    key, timeout = shortest_timeout(policies)
    if timeout / speed < WALL_FLOOR_S:
        raise ConfigError(
            f"--speed {speed:g} is too fast: {key} = {timeout:g} s would last "
            f"{timeout / speed * 1000:.0f} ms of wall time, under the {WALL_FLOOR_S * 1000:.0f} ms floor; "
            f"the highest safe speed is {highest_safe_speed(policies):g} "
            "(see long timelines with: caas-sandbox clock advance)"
        )
