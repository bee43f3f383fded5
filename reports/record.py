"""The JSON record: one file per run and `report.json` with all of them, and the reading of it back.

Keys are sorted and the indent fixed, so the same scenario and seed write the same bytes; only each
record's `run` section (wall-clock facts) may differ between two runs. A record read back is equal to
the one written (`RunRecord.from_dict`).
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
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=True) + "\n"


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
