"""`write_all` writes the four report forms; the package's public names are pinned."""

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


PUBLIC = [
    "console",
    "format_cell",
    "render_table",
    "write_all",
    "write_html",
    "write_json",
    "write_junit",
    "write_markdown",
]


def test_public_names():
    assert sorted(reports.__all__) == sorted(PUBLIC)
    assert all(hasattr(reports, name) for name in reports.__all__)
