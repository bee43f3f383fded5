"""Renderers of a run's records: JSON, HTML with plots, JUnit XML, Markdown, and terminal tables.

Each renderer reads only a list of frozen records (scenarios.record.RunRecord), never a live run. The
heavy imports (matplotlib, Jinja2) happen inside the HTML renderer, so importing this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reports.html import write_html
from reports.junit import write_junit
from reports.markdown import write_markdown
from reports.record import write_json
from reports.terminal import console, format_cell, render_table
from scenarios.record import RunRecord

__all__ = [
    "console",
    "format_cell",
    "render_table",
    "write_all",
    "write_html",
    "write_json",
    "write_junit",
    "write_markdown",
]


def write_all(records: Sequence[RunRecord], out_dir: Path) -> dict[str, Path]:
    """Write every report form into `out_dir`; return each one's path by form."""
    # The HTML last: it is the slow one, and CI needs the record and the JUnit file even if a plot fails.
    json_path = write_json(records, out_dir)
    junit_path = write_junit(records, out_dir)
    markdown_path = write_markdown(records, out_dir)
    return {
        "json": json_path,
        "html": write_html(records, out_dir),
        "junit": junit_path,
        "markdown": markdown_path,
    }
