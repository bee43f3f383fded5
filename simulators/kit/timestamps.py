"""Runtime time as partners read it: RFC 3339 timestamps in UTC, ending in `Z`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from caas_core.runtime import Runtime


def rfc3339(runtime: Runtime, t: float, timespec: str = "auto") -> str:
    """Runtime second `t` as a UTC timestamp, `timespec` as `datetime.isoformat` takes it. With the
    epoch at 2026-01-01 00:00 UTC, `rfc3339(runtime, 0.5, "milliseconds")` is `2026-01-01T00:00:00.500Z`."""
    return _format(runtime.epoch + t, timespec)


@lru_cache(maxsize=8192)  # a command's timestamps are formatted again at every poll of it
def _format(unix: float, timespec: str) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec=timespec).replace("+00:00", "Z")
