"""The live sandbox's logs: one JSON object a line, to stderr or a file. A record's structured `fields`
(the core's integration calls: trace and span ids, system, route, status or error, latency, attempt; a
failed flow's entity and error) become keys of their own. Card numbers are masked wherever they appear,
and no field holds a header, body or secret."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from caas_core.cards import mask_card_numbers

LEVELS = ("debug", "info", "warning", "error")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry.setdefault("error", f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
        return mask_card_numbers(json.dumps(entry, default=str))


def configure(level: str = "info", file: Path | None = None) -> logging.Handler:
    """Send the sandbox's loggers to stderr (or `file`) as JSON lines, from `level` up."""
    handler: logging.Handler = (
        logging.FileHandler(file, encoding="utf-8") if file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(JsonLines())
    for name in ("caas_core", "simulators", "runtimes"):
        logger = logging.getLogger(name)
        logger.setLevel(level.upper())
        logger.addHandler(handler)
        logger.propagate = False  # one line per record, not a second from the root's handler
    return handler
