"""The JSON record: one file per run and `report.json` with all of them.

Keys are sorted and the indent fixed, so the same scenario and seed write the same bytes; only each
record's `run` section (wall-clock facts) may differ between two runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from caas_core.errors import ConfigError
from reports._runs import Record, passed, safe_name


def dumps(data: Any) -> str:
    # ensure_ascii keeps the bytes independent of the platform's idea of text; a trailing newline makes
    # the files diff and cat cleanly.
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=True) + "\n"


def run_file_name(record: Record) -> str:
    return f"{safe_name(record['scenario'])}-r{int(record.get('replication', 0))}.json"


def write_json(records: list[Record], out_dir: Path) -> Path:
    """Write `<scenario>-r<replication>.json` per run and `report.json`; return the path of the latter."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [run_file_name(r) for r in records]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        # Two scenario files with the same name would silently overwrite each other's record.
        raise ConfigError(f"two runs would both be written to {out_dir / duplicate}: rename one scenario")
    for name, record in zip(names, records, strict=True):
        (out_dir / name).write_text(dumps(record), encoding="utf-8")
    report = out_dir / "report.json"
    summary = {"passed": all(passed(r) for r in records), "runs": len(records), "records": list(records)}
    report.write_text(dumps(summary), encoding="utf-8")
    return report
