"""Runtime time as partners read it: RFC 3339 timestamps in UTC, ending in `Z`."""

from __future__ import annotations

from caas_core.runtime import Runtime
from httpkit.timestamps import utc_rfc3339


def rfc3339(runtime: Runtime, t: float, timespec: str = "auto") -> str:
    """Runtime second `t` as a UTC timestamp, `timespec` as `datetime.isoformat` takes it. With the
    epoch at 2026-01-01 00:00 UTC, `rfc3339(runtime, 0.5, "milliseconds")` is `2026-01-01T00:00:00.500Z`."""
    return utc_rfc3339(runtime.epoch + t, timespec)
