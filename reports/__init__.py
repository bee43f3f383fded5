"""Renderers of a run's records: terminal tables now; JSON, HTML and JUnit as the scenario suite grows."""

from reports.terminal import console, format_cell, render_table

__all__ = ["console", "format_cell", "render_table"]
