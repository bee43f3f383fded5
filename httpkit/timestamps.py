"""Times as the APIs write them: RFC 3339 in UTC, ending in `Z`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


@lru_cache(maxsize=8192)  # a command's timestamps are formatted again at every poll of it
def utc_rfc3339(unix: float, timespec: str = "auto") -> str:
    """Unix time `unix` with `timespec` as `datetime.isoformat` takes it: `utc_rfc3339(0.5, "milliseconds")`
    is `1970-01-01T00:00:00.500Z`."""
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec=timespec).replace("+00:00", "Z")
