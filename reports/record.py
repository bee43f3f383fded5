"""The JSON record: one file per run and `report.json` with all of them, and the reading of it back.

Keys are sorted and the indent fixed (two spaces, a list of plain values on one line: a time series is
a few long lines, not thousands of short ones), so the same scenario and seed write the same bytes; only
each record's `run` section (wall-clock facts) may differ between two runs. A record read back is equal
to the one written (`RunRecord.from_dict`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from caas_core.errors import ConfigError
from reports._runs import safe_name
from scenarios.record import RunRecord


def dumps(data: Any) -> str:
    # ensure_ascii keeps the bytes independent of the platform's idea of text; a trailing newline makes
    # the files diff and cat cleanly.
    return _encoded(data, 0) + "\n"


def _encoded(value: Any, depth: int) -> str:
    """json.dumps(sort_keys=True, indent=2), but for lists of plain values, which stay on one line."""
    if isinstance(value, dict | list | tuple) and value:
        pad = "  " * (depth + 1)
        if isinstance(value, dict):
            items = [f"{pad}{json.dumps(k)}: {_encoded(value[k], depth + 1)}" for k in sorted(value)]
            return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
        if any(isinstance(item, dict | list | tuple) for item in value):
            items = [pad + _encoded(item, depth + 1) for item in value]
            return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return json.dumps(value, ensure_ascii=True)


def run_file_name(record: RunRecord) -> str:
    return f"{safe_name(record.scenario)}-r{record.replication}.json"


def write_json(records: Sequence[RunRecord], out_dir: Path) -> Path:
    """Write `<scenario>-r<replication>.json` per run and `report.json`; return the path of the latter."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [run_file_name(r) for r in records]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        # Two scenario files with the same name would silently overwrite each other's record.
        raise ConfigError(f"two runs would both be written to {out_dir / duplicate}: rename one scenario")
    forms = [r.as_dict() for r in records]
    for name, form in zip(names, forms, strict=True):
        (out_dir / name).write_text(dumps(form), encoding="utf-8")
    report = out_dir / "report.json"
    summary = {"passed": all(r.passed for r in records), "runs": len(records), "records": forms}
    report.write_text(dumps(summary), encoding="utf-8")
    return report


def read_json(report: Path) -> list[RunRecord]:
    """The records of a `report.json`, equal to those written: enough to render every report again."""
    data = json.loads(report.read_text(encoding="utf-8"))
    return [RunRecord.from_dict(record) for record in data["records"]]
