"""Every report reads a record loaded from `report.json` exactly as it reads the fresh record."""

from __future__ import annotations

import pytest

import reports
from reports.record import read_json
from scenarios.record import RunRecord
from scenarios.runner import run
from tests.helpers.eventful import EVENTFUL

FILES = [
    "calm-r0.json",
    "eventful-r0.json",
    "eventful-r1.json",
    "index.html",
    "junit.xml",
    "report.json",
    "summary.md",
]


@pytest.fixture(scope="module")
def fresh(calm) -> list[RunRecord]:
    return [*calm, *(run(EVENTFUL, replication=k) for k in range(EVENTFUL.replications))]


def test_reports_of_loaded_records_are_byte_identical(tmp_path, fresh):
    written = reports.write_all(fresh, tmp_path / "fresh")
    loaded = read_json(written["json"])
    assert loaded == fresh
    again = reports.write_all(loaded, tmp_path / "loaded")
    assert sorted(p.name for p in (tmp_path / "loaded").iterdir()) == FILES
    for name in FILES:
        assert (tmp_path / "loaded" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    # The eventful faults are what a loaded record could read differently: make sure they are shown.
    assert (
        "route=POST /api/payments/authorize latency(dist=fixed, ms=35000) first_n=3"
        in again["markdown"].read_text()
    )
