"""The HTML report: self-contained, every check shown, one embedded PNG per plot drawn."""

from __future__ import annotations

import base64
import dataclasses
import html
import re

import pytest

from reports.html import write_html
from tests.helpers.light_import import loaded_after

IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//)|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def page(tmp_path_factory, records) -> str:
    out = tmp_path_factory.mktemp("html")
    path = write_html(records, out)
    assert path == out / "index.html"
    return path.read_text(encoding="utf-8")


def sections(page: str) -> dict[str, str]:
    parts = re.split(r'<section class="scenario[^"]*" id="s-', page)[1:]
    return {part.split('"', 1)[0]: part for part in parts}


def test_titles_and_every_check(page, records):
    for record in records:
        assert html.escape(record.title) in page
        for check in record.checks:
            assert html.escape(check.name) in page, check.name
            assert html.escape(check.detail) in page, check.detail
    assert page.count('class="holds bad"') == 1  # the one failing probe, once for both replications
    assert "(0/2)" in page


def test_the_first_screen_says_what_failed_and_why_before_any_table(page):
    before_tables = page.split("<table", 1)[0]
    block = before_tables.split('<section class="failures" id="what-failed">', 1)[1].split("</section>", 1)[0]
    assert '<a href="#s-blackout">IoT goes dark</a>' in block and "calm" not in block
    failures = re.findall(r"<li>(.*?)</li>", block)
    # The observed value, the bound and the probe's name, for each run it failed in.
    assert failures == [
        "r0: purchases.requested = 111, wanted &lt;= 0 (the outage stops every purchase)",
        "r1: purchases.requested = 97, wanted &lt;= 0 (the outage stops every purchase)",
    ]
    assert "Faults: iot 0:15:00\u20130:35:00: error(rate=1, status=503)" in block
    leading = re.search(r"Leading metrics: ([^<]*)</div>", block).group(1)
    assert leading.startswith("purchases.activation_failed = 25.5, ")  # an outcome that moved comes first


def test_a_passing_report_has_no_failure_block(tmp_path, calm):
    assert 'class="failures"' not in write_html(calm, tmp_path).read_text()


def test_summary_table_links_every_scenario(page):
    summary = page.split('<table class="summary">', 1)[1].split("</table>", 1)[0]
    assert '<a href="#s-calm">A calm hour</a>' in summary
    assert '<a href="#s-blackout">IoT goes dark</a>' in summary
    assert summary.count(">FAIL<") == 1 and summary.count(">PASS<") == 1


def test_every_plot_is_an_embedded_png(page):
    by_scenario = sections(page)
    assert set(by_scenario) == {"calm", "blackout"}
    # The outage draws all six plots, and over time its three systems and its purchases; the calm hour
    # has no breaker or queue to draw, and calls four systems (no order is registered within the hour).
    assert len(IMG.findall(by_scenario["blackout"])) == 6 + 4
    assert len(IMG.findall(by_scenario["calm"])) == 4 + 5
    assert page.count("<img") == 19
    for data in IMG.findall(page):
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


def test_fault_timeline_and_replication_ranges(page, blackout):
    part = sections(page)["blackout"]
    assert "<code>iot</code></td><td>0:15:00</td><td>0:35:00</td>" in part
    assert "error(rate=1, status=503)" in part
    low, high = sorted(r.metrics["money.at_risk"] for r in blackout)
    assert f"({low:,.0f}\u2013{high:,.0f})" in part


def test_no_external_resources(page):
    assert EXTERNAL.search(page) is None
    assert "<script" not in page and "<link" not in page
    assert EXTERNAL.search('<img src="https://cdn.example/x.png">')  # the pattern itself works


def test_text_from_files_is_escaped(tmp_path, calm):
    record = dataclasses.replace(calm[0], title="<script>alert(1)</script>")
    text = write_html([record], tmp_path).read_text()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_importing_reports_stays_light():
    assert loaded_after("import reports", ["matplotlib", "jinja2"]) == []
