"""`write_all` writes the four report forms."""

from __future__ import annotations

import reports


def test_write_all_writes_every_form(tmp_path, calm):
    paths = reports.write_all(calm, tmp_path / "out")
    assert list(paths) == ["json", "html", "junit", "markdown"]
    assert {k: p.name for k, p in paths.items()} == {
        "json": "report.json",
        "html": "index.html",
        "junit": "junit.xml",
        "markdown": "summary.md",
    }
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    assert (tmp_path / "out" / "calm-r0.json").is_file()
