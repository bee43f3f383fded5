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
    # Each form as its own renderer writes it (the HTML, slow to render twice, by its title).
    alone = tmp_path / "alone"
    for form, write in (
        ("json", reports.write_json),
        ("junit", reports.write_junit),
        ("markdown", reports.write_markdown),
    ):
        assert paths[form].read_bytes() == write(calm, alone).read_bytes(), form
    assert "<title>Scenario report: PASS</title>" in paths["html"].read_text()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "calm-r0.json",
        "index.html",
        "junit.xml",
        "report.json",
        "summary.md",
    ]
